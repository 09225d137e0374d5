package frames

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/desk/desktest"
)

// Test helpers, as bridge's tests have them (bridge/desk/desktest).

var (
	newTestDesktop = desktest.New
	code           = desktest.Code
	epoch          = desktest.Epoch
)

// waitTimers waits until the clock holds n timers: the goroutine under
// test has reached its wait.
func waitTimers(t *testing.T, c *bridge.FakeClock, n int) {
	t.Helper()
	done := make(chan struct{})
	go func() { c.WaitTimers(n); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute): // a bug, not a race: fail rather than hang
		t.Fatalf("never reached %d timers", n)
	}
}

// wantErr checks an error's code and that its message contains msg.
func wantErr(t *testing.T, what string, err error, c bridge.Code, msg string) {
	t.Helper()
	if code(err) != c || err != nil && !strings.Contains(bridge.AsError(err).Message, msg) {
		t.Fatalf("%s: err = %v, want code %d containing %q", what, err, c, msg)
	}
}

// testDesk is a desktop with a call in a given state.
func testDesk(t *testing.T) (*bridge.Bridge, *desk.Softphone, *bridge.FakeClock, *desktest.Recorder) {
	b, sp, clock, rec := newTestDesktop()
	sp.Update(func(s *desk.Settings) { s.AnswerDelay = 0 })
	return b, sp, clock, rec
}

func call(t *testing.T, b *bridge.Bridge, number string) string {
	t.Helper()
	id, err := b.StartCall(context.Background(), "", bridge.String(number), bridge.Undefined)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func contact(extra ...any) bridge.Value {
	kv := []any{"id", "c-1", "type", "contact", "displayName", "Ada Lovelace", "displayType", "Contact"}
	return bridge.Object(append(kv, extra...)...)
}

// placed is a placement's outcome.
type placed struct {
	id  string
	err error
}
