package desk

import (
	"context"
	"strings"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// MaxReason bounds a not-ready reason, and the other short strings the
// call-control methods take (username, tenant, disposition).
const MaxReason = 256

// LoginState is Bright Pattern's LoginStateData.
func (p *Softphone) LoginState() map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.loginState()
}

func (p *Softphone) loginState() map[string]any {
	if !p.set.LoggedIn {
		return map[string]any{"isLoggedIn": false}
	}
	return map[string]any{"isLoggedIn": true, "agentId": p.set.Extension, "username": p.set.Username}
}

// Login signs the agent in: the phone registers with the credentials (the
// reference phone takes any non-empty ones unless its settings say
// reject). Signing in again while signed in replaces the sign-in. The
// password is handed to the phone and kept nowhere else.
func (p *Softphone) Login(ctx context.Context, cred phone.Credentials, force bool) error {
	if err := p.phone.Register(ctx, cred); err != nil {
		return phoneError(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set.LoggedIn, p.set.Username = true, cred.Username
	p.emit(Event{Name: OnLogin, Args: []any{p.loginState()}})
	p.changed()
	return nil
}

// Logout signs the agent out; refused while a call is live or ringing.
// Interactions in wrap_up are completed. The agent comes back not_ready.
func (p *Softphone) Logout(ctx context.Context) error {
	p.mu.Lock()
	if err := p.loginCheck(); err != nil {
		p.mu.Unlock()
		return err
	}
	var live []string
	for _, ia := range p.calls {
		if ia.live() || ia.ringing() {
			live = append(live, ia.data.InteractionID+" "+string(ia.data.State))
		}
	}
	if len(live) > 0 || len(p.pending) > 0 {
		p.mu.Unlock()
		return bridge.Errorf(bridge.NotSuitableState, "the agent has live calls (%s); leave them first", strings.Join(live, ", "))
	}
	for len(p.calls) > 0 {
		p.finish(p.calls[0])
	}
	p.set.LoggedIn = false
	p.set.AgentState, p.set.NotReadyReason = AgentNotReady, ""
	p.announced = agentView{}
	p.mu.Unlock()
	err := p.phone.Unregister(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.emit(Event{Name: OnLogout, Args: []any{}})
	p.changed()
	return phoneError(err)
}

// AgentStateData is Bright Pattern's AgentStateData.
func (p *Softphone) AgentStateData() (map[string]any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.loginCheck(); err != nil {
		return nil, err
	}
	a := p.agentNow()
	m := map[string]any{"state": string(a.state), "reservedForIncomingInteraction": a.reserved}
	if a.state == AgentNotReady && a.reason != "" {
		m["notReadyReason"] = a.reason
	}
	return m, nil
}

// SetAgentState is the agent choosing ready or not_ready (with a reason).
// While calls make the agent busy, ringing or in after-call work, the
// choice takes effect when they end.
func (p *Softphone) SetAgentState(state AgentState, reason string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.loginCheck(); err != nil {
		return err
	}
	if state != AgentNotReady {
		reason = ""
	}
	p.set.AgentState, p.set.NotReadyReason = state, reason
	p.changed()
	return nil
}

// NotReadyReasons are the reasons the desktop offers.
func (p *Softphone) NotReadyReasons() ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.loginCheck(); err != nil {
		return nil, err
	}
	return append([]string{}, p.reasons...), nil
}

// SetNotReadyReasons sets the reasons the desktop offers.
func (p *Softphone) SetNotReadyReasons(r []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reasons = append([]string{}, r...)
}

// PhoneDevices are the phone devices this desktop offers.
func PhoneDevices() []string { return []string{PhoneTypeBrowser, PhoneTypeNone} }

// PhoneDevice is Bright Pattern's PhoneDeviceData for the agent's device.
func (p *Softphone) PhoneDevice() map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.set.HasPhone {
		return map[string]any{"type": PhoneTypeNone}
	}
	return map[string]any{"type": PhoneTypeBrowser}
}

// SetPhoneDevice chooses the agent's phone device: the desktop's own
// (phone_type_browser) or none; none is refused while a call is live.
func (p *Softphone) SetPhoneDevice(typ string) error {
	caps := p.phone.Capabilities() // asked before locking: the desktop never holds its lock while it calls the phone
	p.mu.Lock()
	defer p.mu.Unlock()
	has := typ == PhoneTypeBrowser
	if has == p.set.HasPhone {
		return nil
	}
	if !has {
		for _, ia := range p.calls {
			if ia.live() || ia.ringing() {
				return bridge.Errorf(bridge.NotSuitableState, "interaction %s is %s; the phone device cannot change during a call", ia.data.InteractionID, ia.data.State)
			}
		}
	}
	p.set.HasPhone = has
	p.emit(Event{Name: OnPhoneCapabilitiesChange, Args: []any{capsJSON(p.caps(caps))}})
	p.changed()
	return nil
}

// InteractionsState is Bright Pattern's InteractionsState: every
// interaction, for a widget that reloaded.
func (p *Softphone) InteractionsState() (map[string]any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.loginCheck(); err != nil {
		return nil, err
	}
	now := p.clock.Now()
	list := make([]any, len(p.calls))
	for i, c := range p.calls {
		list[i] = snapshotAt(c, now)
	}
	var active any
	if p.activeID != "" {
		active = p.activeID
	}
	return map[string]any{"activeInteractionId": active, "interactions": list}, nil
}

// ParseAgentState reads a state the agent may choose: ready or not_ready.
func ParseAgentState(name string, v jsval.Value) (AgentState, error) {
	if v.Type != jsval.TypeString {
		return "", bridge.WrongType(name, "'ready' or 'not_ready'", v)
	}
	switch st := AgentState(v.Str); st {
	case AgentReady, AgentNotReady:
		return st, nil
	case AgentBusy, AgentAfterCallWork, AgentRinging, "reserved", "supervising":
		return "", bridge.Errorf(bridge.InvalidArgs, "%s: the agent may choose ready or not_ready; %s follows the calls", name, st)
	}
	return "", bridge.Errorf(bridge.InvalidArgs, "%s: want 'ready' or 'not_ready', got %s", name, bridge.StringInMessage(v.Str))
}
