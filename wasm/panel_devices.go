//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge/phone"
)

// The panel's audio devices (with a sip section; sipdevices.go does the
// work): a collapsible section after the agent bar with the Microphone and
// Speaker selects. The section listens to its selects itself (the panel's
// own change listener ignores their ids) and refilled whenever the devices are
// listed again; the Speaker is disabled, with the reason, where the
// browser cannot choose one.

// buildDevices makes the section, once.
func (p *panel) buildDevices() {
	a := &audioDevs
	box := p.el("details", "devices")
	box.Set("id", "audioDevices")
	box.Call("append", p.textEl("summary", "", "Audio devices"))
	body := p.el("div", "devices-body")
	a.micSel, a.spkSel = p.el("select", ""), p.el("select", "")
	p.field(body, "Microphone", "micSelect", a.micSel)
	p.field(body, "Speaker", "speakerSelect", a.spkSel)
	a.why = p.el("p", "devices-why")
	a.why.Set("id", "audioDevicesWhy")
	body.Call("append", a.why)
	box.Call("append", body)
	p.loginForm.Get("parentNode").Call("after", box) // after the agent bar
	box.Call("addEventListener", "change", p.guard(func(ev js.Value) {
		t, kind := ev.Get("target"), audioIn
		if t.Equal(a.spkSel) {
			kind = audioOut
		}
		go chooseAudio(kind, t.Get("value").String())
	}))
	a.fill()
}

// fill shows the devices listed and the ones in use (audioDevs.mu held,
// or at start).
func (a *audioState) fill() {
	if !a.micSel.Truthy() {
		return
	}
	in := a.mic.ID != "" // signed in: the devices have names
	fillSelect(a.micSel, a.in, a.mic.ID)
	fillSelect(a.spkSel, a.out, a.spk.ID)
	a.micSel.Set("disabled", !in)
	a.spkSel.Set("disabled", !in || !a.canSink)
	why := ""
	if !in {
		why = "Sign in to choose: the browser names its devices once the microphone is allowed."
	} else if !a.canSink {
		why = "This browser plays calls on the system's speaker: it cannot choose another."
	}
	a.why.Set("textContent", why)
	a.why.Set("hidden", why == "")
}

// fillSelect replaces sel's options with opts and selects id.
func fillSelect(sel js.Value, opts []phone.AudioDevice, id string) {
	sel.Set("textContent", "")
	for _, d := range opts {
		o := sipJS.document.Call("createElement", "option")
		o.Set("value", d.ID)
		o.Set("textContent", d.Label) // the browser's text: as text
		sel.Call("append", o)
	}
	if id != "" {
		sel.Set("value", id)
	}
}
