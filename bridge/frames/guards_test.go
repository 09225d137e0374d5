package frames

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Guards the README promises, each tested where a planted defect
// survived before: panics on the usual (TryStartCall) path, a repeated
// idempotency key while the first call still dials, and, across frames,
// the origin a call is charged to (rate limit, idempotency) and the
// cancel message of an AbortSignal.
// crossFrame is a desktop end serving two CRM origins, recording what it
// posts by uid.
type crossFrame struct {
	b     *bridge.Bridge
	sp    *desk.Softphone
	clock *bridge.FakeClock
	d     *DesktopEnd
	mu    sync.Mutex
	got   map[string][]bridge.OperationResult
	ch    chan string // uids as they are answered
}

func newCrossFrame(t *testing.T, policy bridge.DialPolicy) *crossFrame {
	t.Helper()
	b, sp, clock, _ := newTestDesktop()
	b.Policy = policy
	f := &crossFrame{b: b, sp: sp, clock: clock, got: map[string][]bridge.OperationResult{}, ch: make(chan string, 64)}
	f.d = NewDesktopEnd(b, []string{"https://a.example", "https://b.example"}, func(_ PeerID, _ string, m OutMessage) {
		r, ok := m.Params.(bridge.OperationResult)
		if !ok {
			return // an event
		}
		f.mu.Lock()
		f.got[m.UID] = append(f.got[m.UID], r)
		f.mu.Unlock()
		f.ch <- m.UID
	})
	f.d.Receive("https://a.example", 1, jsval.ValueOf(map[string]any{"uid": "hi-a", "type": "hi", "params": []any{"a"}}))
	f.d.Receive("https://b.example", 2, jsval.ValueOf(map[string]any{"uid": "hi-b", "type": "hi", "params": []any{"b"}}))
	return f
}

func (f *crossFrame) send(origin string, uid string, params ...any) {
	peer := PeerID(1)
	if origin == "https://b.example" {
		peer = 2
	}
	f.d.Receive(origin, peer, jsval.ValueOf(map[string]any{"uid": uid, "type": MsgStartCall, "params": params}))
}

// answer waits for the answer to uid.
func (f *crossFrame) answer(t *testing.T, uid string) bridge.OperationResult {
	t.Helper()
	for {
		f.mu.Lock()
		rs := f.got[uid]
		f.mu.Unlock()
		if len(rs) > 1 {
			t.Fatalf("%s answered %d times", uid, len(rs))
		}
		if len(rs) == 1 {
			return rs[0]
		}
		select {
		case <-f.ch:
		case <-time.After(time.Minute):
			t.Fatalf("%s never answered", uid)
		}
	}
}

func TestCrossFrameCancel(t *testing.T) {
	f := newCrossFrame(t, bridge.DialPolicy{})
	f.sp.Update(func(s *desk.Settings) { s.Phone = desk.PhoneSlow; s.SlowDialDelay = time.Second })
	f.send("https://a.example", "c1", "100", nil)
	f.send("https://a.example", "c2", "101", nil)
	waitTimers(t, f.clock, 4) // two calls: a deadline and a slow phone each
	// b cannot cancel a's call by naming its uid; a can.
	f.d.Receive("https://b.example", 2, jsval.ValueOf(map[string]any{"uid": "x1", "type": MsgCancelStartCall, "params": []any{"c2"}}))
	f.d.Receive("https://a.example", 1, jsval.ValueOf(map[string]any{"uid": "x2", "type": MsgCancelStartCall, "params": []any{"c1"}}))
	r := f.answer(t, "c1")
	if r.Error == nil || r.Error.Code != ErrAborted.Code || r.Error.Message != "aborted by the caller" {
		t.Fatalf("cancelled call: %+v", r)
	}
	f.clock.Advance(time.Second) // the slow phone would have dialled both
	if r := f.answer(t, "c2"); r.Status != "success" {
		t.Fatalf("the other call: %+v", r.Error)
	}
	is := f.sp.Interactions()
	if len(is) != 1 || is[0].PhoneNumber != "101" {
		t.Fatalf("placed %+v, want only 101", is)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.got["x1"])+len(f.got["x2"]) != 0 {
		t.Fatal("a cancel was answered")
	}
}

// TestClientHonoursHelloPlacementTimeout: a sent call with no answer
// settles the desktop's placement deadline (from hello) plus the grace,
// not the default's.
func TestClientHonoursHelloPlacementTimeout(t *testing.T) {
	for _, ms := range []float64{1500, 9000} {
		clock := bridge.NewFakeClock(epoch)
		c := NewClient(clock, "", (&wire{}).send, nil)
		s := &settled{}
		c.Receive(Message{Type: MsgHello, Params: []jsval.Value{jsval.Object("placementTimeoutMs", ms)}})
		call, _ := bridge.ParseCall(jsval.String("100"), jsval.Undefined)
		c.StartCall(call, nil, s.done)
		wait := time.Duration(ms)*time.Millisecond + AnswerGrace
		clock.Advance(wait - time.Millisecond)
		if s.n() != 0 {
			t.Fatalf("placementTimeoutMs %v: settled before %v: %v", ms, wait, s.err)
		}
		clock.Advance(time.Millisecond)
		if s.n() != 1 || code(s.err[0]) != bridge.APINotAnswer {
			t.Fatalf("placementTimeoutMs %v: not settled at %v: %v", ms, wait, s.err)
		}
	}
}

// TestClientCancel: an AbortSignal on the CRM page drops a queued call
// (never sent) and asks the desktop to drop a sent one, naming its uid.
func TestClientCancel(t *testing.T) {
	clock := bridge.NewFakeClock(epoch)
	w := &wire{}
	c := NewClient(clock, "", w.send, nil)
	s := &settled{}
	call, _ := bridge.ParseCall(jsval.String("100"), jsval.Undefined)
	queued := c.StartCall(call, nil, s.done)
	c.Cancel(queued, ErrAborted)
	c.Receive(Message{Type: MsgHello})
	for _, m := range w.all() {
		if m.UID == queued {
			t.Fatal("a cancelled call was sent")
		}
	}
	sent := c.StartCall(call, nil, s.done)
	c.Cancel(sent, ErrAborted)
	all := w.all()
	last := all[len(all)-1]
	if last.Type != MsgCancelStartCall || !reflect.DeepEqual(last.Params, []any{sent}) {
		t.Fatalf("last sent %+v, want CANCEL_START_CALL [%s]", last, sent)
	}
	// A late answer changes nothing: each call settled once, aborted.
	c.Receive(asReceived(t, OutMessage{UID: sent, Type: MsgStartCallResponse, Params: bridge.ResultOf("ia-1", nil)}))
	if s.n() != 2 || s.err[0] != ErrAborted || s.err[1] != ErrAborted || clock.Pending() != 0 {
		t.Fatalf("settled %v %v, %d timers", s.ids, s.err, clock.Pending())
	}
}

func TestCrossFrameCallsAreChargedToTheirOrigin(t *testing.T) {
	f := newCrossFrame(t, bridge.DialPolicy{MaxCallsPerMinute: 2, AllowServiceCodes: true})
	// The rate limit counts a's calls as a's: its third call in a minute is
	// refused, naming it; b and the desktop page itself are not held back.
	for i, uid := range []string{"a1", "a2", "a3"} {
		f.send("https://a.example", uid, "+1415555010"+string(rune('0'+i)), nil)
		r := f.answer(t, uid)
		if i < 2 && r.Status != "success" {
			t.Fatalf("%s: %+v", uid, r)
		}
		if i == 2 && (r.Error == nil || r.Error.Code != bridge.NotEnoughPrivileges || r.Error.Message != "dial policy: more than 2 calls a minute from https://a.example") {
			t.Fatalf("a's third call: %+v", r)
		}
	}
	f.send("https://b.example", "b1", "+14155550110", nil)
	if r := f.answer(t, "b1"); r.Status != "success" {
		t.Fatalf("b held back by a's calls: %+v", r.Error)
	}
	if _, err := f.b.StartCall(context.Background(), "", jsval.String("+14155550111"), jsval.Undefined); err != nil {
		t.Fatalf("the desktop page held back by a's calls: %v", err)
	}

	// Idempotency keys are per origin across frames too: a's repeat gets
	// a's first call; b's same key is b's own call.
	g := newCrossFrame(t, bridge.DialPolicy{})
	opts := map[string]any{"idempotencyKey": "click-1"}
	g.send("https://a.example", "k1", "100", nil, opts)
	g.send("https://a.example", "k2", "100", nil, opts)
	g.send("https://b.example", "k3", "100", nil, opts)
	first, again, other := g.answer(t, "k1"), g.answer(t, "k2"), g.answer(t, "k3")
	if first.Data.ID == nil || again.Data.ID == nil || other.Data.ID == nil || *again.Data.ID != *first.Data.ID || *other.Data.ID == *first.Data.ID {
		t.Fatalf("ids %v %v %v: want a's repeat to be a's call, b's its own", first.Data, again.Data, other.Data)
	}
	if _, err := g.b.PlaceOnce(context.Background(), "click-1", bridge.Call{PhoneNumber: "100", Origination: bridge.ByAPI}); err != nil {
		t.Fatal(err)
	}
	if n := len(g.sp.Interactions()); n != 3 {
		t.Fatalf("%d calls, want a's, b's and the desktop page's own", n)
	}
}

// TestCrossFramePanicIsAnswered: a panic while a cross-frame call starts
// (before the bridge's own recovers) is answered at once, unknown_error,
// once; the next call works.
func TestCrossFramePanicIsAnswered(t *testing.T) {
	f := newCrossFrame(t, bridge.DialPolicy{})
	faults := desk.NewFaults(f.sp)
	f.b.Desktop = faults
	for _, where := range []string{desk.PanicCheck, desk.PanicDial} {
		must(t, faults.PanicAt(where))
		f.send("https://a.example", "p-"+where, "100", nil)
		r := f.answer(t, "p-"+where)
		if r.Error == nil || r.Error.Code != bridge.UnknownError || !strings.HasSuffix(r.Error.Message, "failed: test: the reference softphone panics ("+where+")") {
			t.Fatalf("panic in %s: %+v", where, r)
		}
	}
	must(t, faults.PanicAt(""))
	f.send("https://a.example", "ok", "100", nil)
	if r := f.answer(t, "ok"); r.Status != "success" {
		t.Fatalf("next call: %+v", r.Error)
	}
}
