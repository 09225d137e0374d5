//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"context"
	"errors"
	"sync"
	"syscall/js"
	"time"

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

	sinkMu sync.Mutex // the speaker's sink id, read by the hooks (playOn)
	sink   string     // "": the default

	micSel, spkSel, why js.Value // the panel's (panel_devices.go), or undefined
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

// loginMic is the microphone sign-in asks for: the remembered one, if it
// is still there (userMic).
func loginMic() string { return recallAudio(micKey).ID }

// userMic asks the browser for microphone id ("": the default) as an
// ideal: a device that is gone gives the default, which refreshAudio then
// reports.
func userMic(ctx context.Context, id string) (js.Value, error) {
	if !sipJS.hasMedia {
		return js.Undefined(), errors.New("this page cannot use a microphone (getUserMedia needs a secure context)")
	}
	dv, err := devices(ctx)
	if err != nil {
		return dv, err
	}
	return await(ctx, dv.Call("mic", id, false))
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
	ctx, cancel := timeout(10 * time.Second)
	defer cancel()
	var l js.Value
	dv, err := devices(ctx)
	if err == nil {
		if !a.dv.Truthy() { // the first time (at sign-in)
			a.dv, a.canSink = dv, dv.Get("canSink").Bool()
			dv.Call("onChange", js.FuncOf(func(js.Value, []js.Value) any {
				refreshAudio(false)
				return nil
			}))
		}
		l, err = await(ctx, dv.Call("list"))
	}
	if err != nil {
		a.d.note(true, "audio devices: "+err.Error())
		return
	}
	all := phone.ParseAudioList(l.String())
	a.in, a.out = phone.AudioOptions(all, audioIn), phone.AudioOptions(all, audioOut)
	// Both, whatever the first says.
	m := a.settle(ctx, audioIn, login)
	if a.settle(ctx, audioOut, login) || m {
		a.changed()
	}
	a.fill()
}

// chooseAudio is the agent choosing a device in the panel: remembered,
// then used.
func chooseAudio(kind, id string) {
	a := &audioDevs
	a.mu.Lock()
	key, opts := micKey, a.in
	if kind == audioOut {
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
func (a *audioState) settle(ctx context.Context, kind string, login bool) bool {
	s := mic.Stream()
	if !s.Truthy() { // not signed in yet: nothing in use
		return false
	}
	out := kind == audioOut
	key, opts, inUse, name := micKey, a.in, a.dv.Call("micId", s).String(), "Microphone"
	if out {
		key, opts, inUse, name = speakerKey, a.out, a.spk.ID, "Speaker"
	}
	want := recallAudio(key)
	use, change, fellBack := phone.ChooseAudio(opts, want.ID, inUse)
	if change {
		var err error
		if out {
			err = a.setSinks(ctx, use.ID)
		} else {
			err = a.switchMic(ctx, use.ID)
		}
		if err != nil {
			a.d.note(true, name+" "+use.Label+": "+err.Error())
			a.d.bridge.Store.Save(key, "")
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

// switchMic asks for microphone id and moves every live call onto it
// (RTCRtpSender.replaceTrack: no renegotiation, the call goes on, a muted
// call stays muted); the old microphone is stopped. audioDevs.mu is held.
func (a *audioState) switchMic(ctx context.Context, id string) error {
	s, err := await(ctx, a.dv.Call("mic", id, true))
	if err != nil {
		return err
	}
	mic.mu.Lock()
	old := mic.stream
	mic.stream = s
	mic.mu.Unlock()
	for _, m := range liveCalls() {
		m.mu.Lock()
		sender, muted := m.sender, m.muted
		m.mu.Unlock()
		if !sender.Truthy() {
			continue
		}
		c, err := await(ctx, a.dv.Call("use", sender, s, !muted))
		if err != nil {
			continue // the call ended meanwhile
		}
		m.mu.Lock()
		c.Set("enabled", !m.muted) // muted or unmuted meanwhile
		m.mu.Unlock()
	}
	if old.Truthy() {
		a.dv.Call("stop", old)
	}
	return nil
}

// setSinks plays the calls (and the ringtone) on speaker id.
// audioDevs.mu is held.
func (a *audioState) setSinks(ctx context.Context, id string) error {
	if !a.canSink {
		return errors.New("this browser cannot choose the speaker")
	}
	if id == "default" {
		id = ""
	}
	a.sinkMu.Lock()
	a.sink = id
	a.sinkMu.Unlock()
	for _, m := range liveCalls() {
		m.mu.Lock()
		el := m.audio
		m.mu.Unlock()
		if _, err := await(ctx, a.dv.Call("sink", el, id, true)); err != nil {
			return err
		}
	}
	ringer.mu.Lock()
	if ringer.ctx.Truthy() {
		a.dv.Call("sink", ringer.ctx, id, false)
	}
	ringer.mu.Unlock()
	return nil
}

// playOn is the hook for a new call's <audio> (sipglue.go) and the
// ringtone's AudioContext (sipring.go): on the chosen speaker.
func playOn(el js.Value) {
	a := &audioDevs
	a.sinkMu.Lock()
	id := a.sink
	a.sinkMu.Unlock()
	if g, ok := glueNow(); id != "" && ok {
		g.Get("devices").Call("sink", el, id, false)
	}
}

// liveCalls are the calls' media now open.
func liveCalls() []*rtcMedia {
	liveMedia.mu.Lock()
	l := append([]*rtcMedia(nil), liveMedia.open...)
	liveMedia.mu.Unlock()
	return l
}
