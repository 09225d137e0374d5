// Package testwait is how tests of several packages wait for a value that
// should come: a bug that loses it fails the test, saying so, instead of
// hanging it until go test's timeout.
package testwait

import (
	"testing"
	"time"
)

// Bound is how long Recv waits. It only keeps a lost value from hanging
// the test; it is no measure of speed (make bench measures that).
const Bound = 30 * time.Second

// Recv is the next value on ch; the test fails if none comes within Bound.
func Recv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(Bound):
		t.Fatalf("nothing came on a %T within %v", ch, Bound)
		panic("unreachable")
	}
}

// None fails the test if a value is waiting on ch now: what should not
// have come (what names it, and the value is shown).
func None[T any](t testing.TB, ch <-chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("%s: %+v", what, v)
	default:
	}
}
