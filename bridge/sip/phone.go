package sip

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge/phone"
)

// PhoneConfig is what a Phone needs from the page: where the SIP server
// is, and how to make a connection and a call's media.
type PhoneConfig struct {
	URL     string // the WebSocket URL (sip.wsUrl)
	Domain  string // the SIP domain (sip.domain)
	Expires time.Duration
	// Transport makes the connection for one sign-in.
	Transport func() Transport
	// Media makes one call's media.
	Media func() Media
	Clock Clock // nil: the wall clock

	// The page's hooks (nil: none). SignIn runs first in each Register
	// (the page asks for the microphone); its error is Register's, as it
	// is. Ring is told when an inbound call starts ringing (on, with the
	// caller's user) and when it may stop (accepted, rejected, hung up,
	// ended; id "" at sign-out: every call).
	SignIn func(ctx context.Context) error
	Ring   func(id phone.CallID, from string, on bool)
}

// Phone is the agent's phone as a SIP user agent: a phone.Phone. Login
// registers (a new UA per sign-in), calls are INVITEs, and what the
// network does becomes phone.Events.
type Phone struct {
	cfg PhoneConfig

	mu      sync.Mutex
	handler phone.Handler
	ua      *UA
	calls   map[phone.CallID]*Call
	seq     int
}

//go:noinline
func (p *Phone) lock() { p.mu.Lock() }

//go:noinline
func (p *Phone) unlock() { p.mu.Unlock() }

// NewPhone makes a Phone; nothing is sent before Register.
func NewPhone(cfg PhoneConfig) *Phone {
	return &Phone{cfg: cfg, calls: map[phone.CallID]*Call{}}
}

var _ phone.Phone = (*Phone)(nil)

// SetHandler sets the function that receives the phone's events.
func (p *Phone) SetHandler(h phone.Handler) {
	p.lock()
	p.handler = h
	p.unlock()
}

func (p *Phone) emit(e phone.Event) {
	switch e.Kind {
	case phone.EventIncoming:
		p.ring(e.Call, e.From, true)
	case phone.EventEnded:
		p.ring(e.Call, "", false)
	}
	p.lock()
	h := p.handler
	p.unlock()
	if h != nil {
		h(e)
	}
}

//go:noinline
func (p *Phone) ring(id phone.CallID, from string, on bool) {
	if p.cfg.Ring != nil {
		p.cfg.Ring(id, from, on)
	}
}

func (p *Phone) current() *UA {
	p.lock()
	ua := p.ua
	p.unlock()
	return ua
}

// Register signs in: REGISTER with digest. A sign-in while signed in
// replaces the registration.
func (p *Phone) Register(ctx context.Context, cred phone.Credentials) error {
	if p.cfg.SignIn != nil {
		if err := p.cfg.SignIn(ctx); err != nil {
			return err
		}
	}
	p.lock()
	old := p.ua
	p.ua = nil
	p.unlock()
	if old != nil { // its binding goes, or inbound calls would fork to it
		old.Unregister(ctx)
		old.Close()
	}
	var ua *UA
	ua, err := NewUA(Config{
		URL: p.cfg.URL, Domain: p.cfg.Domain, User: cred.Username, Password: cred.Password, Expires: p.cfg.Expires,
		OnRegistration: func(ok bool, err error) {
			if p.current() != ua {
				return
			}
			why := ""
			if err != nil {
				why = err.Error()
			}
			p.status(ok, why)
		},
		OnIncoming: p.incoming,
	}, p.cfg.Transport(), p.cfg.Clock)
	if err == nil {
		p.lock()
		p.ua = ua
		p.unlock()
		if err = ua.Register(ctx); err == nil {
			return nil
		}
		ua.Close()
	}
	// Forget ua, and tell the desktop the phone is no longer registered
	// when this sign-in had replaced a registration (old) and no other
	// sign-in has taken its place: it would still count the phone as
	// ready.
	p.lock()
	if p.ua == ua {
		p.ua = nil
	}
	gone := old != nil && p.ua == nil
	p.unlock()
	if gone {
		p.status(false, "signing in again failed")
	}
	code, msg := phone.ServerInvalidCredentials, "invalid credentials"
	switch {
	case ua == nil || errors.Is(err, ErrUnauthorized): // no UA: a username that cannot be a SIP user
		err = phone.ErrInvalidCredentials
	case ctx.Err() != nil:
		return context.Cause(ctx)
	default:
		msg = "SIP server "
		if errors.Is(err, ErrUnreachable) {
			msg = "cannot reach the SIP server "
		}
		code, msg = phone.ServerSIPServerError, msg+p.cfg.URL+": "+err.Error()
		err = errors.New(msg)
	}
	// A server error tells the desktop why.
	p.emit(phone.ServerError(code, msg))
	return err
}

// status tells the desktop whether the phone is registered (why not) and
// what it can do now.
func (p *Phone) status(ready bool, why string) {
	p.emit(phone.Event{Kind: phone.EventStatus, Ready: ready, Error: why})
	p.emit(phone.Event{Kind: phone.EventCapabilities, Caps: p.Capabilities()})
}

// Unregister signs out (REGISTER with Expires: 0) and forgets the
// credentials.
func (p *Phone) Unregister(ctx context.Context) error {
	p.ring("", "", false)
	p.lock()
	ua := p.ua
	p.ua = nil
	p.unlock()
	var err error
	if ua != nil {
		err = ua.Unregister(ctx)
		ua.Close()
	}
	p.status(false, "")
	return err
}

// onCall turns a call's events into the phone's. A call the desktop hung
// up or rejected is no longer in p.calls: its events are dropped. (Not
// inlined: each caller had its own copy of the closure.)
//
//go:noinline
func (p *Phone) onCall(id phone.CallID) func(CallEvent) {
	return func(ev CallEvent) {
		p.lock()
		_, known := p.calls[id]
		if ev.State == CallTerminated {
			delete(p.calls, id)
		}
		p.unlock()
		if !known {
			return
		}
		e := phone.Event{Call: id}
		switch {
		case ev.State == CallProceeding && (ev.Status == 180 || ev.Status == 183):
			e.Kind = phone.EventRinging
		case ev.State == CallConfirmed && ev.Status != 0:
			e.Kind = phone.EventAnswered
		case ev.State == CallTerminated:
			e.Kind, e.Reason = phone.EventEnded, ev.Reason
			if !ev.ByRemote || ev.Status != 0 {
				e.Status = ev.Status
			}
		default:
			return
		}
		p.emit(e)
	}
}

// errNoAudio: the page gave no media for a call.
var errNoAudio = errors.New("no audio for the call (the page has no RTCPeerConnection)")

// Dial places a call; it returns at the first response to the INVITE.
func (p *Phone) Dial(ctx context.Context, id phone.CallID, number string) error {
	ua := p.current()
	if ua == nil || !ua.Registered() {
		return phone.ErrNotRegistered
	}
	media := p.cfg.Media()
	if media == nil {
		return errNoAudio
	}
	p.lock()
	p.calls[id] = nil // known: its events go to the desktop
	p.unlock()
	c, err := ua.Invite(ctx, number, media, p.onCall(id))
	p.lock()
	if _, known := p.calls[id]; err != nil || !known {
		delete(p.calls, id)
		switch {
		case err == nil: // over already (a final failure first): its event is on its way
		case errors.Is(err, ErrNotRegistered):
			err = phone.ErrNotRegistered
		case ctx.Err() != nil:
			err = context.Cause(ctx)
		}
	} else {
		p.calls[id] = c
	}
	p.unlock()
	return err
}

// call is the live call id, or ErrNoSuchCall; forget drops it (the
// desktop ended it: no EventEnded follows).
func (p *Phone) call(id phone.CallID, forget bool) (*Call, error) {
	p.lock()
	c := p.calls[id]
	if forget && c != nil { // nil: still dialling (Dial keeps it)
		delete(p.calls, id)
	}
	p.unlock()
	if c == nil {
		return nil, phone.ErrNoSuchCall
	}
	return c, nil
}

// Hangup cancels (before the answer) or hangs up (BYE).
func (p *Phone) Hangup(ctx context.Context, id phone.CallID) error {
	p.ring(id, "", false)
	c, err := p.call(id, true)
	if err == nil {
		c.ua.lock()
		c.leave()
		c.ua.unlock()
	}
	return err
}

// incoming is an inbound call ringing: EventIncoming with a new id.
func (p *Phone) incoming(c *Call, from Addr) func(CallEvent) {
	p.lock()
	p.seq++
	id := phone.CallID("sip-in-" + itoa(p.seq))
	p.calls[id] = c
	p.unlock()
	// The caller's user with its %XX escapes undone (as it is with a bad
	// one).
	user, b := from.URI.User, []byte{}
	for i := 0; i < len(user); i++ {
		c := user[i]
		if c == '%' {
			n, err := strconv.ParseUint(user[i+1:min(i+3, len(user))], 16, 8)
			if err != nil || i+2 >= len(user) {
				b = nil
				break
			}
			c, i = byte(n), i+2
		}
		b = append(b, c)
	}
	if b != nil {
		user = string(b)
	}
	p.emit(phone.Event{Kind: phone.EventIncoming, Call: id, From: user, FromName: unquote(from.Display)})
	return p.onCall(id)
}

func stateErr(err error) error {
	if errors.Is(err, ErrCallState) {
		return phone.ErrBadState
	}
	return err
}

// Accept answers a ringing inbound call with a new media's answer.
func (p *Phone) Accept(ctx context.Context, id phone.CallID) error {
	p.ring(id, "", false)
	c, err := p.call(id, false)
	if err != nil {
		return err
	}
	media := p.cfg.Media()
	if media == nil {
		return errNoAudio
	}
	return stateErr(c.Accept(ctx, media))
}

// Reject refuses a ringing inbound call with status.
func (p *Phone) Reject(ctx context.Context, id phone.CallID, status int) error {
	p.ring(id, "", false)
	c, err := p.call(id, true)
	if err != nil {
		return err
	}
	return stateErr(c.Reject(status))
}

// Hold puts a connected call on hold or resumes it (re-INVITE).
func (p *Phone) Hold(ctx context.Context, id phone.CallID, on bool) error {
	c, err := p.call(id, false)
	if err != nil {
		return err
	}
	return stateErr(c.Hold(ctx, on))
}

// Mute turns the agent's microphone off or on for a call.
func (p *Phone) Mute(ctx context.Context, id phone.CallID, on bool) error {
	c, err := p.call(id, false)
	if err != nil {
		return err
	}
	m := c.Media()
	if m == nil { // an inbound call not yet answered
		return phone.ErrBadState
	}
	m.SetMuted(on)
	return nil
}

// SendDTMF sends digits as telephone-events on a connected call.
func (p *Phone) SendDTMF(ctx context.Context, id phone.CallID, digits string) error {
	c, err := p.call(id, false)
	if err != nil {
		return err
	}
	c.ua.lock()
	up := c.state == CallConfirmed
	c.ua.unlock()
	if !up {
		return phone.ErrBadState
	}
	return c.media.InsertDTMF(digits)
}

// Capabilities: a registered phone dials, answers and holds.
func (p *Phone) Capabilities() phone.Capabilities {
	ua := p.current()
	up := ua != nil && ua.Registered()
	return phone.Capabilities{CanDial: up, CanAnswer: up, CanHold: up, CanRetrieve: up}
}
