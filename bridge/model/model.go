// Package model is the reference phone: a phone.Phone that needs no
// network, for widget authors and tests. It starts registered; its far end
// answers after a delay (or when told), and it can be made slow or dead to
// start dialling, to refuse credentials, or to ring with an inbound call.
// Every method returns at once (phone.Instant) except Dial with a slow or
// dead phone, which waits on its Clock or gives up with its context.
package model

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge/phone"
)

// Mode is how the phone behaves when asked to dial, so that the placement
// deadline can be exercised.
type Mode string

const (
	Healthy Mode = "healthy" // dialling starts at once
	Slow    Mode = "slow"    // dialling starts after SlowDialDelay
	Dead    Mode = "dead"    // dialling never starts
)

// Settings are the model's knobs.
type Settings struct {
	Mode              Mode
	SlowDialDelay     time.Duration // how long a slow phone takes to start dialling
	AnswerDelay       time.Duration // the far end answers after this; 0: only by Answer
	RejectCredentials bool          // Register refuses every credential (invalid_credentials)
}

// DefaultSettings are the model's settings on a fresh page.
func DefaultSettings() Settings {
	return Settings{Mode: Healthy, SlowDialDelay: 8 * time.Second, AnswerDelay: 3 * time.Second}
}

// Phone is the reference phone.
type Phone struct {
	clock phone.Clock

	mu         sync.Mutex
	set        Settings
	handler    phone.Handler
	registered bool
	user       string
	calls      map[phone.CallID]*call
	seq        uint64
}

type call struct {
	inbound   bool
	connected bool
	held      bool
	muted     bool
	digits    string
	stop      func() bool // the far end's answer timer
}

var _ phone.Instant = (*Phone)(nil)
var _ phone.TryDialer = (*Phone)(nil)

// New makes a registered reference phone with DefaultSettings.
func New(clock phone.Clock) *Phone {
	if clock == nil {
		clock = phone.RealClock{}
	}
	return &Phone{clock: clock, set: DefaultSettings(), registered: true, calls: map[phone.CallID]*call{}, handler: func(phone.Event) {}}
}

// Instant marks the model as answering at once (phone.Instant).
func (*Phone) Instant() {}

// Settings returns the current settings.
func (p *Phone) Settings() Settings {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.set
}

// Configure replaces the settings; calls already placed keep their answer
// timers.
func (p *Phone) Configure(s Settings) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set = s
}

// SetHandler implements phone.Phone.
func (p *Phone) SetHandler(h phone.Handler) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if h == nil {
		h = func(phone.Event) {}
	}
	p.handler = h
}

// emit hands an event on; called locked, so a call's events stay in order.
func (p *Phone) emit(e phone.Event) { p.handler(e) }

// Register implements phone.Phone: any non-empty credentials, unless the
// settings say reject.
func (p *Phone) Register(ctx context.Context, cred phone.Credentials) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	if p.set.RejectCredentials || cred.Username == "" || cred.Password == "" {
		p.emit(phone.ServerError(phone.ServerInvalidCredentials, "invalid credentials for "+cred.Username))
		return phone.ErrInvalidCredentials
	}
	was := p.registered
	p.registered, p.user = true, cred.Username
	if !was {
		p.emit(phone.Event{Kind: phone.EventStatus, Ready: true})
		p.emit(phone.Event{Kind: phone.EventCapabilities, Caps: p.caps()})
	}
	return nil
}

// Unregister implements phone.Phone.
func (p *Phone) Unregister(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.registered {
		return nil
	}
	p.registered, p.user = false, ""
	p.emit(phone.Event{Kind: phone.EventStatus, Ready: false, Error: "logged out"})
	p.emit(phone.Event{Kind: phone.EventCapabilities, Caps: p.caps()})
	return nil
}

// Capabilities implements phone.Phone.
func (p *Phone) Capabilities() phone.Capabilities {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.caps()
}

func (p *Phone) caps() phone.Capabilities {
	r := p.registered
	return phone.Capabilities{CanDial: r, CanAnswer: r, CanHold: r, CanRetrieve: r}
}

// TryDial implements phone.TryDialer: a healthy phone dials at once; a
// slow or dead one places nothing and leaves it to Dial.
func (p *Phone) TryDial(id phone.CallID, number string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.registered {
		return false, phone.ErrNotRegistered
	}
	if p.set.Mode != Healthy {
		return false, nil
	}
	return true, p.place(id)
}

// Dial implements phone.Phone.
func (p *Phone) Dial(ctx context.Context, id phone.CallID, number string) error {
	p.mu.Lock()
	mode, delay, reg := p.set.Mode, p.set.SlowDialDelay, p.registered
	p.mu.Unlock()
	if !reg {
		return phone.ErrNotRegistered
	}
	switch mode {
	case Slow:
		started := make(chan struct{})
		stop := p.clock.AfterFunc(delay, func() { close(started) })
		select {
		case <-started:
		case <-ctx.Done():
			stop()
			return context.Cause(ctx)
		}
	case Dead:
		<-ctx.Done()
		return context.Cause(ctx)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// Checked under the lock that places the call: once the deadline has
	// passed nothing is placed.
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return p.place(id)
}

// place starts an outbound call; called locked.
func (p *Phone) place(id phone.CallID) error {
	if _, ok := p.calls[id]; ok {
		return fmt.Errorf("model: call %s already exists", id)
	}
	c := &call{}
	p.calls[id] = c
	if d := p.set.AnswerDelay; d > 0 {
		c.stop = p.clock.AfterFunc(d, func() { _ = p.Answer(id) })
	}
	return nil
}

// get finds a call; called locked.
func (p *Phone) get(id phone.CallID) (*call, error) {
	c, ok := p.calls[id]
	if !ok {
		return nil, phone.ErrNoSuchCall
	}
	return c, nil
}

// withCall runs fn on call id under the lock; an unknown id is get's error.
func (p *Phone) withCall(id phone.CallID, fn func(c *call) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.get(id)
	if err != nil {
		return err
	}
	return fn(c)
}

func (p *Phone) end(id phone.CallID, c *call) {
	if c.stop != nil {
		c.stop()
	}
	delete(p.calls, id)
}

// Hangup implements phone.Phone.
func (p *Phone) Hangup(_ context.Context, id phone.CallID) error {
	return p.withCall(id, func(c *call) error {
		p.end(id, c)
		return nil
	})
}

// Accept implements phone.Phone.
func (p *Phone) Accept(_ context.Context, id phone.CallID) error {
	return p.withCall(id, func(c *call) error {
		if !c.inbound || c.connected {
			return phone.ErrBadState
		}
		c.connected = true
		return nil
	})
}

// Reject implements phone.Phone; the status is the caller's to hear.
func (p *Phone) Reject(_ context.Context, id phone.CallID, status int) error {
	return p.withCall(id, func(c *call) error {
		if !c.inbound || c.connected {
			return phone.ErrBadState
		}
		p.end(id, c)
		return nil
	})
}

// Hold implements phone.Phone.
func (p *Phone) Hold(_ context.Context, id phone.CallID, on bool) error {
	return p.withCall(id, func(c *call) error {
		if !c.connected {
			return phone.ErrBadState
		}
		c.held = on
		return nil
	})
}

// Mute implements phone.Phone.
func (p *Phone) Mute(_ context.Context, id phone.CallID, on bool) error {
	return p.withCall(id, func(c *call) error {
		c.muted = on
		return nil
	})
}

// SendDTMF implements phone.Phone; the digits are kept (Digits).
func (p *Phone) SendDTMF(_ context.Context, id phone.CallID, digits string) error {
	return p.withCall(id, func(c *call) error {
		if !c.connected {
			return phone.ErrBadState
		}
		c.digits += digits
		return nil
	})
}

// Digits are the DTMF digits sent on a call so far.
func (p *Phone) Digits(id phone.CallID) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.calls[id]; ok {
		return c.digits
	}
	return ""
}

// The far end, for the page's controls and tests.

// Answer is the far end answering an outbound call.
func (p *Phone) Answer(id phone.CallID) error {
	return p.withCall(id, func(c *call) error {
		if c.inbound || c.connected {
			return phone.ErrBadState
		}
		c.connected = true
		if c.stop != nil {
			c.stop()
		}
		p.emit(phone.Event{Kind: phone.EventAnswered, Call: id})
		return nil
	})
}

// FarHangup is the far end ending a call: a hang-up (status 0) or, before
// the answer, a failure (486 busy, 404, …) or, for an inbound call still
// ringing, the caller giving up (487).
func (p *Phone) FarHangup(id phone.CallID, status int, reason string) error {
	return p.withCall(id, func(c *call) error {
		p.end(id, c)
		p.emit(phone.Event{Kind: phone.EventEnded, Call: id, Status: status, Reason: reason})
		return nil
	})
}

// Ring makes an inbound call ring from number (name: the caller's display
// name, may be ""). It returns the call's id.
func (p *Phone) Ring(number, name string) (phone.CallID, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.registered {
		return "", phone.ErrNotRegistered
	}
	p.seq++
	id := phone.CallID("in-" + strconv.FormatUint(p.seq, 10))
	p.calls[id] = &call{inbound: true}
	p.emit(phone.Event{Kind: phone.EventIncoming, Call: id, From: number, FromName: name})
	return id, nil
}
