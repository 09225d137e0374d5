package bridge_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/desk/desktest"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// The helpers bridge/frames' tests share (bridge/desk/desktest).
var (
	newTestDesktop = desktest.New
	code           = desktest.Code
	epoch          = desktest.Epoch
)

func TestBridgeStartCall(t *testing.T) {
	b, sp, _, _ := newTestDesktop()
	id, err := b.StartCall(context.Background(), "", jsval.String("+1 (415) 555-0123"), bridge.Contact())
	if err != nil || id == "" {
		t.Fatalf("StartCall = %q, %v", id, err)
	}
	calls := sp.Interactions()
	if len(calls) != 1 || calls[0].InteractionID != id || calls[0].PhoneNumber != "+14155550123" ||
		calls[0].State != desk.StateDeliveryPending || calls[0].AssociatedObjects.List[0].DisplayName != "Ada Lovelace" {
		t.Fatalf("interactions: %+v", calls)
	}
	id2, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
	if err != nil || id2 == id {
		t.Fatalf("second call = %q, %v (first %q)", id2, err, id)
	}
	// Bad arguments never reach the desktop.
	if _, err := b.StartCall(context.Background(), "", jsval.String(""), bridge.Contact()); code(err) != bridge.EmptyNumber {
		t.Fatalf("empty: %v", err)
	}
	if _, err := b.StartCall(context.Background(), "", jsval.String("1"), jsval.String("x")); code(err) != bridge.InvalidArgs {
		t.Fatalf("bad object: %v", err)
	}
	if n := len(sp.Interactions()); n != 2 {
		t.Fatalf("%d interactions, want 2", n)
	}
}

type panicky struct{}

func (panicky) StartCall(context.Context, bridge.Call) (string, error) { panic("boom") }

type deaf struct{}

func (deaf) StartCall(context.Context, bridge.Call) (string, error) { select {} }

func TestBridgeContainsPanicsAndDeadDesktops(t *testing.T) {
	b := &bridge.Bridge{Desktop: panicky{}}
	_, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
	if e := bridge.AsError(err); e == nil || e.Code != bridge.UnknownError || e.Message != "the desktop failed: boom" {
		t.Fatalf("panic: %v", err)
	}

	clock := bridge.NewFakeClock(epoch)
	b = &bridge.Bridge{Desktop: deaf{}, Clock: clock, PlacementTimeout: 2 * time.Second}
	done := make(chan error)
	go func() {
		_, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
		done <- err
	}()
	waitTimers(t, clock, 1)
	clock.Advance(2 * time.Second)
	waitTimers(t, clock, 1) // the grace period for a desktop that ignores ctx
	clock.Advance(bridge.GiveUpAfter)
	if err := recv(t, done); err != bridge.ErrTimeout {
		t.Fatalf("dead desktop: %v", err)
	}

	// And the next call, on a working desktop, works.
	b2, _, _, _ := newTestDesktop()
	if id, err := b2.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined); err != nil || id == "" {
		t.Fatalf("next call: %q %v", id, err)
	}
}

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

func TestTimeoutCancelsLatePlacement(t *testing.T) {
	b, sp, clock, rec := newTestDesktop()
	sp.Update(func(s *desk.Settings) { s.Phone = desk.PhoneSlow; s.SlowDialDelay = 8 * time.Second })
	done := make(chan error)
	go func() {
		_, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
		done <- err
	}()
	waitTimers(t, clock, 2) // placement deadline and the slow phone
	clock.Advance(bridge.DefaultPlacementTimeout)
	err := recv(t, done)
	if e := bridge.AsError(err); e.Code != bridge.Timeout || e.Name() != "timeout" || e.Message != "Timeout error" {
		t.Fatalf("err = %v", err)
	}
	clock.Advance(10 * time.Second) // the phone would have started dialling by now
	if n := len(sp.Interactions()); n != 0 || len(rec.Names()) != 0 {
		t.Fatalf("ghost interaction: %v %v", sp.Interactions(), rec.Names())
	}
	// A slow phone within the deadline is fine.
	sp.Update(func(s *desk.Settings) { s.SlowDialDelay = time.Second })
	go func() {
		_, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
		done <- err
	}()
	waitTimers(t, clock, 2)
	clock.Advance(time.Second)
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
}

func TestCallerCancellation(t *testing.T) {
	b, sp, clock, _ := newTestDesktop()
	sp.Update(func(s *desk.Settings) { s.Phone = desk.PhoneDead })
	ctx, cancel := context.WithCancelCause(context.Background())
	done := make(chan error)
	go func() {
		_, err := b.StartCall(ctx, "", jsval.String("100"), jsval.Undefined)
		done <- err
	}()
	waitTimers(t, clock, 1)
	reason := errors.New("AbortError")
	cancel(reason)
	if err := recv(t, done); err != reason {
		t.Fatalf("err = %v", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	b, sp, _, rec := newTestDesktop()
	const n = 200
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id, err := b.StartCall(context.Background(), "", jsval.String(fmt.Sprint(2000+i)), bridge.Contact())
			if err != nil {
				t.Error(err)
			}
			ids <- id
		}(i)
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	var hangUps sync.WaitGroup
	for id := range ids {
		if seen[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seen[id] = true
		hangUps.Add(1)
		go func() { // concurrent with the rest, for the race detector
			defer hangUps.Done()
			if err := sp.HangUp(id); err != nil {
				t.Errorf("hang up %s: %v", id, err)
			}
		}()
	}
	hangUps.Wait()
	calls := sp.Interactions()
	if len(calls) != n || len(seen) != n {
		t.Fatalf("%d interactions, %d ids", len(calls), len(seen))
	}
	for _, c := range calls {
		if !seen[c.InteractionID] || c.State != desk.StateWrapUp {
			t.Fatalf("interaction %s in %s, want a placed call in wrap_up", c.InteractionID, c.State)
		}
	}
	// Each call was announced once.
	news := 0
	for _, name := range rec.Names() {
		if strings.HasPrefix(name, desk.OnNewInteraction) {
			news++
		}
	}
	if news != n {
		t.Fatalf("%d ON_NEW_INTERACTION for %d calls", news, n)
	}
}

// A desktop whose config could not be used refuses every call, naming
// the problem, however the call comes.
func TestBridgeRefusesWithoutAValidConfig(t *testing.T) {
	b, sp, _, _ := newTestDesktop()
	_, err := config.Parse([]byte(`{"dialPolicy": {"Deny": ["+1900"]}}`))
	b.Refuse = config.Unusable(err.Error())
	for _, n := range []string{"+19005550123", "100"} {
		_, err := b.StartCall(context.Background(), "", jsval.String(n), jsval.Undefined)
		if e := bridge.AsError(err); e == nil || e.Code != bridge.UnknownError || !strings.Contains(e.Message, `unknown key "Deny"`) || !strings.Contains(e.Message, "places no call") {
			t.Fatalf("%s: %v", n, err)
		}
	}
	sp.SetDialpad("100")
	call, _ := sp.DialpadCall()
	if _, err := b.Place(context.Background(), call); code(err) != bridge.UnknownError {
		t.Fatal(err)
	}
	if len(sp.Interactions()) != 0 {
		t.Fatal("dialled")
	}
}
