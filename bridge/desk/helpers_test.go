package desk

import (
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

var epoch = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// recorder collects events, for tests.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) emit(e Event) {
	if e.Name == OnDesktopChange {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.String())
	}
	return out
}

// newTestDesktop is a Bridge driving a reference softphone on a test clock.
func newTestDesktop() (*bridge.Bridge, *Softphone, *bridge.FakeClock, *recorder) {
	clock := bridge.NewFakeClock(epoch)
	rec := &recorder{}
	sp := NewSoftphone(clock, rec.emit)
	return &bridge.Bridge{Desktop: sp, Clock: clock}, sp, clock, rec
}

func code(err error) bridge.Code {
	if err == nil {
		return 0
	}
	return bridge.AsError(err).Code
}

// contact is the documented example's initialObject, with extra fields.
func contact(extra ...any) jsval.Value {
	kv := []any{"id", "c-1", "type", "contact", "displayName", "Ada Lovelace", "displayType", "Contact"}
	return jsval.Object(append(kv, extra...)...)
}
