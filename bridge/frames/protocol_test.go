package frames

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

func decodeJSON(t testing.TB, s string) jsval.Value {
	t.Helper()
	var x any
	if err := json.Unmarshal([]byte(s), &x); err != nil {
		t.Fatal(err)
	}
	return jsval.ValueOf(x)
}

func TestDecodeMessage(t *testing.T) {
	tests := []struct {
		in     string
		typ    string
		params int
		err    string // "" ok; "ignore" for ErrUnanswerable
	}{
		{`{"type":"hello"}`, "hello", 0, ""},
		{`{"type":"hello","params":[{"placementTimeoutMs":5000}]}`, "hello", 1, ""},
		{`{"uid":"a1","type":"hi","params":["key"]}`, "hi", 1, ""},
		{`{"uid":"a1","type":"START_CALL","params":["100",null]}`, "START_CALL", 2, ""},
		{`{"uid":"a1","type":"START_CALL"}`, "START_CALL", 0, ""},
		{`{"uid":"a1","type":"START_CALL_RESPONSE","params":{"status":"success","data":{"id":"x"}}}`, "START_CALL_RESPONSE", 1, ""},
		{`"hello"`, "", 0, "ignore"},
		{`[1,2]`, "", 0, "ignore"},
		{`{"type":"START_CALL","params":[]}`, "", 0, "ignore"},
		{`{"uid":7,"type":"START_CALL"}`, "", 0, "ignore"},
		{`{"uid":"","type":"START_CALL"}`, "", 0, "ignore"},
		{`{"uid":"` + strings.Repeat("u", 200) + `","type":"START_CALL"}`, "", 0, "ignore"},
		{`{"uid":"a1"}`, "", 0, "type: want string, got undefined"},
		{`{"uid":"a1","type":42}`, "", 0, "type: want string, got number"},
		{`{"uid":"a1","type":"<script>"}`, "", 0, `type: not a message type: ["<script>"]`},
		{`{"uid":"a1","type":"START_CALL","params":"100"}`, "", 0, "params: want array, got string"},
	}
	for _, tt := range tests {
		m, err := DecodeMessage(decodeJSON(t, tt.in))
		switch {
		case tt.err == "ignore":
			if err != ErrUnanswerable {
				t.Errorf("%s: err %v, want it ignored", tt.in, err)
			}
		case tt.err != "":
			if e := bridge.AsError(err); e == nil || e.Code != bridge.InvalidRequest || e.Message != tt.err || m.UID != "a1" {
				t.Errorf("%s: %+v %v, want invalid_request %q", tt.in, m, err, tt.err)
			}
		default:
			if err != nil || m.Type != tt.typ || len(m.Params) != tt.params {
				t.Errorf("%s: %+v %v", tt.in, m, err)
			}
		}
	}
}

func TestResults(t *testing.T) {
	for _, tt := range []struct {
		id   string
		err  error
		json string
	}{
		{"ia-1", nil, `{"status":"success","data":{"id":"ia-1"}}`},
		{"", nil, `{"status":"success","data":{"id":null}}`},
		{"", bridge.ErrTimeout, `{"status":"error","error":{"code":8,"name":"timeout","message":"Timeout error"},"data":{"id":null,"error":"Timeout error"}}`},
		{"", bridge.Errorf(bridge.InvalidArgs, "phoneNumber: empty"), `{"status":"error","error":{"code":3,"name":"invalid_args","message":"phoneNumber: empty"},"data":{"id":null,"error":"phoneNumber: empty"}}`},
	} {
		b, _ := json.Marshal(bridge.ResultOf(tt.id, tt.err))
		if string(b) != tt.json {
			t.Errorf("ResultOf(%q, %v) = %s, want %s", tt.id, tt.err, b, tt.json)
		}
		id, err := bridge.DecodeResult(decodeJSON(t, string(b)))
		if id != tt.id || (err == nil) != (tt.err == nil) || err != nil && err.Error() != tt.err.Error() {
			t.Errorf("DecodeResult(%s) = %q, %v", b, id, err)
		}
	}
	for _, bad := range []string{`{}`, `"x"`, `{"status":"success","data":{"id":5}}`, `{"status":"error","error":{"code":"8"}}`} {
		if _, err := bridge.DecodeResult(decodeJSON(t, bad)); code(err) != bridge.InvalidRequest {
			t.Errorf("DecodeResult(%s): %v", bad, err)
		}
	}
}

func FuzzDecodeMessage(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello"}`, `{"uid":"a1","type":"hi","params":["key"]}`,
		`{"uid":"a1","type":"START_CALL","params":["+1 415 555 0100",{"id":"c","type":"contact","customFields":{"__proto__":"x"}}]}`,
		`{"uid":"a1","type":"START_CALL","params":["100",null,{"idempotencyKey":"k"}]}`,
		`{"uid":"a1","type":"START_CALL","params":["100",null,{"idempotencyKey":7}]}`,
		`{"uid":"a1","type":"START_CALL","params":[42]}`,
		`{"uid":"a1","type":"START_CALL","params":["1001"]}`, // the agent's own number: refused by the bridge
		`{"uid":"a1","type":"START_CALL","params":[""]}`,
		`{"uid":"a1","type":"START_CALL_RESPONSE","params":{"status":"success","data":{"id":"x"}}}`,
		`{"uid":"b","type":"ON_NEW_INTERACTION","params":[{"interactionId":"x","state":"delivered"}]}`,
		`{"uid":"c","type":"CANCEL_START_CALL","params":["a1"]}`,
		`{"uid":"a1","type":"START_CALL","params":"x"}`, `{"uid":"a1","type":42}`, `{"uid":"a1"}`,
		`{"uid":"a1","type":"GET_WEATHER"}`, `{"uid":"a1","type":"<b>"}`, `[]`, `null`, `{"uid":1}`, `{"type":"START_CALL"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var x any
		if json.Unmarshal([]byte(s), &x) != nil {
			return
		}
		// The desktop end answers it once, or not at all.
		answersOnce(t, s, jsval.ValueOf(x))
		m, err := DecodeMessage(jsval.ValueOf(x))
		if err != nil {
			if e := bridge.AsError(err); e.Code != bridge.InvalidRequest {
				t.Fatalf("%s: %v", s, err)
			}
			return
		}
		// A decoded message re-encodes to one that decodes the same.
		b, err := json.Marshal(m.Out())
		if err != nil {
			t.Fatal(err)
		}
		var y any
		if err := json.Unmarshal(b, &y); err != nil {
			t.Fatal(err)
		}
		m2, err := DecodeMessage(jsval.ValueOf(y))
		if err != nil || m2.UID != m.UID || m2.Type != m.Type || len(m2.Params) != len(m.Params) {
			t.Fatalf("%s -> %s -> %+v, %v", s, b, m2, err)
		}
		if !reflect.DeepEqual(m2.Out(), m.Out()) {
			t.Fatalf("%s: re-encoded %+v, want %+v", s, m2.Out(), m.Out())
		}
		// Whatever a START_CALL carries, validation answers without
		// panicking.
		if m.Type == MsgStartCall {
			_, _ = bridge.ParseCall(m.Param(0), m.Param(1))
		}
	})
}

// answersTo feeds v, as a message from origin, to a fresh desktop end
// whose peer 1 said hi from https://crm.example, and returns what the end
// posted in answer, and the calls placed.
func answersTo(t *testing.T, origin string, v jsval.Value) ([]OutMessage, int) {
	t.Helper()
	b, sp, _, _ := newTestDesktop()
	var mu sync.Mutex
	var sent []OutMessage
	d := NewDesktopEnd(b, []string{"https://crm.example"}, func(_ PeerID, _ string, m OutMessage) {
		mu.Lock()
		sent = append(sent, m)
		mu.Unlock()
	})
	d.Receive("https://crm.example", 1, jsval.ValueOf(map[string]any{"uid": "hi-1", "type": "hi", "params": []any{"k"}}))
	d.Receive(origin, 1, v)
	// A healthy phone answers in the same call: no goroutine to wait for.
	mu.Lock()
	defer mu.Unlock()
	return append([]OutMessage(nil), sent...), len(sp.Interactions())
}

// wire records what an end posts.
type wire struct {
	mu   sync.Mutex
	msgs []OutMessage
	to   []string
	ch   chan OutMessage // if set, gets each message too
}

func (w *wire) send(m OutMessage) {
	w.mu.Lock()
	w.msgs = append(w.msgs, m)
	w.mu.Unlock()
	if w.ch != nil {
		w.ch <- m
	}
}

func (w *wire) sendTo(peer PeerID, origin string, m OutMessage) {
	w.mu.Lock()
	w.to = append(w.to, origin)
	w.mu.Unlock()
	w.send(m)
}

func (w *wire) all() []OutMessage {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]OutMessage(nil), w.msgs...)
}

// asReceived is m as the other end decodes it: through JSON.
func asReceived(t testing.TB, m OutMessage) Message {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeMessage(decodeJSON(t, string(b)))
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return got
}

type settled struct {
	mu  sync.Mutex
	ids []string
	err []error
}

func (s *settled) done(id string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, id)
	s.err = append(s.err, err)
}

func (s *settled) n() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

func TestClientQueuesUntilHello(t *testing.T) {
	clock := bridge.NewFakeClock(epoch)
	w := &wire{}
	c := NewClient(clock, "key-1", w.send, nil)
	s := &settled{}
	call, _ := bridge.ParseCall(jsval.String("+1 415 555 0100"), contact())
	uid := c.StartCall(call, nil, s.done)
	if len(w.all()) != 0 {
		t.Fatal("sent before hello")
	}
	c.Receive(Message{Type: MsgHello, Params: []jsval.Value{jsval.Object("placementTimeoutMs", 3000.0)}})
	sent := w.all()
	if len(sent) != 2 || sent[0].Type != MsgHi || sent[1].Type != MsgStartCall || sent[1].UID != uid {
		t.Fatalf("sent %+v", sent)
	}
	if !reflect.DeepEqual(sent[0].Params, []any{"key-1"}) {
		t.Fatalf("hi params %+v", sent[0].Params)
	}
	// The desktop receives the documented params.
	got := asReceived(t, sent[1])
	if got.Param(0).Str != "+14155550100" || got.Param(1).Get("displayName").Str != "Ada Lovelace" {
		t.Fatalf("START_CALL as received: %+v", got)
	}
	// A forged uid changes nothing; the right one settles.
	c.Receive(asReceived(t, OutMessage{UID: "forged", Type: MsgStartCallResponse, Params: bridge.ResultOf("ia-x", nil)}))
	if s.n() != 0 {
		t.Fatal("a forged uid settled the call")
	}
	c.Receive(asReceived(t, OutMessage{UID: uid, Type: MsgStartCallResponse, Params: bridge.ResultOf("ia-1", nil)}))
	c.Receive(asReceived(t, OutMessage{UID: uid, Type: MsgStartCallResponse, Params: bridge.ResultOf("ia-2", nil)}))
	if s.n() != 1 || s.ids[0] != "ia-1" || s.err[0] != nil || c.Pending() != 0 {
		t.Fatalf("settled %v %v", s.ids, s.err)
	}
	clock.Advance(time.Minute)
	if s.n() != 1 {
		t.Fatal("settled twice")
	}
}

func TestClientTimeouts(t *testing.T) {
	clock := bridge.NewFakeClock(epoch)
	w := &wire{}
	c := NewClient(clock, "", w.send, nil)
	s := &settled{}
	call, _ := bridge.ParseCall(jsval.String("100"), jsval.Undefined)
	c.StartCall(call, nil, s.done)
	clock.Advance(HelloTimeout - time.Millisecond)
	if s.n() != 0 {
		t.Fatal("settled early")
	}
	clock.Advance(time.Millisecond)
	if s.n() != 1 || code(s.err[0]) != bridge.APINotAnswer {
		t.Fatalf("no hello: %v", s.err)
	}
	c.Receive(Message{Type: MsgHello})
	if n := len(w.all()); n != 1 { // hi only: the expired call is never sent
		t.Fatalf("%d messages sent", n)
	}
	// Sent, never answered: the placement deadline (default) plus grace.
	c.StartCall(call, nil, s.done)
	clock.Advance(bridge.DefaultPlacementTimeout + AnswerGrace - time.Millisecond)
	if s.n() != 1 {
		t.Fatal("settled early")
	}
	clock.Advance(time.Millisecond)
	if s.n() != 2 || code(s.err[1]) != bridge.APINotAnswer || clock.Pending() != 0 {
		t.Fatalf("no answer: %v, %d timers", s.err, clock.Pending())
	}
}

func TestClientSurvivesReload(t *testing.T) {
	clock := bridge.NewFakeClock(epoch)
	w := &wire{}
	events := 0
	c := NewClient(clock, "", w.send, func(Message) { events++ })
	s := &settled{}
	call, _ := bridge.ParseCall(jsval.String("100"), jsval.Undefined)
	c.Receive(Message{Type: MsgHello})
	inflight := c.StartCall(call, nil, s.done)
	c.FrameLoaded() // the desktop frame reloads
	queued := c.StartCall(call, nil, s.done)
	before := len(w.all())
	c.Receive(Message{Type: MsgHello})
	if s.n() != 1 || code(s.err[0]) != bridge.APINotAnswer {
		t.Fatalf("in-flight call: %v", s.err)
	}
	after := w.all()[before:]
	if len(after) != 2 || after[0].Type != MsgHi || after[1].UID != queued {
		t.Fatalf("after reload sent %+v", after)
	}
	// A late answer to the lost call changes nothing; events still flow.
	c.Receive(asReceived(t, OutMessage{UID: inflight, Type: MsgStartCallResponse, Params: bridge.ResultOf("ia-late", nil)}))
	c.Receive(asReceived(t, OutMessage{UID: "e1", Type: desk.OnNewInteraction, Params: []any{map[string]any{"interactionId": "x"}}}))
	if s.n() != 1 || events != 1 {
		t.Fatalf("settled %d, events %d", s.n(), events)
	}
	sends := 0
	for _, m := range w.all() {
		if m.UID == inflight {
			sends++
		}
	}
	if sends != 1 {
		t.Fatalf("the in-flight call was sent %d times", sends)
	}
}

func TestDesktopEnd(t *testing.T) {
	b, sp, _, _ := newTestDesktop()
	w := &wire{ch: make(chan OutMessage, 16)}
	d := NewDesktopEnd(b, []string{"http://localhost:8081"}, w.sendTo)
	call := func(origin, uid string, params ...any) OutMessage {
		d.Receive(origin, 1, jsval.ValueOf(map[string]any{"uid": uid, "type": "START_CALL", "params": params}))
		return <-w.ch // placement runs in a goroutine
	}
	// Not allowed: refused, and nothing is dialled.
	r := call("http://evil.example", "u1", "100", nil)
	if r.UID != "u1" || r.Type != MsgStartCallResponse || r.Params.(bridge.OperationResult).Error.Code != bridge.NotEnoughPrivileges {
		t.Fatalf("refusal %+v", r)
	}
	if len(sp.Interactions()) != 0 {
		t.Fatal("a not-allowed origin placed a call")
	}
	// Allowed, but no hi yet: refused, nothing dialled.
	r = call("http://localhost:8081", "u0", "100", nil)
	if e := r.Params.(bridge.OperationResult).Error; e == nil || e.Code != bridge.InvalidRequest || len(sp.Interactions()) != 0 {
		t.Fatalf("before hi: %+v", r.Params)
	}
	d.Receive("http://localhost:8081", 1, decodeJSON(t, `{"uid":"h0","type":"hi","params":["k"]}`))
	// Allowed: placed, answered to the same uid.
	r = call("http://localhost:8081", "u2", " +1 415 555 0100 ", map[string]any{"id": "c", "type": "contact"})
	res := r.Params.(bridge.OperationResult)
	if r.UID != "u2" || res.Status != "success" || res.Data.ID == nil || len(sp.Interactions()) != 1 {
		t.Fatalf("answer %+v", r)
	}
	// Bad arguments: invalid_args, naming the field.
	r = call("http://localhost:8081", "u3", 100.0)
	if e := r.Params.(bridge.OperationResult).Error; e == nil || e.Code != bridge.InvalidArgs || e.Message != "phoneNumber: want string, got number" {
		t.Fatalf("bad args %+v", r.Params)
	}
	// Unknown requests: invalid_request; responses and junk: ignored.
	w.ch = nil
	before := len(w.all())
	d.Receive("http://localhost:8081", 1, decodeJSON(t, `{"uid":"u4","type":"GET_WEATHER"}`))
	d.Receive("http://localhost:8081", 1, decodeJSON(t, `{"uid":"u5","type":"START_CALL_RESPONSE","params":{}}`))
	d.Receive("http://localhost:8081", 1, decodeJSON(t, `"junk"`))
	got := w.all()[before:]
	if len(got) != 1 || got[0].UID != "u4" || got[0].Params.(bridge.OperationResult).Error.Code != bridge.InvalidRequest {
		t.Fatalf("unknown request: %+v", got)
	}
	// Events go to peers that said hi, and only to allowed ones.
	d.Receive("http://evil.example", 2, decodeJSON(t, `{"uid":"h1","type":"hi","params":["k"]}`))
	before = len(w.all())
	id := *res.Data.ID
	d.Event(desk.Event{Name: desk.OnInteractionStateChange, Data: &desk.InteractionData{InteractionID: id, State: desk.StateDelivered}})
	w.mu.Lock()
	to := w.to[before:]
	w.mu.Unlock()
	if len(to) != 1 || to[0] != "http://localhost:8081" || !reflect.DeepEqual(d.Peers(), []string{"http://localhost:8081"}) {
		t.Fatalf("event sent to %v, peers %v", to, d.Peers())
	}
	if hello := d.Hello(); hello.Type != MsgHello {
		t.Fatalf("hello %+v", hello)
	}
}

// TestClientAndDesktopTogether wires a client to a desktop end through
// JSON, as postMessage would: the call is placed, answered, and its event
// reaches the client's handler.
func TestClientAndDesktopTogether(t *testing.T) {
	var c *Client
	var d *DesktopEnd
	clock := bridge.NewFakeClock(epoch)
	sp := desk.NewSoftphone(clock, func(e desk.Event) { d.Event(e) }) // d is set before the first call
	b := &bridge.Bridge{Desktop: sp, Clock: clock}
	// Each direction is one ordered queue, as postMessage is. The pumps
	// stop when the test ends, and report a bad message as an error (not
	// t.Fatal: they are not the test's goroutine).
	stop := make(chan struct{})
	var pumps sync.WaitGroup
	defer func() { close(stop); pumps.Wait() }()
	toClient, toDesktop := make(chan OutMessage, 16), make(chan OutMessage, 16)
	post := func(ch chan OutMessage, m OutMessage) {
		select {
		case ch <- m:
		case <-stop:
		}
	}
	pump := func(ch chan OutMessage, deliver func(jsval.Value)) {
		defer pumps.Done()
		for {
			select {
			case m := <-ch:
				b, err := json.Marshal(m)
				var x any
				if err == nil {
					err = json.Unmarshal(b, &x)
				}
				if err != nil {
					t.Errorf("%+v does not cross as JSON: %v", m, err)
					continue
				}
				deliver(jsval.ValueOf(x))
			case <-stop:
				return
			}
		}
	}
	pumps.Add(2)
	go pump(toClient, func(v jsval.Value) {
		m, err := DecodeMessage(v)
		if err != nil {
			t.Errorf("the client got %+v: %v", v, err)
			return
		}
		c.Receive(m)
	})
	go pump(toDesktop, func(v jsval.Value) { d.Receive("https://crm.example", 1, v) })
	events := make(chan Message, 16)
	d = NewDesktopEnd(b, []string{"https://crm.example"}, func(_ PeerID, _ string, m OutMessage) { post(toClient, m) })
	c = NewClient(nil, "k", func(m OutMessage) { post(toDesktop, m) }, func(m Message) {
		select {
		case events <- m:
		default:
			t.Errorf("event %s not taken", m.Type)
		}
	})
	done := make(chan placed, 1)
	call, _ := bridge.ParseCall(jsval.String("100"), contact())
	c.StartCall(call, nil, func(id string, err error) { done <- placed{id, err} })
	c.Receive(asReceived(t, d.Hello()))
	var r placed
	select {
	case r = <-done:
	case <-time.After(time.Minute): // a bug, not a race: fail rather than hang
		t.Fatal("startCall never settled")
	}
	if r.err != nil || r.id == "" {
		t.Fatalf("startCall across the wire: %q, %v", r.id, r.err)
	}
	if is := sp.Interactions(); len(is) != 1 || is[0].InteractionID != r.id {
		t.Fatalf("interactions %+v, want %s", is, r.id)
	}
	// The events the desktop sent for it reach the client, in order, with
	// its id.
	for _, want := range []string{desk.OnNewInteraction, desk.OnActiveInteractionSwitch} {
		var e Message
		select {
		case e = <-events:
		case <-time.After(time.Minute):
			t.Fatalf("no %s reached the client", want)
		}
		p := e.Param(0)
		if e.Type != want || (p.Type == jsval.TypeObject && p.Get("interactionId").Str != r.id) || (p.Type == jsval.TypeString && p.Str != r.id) {
			t.Fatalf("event %s %+v, want %s about %s", e.Type, e.Params, want, r.id)
		}
	}
}

// answersOnce checks what a desktop end with a recording wire answers to
// v: a request (a message with a uid that is neither hi, a response nor a
// cancel) exactly once, to its uid, with its response type; anything else
// never. From an origin that is not allowed, nothing is dialled and at
// most a refusal comes back.
func answersOnce(t *testing.T, s string, v jsval.Value) {
	t.Helper()
	m, err := DecodeMessage(v)
	request := err != ErrUnanswerable && m.Type != MsgHello && m.Type != MsgHi && m.Type != MsgCancelStartCall && !isResponse(m.Type)
	sent, calls := answersTo(t, "https://crm.example", v)
	if !request {
		if len(sent) != 0 {
			t.Fatalf("%s: not a request, answered %+v", s, sent)
		}
	} else if len(sent) != 1 || sent[0].UID != m.UID || sent[0].Type != ResponseType(m.Type) {
		t.Fatalf("%s: want one %s to uid %q, sent %+v", s, ResponseType(m.Type), m.UID, sent)
	}
	if calls > 1 {
		t.Fatalf("%s: %d calls placed", s, calls)
	}
	// From an origin that is not allowed: nothing placed, at most a
	// refusal to that uid.
	sent, calls = answersTo(t, "https://evil.example", v)
	if calls != 0 {
		t.Fatalf("%s from a refused origin: %d calls placed", s, calls)
	}
	for _, a := range sent {
		r, ok := a.Params.(bridge.OperationResult)
		if len(sent) > 1 || !ok || r.Error == nil || r.Error.Code != bridge.NotEnoughPrivileges || a.UID != m.UID || !(request || m.Type == MsgCancelStartCall) {
			t.Fatalf("%s from a refused origin: answered %+v", s, sent)
		}
	}
}
