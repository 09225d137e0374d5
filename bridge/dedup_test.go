package bridge

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge/jsval"
)

var epoch = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// dialler is a Desktop that starts every call at once.
type dialler struct{}

func (dialler) StartCall(context.Context, Call) (string, error) { return "ia-1", nil }

// Finding 8: a key whose first call waited past the window was kept
// forever (dropped from the order list, not from the map): the key kept
// its old id, and the map grew without bound.
func TestIdempotencyKeyPendingPastTheWindowIsForgotten(t *testing.T) {
	clock := NewFakeClock(epoch)
	d := newDedup(clock)
	e, first := d.claim("k")
	if !first {
		t.Fatal("not first")
	}
	clock.Advance(IdempotencyWindow + time.Second)
	d.finish("k", e, "old-id", nil) // the first call answers, late
	clock.Advance(time.Hour)
	if e2, first := d.claim("k"); !first || e2 == e {
		t.Fatalf("an hour later the key still answers %q", e2.id)
	}
	// Many keys whose calls never finish: the map does not grow past what
	// the window holds.
	for i := 0; i < 5000; i++ {
		d.claim(fmt.Sprint("p", i))
		clock.Advance(time.Second)
	}
	d.mu.Lock()
	n, o := len(d.entries), len(d.order)
	d.mu.Unlock()
	if n > 61 || o > 2*n+64 {
		t.Fatalf("%d keys held, %d in order", n, o)
	}
	// Keys released by failed calls do not pile up either.
	for i := 0; i < 5000; i++ {
		e, _ := d.claim("fails")
		d.finish("fails", e, "", Errorf(NotSuitableState, "no"))
	}
	d.mu.Lock()
	n, o = len(d.entries), len(d.order)
	d.mu.Unlock()
	if o > 2*n+70 {
		t.Fatalf("%d keys held, %d in order", n, o)
	}
}

func TestDedupIsBounded(t *testing.T) {
	clock := NewFakeClock(epoch)
	b := &Bridge{Desktop: dialler{}, Clock: clock}
	b.init()
	b.dupes.limit = 100 // maxIdempotencyKeys, made small for the test
	call, _ := ParseCall(jsval.String("100"), jsval.Undefined)
	for i := 0; i < b.dupes.limit+50; i++ {
		if _, err := b.PlaceOnce(context.Background(), "key-"+strconv.Itoa(i), call); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(b.dupes.entries); n > b.dupes.limit+1 {
		t.Fatalf("%d keys held", n)
	}
	clock.Advance(IdempotencyWindow)
	b.PlaceOnce(context.Background(), "last", call)
	if n := len(b.dupes.entries); n != 1 {
		t.Fatalf("%d keys held after the window", n)
	}
}
