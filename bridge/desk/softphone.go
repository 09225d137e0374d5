// Package desk is the agent desktop: the agent (logged in, ready or not),
// its interactions, their states and events, and the agent's actions on
// them, driving a phone.Phone (the reference model or SIP). A
// bridge.Bridge places calls through it; bridge/api serves Bright
// Pattern's call-control methods with it.
package desk

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/bridge/model"
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// AgentState is the agent's state, as Bright Pattern names it.
type AgentState string

// AppendJSON writes s as a JSON string (jsonw.Appender).
func (s AgentState) AppendJSON(b []byte) []byte { return jsonw.String(b, string(s)) }

const (
	AgentReady         AgentState = "ready"
	AgentNotReady      AgentState = "not_ready"
	AgentBusy          AgentState = "busy"
	AgentAfterCallWork AgentState = "after_call_work"
	AgentRinging       AgentState = "ringing"
)

// AgentStates are the states the agent may choose (setAgentState); busy,
// ringing and after_call_work follow the calls.
var AgentStates = []AgentState{AgentReady, AgentNotReady}

// PhoneMode is how the reference phone behaves when asked to dial
// (model.Mode).
type PhoneMode = model.Mode

const (
	PhoneHealthy = model.Healthy
	PhoneSlow    = model.Slow
	PhoneDead    = model.Dead
)

// Phone device types (Bright Pattern's PhoneDevice) this desktop offers.
const (
	PhoneTypeBrowser = "phone_type_browser" // the desktop's own phone
	PhoneTypeNone    = "phone_type_none"    // no phone: calls get logged_without_phone
)

// Settings are the reference desktop's knobs. The defaults are permissive
// (SPEC.md): logged in, with a phone, ready, any number of calls at once.
type Settings struct {
	LoggedIn       bool
	Username       string // who is logged in (LoginStateData.username)
	HasPhone       bool   // phone_type_browser; false: phone_type_none
	AgentState     AgentState
	NotReadyReason string
	Extension      string // the agent's own number; dialling it is self_call
	DeferredDial   bool   // startCall only fills the Dialpad
	SingleLine     bool   // a second call while one is live is not_suitable_state
	// The reference phone's knobs: the model's own settings
	// (model.Settings), which Settings reads from the model and Update
	// writes to it; the desktop keeps no copy. With another phone they are
	// the model's defaults and change nothing.
	Phone             PhoneMode
	SlowDialDelay     time.Duration // how long a slow phone takes to start dialling
	AnswerDelay       time.Duration // the far end answers after this; 0: only by Connect
	RejectCredentials bool          // login is refused (invalid credentials)
}

// DefaultSettings are the reference desktop's settings on a fresh page.
func DefaultSettings() Settings {
	m := model.DefaultSettings()
	return Settings{
		LoggedIn:      true,
		Username:      "agent",
		HasPhone:      true,
		AgentState:    AgentReady,
		Extension:     "1001",
		Phone:         m.Mode,
		SlowDialDelay: m.SlowDialDelay,
		AnswerDelay:   m.AnswerDelay,
	}
}

func (s Settings) model() model.Settings {
	return model.Settings{Mode: s.Phone, SlowDialDelay: s.SlowDialDelay, AnswerDelay: s.AnswerDelay, RejectCredentials: s.RejectCredentials}
}

func (s *Settings) setModel(m model.Settings) {
	s.Phone, s.SlowDialDelay, s.AnswerDelay, s.RejectCredentials = m.Mode, m.SlowDialDelay, m.AnswerDelay, m.RejectCredentials
}

// Softphone is the agent desktop: the agent, the interactions they hold
// and Bright Pattern's states and events, driving a phone.Phone (the
// reference model by default, a SIP user agent with one configured). It is
// a Desktop. Removed interactions are forgotten, so nothing grows with the
// number of calls ever made. Events are handed to emit in order, while the
// Softphone's lock is held: emit must not call back into the Softphone.
// The Softphone never holds its lock while it calls the phone.
type Softphone struct {
	clock  bridge.Clock
	emit   func(Event)
	prefix string
	phone  phone.Phone
	model  *model.Phone // the phone, when it is the reference model
	inst   bool         // the phone answers at once (phone.Instant)

	cfg       sync.Mutex // one update at a time: it changes the desktop's settings, then the model's
	mu        sync.Mutex
	set       Settings       // the desktop's own: the phone's knobs are the model's, zero here
	calls     []*interaction // in order of creation
	pending   map[phone.CallID]*interaction
	activeID  string
	seq       uint64
	dialpad   string
	deferred  *bridge.Call // the call Deferred Dial put in the Dialpad, while the Dialpad still holds its number
	ready     bool         // the phone is registered: from the start for an Instant one, else from its first EventStatus (ON_SOFTPHONE_STATUS_CHANGE)
	announced agentView
	reasons   []string // what getAgentNotReadyReasons offers
}

// DefaultNotReadyReasons are the not-ready reasons a fresh desktop offers.
var DefaultNotReadyReasons = []string{"Break", "Lunch", "Meeting", "Training"}

type interaction struct {
	data  InteractionData
	start time.Time
	call  phone.CallID
	early []phone.Event // events for a call whose Dial has not returned

	Digits      string // DTMF sent
	Disposition string
	Note        string
}

type agentView struct {
	state    AgentState
	reason   string
	reserved bool
}

// NewSoftphone makes a reference desktop with DefaultSettings and the
// reference phone. emit may be nil.
func NewSoftphone(clock bridge.Clock, emit func(Event)) *Softphone {
	return New(clock, nil, emit)
}

// New makes a desktop driving ph (nil: the reference model) with
// DefaultSettings. emit may be nil.
func New(clock bridge.Clock, ph phone.Phone, emit func(Event)) *Softphone {
	if clock == nil {
		clock = bridge.RealClock{}
	}
	if emit == nil {
		emit = func(Event) {}
	}
	// A random prefix keeps ids unique across page loads.
	prefix := strconv.FormatUint(uint64(rand.Uint32()), 16)
	p := &Softphone{clock: clock, emit: emit, prefix: prefix, set: DefaultSettings(), pending: map[phone.CallID]*interaction{}, reasons: DefaultNotReadyReasons}
	p.set.setModel(model.Settings{})
	if ph == nil {
		m := model.New(clock)
		ph, p.model = m, m
	}
	p.phone = ph
	// A phone that never waits on the network (the reference one) is
	// ready from the start; another (SIP) once it says it registered.
	_, p.inst = ph.(phone.Instant)
	p.ready = p.inst
	p.announced = p.agentNow()
	ph.SetHandler(p.onPhone)
	return p
}

// PhoneReady reports whether the phone is registered: the reference
// phone from the start (until a logout), another once it said so
// (ON_SOFTPHONE_STATUS_CHANGE).
func (p *Softphone) PhoneReady() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ready
}

// Phone is the phone the desktop drives.
func (p *Softphone) Phone() phone.Phone { return p.phone }

// Model is the reference phone, nil when the desktop drives another.
func (p *Softphone) Model() *model.Phone { return p.model }

// Instant reports whether every method answers without waiting on the
// network (the reference phone), so the page gets its result in the task
// that asked.
func (p *Softphone) Instant() bool { return p.inst }

// Settings returns the current settings.
func (p *Softphone) Settings() Settings {
	m := p.modelSettings() // asked before locking: the model's events take the desktop's lock
	p.mu.Lock()
	s := p.set
	p.mu.Unlock()
	s.setModel(m)
	return s
}

// modelSettings are the reference phone's knobs, the model's defaults
// with another phone.
func (p *Softphone) modelSettings() model.Settings {
	if p.model == nil {
		return model.DefaultSettings()
	}
	return p.model.Settings()
}

// Update changes the settings. An Extension that is not a valid number is
// refused.
func (p *Softphone) Update(f func(*Settings)) error {
	return p.update(func(s *Settings) error { f(s); return nil })
}

// Apply applies a patch from the page.
func (p *Softphone) Apply(pt SettingsPatch) error { return p.update(pt.Apply) }

func (p *Softphone) update(f func(*Settings) error) error {
	// The model is asked and configured without the desktop's lock held
	// (the desktop never holds it while it calls the phone: the phone's
	// events take it); cfg keeps concurrent updates in order, so none is
	// lost between the two.
	p.cfg.Lock()
	defer p.cfg.Unlock()
	old := p.modelSettings()
	s, err := p.updateLocked(old, f)
	if err == nil && p.model != nil && s.model() != old {
		p.model.Configure(s.model())
		p.mu.Lock()
		p.changed() // the panel shows the phone's knobs too
		p.mu.Unlock()
	}
	return err
}

// updateLocked applies f to the settings (with the model's knobs m) and
// keeps the desktop's own.
func (p *Softphone) updateLocked(m model.Settings, f func(*Settings) error) (Settings, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.set
	s.setModel(m)
	if err := f(&s); err != nil {
		return s, err
	}
	if s.Extension != "" {
		ext, err := bridge.NormalizePhoneField("extension", jsval.String(s.Extension))
		if err != nil {
			return s, err
		}
		s.Extension = ext
	}
	if s.AgentState != AgentNotReady {
		s.NotReadyReason = ""
	}
	p.set = s
	p.set.setModel(model.Settings{})
	p.changed()
	return s, nil
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
		if n, err := bridge.NormalizePhoneField("dialpad", jsval.String(s)); err != nil || n != p.deferred.PhoneNumber {
			p.deferred = nil
		}
	}
	p.changed()
}

// DialpadObject is the CRM record the number in the Dialpad was sent
// with (Deferred Dial), nil when there is none.
func (p *Softphone) DialpadObject() *bridge.AssociatedObject {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.deferred == nil {
		return nil
	}
	return p.deferred.Object
}

// deferCall leaves c in the Dialpad for the agent. Called locked.
func (p *Softphone) deferCall(c bridge.Call) {
	p.dialpad = c.PhoneNumber
	p.deferred = &c
	p.changed()
}

// Interactions returns the current interactions, oldest first.
func (p *Softphone) Interactions() Interactions {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(Interactions, len(p.calls))
	now := p.clock.Now()
	for i, c := range p.calls {
		out[i] = *snapshotAt(c, now)
	}
	return out
}

// Record is what the desktop keeps on an interaction beyond
// InteractionData: the DTMF digits sent, the disposition and note.
type Record struct {
	ID          string `json:"interactionId"`
	Digits      string `json:"dtmf"`
	Disposition string `json:"disposition"`
	Note        string `json:"note"`
}

// AppendJSON writes r (jsonw.Appender).
func (r Record) AppendJSON(b []byte) []byte {
	return jsonw.Append(b, map[string]any{"interactionId": r.ID, "dtmf": r.Digits, "disposition": r.Disposition, "note": r.Note})
}

// Records are interactions' records.
type Records []Record

// AppendJSON writes the list (jsonw.Appender).
func (l Records) AppendJSON(b []byte) []byte { return jsonw.List(b, l) }

// Records are the current interactions' records, oldest first.
func (p *Softphone) Records() Records {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(Records, len(p.calls))
	for i, c := range p.calls {
		out[i] = Record{c.data.InteractionID, c.Digits, c.Disposition, c.Note}
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
func (p *Softphone) StartCall(ctx context.Context, c bridge.Call) (string, error) {
	ia, err := p.lockedReserve(c)
	if ia == nil {
		return "", err
	}
	return p.dial(ctx, ia, c.PhoneNumber)
}

// dial has the phone dial ia's call, waiting as long as it takes (within
// ctx), and shows the call or forgets it.
func (p *Softphone) dial(ctx context.Context, ia *interaction, number string) (string, error) {
	err := p.phone.Dial(ctx, ia.call, number)
	if err == nil && ctx.Err() != nil {
		// Dialling started as the deadline passed: the widget is told
		// it failed, so no call may stay up.
		_ = p.phone.Hangup(context.Background(), ia.call)
		err = context.Cause(ctx)
	}
	return p.placed(ctx, ia, err)
}

// TryStartCall places c without waiting if the phone dials at once
// (bridge.Trier). Otherwise (a slow or dead reference phone, a SIP phone)
// the call's interaction is made once, here, and dial places it.
func (p *Softphone) TryStartCall(c bridge.Call) (string, error, func(context.Context) (string, error)) {
	ia, err := p.lockedReserve(c)
	if ia == nil {
		return "", err, nil
	}
	if t, ok := p.phone.(phone.TryDialer); ok {
		if started, err := t.TryDial(ia.call, c.PhoneNumber); started || err != nil {
			id, err := p.placed(context.Background(), ia, err)
			return id, err, nil
		}
	}
	return "", nil, func(ctx context.Context) (string, error) { return p.dial(ctx, ia, c.PhoneNumber) }
}

func (p *Softphone) lockedReserve(c bridge.Call) (*interaction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reserve(c)
}

// reserve checks c and makes its interaction, not yet shown, for the phone
// to dial; nil with Deferred Dial or an error. Called locked.
func (p *Softphone) reserve(c bridge.Call) (*interaction, error) {
	if err := p.check(c); err != nil {
		return nil, err
	}
	if c.Origination != bridge.ByDialpad && p.set.DeferredDial {
		p.deferCall(c)
		return nil, nil
	}
	ia := p.newInteraction(c)
	p.pending[ia.call] = ia
	return ia, nil
}

// placed shows a dialled call, or forgets it when dialling failed.
func (p *Softphone) placed(ctx context.Context, ia *interaction, err error) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pending, ia.call)
	if err != nil {
		p.changed()
		if ctx.Err() != nil && err == context.Cause(ctx) {
			return "", err // the deadline or the caller's own reason, as the Bridge expects it
		}
		return "", phoneError(err)
	}
	now := p.clock.Now()
	p.calls = append(p.calls, ia)
	p.emit(Event{Name: OnNewInteraction, Data: snapshotAt(ia, now)})
	p.activate(ia.data.InteractionID)
	early := ia.early
	ia.early = nil
	for _, e := range early {
		p.onCall(e)
	}
	p.changed()
	return ia.data.InteractionID, nil
}

// DialpadCall is the call the agent asks for by pressing Dial: the number
// in the Dialpad, normalised. Place it like any other call (Bridge.Place);
// the Dialpad empties once it is placed (ClearDialpad).
//
// A number Deferred Dial left there is dialled with the CRM record the
// widget sent (the call as startCall asked for it, placed by the agent).
func (p *Softphone) DialpadCall() (bridge.Call, error) {
	p.mu.Lock()
	pad, deferred := p.dialpad, p.deferred
	p.mu.Unlock()
	n, err := bridge.NormalizePhoneField("dialpad", jsval.String(pad))
	if err != nil {
		return bridge.Call{}, err
	}
	c := bridge.Call{PhoneNumber: n}
	if deferred != nil && deferred.PhoneNumber == n {
		c = *deferred
		c.Origin = "" // the agent places it
	}
	c.Origination = bridge.ByDialpad
	return c, nil
}

// ClearDialpad empties the Dialpad if it still holds number.
func (p *Softphone) ClearDialpad(number string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n, err := bridge.NormalizePhoneField("dialpad", jsval.String(p.dialpad)); err == nil && n == number {
		p.dialpad = ""
		p.deferred = nil
		p.changed()
	}
}

// Check applies the agent conditions (Checker).
func (p *Softphone) Check(c bridge.Call) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.check(c)
}

// check applies the agent conditions to a call, in SPEC.md's order: not
// logged in (2), no phone (4), state (15), self call (12). The agent may
// dial while busy or in after-call work, not when they chose not_ready.
// Called locked.
func (p *Softphone) check(c bridge.Call) error {
	if err := p.phoneCheck(); err != nil {
		return err
	}
	switch {
	case p.set.AgentState == AgentNotReady:
		return bridge.Errorf(bridge.NotSuitableState, "the agent is not_ready")
	case p.set.SingleLine && p.busyLine():
		return bridge.Errorf(bridge.NotSuitableState, "single-line mode: the agent already has a live call")
	case p.set.Extension != "" && c.PhoneNumber == p.set.Extension,
		p.set.Username != "" && c.PhoneNumber == p.set.Username: // the agent's own SIP user
		return bridge.Errorf(bridge.SelfCall, "phoneNumber: %s is the agent's own number", c.PhoneNumber)
	}
	return nil
}

func (p *Softphone) loginCheck() error {
	if !p.set.LoggedIn {
		return bridge.Errorf(bridge.NotLoggedIn, "the agent is not logged in")
	}
	return nil
}

// phoneCheck: logged in, with a phone that is registered. Called locked.
func (p *Softphone) phoneCheck() error {
	if err := p.loginCheck(); err != nil {
		return err
	}
	switch {
	case !p.set.HasPhone:
		return bridge.Errorf(bridge.LoggedWithoutPhone, "the agent has no phone device")
	case !p.ready:
		return bridge.Errorf(bridge.LoggedWithoutPhone, "phone not registered")
	}
	return nil
}

// live reports a call on the line: dialling out, connected or on hold (an
// inbound call still ringing is not live).
func (ia *interaction) live() bool {
	switch ia.data.State {
	case StateDeliveryPending:
		return ia.data.CallDirection != "inbound"
	case StateDelivered, StateHold:
		return true
	}
	return false
}

func (ia *interaction) ringing() bool {
	return ia.data.State == StateDeliveryPending && ia.data.CallDirection == "inbound"
}

// busyLine reports a call on the line, or one being dialled.
func (p *Softphone) busyLine() bool {
	if len(p.pending) > 0 {
		return true
	}
	for _, c := range p.calls {
		if c.live() {
			return true
		}
	}
	return false
}

// newInteraction makes an outbound call's interaction. Called locked.
func (p *Softphone) newInteraction(c bridge.Call) *interaction {
	objects := c.Objects()
	name := c.PhoneNumber
	if len(objects) > 0 && objects[0].DisplayName != "" {
		name = objects[0].DisplayName
	}
	ia := p.voice("outbound", "Call to ", c.PhoneNumber, name)
	ia.data.Origination = c.Origination
	for i, o := range objects {
		ia.data.AssociatedObjects.List = append(ia.data.AssociatedObjects.List, AssociatedObjectEntry{AssociatedObject: o, Source: string(c.Origination)})
		if i == 0 {
			ia.data.AssociatedObjects.Selected = append(ia.data.AssociatedObjects.Selected, o.ID)
		}
	}
	return ia
}

// voice makes a voice interaction, delivery_pending, with number as its
// one party (called name). Its phone call is named by its id, as the
// desktop names the calls it dials. Called locked.
func (p *Softphone) voice(direction, subject, number, name string) *interaction {
	id := p.nextID()
	now := p.clock.Now()
	return &interaction{start: now, call: phone.CallID(id), data: InteractionData{
		InteractionID:     id,
		State:             StateDeliveryPending,
		Type:              "voice",
		Subject:           subject + number,
		AssociatedObjects: AssociatedObjects{List: []AssociatedObjectEntry{}, Selected: []string{}},
		CallParties:       []CallParty{{ID: id + "-p1", Name: name, Phone: number}},
		AttachedData:      map[string]string{},
		PhoneNumber:       number,
		CallDirection:     direction,
		StartTime:         now.UnixMilli(),
	}}
}

func (p *Softphone) nextID() string {
	p.seq++
	return "ia-" + p.prefix + "-" + strconv.FormatUint(p.seq, 10)
}

// onPhone is the phone's events.
func (p *Softphone) onPhone(e phone.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.Kind {
	case phone.EventIncoming:
		p.incoming(e)
	case phone.EventAnswered, phone.EventEnded:
		if ia := p.pending[e.Call]; ia != nil {
			ia.early = append(ia.early, e)
			return
		}
		p.onCall(e)
	case phone.EventStatus:
		p.ready = e.Ready
		args := []any{e.Ready}
		if e.Error != "" {
			args = append(args, e.Error)
		}
		p.emit(Event{Name: OnSoftphoneStatusChange, Args: args})
	case phone.EventServerError:
		se := map[string]any{"code": int64(e.ServerCode), "name": e.ServerName, "timestamp": p.clock.Now().UnixMilli()}
		if e.Message != "" {
			se["message"] = e.Message
		}
		p.emit(Event{Name: OnServerError, Args: []any{se}})
	case phone.EventCapabilities:
		p.emit(Event{Name: OnPhoneCapabilitiesChange, Args: []any{capsJSON(p.caps(e.Caps))}})
	}
	p.changed()
}

// caps are the phone's capabilities as the agent has them: none without a
// phone device.
func (p *Softphone) caps(c phone.Capabilities) phone.Capabilities {
	if !p.set.HasPhone {
		return phone.Capabilities{}
	}
	return c
}

func capsJSON(c phone.Capabilities) map[string]any {
	return map[string]any{"canDial": c.CanDial, "canAnswer": c.CanAnswer, "canHold": c.CanHold, "canRetrieve": c.CanRetrieve}
}

// incoming is an inbound call ringing: an interaction delivery_pending with
// the agent ringing, unless the agent cannot take it (not logged in, no
// phone, not_ready), when the caller hears 480. Called locked.
func (p *Softphone) incoming(e phone.Event) {
	if p.phoneCheck() != nil || p.set.AgentState == AgentNotReady {
		ph := p.phone
		go func() { _ = ph.Reject(context.Background(), e.Call, 480) }()
		return
	}
	name := e.FromName
	if name == "" {
		name = e.From
	}
	ia := p.voice("inbound", "Call from ", e.From, name)
	ia.call = e.Call // the phone named it
	p.calls = append(p.calls, ia)
	p.emit(Event{Name: OnNewInteraction, Data: snapshotAt(ia, ia.start)})
}

// onCall is the network answering or ending a shown call. Called locked.
func (p *Softphone) onCall(e phone.Event) {
	i := p.findCall(e.Call)
	if i < 0 {
		return
	}
	ia := p.calls[i]
	switch e.Kind {
	case phone.EventAnswered:
		if ia.data.State == StateDeliveryPending && !ia.ringing() {
			p.setState(ia, StateDelivered)
		}
	case phone.EventEnded:
		if ia.ringing() { // the caller gave up
			p.setState(ia, StateCompleted)
			p.remove(i)
			return
		}
		if e.Status != 0 {
			ia.data.AttachedData = maps.Clone(ia.data.AttachedData) // events already sent share the old map
			ia.data.AttachedData["sipStatus"] = strconv.Itoa(e.Status)
			ia.data.AttachedData["sipReason"] = e.Reason
		}
		if ia.data.State != StateWrapUp {
			p.setState(ia, StateWrapUp)
		}
	}
}

func (p *Softphone) findCall(c phone.CallID) int {
	for i, ia := range p.calls {
		if ia.call == c {
			return i
		}
	}
	return -1
}

// setState moves an interaction and sends ON_INTERACTION_STATE_CHANGE.
// Called locked.
func (p *Softphone) setState(ia *interaction, to State) {
	ia.data.State = to
	now := p.clock.Now() // once: in wasm, reading the clock is a call into JavaScript
	if to == StateWrapUp || to == StateCompleted && ia.data.EndTime == 0 {
		ia.data.EndTime = now.UnixMilli()
		ia.data.Duration = now.Sub(ia.start).Milliseconds()
	}
	p.emit(Event{Name: OnInteractionStateChange, Data: snapshotAt(ia, now)})
}

// touch sends ON_INTERACTION_STATE_CHANGE for a change within a state
// (mute, DTMF). Called locked.
func (p *Softphone) touch(ia *interaction) {
	p.emit(Event{Name: OnInteractionStateChange, Data: snapshotAt(ia, p.clock.Now())})
}

// remove forgets the i-th interaction, already completed. Called locked.
func (p *Softphone) remove(i int) {
	ia := p.calls[i]
	p.calls = append(p.calls[:i:i], p.calls[i+1:]...)
	p.emit(Event{Name: OnInteractionRemoved, Data: snapshotAt(ia, p.clock.Now())})
	if p.activeID == ia.data.InteractionID {
		next := ""
		for j := len(p.calls) - 1; j >= 0; j-- {
			if !p.calls[j].ringing() {
				next = p.calls[j].data.InteractionID
				break
			}
		}
		p.activate(next)
	}
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

// agentNow is the agent's state as the calls make it (SPEC.md): busy while
// a call is live, else ringing while an inbound call rings, else
// after_call_work while a call is in wrap_up, else the state the agent
// chose. Called locked.
func (p *Softphone) agentNow() agentView {
	var live, ring, wrap bool
	for _, c := range p.calls {
		live = live || c.live()
		ring = ring || c.ringing()
		wrap = wrap || c.data.State == StateWrapUp
	}
	switch {
	case live:
		return agentView{state: AgentBusy, reserved: ring}
	case ring:
		return agentView{state: AgentRinging, reserved: true}
	case wrap:
		return agentView{state: AgentAfterCallWork}
	case p.set.AgentState == AgentNotReady:
		return agentView{state: AgentNotReady, reason: p.set.NotReadyReason}
	}
	return agentView{state: p.set.AgentState}
}

// changed tells the panel to redraw, and widgets when the agent's state
// changed. Called locked.
func (p *Softphone) changed() {
	if p.set.LoggedIn {
		if now := p.agentNow(); now.state != p.announced.state || now.reason != p.announced.reason {
			p.announced = now
			args := []any{now.state.boxed()}
			if now.state == AgentNotReady && now.reason != "" {
				args = append(args, now.reason)
			}
			p.emit(Event{Name: OnAgentStateChange, Args: args})
		}
	}
	p.emit(Event{Name: OnDesktopChange})
}

// boxed is the state as an event's argument (a string); the states the
// desktop announces are boxed without allocating.
func (s AgentState) boxed() any {
	switch s {
	case AgentReady:
		return string(AgentReady)
	case AgentNotReady:
		return string(AgentNotReady)
	case AgentBusy:
		return string(AgentBusy)
	case AgentAfterCallWork:
		return string(AgentAfterCallWork)
	case AgentRinging:
		return string(AgentRinging)
	}
	return string(s)
}

// phoneError maps a phone's error into Bright Pattern's terms.
func phoneError(err error) error {
	var e *bridge.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return e
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err // the Bridge maps its own deadline
	case errors.Is(err, phone.ErrInvalidCredentials):
		return bridge.Errorf(bridge.NotEnoughPrivileges, "invalid credentials")
	case errors.Is(err, phone.ErrNotRegistered):
		return bridge.Errorf(bridge.LoggedWithoutPhone, "phone not registered")
	case errors.Is(err, phone.ErrNoSuchCall):
		return bridge.Errorf(bridge.NoInteraction, "%s", err.Error())
	case errors.Is(err, phone.ErrBadState):
		return bridge.Errorf(bridge.NotSuitableState, "%s", err.Error())
	}
	return bridge.Errorf(bridge.UnknownError, "the phone failed: %s", err.Error())
}
