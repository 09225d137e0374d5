package frames

import (
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk/desktest"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Test helpers, as bridge's tests have them (bridge/desk/desktest).

var (
	newTestDesktop = desktest.New
	code           = desktest.Code
	epoch          = desktest.Epoch
	wantErr        = desktest.WantErr
	testDesk       = desktest.Desk
	call           = desktest.Call
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

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func contact(extra ...any) jsval.Value {
	kv := []any{"id", "c-1", "type", "contact", "displayName", "Ada Lovelace", "displayType", "Contact"}
	return jsval.Object(append(kv, extra...)...)
}

// placed is a placement's outcome.
type placed struct {
	id  string
	err error
}
