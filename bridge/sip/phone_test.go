package sip

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/phone"
	"github.com/adapi-go/adapi-go/internal/testwait"
)

type phoneHarness struct {
	*harness
	p      *Phone
	events chan phone.Event
}

func newPhoneHarness(t *testing.T) *phoneHarness {
	h := &phoneHarness{harness: &harness{t: t, clock: bridge.NewFakeClock(time.Unix(1e9, 0)), pipe: newPipe()}, events: make(chan phone.Event, 32)}
	h.p = NewPhone(PhoneConfig{URL: "wss://sip.example.com/ws", Domain: "example.com",
		Transport: func() Transport { return h.pipe },
		Media:     func() Media { return newAnsweringMedia() },
		Clock:     h.clock})
	h.p.SetHandler(func(e phone.Event) { h.events <- e })
	return h
}

// event is the next event that is not a capabilities change.
func (h *phoneHarness) event() phone.Event {
	h.t.Helper()
	for {
		select {
		case e := <-h.events:
			if e.Kind != phone.EventCapabilities {
				return e
			}
		case <-time.After(testwait.Bound):
			h.t.Fatal("no phone event")
		}
	}
}

func (h *phoneHarness) noEvent() {
	h.t.Helper()
	for {
		select {
		case e := <-h.events:
			if e.Kind != phone.EventCapabilities {
				h.t.Fatalf("unexpected event %+v", e)
			}
		default:
			return
		}
	}
}

// login registers as 1001 and answers the REGISTER with reply.
func (h *phoneHarness) login(password string, answer func(req *Message)) error {
	done := make(chan error, 1)
	go func() {
		done <- h.p.Register(context.Background(), phone.Credentials{Username: "1001", Password: password})
	}()
	req := h.expect("REGISTER")
	h.ua = h.p.current()
	answer(req)
	return recv(h.t, done)
}

func (h *phoneHarness) loginOK() {
	h.t.Helper()
	if err := h.login("secret", func(req *Message) { h.reply(req, 200, "OK", nil, "") }); err != nil {
		h.t.Fatal(err)
	}
	if e := h.event(); e.Kind != phone.EventStatus || !e.Ready {
		h.t.Fatalf("status: %+v", e)
	}
	h.ua = h.p.current()
}

func TestPhoneLogin(t *testing.T) {
	h := newPhoneHarness(t)
	ch := []Header{{Name: "WWW-Authenticate", Value: `Digest realm="example.com", nonce="n"`}}
	err := h.login("wrong", func(req *Message) {
		h.reply(req, 401, "Unauthorized", ch, "")
		h.reply(h.expect("REGISTER"), 401, "Unauthorized", ch, "")
	})
	if !errors.Is(err, phone.ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if e := h.event(); e.Kind != phone.EventServerError || e.ServerCode != 109 || e.ServerName != "invalid_credentials" {
		t.Errorf("event: %+v", e)
	}
	if err := h.p.Dial(context.Background(), "c1", "5000"); !errors.Is(err, phone.ErrNotRegistered) {
		t.Errorf("dial signed out: %v", err)
	}
	h.pipe.connectErr = errors.New("connection refused")
	err = h.p.Register(context.Background(), phone.Credentials{Username: "1001", Password: "x"})
	if err == nil || !strings.Contains(err.Error(), "wss://sip.example.com/ws") {
		t.Errorf("server down: %v", err)
	}
	if e := h.event(); e.Kind != phone.EventServerError || e.ServerCode != 200 || !strings.Contains(e.Message, "wss://sip.example.com/ws") {
		t.Errorf("event: %+v", e)
	}
	if err := h.p.Register(context.Background(), phone.Credentials{Username: "a b", Password: "x"}); !errors.Is(err, phone.ErrInvalidCredentials) {
		t.Errorf("bad username: %v", err)
	}
	h.event()
	h.pipe.connectErr = nil
	h.loginOK()
	// Signing in again replaces the binding: the old one is removed first.
	done := make(chan error, 1)
	go func() {
		done <- h.p.Register(context.Background(), phone.Credentials{Username: "1001", Password: "secret"})
	}()
	old := h.expect("REGISTER")
	if old.Get("Expires") != "0" {
		t.Fatalf("old binding not removed:\n%s", old)
	}
	h.reply(old, 200, "OK", nil, "")
	req := h.expect("REGISTER")
	h.ua = h.p.current()
	h.reply(req, 200, "OK", nil, "")
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	h.event()
	if c := h.p.Capabilities(); !c.CanDial || !c.CanAnswer {
		t.Errorf("capabilities: %+v", c)
	}
	// Signing in again with a wrong password: the old binding is gone, so
	// the phone says it is not ready (the desktop then refuses startCall
	// at once), then the server error.
	go func() {
		done <- h.p.Register(context.Background(), phone.Credentials{Username: "1001", Password: "wrong"})
	}()
	h.reply(h.expect("REGISTER"), 200, "OK", nil, "")
	req = h.expect("REGISTER")
	h.ua = h.p.current()
	h.reply(req, 401, "Unauthorized", ch, "")
	h.reply(h.expect("REGISTER"), 401, "Unauthorized", ch, "")
	if err := recv(t, done); !errors.Is(err, phone.ErrInvalidCredentials) {
		t.Fatalf("wrong password again: %v", err)
	}
	if e := h.event(); e.Kind != phone.EventStatus || e.Ready {
		t.Errorf("status after a failed sign-in again: %+v", e)
	}
	if e := h.event(); e.Kind != phone.EventServerError || e.ServerCode != 109 {
		t.Errorf("event: %+v", e)
	}
	h.loginOK()
	go func() { done <- h.p.Unregister(context.Background()) }()
	req = h.expect("REGISTER")
	if req.Get("Expires") != "0" {
		t.Errorf("unregister:\n%s", req)
	}
	h.reply(req, 200, "OK", nil, "")
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	if e := h.event(); e.Kind != phone.EventStatus || e.Ready {
		t.Errorf("status: %+v", e)
	}
}

func TestPhoneCalls(t *testing.T) {
	h := newPhoneHarness(t)
	h.loginOK()
	dial := func(ctx context.Context, id phone.CallID, number string) (*Message, chan error) {
		done := make(chan error, 1)
		go func() { done <- h.p.Dial(ctx, id, number) }()
		return h.expect("INVITE"), done
	}

	// Answered, then the far end hangs up.
	inv, done := dial(context.Background(), "c1", "+12025550100")
	h.reply(inv, 100, "Trying", nil, "")
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	h.reply(inv, 180, "Ringing", nil, "")
	if e := h.event(); e.Kind != phone.EventRinging || e.Call != "c1" {
		t.Errorf("ringing: %+v", e)
	}
	h.reply(inv, 200, "OK", answer, "v=0\r\n")
	h.expect("ACK")
	if e := h.event(); e.Kind != phone.EventAnswered || e.Call != "c1" {
		t.Errorf("answered: %+v", e)
	}
	if err := h.p.Mute(context.Background(), "c1", true); err != nil {
		t.Errorf("mute: %v", err)
	}
	if err := h.p.SendDTMF(context.Background(), "c1", "12#"); err != nil {
		t.Errorf("dtmf: %v", err)
	}
	m := h.p.calls["c1"].Media().(*answeringMedia)
	if got := recv(t, m.log); got != "mute true" {
		t.Errorf("media: %s", got)
	}
	if got := recv(t, m.log); got != "dtmf 12#" {
		t.Errorf("media: %s", got)
	}
	h.ua.HandleFrame(inDialogRequest("BYE", inv, 1))
	h.next()
	if e := h.event(); e.Kind != phone.EventEnded || e.Call != "c1" || e.Status != 0 {
		t.Errorf("far end's BYE: %+v", e)
	}
	if err := h.p.Hangup(context.Background(), "c1"); !errors.Is(err, phone.ErrNoSuchCall) {
		t.Errorf("hang up an ended call: %v", err)
	}

	// Busy: the status and reason reach the desktop.
	inv, done = dial(context.Background(), "c2", "+12025550101")
	h.reply(inv, 100, "Trying", nil, "")
	recv(t, done)
	h.reply(inv, 486, "Busy Here", nil, "")
	h.expect("ACK")
	if e := h.event(); e.Kind != phone.EventEnded || e.Status != 486 || e.Reason != "Busy Here" {
		t.Errorf("busy: %+v", e)
	}

	// Refused at once (no provisional): Dial succeeds, the end follows.
	inv, done = dial(context.Background(), "c3", "+12025550103")
	h.reply(inv, 603, "Decline", nil, "")
	if err := recv(t, done); err != nil {
		t.Errorf("dial: %v", err)
	}
	h.expect("ACK")
	if e := h.event(); e.Kind != phone.EventEnded || e.Status != 603 {
		t.Errorf("decline: %+v", e)
	}

	// Left while ringing: CANCEL, and no EventEnded for it.
	inv, done = dial(context.Background(), "c4", "+12025550102")
	h.reply(inv, 180, "Ringing", nil, "")
	recv(t, done)
	h.event() // ringing
	if err := h.p.Hangup(context.Background(), "c4"); err != nil {
		t.Fatal(err)
	}
	h.expect("CANCEL")
	h.reply(inv, 487, "Request Terminated", nil, "")
	h.expect("ACK")

	// The placement deadline: the cause comes back, nothing follows.
	ctx, cancel := context.WithCancelCause(context.Background())
	inv, done = dial(ctx, "c5", "+12025550199")
	cancel(bridge.ErrTimeout)
	if err := recv(t, done); err != bridge.ErrTimeout {
		t.Errorf("deadline: %v", err)
	}
	h.reply(inv, 200, "OK", answer, "v=0\r\n")
	h.expect("ACK")
	h.expect("BYE")
	h.noEvent()
}

func TestPhoneInbound(t *testing.T) {
	h := newPhoneHarness(t)
	h.loginOK()
	h.ua.HandleFrame(strings.Replace(inboundInvite("p1"), "sip:+12025550100@", "sip:%2B1202555%23@", 1))
	h.next() // 180
	e := h.event()
	if e.Kind != phone.EventIncoming || e.From != "+1202555#" || e.FromName != "Caller" {
		t.Fatalf("incoming: %+v", e)
	}
	// Ringing, it has no media yet: nothing to mute or send digits on.
	if err := h.p.Mute(context.Background(), e.Call, true); !errors.Is(err, phone.ErrBadState) {
		t.Errorf("mute while ringing: %v", err)
	}
	if err := h.p.SendDTMF(context.Background(), e.Call, "1"); !errors.Is(err, phone.ErrBadState) {
		t.Errorf("DTMF while ringing: %v", err)
	}
	if err := h.p.Accept(context.Background(), e.Call); err != nil {
		t.Fatal(err)
	}
	if r := h.next(); r.StatusCode != 200 {
		t.Fatalf("200:\n%s", r)
	}
	held := make(chan error, 1)
	go func() { held <- h.p.Hold(context.Background(), e.Call, true) }()
	re := h.expect("INVITE")
	h.reply(re, 200, "OK", []Header{{Name: "Contact", Value: "<sip:far@10.0.0.9:5070;transport=tcp>"}}, "v=0\r\n")
	h.expect("ACK")
	if err := recv(t, held); err != nil {
		t.Fatal(err)
	}
	if err := h.p.Hold(context.Background(), "nope", true); !errors.Is(err, phone.ErrNoSuchCall) {
		t.Errorf("unknown call: %v", err)
	}
	if err := h.p.Accept(context.Background(), e.Call); !errors.Is(err, phone.ErrBadState) {
		t.Errorf("accept twice: %v", err)
	}
	h.p.Hangup(context.Background(), e.Call)
	h.expect("BYE")

	// Rejected: 486, no event. Cancelled by the caller: EventEnded 487.
	h.ua.HandleFrame(strings.Replace(inboundInvite("p2"), "in-1", "in-2", 1))
	h.next()
	e = h.event()
	if err := h.p.Reject(context.Background(), e.Call, 480); err != nil {
		t.Fatal(err)
	}
	if r := h.next(); r.StatusCode != 480 {
		t.Errorf("reject:\n%s", r)
	}
	h.ua.HandleFrame(strings.Replace(inboundInvite("p3"), "in-1", "in-3", 1))
	h.next()
	e = h.event()
	h.ua.HandleFrame("CANCEL sip:1001@x.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKp3\r\n" +
		"From: " + inboundFrom + "\r\nTo: <sip:1001@example.com>\r\nCall-ID: in-3\r\nCSeq: 10 CANCEL\r\n\r\n")
	h.next()
	h.next()
	if e2 := h.event(); e2.Kind != phone.EventEnded || e2.Call != e.Call || e2.Status != 487 {
		t.Errorf("cancelled: %+v", e2)
	}
	h.noEvent()
}

// The page's hooks: SignIn's error is Register's and nothing is sent;
// Ring starts with an inbound call and stops when it is accepted,
// rejected, hung up, ended, or at sign-out (id "").
func TestPhoneHooks(t *testing.T) {
	h := newPhoneHarness(t)
	var rings []string
	ringc := make(chan string, 32)
	h.p.cfg.Ring = func(id phone.CallID, from string, on bool) {
		ringc <- map[bool]string{true: "on ", false: "off "}[on] + string(id) + " " + from
	}
	took := func() []string {
		for {
			select {
			case r := <-ringc:
				rings = append(rings, r)
			default:
				out := rings
				rings = nil
				return out
			}
		}
	}
	noMic := errors.New("microphone: NotAllowedError")
	h.p.cfg.SignIn = func(context.Context) error { return noMic }
	// (A bound, not a timing: without the check Register would wait for
	// an answer to a REGISTER that must not have been sent.)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.p.Register(ctx, phone.Credentials{Username: "1001", Password: "x"}); err != noMic {
		t.Fatalf("SignIn's error: %v", err)
	}
	if h.pipe.connects != 0 || h.p.current() != nil {
		t.Fatalf("connected after a failed SignIn")
	}
	h.noEvent()
	h.p.cfg.SignIn = func(context.Context) error { return nil }
	h.loginOK()

	h.ua.HandleFrame(inboundInvite("p1"))
	h.next() // 180
	e := h.event()
	if err := h.p.Accept(context.Background(), e.Call); err != nil {
		t.Fatal(err)
	}
	h.next() // 200
	id := string(e.Call)
	if got := strings.Join(took(), "|"); got != "on "+id+" +12025550100|off "+id+" " {
		t.Errorf("accepted: %q", got)
	}
	h.ua.HandleFrame(strings.Replace(inboundInvite("p3"), "in-1", "in-3", 1))
	h.next()
	e = h.event()
	h.ua.HandleFrame("CANCEL sip:1001@x.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKp3\r\n" +
		"From: " + inboundFrom + "\r\nTo: <sip:1001@example.com>\r\nCall-ID: in-3\r\nCSeq: 10 CANCEL\r\n\r\n")
	h.next()
	h.next()
	h.event() // ended, 487
	id = string(e.Call)
	if got := strings.Join(took(), "|"); got != "on "+id+" +12025550100|off "+id+" " {
		t.Errorf("cancelled: %q", got)
	}
	go h.p.Unregister(context.Background())
	h.reply(h.expect("REGISTER"), 200, "OK", nil, "")
	h.event()
	if got := took(); len(got) == 0 || got[0] != "off  " {
		t.Errorf("signed out: %q", got)
	}
}

// A hang-up while the INVITE waits for its first response finds no call
// (ErrNoSuchCall) and leaves the dial alone: once the server answers, the
// call is the desktop's and the next hang-up cancels it. (Were the
// hang-up to drop the dial's entry, the call would go on with no one able
// to end it.)
func TestPhoneHangupWhileDialling(t *testing.T) {
	h := newPhoneHarness(t)
	h.loginOK()
	done := make(chan error, 1)
	go func() { done <- h.p.Dial(context.Background(), "c1", "5000") }()
	inv := h.expect("INVITE")
	if err := h.p.Hangup(context.Background(), "c1"); !errors.Is(err, phone.ErrNoSuchCall) {
		t.Errorf("hang up while dialling: %v, want ErrNoSuchCall", err)
	}
	h.reply(inv, 100, "Trying", nil, "")
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	h.reply(inv, 180, "Ringing", nil, "")
	if e := h.event(); e.Kind != phone.EventRinging || e.Call != "c1" {
		t.Fatalf("ringing: %+v", e)
	}
	if err := h.p.Hangup(context.Background(), "c1"); err != nil {
		t.Fatalf("hang up: %v", err)
	}
	h.expect("CANCEL")
}
