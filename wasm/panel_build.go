//go:build js && wasm && !adapiclient

package main

import (
	"strconv"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
)

// el makes an element: one call, two with a class.
func (p *panel) el(tag, class string) js.Value {
	e := p.doc.Call("createElement", tag)
	if class != "" {
		e.Set("className", class)
	}
	return e
}

// textEl makes an element with text in it.
func (p *panel) textEl(tag, class, text string) js.Value {
	e := p.el(tag, class)
	e.Set("textContent", text)
	return e
}

func (p *panel) button(id, action, label, class string) js.Value {
	b := p.textEl("button", class, label)
	b.Set("type", "button")
	if id != "" {
		b.Set("id", id)
	}
	b.Call("setAttribute", "data-action", action)
	return b
}

// field is a label and its control, in a div.
func (p *panel) field(parent js.Value, label, id string, control js.Value) {
	f := p.el("div", "field")
	l := p.textEl("label", "", label)
	l.Set("htmlFor", id)
	control.Set("id", id)
	f.Call("append", l, control)
	parent.Call("append", f)
}

func (p *panel) check(parent js.Value, label, id string) js.Value {
	l := p.el("label", "check")
	in := p.el("input", "")
	in.Set("type", "checkbox")
	in.Set("id", id)
	l.Call("append", in, label)
	parent.Call("append", l)
	return in
}

func (p *panel) selectOf(options ...string) js.Value {
	s := p.el("select", "")
	for i := 0; i+1 < len(options); i += 2 {
		o := p.textEl("option", "", options[i+1])
		o.Set("value", options[i])
		s.Call("append", o)
	}
	return s
}

func (p *panel) input(typ string) js.Value {
	in := p.el("input", "")
	in.Set("type", typ)
	in.Set("autocomplete", "off")
	return in
}

// build makes the panel's fixed parts, once.
func (p *panel) build() {
	root := p.root
	// The agent: who, and their state.
	agent := p.buildAgent()

	// The Dialpad: a number, Dial, what the number was sent with, and
	// what became of the last call placed.
	dialer := p.el("div", "dialer")
	dl := p.textEl("label", "", "Number to call")
	dl.Set("htmlFor", "dialpadNumberInput")
	row := p.el("div", "dial-row")
	p.pad = p.input("tel")
	p.pad.Set("id", "dialpadNumberInput")
	p.pad.Set("placeholder", "Number or extension")
	p.pad.Call("setAttribute", "enterkeyhint", "go")
	p.dialBtn = p.button("dialpadDialButton", "dial", "Dial", "call")
	row.Call("append", p.pad, p.dialBtn)
	p.padObject = p.el("div", "dial-object")
	p.padObject.Set("id", "dialpadObject")
	p.padObject.Set("hidden", true)
	p.dialStatus = p.el("div", "dial-status")
	p.dialStatus.Set("id", "dialStatus")
	p.dialStatus.Call("setAttribute", "role", "status") // polite
	dialer.Call("append", dl, row, p.padObject, p.dialStatus)

	// The calls: the active one first (CSS keeps it in view), then the
	// others, compact, in a list with its own scroll.
	calls := p.el("section", "calls")
	calls.Call("setAttribute", "aria-labelledby", "callsTitle")
	h := p.textEl("h3", "", "Calls ")
	h.Set("id", "callsTitle")
	p.count = p.textEl("span", "count", "")
	h.Call("append", p.count)
	p.list = p.el("ul", "interactions")
	p.list.Set("id", "interactionList")
	p.list.Call("setAttribute", "data-empty", "No calls. Start one from the CRM or the Dialpad.")
	p.list.Set("tabIndex", -1)
	// The active call's state, announced politely to a screen reader.
	p.announce = p.el("div", "sr-only")
	p.announce.Set("id", "callAnnouncer")
	p.announce.Call("setAttribute", "aria-live", "polite")
	calls.Call("append", h, p.list, p.announce)

	// The test rig: what a test double needs and an agent never sees.
	p.rig = p.el("details", "rig")
	p.rig.Set("id", "testControls")
	p.rig.Call("append", p.textEl("summary", "", "Test controls"))
	rigBody := p.el("div", "rig-body")
	toggles := p.el("div", "toggles")
	p.loggedIn = p.check(toggles, "Logged in", "agentLoggedInToggle")
	p.hasPhone = p.check(toggles, "Phone device", "agentPhoneToggle")
	p.deferred = p.check(toggles, "Deferred Dial", "deferredDialToggle")
	p.singleLine = p.check(toggles, "Single line", "singleLineToggle")
	fields := p.el("div", "rig-fields")
	p.phoneMode = p.selectOf("healthy", "Dials at once", "slow", "Slow to dial", "dead", "Never dials")
	p.field(fields, "Phone", "phoneModeSelect", p.phoneMode)
	p.extension = p.input("text")
	p.field(fields, "Own extension", "agentExtensionInput", p.extension)
	p.answerDelay = p.input("number")
	p.answerDelay.Set("min", "0")
	p.answerDelay.Set("step", "0.5")
	p.answerDelay.Set("title", "0: the far end answers only when you press “Far end answers”")
	p.field(fields, "Far end answers after (s)", "answerDelayInput", p.answerDelay)
	ring := p.el("div", "rig-ring")
	p.ringNumber = p.input("tel")
	p.ringNumber.Set("value", "+1 415 555 0190")
	p.field(ring, "Incoming call from", "ringNumberInput", p.ringNumber)
	ring.Call("append", p.button("ringButton", "ring", "Ring", "secondary rig-action"))
	rigBody.Call("append", toggles, fields, ring)
	p.rig.Call("append", rigBody)
	// Open on the desktop's own page (a developer's), closed in a CRM's
	// frame (an agent's).
	p.rig.Set("open", !p.d.loader.Get("framed").Bool())

	// One log.
	logWrap := p.el("section", "activity")
	logWrap.Call("setAttribute", "aria-labelledby", "panelLogTitle")
	lh := p.textEl("h3", "", "Activity")
	lh.Set("id", "panelLogTitle")
	p.log = p.el("ol", "panel-log")
	p.log.Set("id", "panelLog")
	logWrap.Call("append", lh, p.log)

	root.Call("append", agent, dialer, calls, p.rig, logWrap)
}

// drawAgent shows the agent and the test rig's settings, when they changed.
func (p *panel) drawAgent(s desk.Settings) {
	p.phoneOff = !p.d.phone.PhoneReady()
	if p.settingsDrawn && s == p.drawnSettings && p.phoneOff == p.drawnOff {
		return
	}
	old := p.drawnSettings
	first := !p.settingsDrawn
	p.settingsDrawn, p.drawnSettings = true, s
	p.drawAccount(s, old, first)
	p.loggedIn.Set("checked", s.LoggedIn)
	p.hasPhone.Set("checked", s.HasPhone)
	p.deferred.Set("checked", s.DeferredDial)
	p.singleLine.Set("checked", s.SingleLine)
	p.phoneMode.Set("value", string(s.Phone))
	active := p.doc.Get("activeElement")
	if first || s.Extension != old.Extension && !active.Equal(p.extension) {
		p.extension.Set("value", s.Extension)
	}
	if first || s.AnswerDelay != old.AnswerDelay && !active.Equal(p.answerDelay) {
		p.answerDelay.Set("value", strconv.FormatFloat(s.AnswerDelay.Seconds(), 'f', -1, 64))
	}
}

// drawDialpad shows the Dialpad's number, the CRM record it came with, and
// the last placement's progress.
func (p *panel) drawDialpad() {
	ph := p.d.phone
	if pad := ph.Dialpad(); pad != p.drawnPad {
		// The agent typing is not overwritten by their own keystrokes.
		if pad == "" || !p.doc.Get("activeElement").Equal(p.pad) {
			p.pad.Set("value", pad)
		}
		p.drawnPad = pad
	}
	if o := ph.DialpadObject(); o != p.drawnObject {
		p.drawnObject = o
		if o == nil {
			p.padObject.Set("hidden", true)
		} else {
			p.padObject.Set("textContent", "For "+objectLabel(*o)) // CRM text: as text
			p.padObject.Set("hidden", false)
		}
	}
	st := p.d.dialStatus()
	if st != p.drawnStatus {
		p.drawnStatus = st
		p.dialStatus.Set("textContent", st.text)
		p.dialStatus.Call("setAttribute", "data-kind", st.kind)
	}
	if p.dialing != p.drawnDialing {
		p.drawnDialing = p.dialing
		p.dialBtn.Set("disabled", p.dialing)
	}
}

func objectLabel(o bridge.AssociatedObject) string {
	label := o.DisplayName
	if label == "" {
		label = o.Type + " " + o.ID
	}
	if o.DisplayType != "" {
		label = o.DisplayType + ": " + label
	}
	return label
}
