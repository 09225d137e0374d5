//go:build js && wasm && !adapiclient

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// listen adds the panel's delegated listeners, once.
func (p *panel) listen() {
	p.root.Call("addEventListener", "change", p.guard(p.onChange))
	p.root.Call("addEventListener", "input", p.guard(p.onInput))
	p.root.Call("addEventListener", "click", p.guard(p.onClick))
	p.root.Call("addEventListener", "keydown", p.guard(p.onKey))
	p.root.Call("addEventListener", "submit", p.guard(p.onSubmit))
	// Nothing is drawn while the page is hidden; what changed meanwhile is
	// drawn when it shows again.
	p.doc.Call("addEventListener", "visibilitychange", p.guard(func(js.Value) {
		if p.stale && !p.hidden() {
			p.d.changed()
		}
	}))
}

func targetID(ev js.Value) string { return ev.Get("target").Get("id").String() }

// onChange applies a changed setting.
func (p *panel) onChange(ev js.Value) {
	var pt desk.SettingsPatch
	switch targetID(ev) {
	case "agentLoggedInToggle":
		pt.LoggedIn = ptr(p.loggedIn.Get("checked").Bool())
	case "agentPhoneToggle":
		pt.HasPhone = ptr(p.hasPhone.Get("checked").Bool())
	case "deferredDialToggle":
		pt.DeferredDial = ptr(p.deferred.Get("checked").Bool())
	case "singleLineToggle":
		pt.SingleLine = ptr(p.singleLine.Get("checked").Bool())
	case "agentStateSelect":
		p.setAgentState()
		return
	case "phoneModeSelect":
		pt.Phone = ptr(p.phoneMode.Get("value").String())
	case "agentExtensionInput":
		pt.Extension = ptr(p.extension.Get("value").String())
	case "answerDelayInput":
		s, err := strconv.ParseFloat(p.answerDelay.Get("value").String(), 64)
		if err != nil {
			p.d.note(true, "answer delay: not a number")
			p.settingsDrawn = false // show the settings as they still are
			p.d.changed()
			return
		}
		pt.AnswerDelayMs = ptr(s * 1000)
	default:
		return
	}
	if err := p.d.phone.Apply(pt); err != nil {
		p.d.note(true, "settings: "+bridge.AsError(err).Message)
		p.settingsDrawn = false
		p.d.changed()
	}
}

func (p *panel) onInput(ev js.Value) {
	if targetID(ev) == "dialpadNumberInput" {
		p.d.phone.SetDialpad(p.pad.Get("value").String())
	}
}

// onKey: Enter in the Dialpad dials.
func (p *panel) onKey(ev js.Value) {
	if ev.Get("key").String() != "Enter" || targetID(ev) != "dialpadNumberInput" {
		return
	}
	ev.Call("preventDefault")
	p.dial()
}

// onClick runs a button's action. Dial can wait for the phone, so it runs
// in a goroutine; the others answer at once.
func (p *panel) onClick(ev js.Value) {
	b := ev.Get("target").Call("closest", "button[data-action]")
	if b.IsNull() {
		return
	}
	action := b.Call("getAttribute", "data-action").String()
	switch action {
	case "dial":
		p.dial()
		return
	case "logout":
		p.serve(nil, "logout")
		return
	case "login":
		return // the form's submit
	case "ring": // the test rig: a call comes in
		number := p.ringNumber.Get("value").String()
		go func() {
			defer func() { recover() }()
			if _, err := p.d.phone.Ring(number, ""); err != nil {
				p.d.refused("Ring", err)
			}
		}()
		return
	}
	li := b.Call("closest", "li[data-interaction-id]")
	if li.IsNull() {
		return
	}
	id := li.Call("getAttribute", "data-interaction-id").String()
	it := p.items[id]
	ia, on, off := jsval.String(id), jsval.ValueOf(true), jsval.ValueOf(false)
	switch action {
	case "connect": // the test rig's far end
		if err := p.d.act(action, id); err != nil {
			p.d.note(true, bridge.AsError(err).Message)
		}
	case "switch":
		p.serve(nil, "switchActiveInteraction", ia)
	case "accept":
		p.serve(nil, "acceptInteraction", ia)
	case "reject":
		p.serve(nil, "rejectInteraction", ia)
	case "mute", "unmute":
		p.serve(nil, "setCallMute", map[bool]jsval.Value{true: on, false: off}[action == "mute"], ia)
	case "hold", "resume":
		p.serve(nil, "setCallHold", map[bool]jsval.Value{true: on, false: off}[action == "hold"], ia)
	case "hangup":
		p.serve(nil, "leaveInteraction", ia)
	case "complete":
		p.serve(nil, "completeInteraction", ia)
	case "keypad":
		if it != nil {
			p.toggleKeypad(it)
		}
	case "dtmf":
		if it != nil && !it.sent.IsUndefined() {
			p.sendDigit(it, b.Call("getAttribute", "data-digit").String(), id)
		}
	}
}

// onSubmit: the sign-in form.
func (p *panel) onSubmit(ev js.Value) {
	ev.Call("preventDefault")
	if targetID(ev) == "loginForm" {
		p.login()
	}
}

// dial places the Dialpad's number; one placement at a time from the
// Dialpad (Dial is disabled meanwhile).
func (p *panel) dial() {
	if p.dialing {
		return
	}
	p.dialing = true
	p.d.phone.SetDialpad(p.pad.Get("value").String())
	go func() {
		defer func() {
			p.dialing = false
			p.d.changed()
			if r := recover(); r != nil {
				p.d.note(true, fmt.Sprintf("Dial failed: %v", r))
			}
		}()
		p.d.dial()
	}()
}

func ptr[T any](v T) *T { return &v }
