package desk

import (
	"context"
	"strings"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// The agent's actions on the desktop (Bright Pattern's call-control
// methods, after their arguments were checked: methods.go). Each takes the
// interaction's id, "" meaning the active one (for accept and reject: the
// oldest ringing inbound call), and applies SPEC.md's order: not logged in
// (2) → no phone (4, for answering) → no such interaction (13) → state
// (15). The phone is asked without the desktop's lock held.

type pick int

const (
	pickActive  pick = iota // "": the active interaction
	pickRinging             // "": the oldest ringing inbound call
)

// resolve finds an interaction by id. Called locked.
func (p *Softphone) resolve(id string, how pick) (*interaction, error) {
	if id == "" {
		if how == pickRinging {
			for _, ia := range p.calls {
				if ia.ringing() {
					return ia, nil
				}
			}
			return nil, bridge.Errorf(bridge.NoInteraction, "no inbound call is ringing")
		}
		if p.activeID == "" {
			return nil, bridge.Errorf(bridge.NoInteraction, "no active interaction")
		}
		id = p.activeID
	}
	if i := p.find(id); i >= 0 {
		return p.calls[i], nil
	}
	return nil, bridge.Errorf(bridge.NoInteraction, "interaction %s: no such interaction", idText(id))
}

// idText renders an id for a message: as it is when it looks like one,
// quoted otherwise, so that a hostile id cannot forge the message.
func idText(id string) string {
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':') {
			return bridge.KeyPath(id)
		}
	}
	if len(id) > bridge.MaxKeyInMessages*2 || id == "" {
		return bridge.KeyPath(id)
	}
	return id
}

// action is one of the agent's actions on an interaction.
type action struct {
	id        string
	pick      pick
	needPhone bool
	// check says whether the interaction's state allows the action.
	check func(ia *interaction) error
	// ring asks the phone; nil when the phone has nothing to do.
	ring func(ctx context.Context, call phone.CallID) error
	// liveOnly: ring only when the call is on the line (not in wrap_up).
	liveOnly bool
	// apply changes the interaction, locked, after the phone agreed.
	apply func(ia *interaction)
}

func (p *Softphone) do(ctx context.Context, a action) error {
	p.mu.Lock()
	err := p.loginCheck()
	if err == nil && a.needPhone {
		err = p.phoneCheck()
	}
	var ia *interaction
	if err == nil {
		ia, err = p.resolve(a.id, a.pick)
	}
	if err == nil {
		err = a.check(ia)
	}
	ring := err == nil && a.ring != nil && (!a.liveOnly || ia.live())
	p.mu.Unlock()
	if err != nil {
		return err
	}
	if ring {
		if err := a.ring(ctx, ia.call); err != nil {
			return phoneError(err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.find(ia.data.InteractionID) < 0 {
		return bridge.Errorf(bridge.NoInteraction, "interaction %s: ended meanwhile", ia.data.InteractionID)
	}
	if err := a.check(ia); err != nil { // the network may have moved it meanwhile
		return err
	}
	a.apply(ia)
	p.changed()
	return nil
}

func stateError(ia *interaction, what string, want ...State) error {
	d := ia.data
	s := string(d.State)
	if ia.ringing() {
		s += " (ringing inbound)"
	}
	w := make([]string, len(want))
	for i, x := range want {
		w[i] = string(x)
	}
	return bridge.Errorf(bridge.NotSuitableState, "interaction %s is %s; %s needs %s", d.InteractionID, s, what, strings.Join(w, " or "))
}

func needState(what string, want ...State) func(*interaction) error {
	return func(ia *interaction) error {
		for _, s := range want {
			if ia.data.State == s && !ia.ringing() {
				return nil
			}
		}
		return stateError(ia, what, want...)
	}
}

func needRinging(what string) func(*interaction) error {
	return func(ia *interaction) error {
		if ia.ringing() {
			return nil
		}
		return bridge.Errorf(bridge.NotSuitableState, "interaction %s is %s %s; %s needs a ringing inbound call", ia.data.InteractionID, ia.data.CallDirection, ia.data.State, what)
	}
}

// Accept answers a ringing inbound call: → delivered, and active.
func (p *Softphone) Accept(ctx context.Context, id string) error {
	return p.do(ctx, action{id: id, pick: pickRinging, needPhone: true,
		check: needRinging("acceptInteraction"),
		ring:  p.phone.Accept,
		apply: func(ia *interaction) {
			p.setState(ia, StateDelivered)
			p.activate(ia.data.InteractionID)
		}})
}

// Reject refuses a ringing inbound call (the caller hears 486): removed.
func (p *Softphone) Reject(ctx context.Context, id string) error {
	return p.do(ctx, action{id: id, pick: pickRinging,
		check: needRinging("rejectInteraction"),
		ring:  func(ctx context.Context, c phone.CallID) error { return p.phone.Reject(ctx, c, 486) },
		apply: func(ia *interaction) { p.finish(ia) }})
}

// finish completes and removes an interaction. Called locked.
func (p *Softphone) finish(ia *interaction) {
	p.setState(ia, StateCompleted)
	if i := p.find(ia.data.InteractionID); i >= 0 {
		p.remove(i)
	}
}

// Leave hangs up (cancels a call still dialling): → wrap_up.
func (p *Softphone) Leave(ctx context.Context, id string) error {
	return p.do(ctx, action{id: id,
		check: needState("leaveInteraction", StateDeliveryPending, StateDelivered, StateHold),
		ring:  p.phone.Hangup,
		apply: func(ia *interaction) { p.setState(ia, StateWrapUp) }})
}

// CompleteInteraction ends after-call work: wrap_up → completed, removed.
func (p *Softphone) CompleteInteraction(id string) error {
	return p.do(context.Background(), action{id: id,
		check: needState("completeInteraction", StateWrapUp),
		apply: func(ia *interaction) { p.finish(ia) }})
}

// LeaveAndComplete hangs up if the call is live, then completes it,
// keeping the disposition and note on the interaction.
func (p *Softphone) LeaveAndComplete(ctx context.Context, disposition, note, id string) error {
	return p.do(ctx, action{id: id,
		check:    needState("leaveAndCompleteInteraction", StateDeliveryPending, StateDelivered, StateHold, StateWrapUp),
		ring:     p.phone.Hangup,
		liveOnly: true,
		apply: func(ia *interaction) {
			ia.Disposition, ia.Note = disposition, note
			if ia.data.State != StateWrapUp {
				p.setState(ia, StateWrapUp)
			}
			p.finish(ia)
		}})
}

// SwitchActive makes an interaction the active one.
func (p *Softphone) SwitchActive(id string) error {
	return p.do(context.Background(), action{id: id,
		check: func(ia *interaction) error {
			if ia.ringing() {
				return bridge.Errorf(bridge.NotSuitableState, "interaction %s is ringing; accept it first", ia.data.InteractionID)
			}
			return nil
		},
		apply: func(ia *interaction) { p.activate(ia.data.InteractionID) }})
}

// SetHold puts a connected call on hold (on) or resumes a held one.
func (p *Softphone) SetHold(ctx context.Context, on bool, id string) error {
	from, to, what := StateDelivered, StateHold, "setCallHold(true)"
	if !on {
		from, to, what = StateHold, StateDelivered, "setCallHold(false)"
	}
	return p.do(ctx, action{id: id,
		check: needState(what, from),
		ring:  func(ctx context.Context, c phone.CallID) error { return p.phone.Hold(ctx, c, on) },
		apply: func(ia *interaction) { p.setState(ia, to) }})
}

// SetMute turns the agent's microphone off (on) or on for a call:
// callMuted. Asking for what already is changes nothing.
func (p *Softphone) SetMute(ctx context.Context, on bool, id string) error {
	return p.do(ctx, action{id: id,
		check: needState("setCallMute", StateDeliveryPending, StateDelivered, StateHold),
		ring:  func(ctx context.Context, c phone.CallID) error { return p.phone.Mute(ctx, c, on) },
		apply: func(ia *interaction) {
			if ia.data.CallMuted != on {
				ia.data.CallMuted = on
				p.touch(ia)
			}
		}})
}

// SendDTMF sends digits (checked: ParseDTMF) on a connected call; they are
// kept on the interaction (Records).
func (p *Softphone) SendDTMF(ctx context.Context, digits, id string) error {
	return p.do(ctx, action{id: id,
		check: needState("sendDtmf", StateDelivered),
		ring:  func(ctx context.Context, c phone.CallID) error { return p.phone.SendDTMF(ctx, c, digits) },
		apply: func(ia *interaction) {
			ia.Digits += digits
			p.touch(ia)
		}})
}

// The panel's and tests' names for the agent's actions.

// Hold puts a connected call on hold.
func (p *Softphone) Hold(id string) error { return p.SetHold(context.Background(), true, id) }

// Resume takes a call off hold.
func (p *Softphone) Resume(id string) error { return p.SetHold(context.Background(), false, id) }

// HangUp ends the call: → wrap_up.
func (p *Softphone) HangUp(id string) error { return p.Leave(context.Background(), id) }

// Complete ends after-call work: wrap_up → completed, then removed.
func (p *Softphone) Complete(id string) error { return p.CompleteInteraction(id) }

// The far end, with the reference phone (the page's controls and tests).

func (p *Softphone) farEnd() error {
	if p.model == nil {
		return bridge.Errorf(bridge.APINotImplemented, "the far end is real: only the reference phone takes this control")
	}
	return nil
}

// Connect is the far end answering: dialling → delivered.
func (p *Softphone) Connect(id string) error {
	if err := p.farEnd(); err != nil {
		return err
	}
	p.mu.Lock()
	ia, err := p.resolve(id, pickActive)
	if err == nil && (ia.data.State != StateDeliveryPending || ia.ringing()) {
		err = stateError(ia, "the far end's answer", StateDeliveryPending)
	}
	p.mu.Unlock()
	if err != nil {
		return err
	}
	return phoneError(p.model.Answer(ia.call))
}

// FarHangup is the far end ending a call: a hang-up (status 0), a failure
// before the answer (486, 404…), or an inbound caller giving up (487).
func (p *Softphone) FarHangup(id string, status int, reason string) error {
	if err := p.farEnd(); err != nil {
		return err
	}
	p.mu.Lock()
	ia, err := p.resolve(id, pickActive)
	if err == nil && ia.data.State == StateWrapUp {
		err = stateError(ia, "the far end's hang-up", StateDeliveryPending, StateDelivered, StateHold)
	}
	p.mu.Unlock()
	if err != nil {
		return err
	}
	return phoneError(p.model.FarHangup(ia.call, status, reason))
}

// Ring makes an inbound call ring from number (normalised) with the
// caller's name (may be ""). It returns the interaction's id, or "" when
// the agent could not take it (not logged in, no phone, not_ready: the
// caller heard 480).
func (p *Softphone) Ring(number, name string) (string, error) {
	if err := p.farEnd(); err != nil {
		return "", err
	}
	n, err := bridge.NormalizePhoneField("number", jsval.String(number))
	if err != nil {
		return "", err
	}
	if len(name) > bridge.MaxStringLength {
		return "", bridge.Errorf(bridge.InvalidArgs, "name: too long (at most %d)", bridge.MaxStringLength)
	}
	c, err := p.model.Ring(n, name)
	if err != nil {
		return "", phoneError(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if i := p.findCall(c); i >= 0 {
		return p.calls[i].data.InteractionID, nil
	}
	return "", nil
}
