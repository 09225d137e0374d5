package sip

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/internal/testwait"
)

// recv is testwait.Recv: <-ch, failing the test if nothing comes.
func recv[T any](t testing.TB, ch <-chan T) T { t.Helper(); return testwait.Recv(t, ch) }

// pipe is a Transport whose far side is the test: frames the UA sends
// arrive on sent, and the test hands the UA frames with ua.HandleFrame.
type pipe struct {
	sent       chan string
	connectErr error
	mu         sync.Mutex
	onClose    func(error)
	connects   int
}

func newPipe() *pipe { return &pipe{sent: make(chan string, 100)} }

func (p *pipe) Connect(ctx context.Context, onFrame func(string), onClose func(error)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.connects++
	if p.connectErr != nil {
		return p.connectErr
	}
	p.onClose = onClose
	return nil
}
func (p *pipe) Send(frame string) error { p.sent <- frame; return nil }
func (p *pipe) Disconnect()             {}

// drop closes the connection from the far side.
func (p *pipe) drop() {
	p.mu.Lock()
	f := p.onClose
	p.mu.Unlock()
	f(errors.New("connection reset"))
}

// media is a Media that records what the UA asked of it.
type media struct {
	answers chan string
	closed  chan struct{}
	once    sync.Once
	fail    error
}

func newMedia() *media { return &media{answers: make(chan string, 4), closed: make(chan struct{})} }

func (m *media) CreateOffer(ctx context.Context) (string, error) { return "v=0\r\noffer\r\n", nil }
func (m *media) SetAnswer(sdp string) error                      { m.answers <- sdp; return m.fail }
func (m *media) Stop()                                           { m.once.Do(func() { close(m.closed) }) }

// A media made only to call out answers nothing, holds nothing and plays
// no early media: answeringMedia and earlyMedia do.
func (m *media) CreateAnswer(context.Context, string) (string, error) { return "", errNoAnswer }
func (m *media) SetEarlyAnswer(string) error                          { return nil }
func (m *media) HoldOffer(context.Context, bool) (string, error)      { return "", errNoAnswer }
func (m *media) Rollback()                                            {}
func (m *media) SetMuted(bool)                                        {}
func (m *media) InsertDTMF(string) error                              { return errNoAnswer }

var errNoAnswer = errors.New("this test's media cannot do that")

type harness struct {
	t     *testing.T
	clock *bridge.FakeClock
	pipe  *pipe
	ua    *UA
	regs  chan bool
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, clock: bridge.NewFakeClock(time.Unix(1e9, 0)), pipe: newPipe(), regs: make(chan bool, 10)}
	ua, err := NewUA(Config{
		URL: "wss://sip.example.com/ws", Domain: "example.com", User: "1001", Password: "secret",
		Expires:        60 * time.Second,
		OnRegistration: func(ok bool, err error) { h.regs <- ok },
	}, h.pipe, h.clock)
	if err != nil {
		t.Fatal(err)
	}
	h.ua = ua
	return h
}

// next is the next frame the UA sent, parsed.
func (h *harness) next() *Message {
	h.t.Helper()
	select {
	case f := <-h.pipe.sent:
		m, err := Parse(f)
		if err != nil {
			h.t.Fatalf("UA sent a malformed message: %v\n%s", err, f)
		}
		return m
	case <-time.After(testwait.Bound):
		h.t.Fatal("UA sent nothing")
		return nil
	}
}

// expect is next, checked to be a request of method.
func (h *harness) expect(method string) *Message {
	h.t.Helper()
	m := h.next()
	if m.Method != method {
		h.t.Fatalf("want %s, UA sent:\n%s", method, m)
	}
	return m
}

// quiet checks the UA sent nothing more.
func (h *harness) quiet() {
	h.t.Helper()
	testwait.None(h.t, h.pipe.sent, "UA sent unexpectedly")
}

// reply answers req as the server: code, a To tag for non-100, extra
// headers and a body.
func (h *harness) reply(req *Message, code int, reason string, extra []Header, body string) {
	r := &Message{StatusCode: code, Reason: reason, Body: body}
	for _, hd := range req.Headers {
		switch hd.Name {
		case "Via", "From", "Call-ID", "CSeq":
			r.Headers = append(r.Headers, hd)
		case "To":
			v := hd.Value
			if code > 100 && !strings.Contains(v, "tag=") {
				v += ";tag=srv"
			}
			r.Add("To", v)
		}
	}
	r.Headers = append(r.Headers, extra...)
	h.ua.HandleFrame(r.String())
}

func (h *harness) register() {
	h.t.Helper()
	done := make(chan error, 1)
	go func() { done <- h.ua.Register(context.Background()) }()
	req := h.expect("REGISTER")
	h.reply(req, 200, "OK", []Header{{Name: "Contact", Value: "<sip:1001@" + h.ua.host + ";transport=ws>;expires=3600"}}, "")
	if err := recv(h.t, done); err != nil {
		h.t.Fatal(err)
	}
	recv(h.t, h.regs)
}

func TestRegisterDigest(t *testing.T) {
	h := newHarness(t)
	done := make(chan error, 1)
	go func() { done <- h.ua.Register(context.Background()) }()
	req := h.expect("REGISTER")
	if req.RequestURI != "sip:example.com" || !strings.Contains(req.Get("Contact"), ".invalid;transport=ws>;expires=60") ||
		!strings.HasPrefix(req.Get("Via"), "SIP/2.0/WSS ") || req.Get("Expires") != "60" {
		t.Fatalf("REGISTER:\n%s", req)
	}
	ch := `Digest realm="example.com", nonce="abc", qop="auth", opaque="op"`
	h.reply(req, 401, "Unauthorized", []Header{{Name: "WWW-Authenticate", Value: ch}}, "")
	req2 := h.expect("REGISTER")
	n1, _, _ := req.CSeq()
	n2, _, _ := req2.CSeq()
	if req2.CallID() != req.CallID() || n2 != n1+1 {
		t.Errorf("retry: Call-ID %q→%q, CSeq %d→%d", req.CallID(), req2.CallID(), n1, n2)
	}
	auth := req2.Get("Authorization")
	if !checkDigest(auth, "1001", "secret", "REGISTER") || !strings.Contains(auth, `opaque="op"`) {
		t.Fatalf("Authorization does not verify: %s", auth)
	}
	h.reply(req2, 200, "OK", []Header{
		{Name: "Contact", Value: "<sip:other@elsewhere>;expires=3600"},
		{Name: "Contact", Value: "<sip:1001@" + h.ua.host + ";transport=ws>;expires=40"},
	}, "")
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	if !recv(t, h.regs) || !h.ua.Registered() {
		t.Fatal("not registered")
	}
	// Refreshed before the granted 40 s run out (at half: 20 s).
	h.clock.Advance(19 * time.Second)
	h.quiet()
	h.clock.Advance(time.Second)
	ref := h.expect("REGISTER")
	if ref.CallID() != req.CallID() {
		t.Error("refresh has a new Call-ID")
	}
	h.reply(ref, 200, "OK", []Header{{Name: "Expires", Value: "40"}}, "")
	if !h.ua.Registered() {
		t.Error("refresh took the registration down")
	}
}

// checkDigest verifies credentials as a registrar would, from the
// header's own fields.
func checkDigest(auth, user, password, method string) bool {
	f := map[string]string{}
	for _, p := range splitList(strings.TrimPrefix(auth, "Digest ")) {
		k, v, _ := strings.Cut(p, "=")
		f[strings.TrimSpace(k)] = unquote(v)
	}
	ha1 := md5hex(user + ":" + f["realm"] + ":" + password)
	ha2 := md5hex(method + ":" + f["uri"])
	want := md5hex(ha1 + ":" + f["nonce"] + ":" + f["nc"] + ":" + f["cnonce"] + ":" + f["qop"] + ":" + ha2)
	return f["username"] == user && f["response"] == want && f["qop"] == "auth" && f["nc"] == "00000001" && f["cnonce"] != ""
}

func TestDigestRFC2617(t *testing.T) {
	// The worked example of RFC 2617 3.5.
	c, err := ParseChallenge(`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Authorization("Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b")
	if !strings.Contains(a, `response="6629fae49393a05397450978507c4ef1"`) {
		t.Errorf("got %s", a)
	}
	for _, bad := range []string{"", "Basic realm=x", `Digest realm="x"`, `Digest nonce="n", algorithm=SHA-256`} {
		if _, err := ParseChallenge(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRegisterFailures(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		h := newHarness(t)
		done := make(chan error, 1)
		go func() { done <- h.ua.Register(context.Background()) }()
		ch := []Header{{Name: "WWW-Authenticate", Value: `Digest realm="example.com", nonce="abc", qop="auth"`}}
		h.reply(h.expect("REGISTER"), 401, "Unauthorized", ch, "")
		h.reply(h.expect("REGISTER"), 401, "Unauthorized", ch, "")
		if err := recv(t, done); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("got %v", err)
		}
		h.quiet()
	})
	t.Run("stale nonce is answered again", func(t *testing.T) {
		h := newHarness(t)
		done := make(chan error, 1)
		go func() { done <- h.ua.Register(context.Background()) }()
		h.reply(h.expect("REGISTER"), 401, "Unauthorized", []Header{{Name: "WWW-Authenticate", Value: `Digest realm="r", nonce="a"`}}, "")
		h.reply(h.expect("REGISTER"), 401, "Unauthorized", []Header{{Name: "WWW-Authenticate", Value: `Digest realm="r", nonce="b", stale=true`}}, "")
		req := h.expect("REGISTER")
		if !strings.Contains(req.Get("Authorization"), `nonce="b"`) {
			t.Fatalf("stale: %s", req)
		}
		h.reply(req, 200, "OK", nil, "")
		if err := recv(t, done); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		h := newHarness(t)
		h.pipe.connectErr = errors.New("refused")
		if err := h.ua.Register(context.Background()); !errors.Is(err, ErrUnreachable) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("no answer: Timer F", func(t *testing.T) {
		h := newHarness(t)
		done := make(chan error, 1)
		go func() { done <- h.ua.Register(context.Background()) }()
		h.expect("REGISTER")
		h.clock.Advance(TimerB - time.Millisecond)
		testwait.None(t, done, "ended before Timer F")
		h.clock.Advance(time.Millisecond)
		var se *StatusError
		if err := recv(t, done); !errors.As(err, &se) || se.Code != 408 {
			t.Fatalf("got %v", err)
		}
		h.quiet() // no retransmission over a reliable transport
	})
	t.Run("server error", func(t *testing.T) {
		h := newHarness(t)
		done := make(chan error, 1)
		go func() { done <- h.ua.Register(context.Background()) }()
		h.reply(h.expect("REGISTER"), 500, "Server Internal Error", nil, "")
		var se *StatusError
		if err := recv(t, done); !errors.As(err, &se) || se.Code != 500 {
			t.Fatalf("got %v", err)
		}
	})
}

func TestReconnect(t *testing.T) {
	h := newHarness(t)
	h.register()
	h.pipe.drop()
	if recv(t, h.regs) {
		t.Fatal("registration still up after the drop")
	}
	if h.ua.Registered() {
		t.Fatal("Registered() after the drop")
	}
	h.clock.Advance(time.Second) // backoff
	req := h.expect("REGISTER")
	if h.pipe.connects != 2 {
		t.Errorf("connects: %d", h.pipe.connects)
	}
	h.reply(req, 200, "OK", nil, "")
	if !recv(t, h.regs) {
		t.Fatal("not back")
	}
}

type callLog struct {
	events chan CallEvent
}

func (l *callLog) on(ev CallEvent) { l.events <- ev }

func (l *callLog) next(t *testing.T) CallEvent {
	t.Helper()
	select {
	case ev := <-l.events:
		return ev
	case <-time.After(testwait.Bound):
		t.Fatal("no call event")
		return CallEvent{}
	}
}

// dial places a call and returns the INVITE the server saw; the call
// and its error arrive on the channel once the server answers.
func (h *harness) dial(ctx context.Context, m Media) (*Message, *callLog, chan *Call, chan error) {
	l := &callLog{events: make(chan CallEvent, 10)}
	calls, errs := make(chan *Call, 1), make(chan error, 1)
	go func() {
		c, err := h.ua.Invite(ctx, "+1555#", m, l.on)
		calls <- c
		errs <- err
	}()
	return h.expect("INVITE"), l, calls, errs
}

var answer = []Header{
	{Name: "Record-Route", Value: "<sip:10.0.0.1;lr;r2=on;transport=tcp>, <sip:127.0.0.1:8080;transport=ws;lr;r2=on>"},
	{Name: "Contact", Value: "<sip:5000@10.0.0.9:5070;transport=tcp>"},
	{Name: "Content-Type", Value: "application/sdp"},
}

func TestOutboundCall(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newMedia()
	inv, l, calls, errs := h.dial(context.Background(), m)
	if inv.RequestURI != "sip:+1555%23@example.com" || inv.Body != "v=0\r\noffer\r\n" || inv.Get("Content-Type") != "application/sdp" {
		t.Fatalf("INVITE:\n%s", inv)
	}
	// The proxy challenges: the 407 is ACKed on the same branch, the
	// INVITE sent again with credentials.
	h.reply(inv, 407, "Proxy Authentication Required", []Header{{Name: "Proxy-Authenticate", Value: `Digest realm="example.com", nonce="n1", qop="auth"`}}, "")
	ack := h.expect("ACK")
	v1, _ := inv.TopVia()
	va, _ := ack.TopVia()
	if va.Branch() != v1.Branch() || ack.Get("To") != inv.Get("To")+";tag=srv" || ack.Get("CSeq") != "1 ACK" {
		t.Errorf("ACK of 407:\n%s", ack)
	}
	inv2 := h.expect("INVITE")
	if !checkDigest(inv2.Get("Proxy-Authorization"), "1001", "secret", "INVITE") || inv2.Get("CSeq") != "2 INVITE" || inv2.CallID() != inv.CallID() {
		t.Fatalf("INVITE with credentials:\n%s", inv2)
	}
	h.reply(inv2, 100, "Trying", nil, "")
	c, err := recv(t, calls), recv(t, errs)
	if err != nil || c == nil {
		t.Fatalf("Invite: %v", err)
	}
	if ev := l.next(t); ev.State != CallProceeding || ev.Status != 100 {
		t.Errorf("event: %+v", ev)
	}
	h.reply(inv2, 180, "Ringing", nil, "")
	if ev := l.next(t); ev.State != CallProceeding || ev.Status != 180 {
		t.Errorf("event: %+v", ev)
	}
	h.reply(inv2, 200, "OK", answer, "v=0\r\nanswer\r\n")
	// ACK to the Contact, through the Record-Route set reversed.
	ack = h.expect("ACK")
	if ack.RequestURI != "sip:5000@10.0.0.9:5070;transport=tcp" || ack.Get("CSeq") != "2 ACK" ||
		strings.Join(ack.Values("Route"), "|") != "<sip:127.0.0.1:8080;transport=ws;lr;r2=on>|<sip:10.0.0.1;lr;r2=on;transport=tcp>" {
		t.Errorf("ACK of 2xx:\n%s", ack)
	}
	if sdp := recv(t, m.answers); sdp != "v=0\r\nanswer\r\n" {
		t.Errorf("answer: %q", sdp)
	}
	if ev := l.next(t); ev.State != CallConfirmed || ev.Status != 200 {
		t.Errorf("event: %+v", ev)
	}
	// A retransmitted 200 is ACKed again.
	h.reply(inv2, 200, "OK", answer, "v=0\r\nanswer\r\n")
	if again := h.expect("ACK"); again.String() != ack.String() {
		t.Errorf("second ACK differs")
	}
	// The far end asks OPTIONS in the dialog.
	h.ua.HandleFrame(inDialogRequest("OPTIONS", inv2, 7))
	if r := h.next(); r.StatusCode != 200 || r.Get("CSeq") != "7 OPTIONS" {
		t.Errorf("OPTIONS answer:\n%s", r)
	}
	c.Hangup()
	bye := h.expect("BYE")
	if bye.RequestURI != ack.RequestURI || bye.Get("CSeq") != "3 BYE" || bye.Get("To") != inv2.Get("To")+";tag=srv" ||
		strings.Join(bye.Values("Route"), "|") != strings.Join(ack.Values("Route"), "|") {
		t.Errorf("BYE:\n%s", bye)
	}
	if ev := l.next(t); ev.State != CallTerminated || ev.ByRemote {
		t.Errorf("event: %+v", ev)
	}
	recv(t, m.closed)
	h.reply(bye, 200, "OK", nil, "")
	h.quiet()
}

// inDialogRequest is a request from the far end in the dialog inv made.
func inDialogRequest(method string, inv *Message, cseq int) string {
	from := inv.Get("From")
	to := inv.Get("To") + ";tag=srv"
	return method + " sip:1001@x.invalid;transport=ws SIP/2.0\r\n" +
		"Via: SIP/2.0/TCP 10.0.0.9:5070;branch=z9hG4bKfar" + method + "\r\n" +
		"From: " + to + "\r\nTo: " + from + "\r\nCall-ID: " + inv.CallID() + "\r\n" +
		"CSeq: " + strings.TrimSpace(strings.Repeat(" ", 0)) + itoa(int(cseq)) + " " + method + "\r\n\r\n"
}

func TestFarEndHangsUp(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newMedia()
	inv, l, calls, _ := h.dial(context.Background(), m)
	h.reply(inv, 200, "OK", answer, "v=0\r\n")
	recv(t, calls)
	h.expect("ACK")
	l.next(t) // confirmed
	// A BYE with the Call-ID but not our tag is not for this dialog.
	from, _ := inv.From()
	h.ua.HandleFrame(strings.Replace(inDialogRequest("BYE", inv, 1), "tag="+from.Tag(), "tag=someoneelse", 1))
	if r := h.next(); r.StatusCode != 481 {
		t.Fatalf("BYE for another dialog:\n%s", r)
	}
	h.ua.HandleFrame(inDialogRequest("BYE", inv, 1))
	if r := h.next(); r.StatusCode != 200 || r.Get("CSeq") != "1 BYE" {
		t.Fatalf("BYE answer:\n%s", r)
	}
	if ev := l.next(t); ev.State != CallTerminated || !ev.ByRemote {
		t.Errorf("event: %+v", ev)
	}
	recv(t, m.closed)
	// The dialog is gone: a second BYE gets 481.
	h.ua.HandleFrame(inDialogRequest("BYE", inv, 2))
	if r := h.next(); r.StatusCode != 481 {
		t.Errorf("second BYE: %d", r.StatusCode)
	}
}

func TestCallFails(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newMedia()
	inv, l, calls, errs := h.dial(context.Background(), m)
	h.reply(inv, 100, "Trying", nil, "")
	if recv(t, calls) == nil || recv(t, errs) != nil {
		t.Fatal("no call")
	}
	l.next(t)
	h.reply(inv, 486, "Busy Here", nil, "")
	if ack := h.expect("ACK"); ack.Get("CSeq") != "1 ACK" {
		t.Errorf("ACK:\n%s", ack)
	}
	if ev := l.next(t); ev.State != CallTerminated || ev.Status != 486 || ev.Reason != "Busy Here" {
		t.Errorf("event: %+v", ev)
	}
	recv(t, m.closed)
}

func TestLeaveBeforeAnswer(t *testing.T) {
	t.Run("after a provisional: CANCEL at once", func(t *testing.T) {
		h := newHarness(t)
		h.register()
		inv, l, calls, _ := h.dial(context.Background(), newMedia())
		h.reply(inv, 180, "Ringing", nil, "")
		c := recv(t, calls)
		l.next(t)
		c.Hangup()
		cancel := h.expect("CANCEL")
		vi, _ := inv.TopVia()
		vc, _ := cancel.TopVia()
		if vc.Branch() != vi.Branch() || cancel.Get("CSeq") != "1 CANCEL" || cancel.RequestURI != inv.RequestURI || cancel.Get("To") != inv.Get("To") {
			t.Errorf("CANCEL:\n%s", cancel)
		}
		h.reply(cancel, 200, "OK", nil, "")
		h.reply(inv, 487, "Request Terminated", nil, "")
		h.expect("ACK")
		if ev := l.next(t); ev.State != CallTerminated || ev.Status != 487 {
			t.Errorf("event: %+v", ev)
		}
	})
	t.Run("before any response: CANCEL waits for the provisional", func(t *testing.T) {
		h := newHarness(t)
		h.register()
		inv, _, _, _ := h.dial(context.Background(), newMedia())
		h.ua.mu.Lock()
		var c *Call
		for _, x := range h.ua.calls {
			c = x
		}
		h.ua.mu.Unlock()
		c.Hangup()
		h.quiet() // RFC 3261 9.1: no CANCEL before a provisional response
		h.reply(inv, 100, "Trying", nil, "")
		h.expect("CANCEL")
	})
	t.Run("CANCEL unanswered: the call ends after 64*T1", func(t *testing.T) {
		h := newHarness(t)
		h.register()
		inv, l, calls, _ := h.dial(context.Background(), newMedia())
		h.reply(inv, 180, "Ringing", nil, "")
		c := recv(t, calls)
		l.next(t)
		c.Hangup()
		h.expect("CANCEL")
		h.clock.Advance(TimerB)
		if ev := l.next(t); ev.State != CallTerminated || ev.Status != 408 {
			t.Errorf("event: %+v", ev)
		}
	})
	t.Run("200 crosses the CANCEL: ACK then BYE", func(t *testing.T) {
		h := newHarness(t)
		h.register()
		inv, l, calls, _ := h.dial(context.Background(), newMedia())
		h.reply(inv, 180, "Ringing", nil, "")
		c := recv(t, calls)
		l.next(t)
		c.Hangup()
		h.expect("CANCEL")
		h.reply(inv, 200, "OK", answer, "v=0\r\n")
		h.expect("ACK")
		h.expect("BYE")
		if ev := l.next(t); ev.State != CallTerminated {
			t.Errorf("event: %+v", ev)
		}
	})
}

func TestPlacementDeadline(t *testing.T) {
	for _, late := range []int{180, 200, 486} {
		t.Run(itoa(late), func(t *testing.T) {
			h := newHarness(t)
			h.register()
			ctx, cancel := context.WithCancel(context.Background())
			m := newMedia()
			inv, l, calls, errs := h.dial(ctx, m)
			cancel() // the placement deadline
			if c, err := recv(t, calls), recv(t, errs); c != nil || !errors.Is(err, context.Canceled) {
				t.Fatalf("Invite: %v %v", c, err)
			}
			h.quiet()
			switch late {
			case 180:
				h.reply(inv, 180, "Ringing", nil, "")
				h.expect("CANCEL")
				h.reply(inv, 487, "Request Terminated", nil, "")
				h.expect("ACK")
			case 200:
				h.reply(inv, 200, "OK", answer, "v=0\r\n")
				h.expect("ACK")
				h.expect("BYE")
			case 486:
				h.reply(inv, 486, "Busy Here", nil, "")
				h.expect("ACK")
			}
			recv(t, m.closed)
			h.quiet()
			testwait.None(t, l.events, "event after giving up")
		})
	}
}

func TestNoResponseTimerB(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newMedia()
	h.dial(context.Background(), m)
	h.clock.WaitTimers(2) // the refresh and Timer B
	h.clock.Advance(TimerB)
	recv(t, m.closed)
}

func TestLate200AfterTransaction(t *testing.T) {
	// A 200 for a call the UA no longer knows: ACK then BYE.
	h := newHarness(t)
	h.register()
	inv, _, calls, _ := h.dial(context.Background(), newMedia())
	h.reply(inv, 486, "Busy Here", nil, "")
	recv(t, calls)
	h.expect("ACK")
	h.reply(inv, 200, "OK", answer, "v=0\r\n")
	h.expect("ACK")
	h.expect("BYE")
}

func TestInviteRefused(t *testing.T) {
	h := newHarness(t)
	if _, err := h.ua.Invite(context.Background(), "5000", newMedia(), nil); !errors.Is(err, ErrNotRegistered) {
		t.Errorf("unregistered: %v", err)
	}
	h.register()
	for _, bad := range []string{"", "a b", "50%00", "x@y", `"`} {
		if _, err := h.ua.Invite(context.Background(), bad, newMedia(), nil); err == nil {
			t.Errorf("%q dialled", bad)
		}
	}
	h.quiet()
}

func TestServerRequests(t *testing.T) {
	h := newHarness(t)
	h.register()
	req := func(method, to string) string {
		return method + " sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.9;branch=z9hG4bK9\r\n" +
			"From: <sip:5000@example.com>;tag=far\r\nTo: " + to + "\r\nCall-ID: nope\r\nCSeq: 5 " + method + "\r\n\r\n"
	}
	cases := []struct {
		method, to string
		code       int
	}{
		{"OPTIONS", "<sip:1001@example.com>", 200},
		{"BYE", "<sip:1001@example.com>;tag=x", 481},
		{"INVITE", "<sip:1001@example.com>;tag=x", 481},
		{"INVITE", "<sip:1001@example.com>", 480},
		{"CANCEL", "<sip:1001@example.com>", 481},
		{"MESSAGE", "<sip:1001@example.com>", 405},
	}
	for _, c := range cases {
		h.ua.HandleFrame(req(c.method, c.to))
		r := h.next()
		if r.StatusCode != c.code || r.Get("Via") != "SIP/2.0/TCP 10.0.0.9;branch=z9hG4bK9" {
			t.Errorf("%s: got\n%s", c.method, r)
		}
		if to, _ := r.To(); to.Tag() == "" {
			t.Errorf("%s: no To tag", c.method)
		}
	}
	h.ua.HandleFrame(req("ACK", "<sip:1001@example.com>;tag=x"))
	h.ua.HandleFrame("garbage")
	h.quiet()
}

// answeringMedia is a media that can also answer and hold.
type answeringMedia struct {
	*media
	offers    chan string
	log       chan string
	holds     chan bool
	rollbacks chan struct{}
}

func newAnsweringMedia() *answeringMedia {
	return &answeringMedia{media: newMedia(), offers: make(chan string, 4), log: make(chan string, 4), holds: make(chan bool, 4), rollbacks: make(chan struct{}, 4)}
}

func (m *answeringMedia) CreateAnswer(ctx context.Context, offer string) (string, error) {
	m.offers <- offer
	return "v=0\r\nanswer\r\n", nil
}
func (m *answeringMedia) HoldOffer(ctx context.Context, hold bool) (string, error) {
	m.holds <- hold
	if hold {
		return "v=0\r\na=sendonly\r\n", nil
	}
	return "v=0\r\na=sendrecv\r\n", nil
}
func (m *answeringMedia) Rollback()                 { m.rollbacks <- struct{}{} }
func (m *answeringMedia) SetMuted(on bool)          { m.log <- "mute " + strconv.FormatBool(on) }
func (m *answeringMedia) InsertDTMF(d string) error { m.log <- "dtmf " + d; return nil }

// inboundInvite is an INVITE from the far end to the agent, through a
// proxy that record-routes.
func inboundInvite(branch string) string {
	return "INVITE sip:1001@x.invalid;transport=ws SIP/2.0\r\n" +
		"Via: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bK" + branch + "\r\n" +
		"Via: SIP/2.0/TCP 10.0.0.9:5070;branch=z9hG4bKorig\r\n" +
		"Record-Route: <sip:127.0.0.1:8080;transport=ws;lr;r2=on>, <sip:10.0.0.1;lr;r2=on>\r\n" +
		"From: \"Caller\" <sip:+12025550100@example.com>;tag=far\r\nTo: <sip:1001@example.com>\r\n" +
		"Call-ID: in-1\r\nCSeq: 10 INVITE\r\nContact: <sip:far@10.0.0.9:5070;transport=tcp>\r\n" +
		"Content-Type: application/sdp\r\n\r\nv=0\r\noffer\r\n"
}

type incomingCall struct {
	c    *Call
	from Addr
	log  *callLog
}

func (h *harness) withIncoming() chan incomingCall {
	ch := make(chan incomingCall, 4)
	h.ua.cfg.OnIncoming = func(c *Call, from Addr) func(CallEvent) {
		l := &callLog{events: make(chan CallEvent, 10)}
		ch <- incomingCall{c, from, l}
		return l.on
	}
	return ch
}

func TestInboundAccepted(t *testing.T) {
	h := newHarness(t)
	incoming := h.withIncoming()
	h.register()
	h.ua.HandleFrame(inboundInvite("in1"))
	ringing := h.next()
	if ringing.StatusCode != 180 || len(ringing.Values("Via")) != 2 {
		t.Fatalf("180:\n%s", ringing)
	}
	in := recv(t, incoming)
	if in.from.URI.User != "+12025550100" || in.from.Display != `"Caller"` {
		t.Errorf("from: %+v", in.from)
	}
	// A retransmitted INVITE gets the 180 again, and no second call.
	h.ua.HandleFrame(inboundInvite("in1"))
	if again := h.next(); again.String() != ringing.String() {
		t.Errorf("retransmission answered with\n%s", again)
	}
	m := newAnsweringMedia()
	if err := in.c.Accept(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if offer := recv(t, m.offers); offer != "v=0\r\noffer\r\n" {
		t.Errorf("offer: %q", offer)
	}
	ok := h.next()
	to180, _ := ringing.To()
	to200, _ := ok.To()
	if ok.StatusCode != 200 || ok.Body != "v=0\r\nanswer\r\n" || to200.Tag() != to180.Tag() || to200.Tag() == "" ||
		len(ok.Values("Record-Route")) != 2 || ok.Get("Contact") == "" {
		t.Fatalf("200:\n%s", ok)
	}
	h.ua.HandleFrame("ACK sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKack\r\n" +
		"From: \"Caller\" <sip:+12025550100@example.com>;tag=far\r\nTo: " + ok.Get("To") + "\r\nCall-ID: in-1\r\nCSeq: 10 ACK\r\n\r\n")
	h.clock.Advance(TimerB) // the ACK came: no BYE for a missing one
	h.quiet()
	// The far end holds: its re-INVITE is answered by the media.
	h.ua.HandleFrame(strings.Replace(strings.Replace(inboundInvite("re1"), "To: <sip:1001@example.com>", "To: "+ok.Get("To"), 1), "10 INVITE", "11 INVITE", 1))
	if re := h.next(); re.StatusCode != 200 || re.Body != "v=0\r\nanswer\r\n" || re.Get("CSeq") != "11 INVITE" {
		t.Errorf("re-INVITE answer:\n%s", re)
	}
	recv(t, m.offers)
	// The agent holds: re-INVITE with the media's sendonly offer.
	held := make(chan error, 1)
	go func() { held <- in.c.Hold(context.Background(), true) }()
	re := h.expect("INVITE")
	if re.Body != "v=0\r\na=sendonly\r\n" || re.RequestURI != "sip:far@10.0.0.9:5070;transport=tcp" || re.Get("CSeq") != "1 INVITE" ||
		strings.Join(re.Values("Route"), "|") != "<sip:127.0.0.1:8080;transport=ws;lr;r2=on>|<sip:10.0.0.1;lr;r2=on>" ||
		re.Get("From") != ok.Get("To") {
		t.Fatalf("hold re-INVITE:\n%s", re)
	}
	h.reply(re, 200, "OK", []Header{{Name: "Contact", Value: "<sip:far@10.0.0.9:5070;transport=tcp>"}}, "v=0\r\na=recvonly\r\n")
	if ack := h.expect("ACK"); ack.Get("CSeq") != "1 ACK" {
		t.Errorf("ACK:\n%s", ack)
	}
	if err := recv(t, held); err != nil {
		t.Fatal(err)
	}
	if a := recv(t, m.answers); a != "v=0\r\na=recvonly\r\n" {
		t.Errorf("hold answer: %q", a)
	}
	// A refused resume rolls the media back.
	go func() { held <- in.c.Hold(context.Background(), false) }()
	h.reply(h.expect("INVITE"), 488, "Not Acceptable Here", nil, "")
	h.expect("ACK")
	var se *StatusError
	if err := recv(t, held); !errors.As(err, &se) || se.Code != 488 {
		t.Errorf("refused resume: %v", err)
	}
	recv(t, m.rollbacks)
	in.c.Hangup()
	if bye := h.expect("BYE"); bye.Get("CSeq") != "3 BYE" || bye.Get("To") != inboundFrom {
		t.Errorf("BYE:\n%s", bye)
	}
}

const inboundFrom = "\"Caller\" <sip:+12025550100@example.com>;tag=far"

func TestInboundCancelledRejectedUnanswered(t *testing.T) {
	h := newHarness(t)
	incoming := h.withIncoming()
	h.register()

	// The caller cancels: 200 for the CANCEL, 487 for the INVITE, an event.
	h.ua.HandleFrame(inboundInvite("c1"))
	h.next()
	in := recv(t, incoming)
	h.ua.HandleFrame("CANCEL sip:1001@x.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKc1\r\n" +
		"From: " + inboundFrom + "\r\nTo: <sip:1001@example.com>\r\nCall-ID: in-1\r\nCSeq: 10 CANCEL\r\n\r\n")
	if r := h.next(); r.StatusCode != 200 || r.Get("CSeq") != "10 CANCEL" {
		t.Errorf("CANCEL answer:\n%s", r)
	}
	if r := h.next(); r.StatusCode != 487 || r.Get("CSeq") != "10 INVITE" {
		t.Errorf("INVITE answer:\n%s", r)
	}
	if ev := in.log.next(t); ev.State != CallTerminated || ev.Status != 487 || !ev.ByRemote {
		t.Errorf("event: %+v", ev)
	}
	if err := in.c.Accept(context.Background(), newAnsweringMedia()); !errors.Is(err, ErrCallState) {
		t.Errorf("accept after cancel: %v", err)
	}

	// Rejected: 486, no event.
	h.ua.HandleFrame(strings.Replace(inboundInvite("r1"), "in-1", "in-2", 1))
	h.next()
	in = recv(t, incoming)
	if err := in.c.Reject(486); err != nil {
		t.Fatal(err)
	}
	if r := h.next(); r.StatusCode != 486 || r.Reason != "Busy Here" {
		t.Errorf("reject:\n%s", r)
	}

	// Accepted, but no ACK ever comes: BYE after 64*T1.
	h.ua.HandleFrame(strings.Replace(inboundInvite("n1"), "in-1", "in-3", 1))
	h.next()
	in = recv(t, incoming)
	if err := in.c.Accept(context.Background(), newAnsweringMedia()); err != nil {
		t.Fatal(err)
	}
	h.next() // 200
	h.clock.Advance(TimerB)
	h.expect("BYE")
	if ev := in.log.next(t); ev.State != CallTerminated || ev.Status != 408 {
		t.Errorf("event: %+v", ev)
	}
	testwait.None(t, in.log.events, "second event")
}

// Timer B covers only the wait for a first response: a call that rings
// longer than 32 s stays up (the no-answer number rings for hours).
func TestRingingOutlivesTimerB(t *testing.T) {
	h := newHarness(t)
	h.register()
	inv, l, calls, _ := h.dial(context.Background(), newMedia())
	h.reply(inv, 180, "Ringing", nil, "")
	c := recv(t, calls)
	l.next(t)
	h.clock.Advance(10 * TimerB)
	if s := c.State(); s != CallProceeding {
		t.Fatalf("state after 320 s of ringing: %v", s)
	}
	h.quiet()
	h.reply(inv, 200, "OK", answer, "v=0\r\n")
	h.expect("ACK")
	if ev := l.next(t); ev.State != CallConfirmed {
		t.Errorf("event: %+v", ev)
	}
}

// A CANCEL for another transaction (another branch) does not end the
// ringing call.
func TestCancelOtherBranch(t *testing.T) {
	h := newHarness(t)
	incoming := h.withIncoming()
	h.register()
	h.ua.HandleFrame(inboundInvite("b1"))
	h.next()
	in := recv(t, incoming)
	h.ua.HandleFrame("CANCEL sip:1001@x.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKother\r\n" +
		"From: " + inboundFrom + "\r\nTo: <sip:1001@example.com>\r\nCall-ID: in-1\r\nCSeq: 10 CANCEL\r\n\r\n")
	if r := h.next(); r.StatusCode != 481 {
		t.Errorf("CANCEL of another branch:\n%s", r)
	}
	if err := in.c.Accept(context.Background(), newAnsweringMedia()); err != nil {
		t.Fatalf("accept: %v", err)
	}
	if r := h.next(); r.StatusCode != 200 {
		t.Errorf("200:\n%s", r)
	}
}

// In-dialog requests follow the route set: loose routers stay in Route
// with the remote target as Request-URI; a strict router (no lr) becomes
// the Request-URI, and the target goes last (RFC 3261 12.2.1.1).
func TestInDialogRouting(t *testing.T) {
	ua := newHarness(t).ua
	target := URI{Scheme: "sip", User: "far", Host: "10.0.0.9:5070"}
	cases := []struct {
		routes     []string
		ruri, want string
	}{
		{nil, "sip:far@10.0.0.9:5070", ""},
		{[]string{"<sip:p1;lr>", "<sip:p2;lr>"}, "sip:far@10.0.0.9:5070", "<sip:p1;lr>|<sip:p2;lr>"},
		{[]string{"<sip:p1;transport=tcp>", "<sip:p2;lr>"}, "sip:p1;transport=tcp", "<sip:p2;lr>|<sip:far@10.0.0.9:5070>"},
	}
	for _, c := range cases {
		d := dialog{callID: "x", local: "<sip:a@b>;tag=1", remote: "<sip:c@d>;tag=2", target: target, routes: c.routes}
		m := ua.inDialog(&d, "BYE", 5)
		if m.RequestURI != c.ruri || strings.Join(m.Values("Route"), "|") != c.want || m.Get("CSeq") != "5 BYE" {
			t.Errorf("routes %v: got %s", c.routes, m)
		}
		if len(c.routes) > 0 && c.routes[0] != d.routes[0] {
			t.Errorf("the dialog's route set changed: %v", d.routes)
		}
	}
}

// A closed UA does not connect again (a reconnect racing a sign-out).
func TestClosedUADoesNotReconnect(t *testing.T) {
	h := newHarness(t)
	h.register()
	h.pipe.drop()
	recv(t, h.regs)
	h.ua.Close()
	h.clock.Advance(time.Minute) // past the backoff
	if err := h.ua.Register(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("register after close: %v", err)
	}
	h.pipe.mu.Lock()
	n := h.pipe.connects
	h.pipe.mu.Unlock()
	if n != 1 {
		t.Errorf("connects: %d", n)
	}
	h.quiet()
}

// String names a state in test failures (not in the module: nothing else
// prints one).
func (s CallState) String() string {
	return [...]string{"calling", "proceeding", "confirmed", "terminated"}[s]
}

// A callback that panics (a bug in the page's glue) is contained on the
// UA's event goroutine: the test binary lives (an escaped panic would end
// it, as it would end the desktop's module), and the next callback runs.
func TestCallbackPanicContained(t *testing.T) {
	h := newHarness(t)
	regs := h.regs
	first := true
	h.ua.cfg.OnRegistration = func(ok bool, err error) {
		if first {
			first = false
			panic("glue bug")
		}
		regs <- ok
	}
	done := make(chan error, 1)
	go func() { done <- h.ua.Register(context.Background()) }()
	h.reply(h.expect("REGISTER"), 200, "OK", []Header{{Name: "Contact", Value: "<sip:1001@" + h.ua.host + ";transport=ws>;expires=3600"}}, "")
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	h.pipe.drop()
	if ok := recv(t, regs); ok {
		t.Fatal("after the drop: registered")
	}
}
