//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge/phone"
)

// The panel's audio devices (with a sip section; sipdevices.go does the
// work): a collapsible section after the agent bar with the Microphone and
// Speaker selects, disabled until the devices are listed (signed in).
// adapi-sip.js's fill fills them whenever the devices are listed again and
// listens to them (the panel's own change listener ignores their ids); the
// Speaker is disabled, with the reason, where the browser cannot choose
// one.

// buildDevices makes the section, once.
func (p *panel) buildDevices() {
	a := &audioDevs
	box := p.el("details", "devices")
	box.Set("id", "audioDevices")
	box.Call("append", p.textEl("summary", "", "Audio devices"))
	body := p.el("div", "devices-body")
	// Signed out: the defaults, disabled (the browser names its devices
	// once the microphone is allowed); fill shows them once signed in.
	var sels [2]js.Value
	for i, f := range [2][2]string{{"Microphone", "micSelect"}, {"Speaker", "speakerSelect"}} {
		sels[i] = p.selectOf("default", "Default")
		sels[i].Set("disabled", true)
		p.field(body, f[0], f[1], sels[i])
	}
	a.micSel, a.spkSel = sels[0], sels[1]
	a.why = p.textEl("p", "devices-why", "Sign in to choose: the browser names its devices once the microphone is allowed.")
	a.why.Set("id", "audioDevicesWhy")
	body.Call("append", a.why)
	box.Call("append", body)
	p.loginForm.Get("parentNode").Call("after", box) // after the agent bar
	// adapi-sip.js's fill listens to the selects (enabled from then on):
	// choose(speaker, id). Its arguments are adapi-sip.js's own.
	a.choose = js.FuncOf(func(_ js.Value, args []js.Value) any {
		go chooseAudio(args[0].Bool(), args[1].String())
		return nil
	})
}

// fill shows the devices listed and the ones in use, once signed in
// (audioDevs.mu held).
func (a *audioState) fill() {
	if a.micSel.IsUndefined() {
		return
	}
	a.dv.Call("fill", a.micSel, optionLines(a.in), a.mic.ID, a.spkSel, optionLines(a.out), a.spk.ID, a.why, a.choose)
}

// optionLines are the options for adapi-sip.js's fill: "id\tlabel" lines.
func optionLines(opts []phone.AudioDevice) string {
	s := ""
	for _, d := range opts {
		s += d.ID + "\t" + d.Label + "\n"
	}
	return s
}
