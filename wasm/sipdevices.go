//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"context"
	"sync"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// The agent's microphone and speaker, with a sip section (issue 15): the
// panel's Microphone and Speaker (panel_devices.go) list the browser's
// devices (enumerateDevices: named once the microphone is allowed, at
// sign-in; listed again on devicechange). Choosing a microphone asks for
// it (getUserMedia) and moves every live call onto it (replaceTrack: the
// call goes on); choosing a speaker plays the calls and the ringtone on it
// (setSinkId, where the browser has it). The choice is remembered in the
// desktop origin's localStorage and used at the next sign-in; a chosen
// device that is gone (at sign-in, or unplugged while in use) gives way
// to the default, with a line in the log. Each change sends
// ON_AUDIO_DEVICE_CHANGE(inputDevice, outputDevice): Bright Pattern's
// handler type, with the names (labels) of the microphone and the speaker
// now in use (outputDevice absent where the browser cannot choose one).
// Which device to use is decided in bridge/phone (devices.go); what takes
// many calls into the browser is in web/adapi-sip.js (its devices).

const (
	micKey            = "adapi.mic"
	speakerKey        = "adapi.speaker"
	audioIn, audioOut = "audioinput", "audiooutput"
)

var audioDevs audioState

type audioState struct {
	mu      sync.Mutex // one change at a time; held across the browser's promises (never on the event loop)
	d       *desktop
	dv      js.Value // adapi-sip.js's devices, once loaded
	canSink bool     // the browser can choose the speaker (setSinkId)
	in, out []phone.AudioDevice
	mic     phone.AudioDevice // the microphone in use (once signed in)
	spk     phone.AudioDevice // the speaker in use

	micSel, spkSel, why js.Value // the panel's (panel_devices.go), or undefined
	choose              js.Func  // the panel's selects' change handler
}

// startDevices is called at start with a sip section.
func startDevices(d *desktop) {
	a := &audioDevs
	a.d = d
	a.in, a.out = phone.AudioOptions(nil, audioIn), phone.AudioOptions(nil, audioOut)
	a.spk = a.out[0] // the browser's default
	if d.panel != nil {
		d.panel.buildDevices()
	}
}

// devices is adapi-sip.js's devices, once loaded.
func devices(ctx context.Context) (js.Value, error) {
	g, err := glue(ctx)
	if err != nil {
		return g, err
	}
	return g.Get("devices"), nil
}

func recallAudio(key string) phone.AudioDevice {
	v, _ := audioDevs.d.bridge.Store.Load(key)
	return phone.RecalledAudio(v)
}

// refreshAudio lists the devices (at sign-in, once the microphone is
// allowed; a device plugged or unplugged; the agent chose one) and uses
// the ones chosen (settle), from a goroutine: sign-in does not wait for
// it.
func refreshAudio(login bool) { go settleAudio(login) }

func settleAudio(login bool) {
	a := &audioDevs
	a.mu.Lock()
	defer a.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			a.d.note(true, "audio devices: "+fmtPanic(r))
		}
	}()
	var l js.Value
	dv, err := devices(context.Background()) // (signed in: loaded)
	if err == nil {
		if a.dv.IsUndefined() { // the first time (at sign-in)
			a.dv, a.canSink = dv, dv.Get("canSink").Bool()
			dv.Call("onChange", js.FuncOf(func(js.Value, []js.Value) any {
				refreshAudio(false)
				return nil
			}))
		}
		l, err = within(dv.Call("list"), 10)
	}
	if err != nil {
		a.d.note(true, "audio devices: "+err.Error())
		return
	}
	all := phone.ParseAudioList(l.String())
	a.in, a.out = phone.AudioOptions(all, audioIn), phone.AudioOptions(all, audioOut)
	// Both, whatever the first says.
	m := a.settle(audioIn, login)
	if a.settle(audioOut, login) || m {
		a.changed()
	}
	a.fill()
}

// chooseAudio is the agent choosing a device in the panel: remembered,
// then used.
func chooseAudio(speaker bool, id string) {
	a := &audioDevs
	a.mu.Lock()
	key, opts := micKey, a.in
	if speaker {
		key, opts = speakerKey, a.out
	}
	for _, d := range opts {
		if d.ID == id {
			a.d.bridge.Store.Save(key, phone.RememberAudio(d))
		}
	}
	a.mu.Unlock()
	refreshAudio(false)
}

// settle uses the device the agent chose (phone.ChooseAudio), and says
// whether the device in use changed or the chosen one is gone (login: at
// sign-in). A device that cannot be used is forgotten. audioDevs.mu is
// held.
func (a *audioState) settle(kind string, login bool) bool {
	inUse := a.dv.Call("micId").String()
	if inUse == "" { // not signed in yet: nothing in use
		return false
	}
	out := kind == audioOut
	// adapi-sip.js's pick moves every live call onto the microphone
	// (replaceTrack: the call goes on); its speaker plays the calls and
	// the ringtone on the speaker (setSinkId).
	key, opts, name, op := micKey, a.in, "Microphone", "pick"
	if out {
		key, opts, inUse, name, op = speakerKey, a.out, a.spk.ID, "Speaker", "speaker"
	}
	want := recallAudio(key)
	use, change, fellBack := phone.ChooseAudio(opts, want.ID, inUse)
	if change {
		if _, err := within(a.dv.Call(op, use.ID), 10); err != nil {
			a.d.note(true, name+" "+use.Label+": "+err.Error())
			// Refused: forgotten, and the device in use stays the choice.
			prev, kept := a.mic, ""
			if out {
				prev = a.spk
			}
			if prev.ID != "" {
				kept = phone.RememberAudio(prev)
			}
			a.d.bridge.Store.Save(key, kept)
			return false
		}
	}
	if out {
		a.spk = use
	} else {
		a.mic = use
	}
	if fellBack && (login || change) {
		a.d.note(true, name+" “"+want.Label+"” is not there: using "+use.Label)
	}
	return change && !login || fellBack && (login || change)
}

// changed sends ON_AUDIO_DEVICE_CHANGE to every client and says it in the
// log. audioDevs.mu is held.
func (a *audioState) changed() {
	args := []any{a.mic.Label}
	line := "Microphone: " + a.mic.Label
	if a.canSink {
		args = append(args, a.spk.Label)
		line += " · Speaker: " + a.spk.Label
	}
	a.d.note(false, line)
	a.d.emit(desk.Event{Name: desk.OnAudioDeviceChange, Args: args})
}
