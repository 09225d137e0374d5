package frames

import (
	"fmt"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/internal/testwait"
)

// Finding 3: messages from origins that are not allowed change nothing,
// and an allowed origin's peers are never pushed out by another origin's
// windows.
func TestDesktopEndWhoMayChangeState(t *testing.T) {
	b, _, _, _ := newTestDesktop()
	w := &wire{}
	const crm, other = "https://crm.example", "https://other.example"
	d := NewDesktopEnd(b, []string{crm, other}, w.sendTo)
	var notes []string
	d.Note = func(_ bool, s string) { notes = append(notes, s) }
	hi := decodeJSON(t, `{"uid":"h","type":"hi","params":["k"]}`)
	d.Receive(crm, 1, hi)
	notes = nil
	// A flood from windows of an origin that is not allowed: hi, calls,
	// junk. No peer, no log line.
	for i := 0; i < 1000; i++ {
		d.Receive("https://evil.example", PeerID(100+i), hi)
		d.Receive("https://evil.example", PeerID(100+i), decodeJSON(t, fmt.Sprintf(`{"uid":"u%d","type":"START_CALL","params":["100"]}`, i)))
		d.Receive("null", PeerID(100+i), hi)
	}
	if got := d.Peers(); len(got) != 1 || got[0] != crm {
		t.Fatalf("peers %v", got)
	}
	if len(notes) != 0 {
		t.Fatalf("a refused origin wrote %d log lines, e.g. %q", len(notes), notes[0])
	}
	// Many windows of another allowed origin: its own oldest go, never
	// the CRM's window.
	for i := 0; i < 100; i++ {
		d.Receive(other, PeerID(2000+i), hi)
	}
	peers := d.Peers()
	n := 0
	for _, o := range peers {
		if o == other {
			n++
		}
	}
	if peers[0] != crm || n != maxPeers {
		t.Fatalf("peers %v", peers)
	}
	// The CRM's window still gets its calls served and events.
	before := len(w.all())
	d.Receive(crm, 1, decodeJSON(t, `{"uid":"c1","type":"START_CALL","params":["100"]}`))
	got := w.all()[before:]
	if len(got) != 1 || got[0].Params.(bridge.OperationResult).Status != "success" {
		t.Fatalf("the CRM's call: %+v", got)
	}
}

// Finding 6: the desktop never acts on a request past its deadline (the
// client has told its widget the call failed), whatever its type, and
// holds a bounded number of requests.
func TestStaleRequestsAreNeverActedOn(t *testing.T) {
	b, sp, clock, _ := newTestDesktop()
	w := &wire{}
	const crm = "https://crm.example"
	d := NewDesktopEnd(b, []string{crm}, w.sendTo)
	d.Receive(crm, 1, decodeJSON(t, `{"uid":"h","type":"hi","params":["k"]}`))
	req := func(uid, typ string, deadline time.Time, params string) {
		d.Receive(crm, 1, decodeJSON(t, fmt.Sprintf(`{"uid":%q,"type":%q,"deadline":%d,"params":%s}`, uid, typ, deadline.UnixMilli(), params)))
	}
	last := func() OutMessage { all := w.all(); return all[len(all)-1] }
	now := clock.Now()
	// Arrived after its deadline, or too close to it to answer in time.
	for i, dl := range []time.Duration{-time.Minute, -time.Millisecond, 0, StaleMargin / 2} {
		for _, typ := range []string{MsgStartCall, "GET_WEATHER"} {
			uid := fmt.Sprint(typ, i)
			req(uid, typ, now.Add(dl), `["100"]`)
			if m := last(); m.UID != uid || m.Params.(bridge.OperationResult).Error == nil || m.Params.(bridge.OperationResult).Error.Code != bridge.APINotAnswer {
				t.Fatalf("%s %v: %+v", typ, dl, m)
			}
		}
	}
	if n := len(sp.Interactions()); n != 0 {
		t.Fatalf("%d stale calls dialled", n)
	}
	// In time: served.
	req("ok", MsgStartCall, now.Add(3*time.Second), `["100"]`)
	if m := last(); m.Params.(bridge.OperationResult).Status != "success" {
		t.Fatalf("%+v", m)
	}
	// A slow phone: the deadline comes before dialling does; nothing is
	// dialled after it, and the answer says why.
	sp.Update(func(s *desk.Settings) { s.Phone = desk.PhoneSlow; s.SlowDialDelay = 4 * time.Second })
	w.ch = make(chan OutMessage, 4)
	req("slow", MsgStartCall, now.Add(3*time.Second), `["101"]`)
	clock.WaitTimers(2) // the deadline's timer and the slow phone's
	go clock.Advance(10 * time.Second)
	select {
	case m := <-w.ch:
		if m.UID != "slow" || m.Params.(bridge.OperationResult).Error == nil || m.Params.(bridge.OperationResult).Error.Code != bridge.APINotAnswer {
			t.Fatalf("%+v", m)
		}
	case <-time.After(testwait.Bound): // a safety net, not a measure
		t.Fatal("no answer to the slow call")
	}
	w.ch = nil
	if got := sp.Interactions(); len(got) != 1 || got[0].PhoneNumber != "100" {
		t.Fatalf("dialled %+v", got)
	}
	// A deadline that is not a number: invalid_request.
	d.Receive(crm, 1, decodeJSON(t, `{"uid":"bad","type":"START_CALL","deadline":"soon","params":["100"]}`))
	if e := last().Params.(bridge.OperationResult).Error; e == nil || e.Code != bridge.InvalidRequest || e.Message != "deadline: want epoch milliseconds, got string" {
		t.Fatalf("%+v", last())
	}
}

// The client stamps every request with the time it will give up, and a
// request that reaches the desktop after that is not dialled: a widget
// told api_not_answer never sees the call placed (nor places it twice by
// retrying).
func TestClientDeadlineAcrossTheWire(t *testing.T) {
	b, sp, clock, _ := newTestDesktop()
	var toDesktop []OutMessage
	c := NewClient(clock, "k", func(m OutMessage) { toDesktop = append(toDesktop, m) }, nil)
	var answers []OutMessage
	d := NewDesktopEnd(b, []string{"https://crm.example"}, func(_ PeerID, _ string, m OutMessage) { answers = append(answers, m) })
	c.Receive(Message{Type: MsgHello, Params: []jsval.Value{jsval.ValueOf(map[string]any{"placementTimeoutMs": 1500.0})}})
	s := &settled{}
	c.StartCall(bridge.Call{PhoneNumber: "100"}, nil, s.done)
	sent := toDesktop[len(toDesktop)-1]
	if want := clock.Now().Add(1500*time.Millisecond + AnswerGrace).UnixMilli(); sent.Deadline != want {
		t.Fatalf("deadline %d, want %d", sent.Deadline, want)
	}
	// The desktop is busy (a flood): the request waits in its queue until
	// the client has given up.
	clock.Advance(1500*time.Millisecond + AnswerGrace)
	if s.n() != 1 || code(s.err[0]) != bridge.APINotAnswer {
		t.Fatalf("client: %v", s.err)
	}
	for _, m := range toDesktop {
		d.Receive("https://crm.example", 1, decodeJSON(t, string(jsonw.Append(nil, m))))
	}
	if n := len(sp.Interactions()); n != 0 {
		t.Fatalf("dialled a call its widget was told failed")
	}
}
