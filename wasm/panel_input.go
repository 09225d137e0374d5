//go:build js && wasm && !adapiclient

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
)

// listen adds the panel's delegated listeners, once.
func (p *panel) listen() {
	p.root.Call("addEventListener", "change", p.guard(p.onChange))
	p.root.Call("addEventListener", "input", p.guard(p.onInput))
	p.root.Call("addEventListener", "click", p.guard(p.onClick))
	p.root.Call("addEventListener", "keydown", p.guard(p.onKey))
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
	var pt bridge.SettingsPatch
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
		pt.AgentState = ptr(p.agentState.Get("value").String())
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
	if action == "dial" {
		p.dial()
		return
	}
	li := b.Call("closest", "li[data-interaction-id]")
	if li.IsNull() {
		return
	}
	if err := p.d.act(action, li.Call("getAttribute", "data-interaction-id").String()); err != nil {
		p.d.note(true, bridge.AsError(err).Message)
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
