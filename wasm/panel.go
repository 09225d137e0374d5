//go:build js && wasm && !adapiclient

package main

import (
	"context"
	"fmt"
	"strconv"
	"syscall/js"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"honnef.co/go/js/dom/v2"
)

// panel is the agent desktop drawn into #agentDesktop: the agent's
// settings, the Dialpad, the interactions with their buttons, and a log.
// It listens with three delegated listeners on its root, added once and
// kept for the page's life, so redrawing never adds or leaks a js.Func.
// CRM text is always set as text (SetTextContent), never as HTML.
type panel struct {
	d    *desktop
	doc  dom.HTMLDocument
	root dom.Element // #agentDesktop
	list dom.Element // #interactionList
	log  dom.Element // #panelLog

	loggedIn, hasPhone, deferred, singleLine *dom.HTMLInputElement
	extension, answerDelay, dialpad          *dom.HTMLInputElement
	agentState, phoneMode                    *dom.HTMLSelectElement

	items map[string]*item // the interactions on screen, by id
}

// item is one interaction on screen, with what was last drawn.
type item struct {
	li                        *dom.HTMLLIElement
	state, duration           dom.Element
	connect, hold, hang, done *dom.HTMLButtonElement
	drawn                     bridge.State
	active                    bool
	start                     int64
	ended                     bool
	shown                     string // the duration on screen
}

const panelLogMax = 100

func startPanel(d *desktop) {
	doc := dom.GetWindow().Document().(dom.HTMLDocument)
	root := doc.GetElementByID("agentDesktop")
	if root == nil { // a page without the panel
		d.mu.Lock()
		d.redraw = nil
		d.mu.Unlock()
		return
	}
	p := &panel{d: d, doc: doc, root: root, items: map[string]*item{}}
	p.build(root)
	root.AddEventListener("change", false, p.guard(p.onChange))
	root.AddEventListener("input", false, p.guard(p.onInput))
	root.AddEventListener("click", false, p.guard(p.onClick))
	p.draw()
	// Redraw at most once a frame, however many changes come: 200 calls
	// placed in one task make one redraw, not 200. The frame callback is
	// made once and kept.
	frame := make(chan struct{}, 1)
	onFrame := js.FuncOf(func(js.Value, []js.Value) any {
		frame <- struct{}{}
		return nil
	})
	go func() {
		for range d.redraw {
			js.Global().Call("requestAnimationFrame", onFrame)
			<-frame
			p.draw()
		}
	}()
	go func() {
		for range time.Tick(time.Second) {
			p.tick()
		}
	}()
}

// guard keeps a panic in a listener from killing the module.
func (p *panel) guard(f func(dom.Event)) func(dom.Event) {
	return func(ev dom.Event) {
		defer func() {
			if r := recover(); r != nil {
				p.d.note(true, fmt.Sprintf("panel error: %v", r))
			}
		}()
		f(ev)
	}
}

func (p *panel) el(tag, class string) dom.Element {
	e := p.doc.CreateElement(tag)
	if class != "" {
		e.SetAttribute("class", class)
	}
	return e
}

func (p *panel) field(parent dom.Element, label, id string, input dom.Element) {
	f := p.el("div", "field")
	l := p.el("label", "")
	l.SetAttribute("for", id)
	l.SetTextContent(label)
	input.SetID(id)
	f.AppendChild(l)
	f.AppendChild(input)
	parent.AppendChild(f)
}

func (p *panel) check(parent dom.Element, label, id string) *dom.HTMLInputElement {
	l := p.el("label", "check")
	in := p.el("input", "").(*dom.HTMLInputElement)
	in.SetAttribute("type", "checkbox")
	in.SetID(id)
	l.AppendChild(in)
	l.AppendChild(p.doc.CreateTextNode(label))
	parent.AppendChild(l)
	return in
}

func (p *panel) selectOf(options ...string) *dom.HTMLSelectElement {
	s := p.el("select", "").(*dom.HTMLSelectElement)
	for i := 0; i+1 < len(options); i += 2 {
		o := p.el("option", "")
		o.SetAttribute("value", options[i])
		o.SetTextContent(options[i+1])
		s.AppendChild(o)
	}
	return s
}

func (p *panel) build(root dom.Element) {
	toggles := p.el("div", "toggles")
	p.loggedIn = p.check(toggles, "Logged in", "agentLoggedInToggle")
	p.hasPhone = p.check(toggles, "Phone device", "agentPhoneToggle")
	p.deferred = p.check(toggles, "Deferred Dial", "deferredDialToggle")
	p.singleLine = p.check(toggles, "Single line", "singleLineToggle")
	root.AppendChild(toggles)
	agent := p.el("div", "agent")
	p.agentState = p.selectOf("ready", "Ready", "not_ready", "Not ready", "busy", "Busy", "after_call_work", "After-call work")
	p.field(agent, "Agent state", "agentStateSelect", p.agentState)
	p.phoneMode = p.selectOf("healthy", "Dials at once", "slow", "Slow to dial", "dead", "Never dials")
	p.field(agent, "Phone", "phoneModeSelect", p.phoneMode)
	p.extension = p.el("input", "").(*dom.HTMLInputElement)
	p.extension.SetAttribute("type", "text")
	p.field(agent, "Own extension", "agentExtensionInput", p.extension)
	p.answerDelay = p.el("input", "").(*dom.HTMLInputElement)
	p.answerDelay.SetAttribute("type", "number")
	p.answerDelay.SetAttribute("min", "0")
	p.answerDelay.SetAttribute("step", "0.5")
	p.answerDelay.SetAttribute("title", "0: the far end answers only when you press Connect")
	p.field(agent, "Far end answers after (s)", "answerDelayInput", p.answerDelay)
	root.AppendChild(agent)

	pad := p.el("div", "dialpad")
	p.dialpad = p.el("input", "").(*dom.HTMLInputElement)
	p.dialpad.SetAttribute("type", "tel")
	p.dialpad.SetAttribute("autocomplete", "off")
	p.field(pad, "Dialpad", "dialpadNumberInput", p.dialpad)
	dial := p.el("button", "")
	dial.SetID("dialpadDialButton")
	dial.SetAttribute("type", "button")
	dial.SetAttribute("data-action", "dial")
	dial.SetTextContent("Dial")
	pad.AppendChild(dial)
	root.AppendChild(pad)

	p.list = p.el("ul", "interactions")
	p.list.SetID("interactionList")
	root.AppendChild(p.list)

	h := p.el("h3", "")
	h.SetTextContent("Desktop log")
	root.AppendChild(h)
	p.log = p.el("ol", "panel-log")
	p.log.SetID("panelLog")
	root.AppendChild(p.log)
}

// onChange applies a changed setting.
func (p *panel) onChange(ev dom.Event) {
	var pt bridge.SettingsPatch
	switch ev.Target().ID() {
	case "agentLoggedInToggle":
		pt.LoggedIn = ptr(p.loggedIn.Checked())
	case "agentPhoneToggle":
		pt.HasPhone = ptr(p.hasPhone.Checked())
	case "deferredDialToggle":
		pt.DeferredDial = ptr(p.deferred.Checked())
	case "singleLineToggle":
		pt.SingleLine = ptr(p.singleLine.Checked())
	case "agentStateSelect":
		pt.AgentState = ptr(p.agentState.Value())
	case "phoneModeSelect":
		pt.Phone = ptr(p.phoneMode.Value())
	case "agentExtensionInput":
		pt.Extension = ptr(p.extension.Value())
	case "answerDelayInput":
		s, err := strconv.ParseFloat(p.answerDelay.Value(), 64)
		if err != nil {
			p.d.note(true, "answer delay: not a number")
			p.draw()
			return
		}
		pt.AnswerDelayMs = ptr(s * 1000)
	default:
		return
	}
	if err := p.d.phone.Apply(pt); err != nil {
		p.d.note(true, "settings: "+bridge.AsError(err).Message)
		p.draw() // show the settings as they still are
	}
}

func (p *panel) onInput(ev dom.Event) {
	if ev.Target().ID() == "dialpadNumberInput" {
		p.d.phone.SetDialpad(p.dialpad.Value())
	}
}

// onClick runs a button's action. Dial can wait for the phone, so it runs
// in a goroutine; the others answer at once.
func (p *panel) onClick(ev dom.Event) {
	b := ev.Target().Closest("button[data-action]")
	if b == nil {
		return
	}
	action := b.GetAttribute("data-action")
	if action == "dial" {
		p.d.phone.SetDialpad(p.dialpad.Value())
		go func() {
			defer func() {
				if r := recover(); r != nil {
					p.d.note(true, fmt.Sprintf("Dial failed: %v", r))
				}
			}()
			p.d.dial()
		}()
		return
	}
	li := b.Closest("li[data-interaction-id]")
	if li == nil {
		return
	}
	if err := p.d.act(action, li.GetAttribute("data-interaction-id")); err != nil {
		p.d.note(true, bridge.AsError(err).Message)
	}
}

// draw brings the screen up to date with the softphone. Only what changed
// is touched.
func (p *panel) draw() {
	ph := p.d.phone
	s := ph.Settings()
	p.loggedIn.SetChecked(s.LoggedIn)
	p.hasPhone.SetChecked(s.HasPhone)
	p.deferred.SetChecked(s.DeferredDial)
	p.singleLine.SetChecked(s.SingleLine)
	p.agentState.SetValue(string(s.AgentState))
	p.phoneMode.SetValue(string(s.Phone))
	active := p.doc.ActiveElement()
	if active == nil || active.ID() != "agentExtensionInput" {
		p.extension.SetValue(s.Extension)
	}
	if active == nil || active.ID() != "answerDelayInput" {
		p.answerDelay.SetValue(strconv.FormatFloat(s.AnswerDelay.Seconds(), 'f', -1, 64))
	}
	if pad := ph.Dialpad(); active == nil || active.ID() != "dialpadNumberInput" || pad == "" {
		if p.dialpad.Value() != pad {
			p.dialpad.SetValue(pad)
		}
	}

	activeID := ph.ActiveID()
	calls := ph.Interactions()
	seen := make(map[string]bool, len(calls))
	for _, c := range calls {
		seen[c.InteractionID] = true
		it := p.items[c.InteractionID]
		if it == nil {
			it = p.newItem(c)
			p.items[c.InteractionID] = it
			p.list.AppendChild(it.li)
		}
		p.update(it, c, c.InteractionID == activeID)
	}
	for id, it := range p.items {
		if !seen[id] {
			it.li.Remove()
			delete(p.items, id)
		}
	}
	p.drawLog()
	// For tests and tools that wait for the screen to catch up.
	p.root.Underlying().Call("dispatchEvent", drawn)
}

var drawn = js.Global().Get("Event").New("adapi:drawn")

func (p *panel) newItem(c bridge.InteractionData) *item {
	li := p.el("li", "ia").(*dom.HTMLLIElement)
	li.SetAttribute("data-interaction-id", c.InteractionID)
	num := p.el("div", "number")
	num.SetTextContent(c.PhoneNumber)
	li.AppendChild(num)
	it := &item{li: li, state: p.el("span", "state"), duration: p.el("span", "duration"), start: c.StartTime}
	li.AppendChild(it.state)
	if l := c.AssociatedObjects.List; len(l) > 0 {
		obj := p.el("div", "object")
		label := l[0].DisplayName
		if label == "" {
			label = l[0].Type + " " + l[0].ID
		}
		if l[0].DisplayType != "" {
			label = l[0].DisplayType + ": " + label
		}
		obj.SetTextContent(label) // CRM text: as text, never HTML
		li.AppendChild(obj)
	}
	meta := p.el("div", "meta")
	meta.AppendChild(p.doc.CreateTextNode(c.CallDirection + " · " + string(c.Origination) + " · "))
	meta.AppendChild(it.duration)
	li.AppendChild(meta)
	actions := p.el("div", "actions")
	button := func(action, label, class string) *dom.HTMLButtonElement {
		b := p.el("button", class).(*dom.HTMLButtonElement)
		b.SetAttribute("type", "button")
		b.SetAttribute("data-action", action)
		b.SetTextContent(label)
		actions.AppendChild(b)
		return b
	}
	it.connect = button("connect", "Connect", "secondary")
	it.hold = button("hold", "Hold", "secondary")
	it.hang = button("hangup", "Hang up", "danger")
	it.done = button("complete", "Complete", "")
	li.AppendChild(actions)
	return it
}

var stateLabels = map[bridge.State]string{
	bridge.StateDeliveryPending: "Dialling",
	bridge.StateDelivered:       "Connected",
	bridge.StateHold:            "On hold",
	bridge.StateWrapUp:          "Wrap-up",
	bridge.StateCompleted:       "Completed",
}

func (p *panel) update(it *item, c bridge.InteractionData, active bool) {
	if it.active != active || it.drawn == "" {
		it.active = active
		it.li.SetAttribute("data-active", strconv.FormatBool(active))
	}
	if it.drawn != c.State {
		it.drawn = c.State
		it.li.SetAttribute("data-state", string(c.State))
		it.state.SetTextContent(stateLabels[c.State])
		it.state.SetAttribute("title", string(c.State))
		it.connect.SetDisabled(c.State != bridge.StateDeliveryPending)
		if c.State == bridge.StateHold {
			it.hold.SetAttribute("data-action", "resume")
			it.hold.SetTextContent("Resume")
		} else {
			it.hold.SetAttribute("data-action", "hold")
			it.hold.SetTextContent("Hold")
		}
		it.hold.SetDisabled(c.State != bridge.StateDelivered && c.State != bridge.StateHold)
		it.hang.SetDisabled(c.State == bridge.StateWrapUp)
		it.done.SetDisabled(c.State != bridge.StateWrapUp)
		it.ended = c.EndTime != 0
	}
	it.setDuration(c.Duration)
}

func (it *item) setDuration(ms int64) {
	if t := clock(ms); t != it.shown {
		it.shown = t
		it.duration.SetTextContent(t)
	}
}

// tick advances the durations of calls still on the line.
func (p *panel) tick() {
	now := time.Now().UnixMilli()
	for _, it := range p.items {
		if !it.ended {
			it.setDuration(now - it.start)
		}
	}
}

func clock(ms int64) string {
	s := ms / 1000
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func (p *panel) drawLog() {
	now := time.Now()
	for _, l := range p.d.takeNotes() {
		if l.at.IsZero() {
			l.at = now
		}
		li := p.el("li", "")
		if l.refused {
			li.SetAttribute("class", "refused")
		}
		li.SetTextContent(l.at.Format("15:04:05") + "  " + l.String())
		p.log.InsertBefore(li, p.log.FirstChild())
	}
	for n := len(p.log.ChildNodes()); n > panelLogMax; n-- {
		p.log.RemoveChild(p.log.LastChild())
	}
}

// dial places the number in the Dialpad, under the same deadline and
// rules as startCall, and empties the Dialpad once it is placed.
func (d *desktop) dial() (string, error) {
	call, err := d.phone.DialpadCall()
	if err == nil {
		var id string
		if id, err = d.bridge.Place(context.Background(), call); err == nil {
			d.phone.ClearDialpad(call.PhoneNumber)
			return id, nil
		}
	}
	d.refused("Dial", err)
	return "", err
}

// act is a button on an interaction.
func (d *desktop) act(action, id string) error {
	switch action {
	case "connect":
		return d.phone.Connect(id)
	case "hold":
		return d.phone.Hold(id)
	case "resume":
		return d.phone.Resume(id)
	case "hangup":
		return d.phone.HangUp(id)
	case "complete":
		return d.phone.Complete(id)
	}
	return bridge.Errorf(bridge.InvalidArgs, "action: no action %q", action)
}

func ptr[T any](v T) *T { return &v }
