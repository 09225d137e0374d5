package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/internal/testwait"
)

// Guards the README promises, each tested where a planted defect
// survived before: panics on the usual (TryStartCall) path, a repeated
// idempotency key while the first call still dials, and, across frames,
// the origin a call is charged to (rate limit, idempotency) and the
// cancel message of an AbortSignal.
// panickyTrier panics on the usual path; asked to wait instead, it would
// place the call, which a failed call must not do.
type panickyTrier struct{}

func (panickyTrier) TryStartCall(bridge.Call) (string, error, func(context.Context) (string, error)) {
	panic("boom")
}

func (panickyTrier) StartCall(context.Context, bridge.Call) (string, error) {
	return "ia-placed-anyway", nil
}

func TestPanicOnTheUsualPathIsContained(t *testing.T) {
	b := &bridge.Bridge{Desktop: panickyTrier{}}
	_, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
	if e := bridge.AsError(err); e == nil || e.Code != bridge.UnknownError || e.Message != "the desktop failed: boom" {
		t.Fatalf("panic in TryStartCall: %v", err)
	}

	// The reference softphone told to panic when placing: on the usual
	// path (a healthy phone answers at once) and on the waiting one (a
	// slow phone), the call fails alone and the next one works.
	b, sp, _, _ := newTestDesktop()
	faults := desk.NewFaults(sp)
	b.Desktop = faults
	if err := faults.PanicAt(desk.PanicDial); err != nil {
		t.Fatal(err)
	}
	_, err = b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
	if e := bridge.AsError(err); e == nil || e.Code != bridge.UnknownError || e.Message != "the desktop failed: test: the reference softphone panics (dial)" {
		t.Fatalf("healthy phone, panicking: %v", err)
	}
	sp.Update(func(s *desk.Settings) { s.Phone = desk.PhoneSlow; s.SlowDialDelay = time.Second })
	done := make(chan error, 1)
	go func() {
		_, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
		done <- err
	}()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("a panicking slow phone never answered")
	}
	if e := bridge.AsError(err); e == nil || e.Code != bridge.UnknownError || e.Message != "the desktop failed: test: the reference softphone panics (dial)" {
		t.Fatalf("slow phone, panicking: %v", err)
	}
	sp.Update(func(s *desk.Settings) { s.Phone = desk.PhoneHealthy })
	if err := faults.PanicAt(""); err != nil {
		t.Fatal(err)
	}
	if id, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined); err != nil || id == "" {
		t.Fatalf("next call: %q %v", id, err)
	}
	if n := len(sp.Interactions()); n != 1 {
		t.Fatalf("%d interactions, want the last call only", n)
	}
}

func TestRepeatedKeyWhileTheFirstCallDials(t *testing.T) {
	b, sp, clock, _ := newTestDesktop()
	sp.Update(func(s *desk.Settings) { s.Phone = desk.PhoneSlow; s.SlowDialDelay = time.Second })
	call, _ := bridge.ParseCall(jsval.String("100"), jsval.Undefined)
	call.Origin = "https://crm.example"
	_, _, wait1 := b.Start(context.Background(), "k", call)
	_, _, wait2 := b.Start(context.Background(), "k", call) // a double click, the first still dialling
	if wait1 == nil || wait2 == nil {
		t.Fatal("a slow phone answered at once")
	}
	type res struct {
		id  string
		err error
	}
	out := make(chan res, 2)
	for _, w := range []func() (string, error){wait1, wait2} {
		go func() {
			id, err := w()
			out <- res{id, err}
		}()
	}
	waitTimers(t, clock, 2) // the placement deadline and the slow phone: one call dialling
	clock.Advance(time.Second)
	a, c := <-out, <-out
	if a.err != nil || c.err != nil || a.id == "" || a.id != c.id {
		t.Fatalf("results %+v %+v: want one id for both", a, c)
	}
	if n := len(sp.Interactions()); n != 1 {
		t.Fatalf("%d calls placed for one key", n)
	}
}

// TestNoPlacementAfterTheDeadline: the softphone checks the deadline under
// the lock that creates the interaction, so a dial that starts just as
// the deadline passes (here: already passed) places nothing and leaves no
// ghost interaction behind a "Timeout error".
func TestNoPlacementAfterTheDeadline(t *testing.T) {
	_, sp, _, rec := newTestDesktop()
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(bridge.ErrTimeout)
	call, _ := bridge.ParseCall(jsval.String("100"), jsval.Undefined)
	if id, err := sp.StartCall(ctx, call); err == nil || id != "" {
		t.Fatalf("placed %q, %v after the deadline", id, err)
	}
	if n := len(sp.Interactions()); n != 0 || len(rec.Names()) != 0 {
		t.Fatalf("ghost interaction: %v %v", sp.Interactions(), rec.Names())
	}
}

// recv is testwait.Recv: <-ch, failing the test if nothing comes.
func recv[T any](t testing.TB, ch <-chan T) T { t.Helper(); return testwait.Recv(t, ch) }
