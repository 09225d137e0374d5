package bridge

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// AgentState is the agent's own state, as Bright Pattern names it.
type AgentState string

const (
	AgentReady         AgentState = "ready"
	AgentNotReady      AgentState = "not_ready"
	AgentBusy          AgentState = "busy"
	AgentAfterCallWork AgentState = "after_call_work"
)

// AgentStates lists every AgentState, in the order the panel offers them.
var AgentStates = []AgentState{AgentReady, AgentNotReady, AgentBusy, AgentAfterCallWork}

// PhoneMode is how the agent's phone device behaves when asked to dial,
// so that the placement deadline can be exercised.
type PhoneMode string

const (
	PhoneHealthy PhoneMode = "healthy" // dialling starts at once
	PhoneSlow    PhoneMode = "slow"    // dialling starts after SlowDialDelay
	PhoneDead    PhoneMode = "dead"    // dialling never starts
)

// Settings are the reference desktop's knobs. The defaults are permissive
// (SPEC.md): logged in, with a phone, ready, any number of calls at once.
type Settings struct {
	LoggedIn      bool
	HasPhone      bool
	AgentState    AgentState
	Extension     string // the agent's own number; dialling it is self_call
	DeferredDial  bool   // startCall only fills the Dialpad
	SingleLine    bool   // a second call while one is active is not_suitable_state
	Phone         PhoneMode
	SlowDialDelay time.Duration // how long a slow phone takes to start dialling
	AnswerDelay   time.Duration // the far end answers after this; 0: only by Connect
	// Panic is for tests only: it makes the reference desktop panic, to
	// show that every recover on the way holds (a panic is unknown_error
	// for that call only). PanicCheck: the agent check, which the bridge
	// calls before placing, so the panic reaches the wasm glue's recover;
	// PanicDial: placing the call, the bridge's own recover. "": never.
	Panic string
}

// The places Settings.Panic makes the reference desktop panic.
const (
	PanicCheck = "check"
	PanicDial  = "dial"
)

// DefaultSettings are the reference desktop's settings on a fresh page.
func DefaultSettings() Settings {
	return Settings{
		LoggedIn:      true,
		HasPhone:      true,
		AgentState:    AgentReady,
		Extension:     "1001",
		Phone:         PhoneHealthy,
		SlowDialDelay: 8 * time.Second,
		AnswerDelay:   3 * time.Second,
	}
}

// Softphone is the reference agent desktop: an agent, their phone and the
// interactions they hold, with Bright Pattern's states and events. It is a
// Desktop. Removed interactions are forgotten, so nothing grows with the
// number of calls ever made. Events are handed to emit in order, while the
// Softphone's lock is held: emit must not call back into the Softphone.
type Softphone struct {
	clock  Clock
	emit   func(Event)
	prefix string

	mu       sync.Mutex
	set      Settings
	calls    []*interaction // in order of creation
	activeID string
	seq      uint64
	dialpad  string
	deferred *Call // the call Deferred Dial put in the Dialpad, while the Dialpad still holds its number
}

type interaction struct {
	data       InteractionData
	start      time.Time
	stopAnswer func() bool
}

// NewSoftphone makes a reference desktop with DefaultSettings. emit may be
// nil.
func NewSoftphone(clock Clock, emit func(Event)) *Softphone {
	if clock == nil {
		clock = RealClock{}
	}
	if emit == nil {
		emit = func(Event) {}
	}
	// A random prefix keeps ids unique across page loads.
	prefix := strconv.FormatUint(uint64(rand.Uint32()), 16)
	return &Softphone{clock: clock, emit: emit, prefix: prefix, set: DefaultSettings()}
}

// Settings returns the current settings.
func (p *Softphone) Settings() Settings {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.set
}

// Update changes the settings. An Extension that is not a valid number is
// refused.
func (p *Softphone) Update(f func(*Settings)) error {
	return p.update(func(s *Settings) error { f(s); return nil })
}

// Apply applies a patch from the page.
func (p *Softphone) Apply(pt SettingsPatch) error { return p.update(pt.Apply) }

func (p *Softphone) update(f func(*Settings) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.set
	if err := f(&s); err != nil {
		return err
	}
	if s.Extension != "" {
		ext, err := normalizePhoneField("extension", String(s.Extension))
		if err != nil {
			return err
		}
		s.Extension = ext
	}
	p.set = s
	p.changed()
	return nil
}

// Dialpad returns the number in the Dialpad.
func (p *Softphone) Dialpad() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dialpad
}

// SetDialpad puts a number into the Dialpad, as the agent typing. A call
// Deferred Dial left there keeps its CRM record while the Dialpad holds
// the same number (formatting aside); another number drops the record.
func (p *Softphone) SetDialpad(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dialpad = s
	if p.deferred != nil {
		if n, err := normalizePhoneField("dialpad", String(s)); err != nil || n != p.deferred.PhoneNumber {
			p.deferred = nil
		}
	}
	p.changed()
}

// DialpadObject is the CRM record the number in the Dialpad was sent
// with (Deferred Dial), nil when there is none.
func (p *Softphone) DialpadObject() *AssociatedObject {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.deferred == nil {
		return nil
	}
	return p.deferred.Object
}

// deferCall leaves c in the Dialpad for the agent. Called locked.
func (p *Softphone) deferCall(c Call) {
	p.dialpad = c.PhoneNumber
	p.deferred = &c
	p.changed()
}

// Interactions returns the current interactions, oldest first.
func (p *Softphone) Interactions() []InteractionData {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]InteractionData, len(p.calls))
	now := p.clock.Now()
	for i, c := range p.calls {
		out[i] = *snapshotAt(c, now)
	}
	return out
}

// ActiveID is the active interaction's id, "" when there is none.
func (p *Softphone) ActiveID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.activeID
}

// StartCall places c (Desktop). With Deferred Dial on, a call from the API
// only fills the Dialpad and returns "" and no error.
func (p *Softphone) StartCall(ctx context.Context, c Call) (string, error) {
	p.mu.Lock()
	if err := p.check(c); err != nil {
		p.mu.Unlock()
		return "", err
	}
	if c.Origination != ByDialpad && p.set.DeferredDial {
		p.deferCall(c)
		p.mu.Unlock()
		return "", nil
	}
	mode, delay, panics := p.set.Phone, p.set.SlowDialDelay, p.set.Panic == PanicDial
	p.mu.Unlock()
	if panics {
		panic("test: the reference softphone panics (dial)")
	}

	switch mode {
	case PhoneSlow:
		started := make(chan struct{})
		stop := p.clock.AfterFunc(delay, func() { close(started) })
		select {
		case <-started:
		case <-ctx.Done():
			stop()
			return "", ctx.Err()
		}
	case PhoneDead:
		<-ctx.Done()
		return "", ctx.Err()
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	// Checked under the lock that creates the interaction: once the
	// deadline has passed nothing is placed, so a late dial leaves no
	// ghost interaction behind a "Timeout error".
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := p.check(c); err != nil { // the agent may have changed meanwhile
		return "", err
	}
	return p.create(c), nil
}

// TryStartCall places c without waiting if the phone dials at once
// (Trier); with a slow or dead phone it places nothing and says not done.
func (p *Softphone) TryStartCall(c Call) (string, error, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.check(c); err != nil {
		return "", err, true
	}
	if c.Origination != ByDialpad && p.set.DeferredDial {
		p.deferCall(c)
		return "", nil, true
	}
	if p.set.Phone != PhoneHealthy {
		return "", nil, false
	}
	if p.set.Panic == PanicDial {
		panic("test: the reference softphone panics (dial)")
	}
	return p.create(c), nil, true
}

// DialpadCall is the call the agent asks for by pressing Dial: the number
// in the Dialpad, normalised. Place it like any other call (Bridge.Place);
// the Dialpad empties once it is placed (ClearDialpad).
//
// A number Deferred Dial left there is dialled with the CRM record the
// widget sent (the call as startCall asked for it, placed by the agent).
func (p *Softphone) DialpadCall() (Call, error) {
	p.mu.Lock()
	pad, deferred := p.dialpad, p.deferred
	p.mu.Unlock()
	n, err := normalizePhoneField("dialpad", String(pad))
	if err != nil {
		return Call{}, err
	}
	c := Call{PhoneNumber: n}
	if deferred != nil && deferred.PhoneNumber == n {
		c = *deferred
		c.Origin = "" // the agent places it
	}
	c.Origination = ByDialpad
	return c, nil
}

// ClearDialpad empties the Dialpad if it still holds number.
func (p *Softphone) ClearDialpad(number string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n, err := normalizePhoneField("dialpad", String(p.dialpad)); err == nil && n == number {
		p.dialpad = ""
		p.deferred = nil
		p.changed()
	}
}

// Check applies the agent conditions (Checker).
func (p *Softphone) Check(c Call) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.set.Panic == PanicCheck {
		panic("test: the reference softphone panics (check)")
	}
	return p.check(c)
}

// check applies the agent conditions, in SPEC.md's order. Called locked.
func (p *Softphone) check(c Call) error {
	switch {
	case !p.set.LoggedIn:
		return Errorf(NotLoggedIn, "the agent is not logged in")
	case !p.set.HasPhone:
		return Errorf(LoggedWithoutPhone, "the agent has no phone device")
	case p.set.AgentState == AgentAfterCallWork:
		return Errorf(NotSuitableState, "the agent is in after_call_work")
	case p.set.SingleLine && p.busyLine():
		return Errorf(NotSuitableState, "single-line mode: the agent already has an active call")
	case p.set.Extension != "" && c.PhoneNumber == p.set.Extension:
		return Errorf(SelfCall, "phoneNumber: %s is the agent's own number", c.PhoneNumber)
	}
	return nil
}

// busyLine reports a call still on the line (not yet hung up).
func (p *Softphone) busyLine() bool {
	for _, c := range p.calls {
		switch c.data.State {
		case StateDeliveryPending, StateDelivered, StateHold:
			return true
		}
	}
	return false
}

// create makes a new interaction, dialling. Called locked.
func (p *Softphone) create(c Call) string {
	p.seq++
	id := "ia-" + p.prefix + "-" + strconv.FormatUint(p.seq, 10)
	now := p.clock.Now()
	name := c.PhoneNumber
	d := InteractionData{
		InteractionID:     id,
		State:             StateDeliveryPending,
		Type:              "voice",
		Subject:           "Call to " + c.PhoneNumber,
		AssociatedObjects: AssociatedObjects{List: []AssociatedObjectEntry{}, Selected: []string{}},
		AttachedData:      map[string]string{},
		PhoneNumber:       c.PhoneNumber,
		CallDirection:     "outbound",
		Origination:       c.Origination,
		StartTime:         now.UnixMilli(),
	}
	if o := c.Object; o != nil {
		d.AssociatedObjects.List = append(d.AssociatedObjects.List, AssociatedObjectEntry{AssociatedObject: *o, Source: string(c.Origination)})
		d.AssociatedObjects.Selected = append(d.AssociatedObjects.Selected, o.ID)
		if o.DisplayName != "" {
			name = o.DisplayName
		}
	}
	d.CallParties = []CallParty{{ID: id + "-p1", Name: name, Phone: c.PhoneNumber}}
	ia := &interaction{data: d, start: now}
	p.calls = append(p.calls, ia)
	p.emit(Event{Name: OnNewInteraction, Data: snapshotAt(ia, now)})
	p.activate(id)
	if delay := p.set.AnswerDelay; delay > 0 {
		ia.stopAnswer = p.clock.AfterFunc(delay, func() { _ = p.Connect(id) })
	}
	p.changed()
	return id
}

// Connect is the far end answering: dialling → delivered.
func (p *Softphone) Connect(id string) error { return p.move(id, StateDelivered, StateDeliveryPending) }

// Hold puts a connected call on hold.
func (p *Softphone) Hold(id string) error { return p.move(id, StateHold, StateDelivered) }

// Resume takes a call off hold.
func (p *Softphone) Resume(id string) error { return p.move(id, StateDelivered, StateHold) }

// HangUp ends the call: → wrap_up.
func (p *Softphone) HangUp(id string) error { return p.move(id, StateWrapUp, "") }

// Complete ends after-call work: wrap_up → completed, then the interaction
// is removed.
func (p *Softphone) Complete(id string) error { return p.move(id, StateCompleted, "") }

// move changes an interaction's state; from, when set, is the state the
// action needs (so that Resume never connects a dialling call).
func (p *Softphone) move(id string, to, from State) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := p.find(id)
	if i < 0 {
		return Errorf(InvalidArgs, "interaction %s: no such interaction", id)
	}
	ia := p.calls[i]
	cur := ia.data.State
	if from != "" && cur != from || !CanTransition(cur, to) {
		return transitionError(id, cur, to)
	}
	ia.data.State = to
	now := p.clock.Now() // once: in wasm, reading the clock is a call into JavaScript
	if to == StateWrapUp {
		if ia.stopAnswer != nil {
			ia.stopAnswer()
		}
		ia.data.EndTime = now.UnixMilli()
		ia.data.Duration = now.Sub(ia.start).Milliseconds()
	}
	p.emit(Event{Name: OnInteractionStateChange, Data: snapshotAt(ia, now)})
	if to == StateCompleted {
		p.calls = append(p.calls[:i:i], p.calls[i+1:]...)
		p.emit(Event{Name: OnInteractionRemoved, Data: snapshotAt(ia, now)})
		if p.activeID == id {
			next := ""
			if n := len(p.calls); n > 0 {
				next = p.calls[n-1].data.InteractionID
			}
			p.activate(next)
		}
	}
	p.changed()
	return nil
}

func (p *Softphone) find(id string) int {
	for i, c := range p.calls {
		if c.data.InteractionID == id {
			return i
		}
	}
	return -1
}

func (p *Softphone) activate(id string) {
	if p.activeID == id {
		return
	}
	p.activeID = id
	ev := Event{Name: OnActiveInteractionSwitch}
	if id != "" {
		ev.ActiveID = &id
	}
	p.emit(ev)
}

// snapshotAt is the interaction's data at now, with a live duration.
func snapshotAt(ia *interaction, now time.Time) *InteractionData {
	d := ia.data
	if d.EndTime == 0 {
		d.Duration = now.Sub(ia.start).Milliseconds()
	}
	return &d
}

// changed tells the panel to redraw.
func (p *Softphone) changed() { p.emit(Event{Name: OnDesktopChange}) }
