package bedtest

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge/phone"
	"github.com/adapi-go/adapi-go/bridge/sip"
	"github.com/adapi-go/adapi-go/internal/testwait"
	"github.com/adapi-go/adapi-go/testbed"
	"github.com/adapi-go/adapi-go/testbed/farend"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	"github.com/pion/webrtc/v4"
)

// recv is testwait.Recv: <-ch, failing the test if nothing comes.
func recv[T any](t testing.TB, ch <-chan T) T { t.Helper(); return testwait.Recv(t, ch) }

// startBed starts the test bed for t (testbed.StartTest).
func startBed(t *testing.T, fe farend.Config) *testbed.Bed {
	t.Helper()
	return testbed.StartTest(t, testbed.Options{FarEnd: fe})
}

// loopbackAPI is farend.PeerAPI's, its socket closed when t ends.
func loopbackAPI(t *testing.T) *webrtc.API {
	t.Helper()
	api, closeAPI, err := farend.PeerAPI()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeAPI)
	return api
}

// wsTransport is sip.Transport over a native WebSocket (gobwas/ws, which
// the test bed's sipgo already brings; test-only, never in the module).
type wsTransport struct {
	url  string
	mu   sync.Mutex
	conn net.Conn
}

func (t *wsTransport) Connect(ctx context.Context, onFrame func(string), onClose func(error)) error {
	d := ws.Dialer{Protocols: []string{"sip"}}
	conn, _, _, err := d.Dial(ctx, t.url)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.conn = conn
	t.mu.Unlock()
	go func() {
		for {
			b, err := wsutil.ReadServerText(conn)
			if err != nil {
				onClose(err)
				return
			}
			onFrame(string(b))
		}
	}()
	return nil
}

func (t *wsTransport) Send(frame string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		return errors.New("not connected")
	}
	return wsutil.WriteClientText(t.conn, []byte(frame))
}

func (t *wsTransport) Disconnect() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil {
		t.conn.Close()
	}
}

// pionMedia is sip.Media over a farend.Peer: pion on loopback, sending
// 20 ms of Opus silence at a time as a microphone would and counting the
// RTP it receives.
type pionMedia struct{ *farend.Peer }

func newPionMedia(t *testing.T, api *webrtc.API) *pionMedia {
	p, err := farend.NewPeer(api)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return &pionMedia{p}
}

func (m *pionMedia) CreateOffer(ctx context.Context) (string, error) { return m.Offer(ctx) }

// CreateAnswer answers the far end's offer (an inbound call, a re-INVITE).
func (m *pionMedia) CreateAnswer(ctx context.Context, offer string) (string, error) {
	return m.Answer(ctx, offer)
}

// HoldOffer re-offers with the audio direction sendonly (hold) or
// sendrecv, as the browser's transceiver direction would. (pion cannot
// set a transceiver's direction, nor take a munged offer: the offer it
// keeps says sendrecv, the one sent says sendonly; the far end's
// recvonly is a legal answer to either.)
func (m *pionMedia) HoldOffer(ctx context.Context, hold bool) (string, error) {
	offer, err := m.PC.CreateOffer(nil)
	if err != nil {
		return "", err
	}
	if err := m.PC.SetLocalDescription(offer); err != nil {
		return "", err
	}
	sdp := m.PC.LocalDescription().SDP
	if hold {
		sdp = strings.Replace(sdp, "a=sendrecv", "a=sendonly", 1)
	}
	return sdp, nil
}

// Stop is sip.Media's: the peer closes.
func (m *pionMedia) Stop() { m.Close() }

func (m *pionMedia) Rollback() {
	m.PC.SetLocalDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeRollback})
}

// No early media, mute or DTMF here: the test bed's far end answers
// without early media, and the browser tests cover mute.
func (m *pionMedia) SetEarlyAnswer(string) error { return nil }
func (m *pionMedia) SetMuted(bool)               {}
func (m *pionMedia) InsertDTMF(string) error     { return errors.New("pion: no DTMF") }

// TestAgainstTestBed: the UA over a real WebSocket to Kamailio, calling
// the far end (sipgo and pion) with pion as its media: registration with
// digest (right and wrong password, server down), an answered call with
// RTP both ways, busy, rejected, never answered then left (CANCEL), the
// far end hanging up, and the placement deadline with a number the SIP
// server never answers.
func TestAgainstTestBed(t *testing.T) {
	bed := startBed(t, farend.Config{AnswerDelay: 100 * time.Millisecond, HangupAfter: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	newUA := func(user, password, url string, regs chan bool) *sip.UA {
		ua, err := sip.NewUA(sip.Config{URL: url, Domain: bed.Domain, User: user, Password: password,
			OnRegistration: func(ok bool, err error) {
				if regs != nil {
					regs <- ok
				}
			}}, &wsTransport{url: url}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ua.Close)
		return ua
	}

	// Login: a wrong password, a server that is not there, then right.
	if err := newUA("agent", "wrong", bed.WSURL, nil).Register(ctx); !errors.Is(err, sip.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "ws://" + ln.Addr().String() + "/ws"
	ln.Close()
	if err := newUA("agent", "x", down, nil).Register(ctx); !errors.Is(err, sip.ErrUnreachable) {
		t.Fatalf("server down: %v", err)
	}
	regs := make(chan bool, 4)
	ua := newUA("agent", bed.Passwords["agent"], bed.WSURL, regs)
	if err := ua.Register(ctx); err != nil {
		t.Fatalf("register: %v", err)
	}
	if !recv(t, regs) {
		t.Fatal("OnRegistration(false)")
	}

	api := loopbackAPI(t)

	type placed struct {
		call   *sip.Call
		media  *pionMedia
		events chan sip.CallEvent
	}
	dial := func(number string) placed {
		t.Helper()
		p := placed{media: newPionMedia(t, api), events: make(chan sip.CallEvent, 16)}
		c, err := ua.Invite(ctx, number, p.media, func(ev sip.CallEvent) { p.events <- ev })
		if err != nil {
			t.Fatalf("call %s: %v", number, err)
		}
		p.call = c
		return p
	}
	// until waits for the call's event in state.
	until := func(p placed, state sip.CallState) sip.CallEvent {
		t.Helper()
		for {
			select {
			case ev := <-p.events:
				if ev.State == state {
					return ev
				}
				if ev.State == sip.CallTerminated {
					t.Fatalf("call ended: %+v, waiting for %v", ev, state)
				}
			case <-ctx.Done():
				t.Fatalf("no %v event", state)
			}
		}
	}

	// 1. Echo: answered, RTP both ways, the agent hangs up (BYE through
	// the route set Kamailio recorded).
	start := time.Now()
	p := dial(farend.Echo)
	taken := time.Since(start)
	until(p, sip.CallConfirmed)
	t.Logf("set-up on this machine: INVITE → first response %v, → connected %v (the far end rings %v)", taken, time.Since(start), 100*time.Millisecond)
	c := bed.FarEnd.WaitCall(ctx, t, 1, "received and sent 25 RTP packets", func(c farend.Call) bool { return c.RTPReceived >= 25 && c.RTPSent >= 25 })
	if c.State != "answered" || c.Directions[0] != "sendrecv" {
		t.Errorf("far end saw %+v", c)
	}
	if n, err := p.media.WaitReceived(ctx, 10); err != nil {
		t.Fatalf("agent received %d RTP packets: %v", n, err)
	}
	// Hold and resume by re-INVITE (issue 15).
	if err := p.call.Hold(ctx, true); err != nil {
		t.Fatalf("hold: %v", err)
	}
	if err := p.call.Hold(ctx, false); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if c := bed.FarEnd.WaitCall(ctx, t, 1, "re-INVITEd twice", func(c farend.Call) bool { return len(c.Directions) == 3 }); c.Directions[1] != "sendonly" || c.Directions[2] != "sendrecv" {
		t.Errorf("directions: %v", c.Directions)
	}
	p.call.Hangup()
	if ev := until(p, sip.CallTerminated); ev.ByRemote {
		t.Errorf("hang-up: %+v", ev)
	}
	bed.FarEnd.WaitCall(ctx, t, 1, "ended by the agent", func(c farend.Call) bool { return c.State == "ended" && c.EndedBy == "agent" })
	recv(t, p.media.Closed())

	// 2, 3. Busy and rejected: the status and reason reach the event.
	for i, want := range []struct {
		number string
		status int
	}{{farend.Busy, 486}, {farend.Reject, 603}} {
		p := dial(want.number)
		if ev := until(p, sip.CallTerminated); ev.Status != want.status || ev.Reason == "" {
			t.Errorf("%s: %+v", want.number, ev)
		}
		bed.FarEnd.WaitCall(ctx, t, 2+i, "ended", func(c farend.Call) bool { return c.Status == want.status })
	}

	// 4. Never answered, then left: CANCEL, 487.
	p = dial(farend.NoAnswer)
	if ev := until(p, sip.CallProceeding); ev.Status != 180 && ev.Status != 100 {
		t.Errorf("ringing: %+v", ev)
	}
	bed.FarEnd.WaitCall(ctx, t, 4, "ringing", func(c farend.Call) bool { return c.State == "ringing" })
	p.call.Hangup()
	if ev := until(p, sip.CallTerminated); ev.Status != 487 {
		t.Errorf("cancelled: %+v", ev)
	}
	bed.FarEnd.WaitCall(ctx, t, 4, "cancelled", func(c farend.Call) bool { return c.Cancelled && c.State == "ended" })

	// 5. The far end hangs up: its BYE comes back over our WebSocket.
	p = dial(farend.HangUp)
	until(p, sip.CallConfirmed)
	if ev := until(p, sip.CallTerminated); !ev.ByRemote {
		t.Errorf("far end's hang-up: %+v", ev)
	}
	bed.FarEnd.WaitCall(ctx, t, 5, "ended by the far end", func(c farend.Call) bool { return c.EndedBy == "far end" })

	// 6. The placement deadline: the SIP server never answers; Invite
	// gives up with its context and nothing stays up.
	m := newPionMedia(t, api)
	dctx, dcancel := context.WithTimeout(ctx, 2*time.Second)
	defer dcancel()
	if c, err := ua.Invite(dctx, farend.Silent, m, func(ev sip.CallEvent) { t.Errorf("event after the deadline: %+v", ev) }); c != nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("silent number: %v %v", c, err)
	}

	// 7, 8. Inbound (issue 15): the far end calls the agent, who accepts
	// (audio both ways), and hangs up; a second call is rejected (486).
	type inbound struct {
		call   *sip.Call
		from   sip.Addr
		events chan sip.CallEvent
	}
	incoming := make(chan inbound, 2)
	iregs := make(chan bool, 4)
	iua, err := sip.NewUA(sip.Config{URL: bed.WSURL, Domain: bed.Domain, User: "agent2", Password: bed.Passwords["agent2"],
		OnRegistration: func(ok bool, err error) { iregs <- ok },
		OnIncoming: func(c *sip.Call, from sip.Addr) func(sip.CallEvent) {
			in := inbound{c, from, make(chan sip.CallEvent, 8)}
			incoming <- in
			return func(ev sip.CallEvent) { in.events <- ev }
		}}, &wsTransport{url: bed.WSURL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(iua.Close)
	if err := iua.Register(ctx); err != nil {
		t.Fatal(err)
	}
	recv(t, iregs)
	nextIncoming := func() inbound {
		t.Helper()
		select {
		case in := <-incoming:
			return in
		case <-ctx.Done():
			t.Fatal("no inbound call")
			return inbound{}
		}
	}
	id, err := bed.FarEnd.Dial("agent2", "+12025550142")
	if err != nil {
		t.Fatal(err)
	}
	in := nextIncoming()
	if in.from.URI.User != "+12025550142" {
		t.Errorf("from: %+v", in.from)
	}
	im := newPionMedia(t, api)
	if err := in.call.Accept(ctx, im); err != nil {
		t.Fatalf("accept: %v", err)
	}
	bed.FarEnd.WaitCall(ctx, t, id, "answered with RTP both ways", func(c farend.Call) bool { return c.State == "answered" && c.RTPReceived >= 25 && c.RTPSent >= 25 })
	if n, err := im.WaitReceived(ctx, 10); err != nil {
		t.Fatalf("agent received %d RTP packets: %v", n, err)
	}
	if err := bed.FarEnd.Hangup(id); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-in.events:
		if ev.State != sip.CallTerminated || !ev.ByRemote {
			t.Errorf("far end's BYE: %+v", ev)
		}
	case <-ctx.Done():
		t.Fatal("no event for the far end's BYE")
	}
	id, err = bed.FarEnd.Dial("agent2", "+12025550143")
	if err != nil {
		t.Fatal(err)
	}
	if err := nextIncoming().call.Reject(486); err != nil {
		t.Fatal(err)
	}
	bed.FarEnd.WaitCall(ctx, t, id, "refused", func(c farend.Call) bool { return c.State == "ended" && c.Status == 486 })

	// 9. Kamailio restarts (issue 15): the registration goes down with the
	// WebSocket, comes back by itself (reconnect with backoff, REGISTER),
	// and a new call works.
	bed.StopKamailio()
	if recv(t, regs) {
		t.Fatal("OnRegistration(true) when the server went away")
	}
	if err := bed.StartKamailio(); err != nil {
		t.Fatal(err)
	}
	if !recv(t, regs) {
		t.Fatal("not registered again")
	}
	p = dial(farend.Echo)
	until(p, sip.CallConfirmed)
	p.call.Hangup()
	until(p, sip.CallTerminated)

	// Still registered, and signing out works.
	if !ua.Registered() {
		t.Error("not registered after the calls")
	}
	if err := ua.Unregister(ctx); err != nil {
		t.Errorf("unregister: %v", err)
	}
}

// TestPhoneAgainstTestBed: sip.Phone, as the desktop drives it, against
// the test bed: what the desktop hears for a wrong password, a call
// answered and left, a busy number, and an inbound call the far end ends.
func TestPhoneAgainstTestBed(t *testing.T) {
	bed := startBed(t, farend.Config{AnswerDelay: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	api := loopbackAPI(t)
	p := sip.NewPhone(sip.PhoneConfig{URL: bed.WSURL, Domain: bed.Domain,
		Transport: func() sip.Transport { return &wsTransport{url: bed.WSURL} },
		Media:     func() sip.Media { return newPionMedia(t, api) }})
	events := make(chan phone.Event, 32)
	p.SetHandler(func(e phone.Event) {
		if e.Kind != phone.EventCapabilities {
			events <- e
		}
	})
	want := func(kind phone.Kind) phone.Event {
		t.Helper()
		e := recv(t, events)
		if e.Kind != kind {
			t.Fatalf("event %+v, want kind %d", e, kind)
		}
		return e
	}

	if err := p.Register(ctx, phone.Credentials{Username: "agent", Password: "wrong"}); !errors.Is(err, phone.ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if e := want(phone.EventServerError); e.ServerCode != 109 {
		t.Errorf("server error: %+v", e)
	}
	if err := p.Register(ctx, phone.Credentials{Username: "agent", Password: bed.Passwords["agent"]}); err != nil {
		t.Fatal(err)
	}
	if e := want(phone.EventStatus); !e.Ready {
		t.Fatalf("status: %+v", e)
	}

	if err := p.Dial(ctx, "c1", farend.Echo); err != nil {
		t.Fatal(err)
	}
	want(phone.EventRinging)
	want(phone.EventAnswered)
	if err := p.Hangup(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if err := p.Dial(ctx, "c2", farend.Busy); err != nil {
		t.Fatal(err)
	}
	if e := want(phone.EventEnded); e.Call != "c2" || e.Status != 486 || e.Reason != "Busy Here" {
		t.Errorf("busy: %+v", e)
	}

	id, err := bed.FarEnd.Dial("agent", "+12025550142")
	if err != nil {
		t.Fatal(err)
	}
	in := want(phone.EventIncoming)
	if in.From != "+12025550142" {
		t.Errorf("incoming: %+v", in)
	}
	if err := p.Accept(ctx, in.Call); err != nil {
		t.Fatal(err)
	}
	bed.FarEnd.WaitCall(ctx, t, id, "answered, ACKed, audio flowing", func(c farend.Call) bool { return c.State == "answered" && c.RTPReceived >= 5 })
	if err := bed.FarEnd.Hangup(id); err != nil {
		t.Fatal(err)
	}
	if e := want(phone.EventEnded); e.Call != in.Call || e.Status != 0 {
		t.Errorf("far end's BYE: %+v", e)
	}
	if err := p.Unregister(ctx); err != nil {
		t.Fatal(err)
	}
	if e := want(phone.EventStatus); e.Ready {
		t.Errorf("status: %+v", e)
	}
	select {
	case e := <-events:
		t.Errorf("unexpected event %+v (the agent's own hang-up sends none)", e)
	default:
	}
}
