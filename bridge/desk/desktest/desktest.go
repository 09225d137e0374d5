// Package desktest is what tests outside bridge/desk share to drive a
// Bridge with a reference softphone on a test clock, and to read the
// events it sent. (bridge/desk's own tests keep theirs: this package
// imports desk.)
package desktest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Epoch is when a test clock starts.
var Epoch = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// Recorder collects a desktop's events, but the panel's DESKTOP_CHANGE.
type Recorder struct {
	mu     sync.Mutex
	events []desk.Event
}

// Emit is the desktop's emit.
func (r *Recorder) Emit(e desk.Event) {
	if e.Name == desk.OnDesktopChange {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// Events are the events so far.
func (r *Recorder) Events() []desk.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]desk.Event(nil), r.events...)
}

// Names are the events so far, each as its String.
func (r *Recorder) Names() []string {
	var out []string
	for _, e := range r.Events() {
		out = append(out, e.String())
	}
	return out
}

// New is a Bridge driving a reference softphone (DefaultSettings) on a
// test clock starting at Epoch, and the softphone's events.
func New() (*bridge.Bridge, *desk.Softphone, *bridge.FakeClock, *Recorder) {
	clock := bridge.NewFakeClock(Epoch)
	rec := &Recorder{}
	sp := desk.NewSoftphone(clock, rec.Emit)
	return &bridge.Bridge{Desktop: sp, Clock: clock}, sp, clock, rec
}

// Code is err's code, 0 for none.
func Code(err error) bridge.Code {
	if err == nil {
		return 0
	}
	return bridge.AsError(err).Code
}

// WantErr checks an error's code and that its message contains msg.
func WantErr(t testing.TB, what string, err error, c bridge.Code, msg string) {
	t.Helper()
	if Code(err) != c || err != nil && !strings.Contains(bridge.AsError(err).Message, msg) {
		t.Fatalf("%s: err = %v, want code %d containing %q", what, err, c, msg)
	}
}

// Desk is New with the softphone answering at once (AnswerDelay 0).
func Desk(t testing.TB) (*bridge.Bridge, *desk.Softphone, *bridge.FakeClock, *Recorder) {
	b, sp, clock, rec := New()
	sp.Update(func(s *desk.Settings) { s.AnswerDelay = 0 })
	return b, sp, clock, rec
}

// Call starts a call to number through b and is its id; an error fails t.
func Call(t testing.TB, b *bridge.Bridge, number string) string {
	t.Helper()
	id, err := b.StartCall(context.Background(), "", jsval.String(number), jsval.Undefined)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
