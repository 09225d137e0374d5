package bridge

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
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
	if len(got) != 1 || got[0].Params.(OperationResult).Status != "success" {
		t.Fatalf("the CRM's call: %+v", got)
	}
}

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
			if m := last(); m.UID != uid || m.Params.(OperationResult).Error == nil || m.Params.(OperationResult).Error.Code != APINotAnswer {
				t.Fatalf("%s %v: %+v", typ, dl, m)
			}
		}
	}
	if n := len(sp.Interactions()); n != 0 {
		t.Fatalf("%d stale calls dialled", n)
	}
	// In time: served.
	req("ok", MsgStartCall, now.Add(3*time.Second), `["100"]`)
	if m := last(); m.Params.(OperationResult).Status != "success" {
		t.Fatalf("%+v", m)
	}
	// A slow phone: the deadline comes before dialling does; nothing is
	// dialled after it, and the answer says why.
	sp.Update(func(s *Settings) { s.Phone = PhoneSlow; s.SlowDialDelay = 4 * time.Second })
	w.ch = make(chan OutMessage, 4)
	req("slow", MsgStartCall, now.Add(3*time.Second), `["101"]`)
	clock.WaitTimers(2) // the deadline's timer and the slow phone's
	go clock.Advance(10 * time.Second)
	select {
	case m := <-w.ch:
		if m.UID != "slow" || m.Params.(OperationResult).Error == nil || m.Params.(OperationResult).Error.Code != APINotAnswer {
			t.Fatalf("%+v", m)
		}
	case <-time.After(10 * time.Second): // a safety net, not a measure
		t.Fatal("no answer to the slow call")
	}
	w.ch = nil
	if got := sp.Interactions(); len(got) != 1 || got[0].PhoneNumber != "100" {
		t.Fatalf("dialled %+v", got)
	}
	// A deadline that is not a number: invalid_request.
	d.Receive(crm, 1, decodeJSON(t, `{"uid":"bad","type":"START_CALL","deadline":"soon","params":["100"]}`))
	if e := last().Params.(OperationResult).Error; e == nil || e.Code != InvalidRequest || e.Message != "deadline: want epoch milliseconds, got string" {
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
	c.Receive(Message{Type: MsgHello, Params: []Value{ValueOf(map[string]any{"placementTimeoutMs": 1500.0})}})
	s := &settled{}
	c.StartCall(Call{PhoneNumber: "100"}, nil, s.done)
	sent := toDesktop[len(toDesktop)-1]
	if want := clock.Now().Add(1500*time.Millisecond + AnswerGrace).UnixMilli(); sent.Deadline != want {
		t.Fatalf("deadline %d, want %d", sent.Deadline, want)
	}
	// The desktop is busy (a flood): the request waits in its queue until
	// the client has given up.
	clock.Advance(1500*time.Millisecond + AnswerGrace)
	if s.n() != 1 || code(s.err[0]) != APINotAnswer {
		t.Fatalf("client: %v", s.err)
	}
	for _, m := range toDesktop {
		d.Receive("https://crm.example", 1, decodeJSON(t, string(AppendJSON(nil, m))))
	}
	if n := len(sp.Interactions()); n != 0 {
		t.Fatalf("dialled a call its widget was told failed")
	}
}

// lockedStore is a MemoryStore several documents (Bridges) share.
type lockedStore struct {
	mu sync.Mutex
	m  MemoryStore
}

func (s *lockedStore) Load(k string) (string, bool) { s.mu.Lock(); defer s.mu.Unlock(); return s.m.Load(k) }
func (s *lockedStore) Save(k, v string)             { s.mu.Lock(); defer s.mu.Unlock(); s.m.Save(k, v) }

// Finding 7: the rate limit and idempotency keys held per document, so a
// new frame or a reload started from zero. Documents sharing a Store
// (localStorage) share them.
func TestGuardsHoldAcrossDocuments(t *testing.T) {
	clock := NewFakeClock(epoch)
	store := &lockedStore{m: MemoryStore{}}
	doc := func() (*Bridge, *Softphone) {
		sp := NewSoftphone(clock, nil)
		sp.Update(func(s *Settings) { s.AnswerDelay = 0 }) // no timers but the ones counted below
		return &Bridge{Desktop: sp, Clock: clock, Store: store, Policy: DialPolicy{MaxCallsPerMinute: 3}}, sp
	}
	const crm = "https://crm.example"
	a, spA := doc()
	for i := 0; i < 3; i++ {
		if _, err := a.StartCall(context.Background(), crm, String("100"), Undefined); err != nil {
			t.Fatal(err)
		}
	}
	b, spB := doc() // a second frame, or the first reloaded
	if _, err := b.StartCall(context.Background(), crm, String("100"), Undefined); code(err) != NotEnoughPrivileges {
		t.Fatalf("4th call in a minute from a new document: %v", err)
	}
	if _, err := b.StartCall(context.Background(), "https://other.example", String("100"), Undefined); err != nil {
		t.Fatalf("another origin: %v", err)
	}
	clock.Advance(time.Minute)
	// An idempotency key answered in one document is answered in the
	// next, which dials nothing.
	id, err := a.PlaceOnce(context.Background(), "k1", Call{PhoneNumber: "101", Origin: crm})
	if err != nil {
		t.Fatal(err)
	}
	c, spC := doc()
	if id2, err := c.PlaceOnce(context.Background(), "k1", Call{PhoneNumber: "101", Origin: crm}); err != nil || id2 != id {
		t.Fatalf("repeat in another document: %q %v, want %q", id2, err, id)
	}
	if len(spC.Interactions()) != 0 {
		t.Fatal("the repeat dialled")
	}
	// Another origin's key of the same name is its own.
	if id3, err := c.PlaceOnce(context.Background(), "k1", Call{PhoneNumber: "101", Origin: "https://other.example"}); err != nil || id3 == id {
		t.Fatalf("%q %v", id3, err)
	}
	// A first call still dialling in one document: the repeat in another
	// waits for its answer.
	spA.Update(func(s *Settings) { s.Phone = PhoneSlow; s.SlowDialDelay = time.Second })
	first := make(chan string, 1)
	go func() {
		id, _ := a.PlaceOnce(context.Background(), "k2", Call{PhoneNumber: "102", Origin: crm})
		first <- id
	}()
	clock.WaitTimers(2)
	second := make(chan string, 1)
	go func() {
		id, err := b.PlaceOnce(context.Background(), "k2", Call{PhoneNumber: "102", Origin: crm})
		if err != nil {
			id = err.Error()
		}
		second <- id
	}()
	clock.WaitTimers(3)
	clock.Advance(2 * time.Second)
	id1 := <-first
	var id2 string
	for i := 0; id2 == ""; i++ {
		select {
		case id2 = <-second:
		default:
			if i > 10000 {
				t.Fatal("the repeat never answered")
			}
			clock.Advance(sharedPoll) // its next look at the store
			runtime.Gosched()
		}
	}
	if id1 == "" || id2 != id1 {
		t.Fatalf("first %q, repeat %q", id1, id2)
	}
	n := 0
	for _, sp := range []*Softphone{spA, spB} {
		for _, ia := range sp.Interactions() {
			if ia.PhoneNumber == "102" {
				n++
			}
		}
	}
	if n != 1 {
		t.Fatalf("dialled %d times", n)
	}
}
