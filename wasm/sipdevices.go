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
// Which device to use is decided in bridge/phone (devices.go).

const (
	micKey            = "adapi.mic"
	speakerKey        = "adapi.speaker"
	audioIn, audioOut = "audioinput", "audiooutput"
)

var audioDevs audioState

type audioState struct {
	mu      sync.Mutex // one change at a time; held across the browser's promises (never on the event loop)
	d       *desktop
	canSink bool // HTMLMediaElement has setSinkId
	in, out []phone.AudioDevice
	mic     phone.AudioDevice // the microphone in use (once signed in)
	spk     phone.AudioDevice // the speaker in use

	sinkMu sync.Mutex // the speaker's sink id, read by the hooks (setSink)
	sink   string     // "": the default

	micSel, spkSel, why js.Value // the panel's (panel_devices.go), or undefined
}

// startDevices is called at start with a sip section.
// (newSIPPhone has read the browser's globals: initSipJS.)
func startDevices(d *desktop) {
	a := &audioDevs
	g := js.Global()
	a.d = d
	a.in, a.out = phone.AudioOptions(nil, audioIn), phone.AudioOptions(nil, audioOut)
	a.spk = a.out[0] // the browser's default
	if hm := g.Get("HTMLMediaElement"); hm.Type() == js.TypeFunction {
		a.canSink = hm.Get("prototype").Get("setSinkId").Type() == js.TypeFunction
	}
	if d.panel != nil {
		d.panel.buildDevices()
	}
	if sipJS.mediaDevs.Type() == js.TypeObject {
		sipJS.mediaDevs.Call("addEventListener", "devicechange", js.FuncOf(func(js.Value, []js.Value) any {
			go refreshAudio(false)
			return nil
		}))
	}
}

// loginMic is what sign-in asks getUserMedia for: the remembered
// microphone if it is still there (deviceId as an ideal, so a device that
// is gone gives the default, which refreshAudio then reports).
func loginMic() js.Value { return micConstraint(recallAudio(micKey).ID, false) }

func micConstraint(id string, exact bool) js.Value {
	if id == "" {
		return js.ValueOf(true)
	}
	o := sipJS.Object.New()
	v := js.ValueOf(id)
	if exact {
		v = sipJS.Object.New()
		v.Set("exact", id)
	}
	o.Set("deviceId", v)
	return o
}

// userMic asks the browser for a microphone (getUserMedia).
func userMic(ctx context.Context, audio js.Value) (s js.Value, err error) {
	if !sipJS.hasMedia {
		return s, errors.New("this page cannot use a microphone (getUserMedia needs a secure context)")
	}
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("microphone: " + fmtPanic(r))
		}
	}()
	opts := sipJS.Object.New()
	opts.Set("audio", audio)
	opts.Set("video", false)
	s, err = await(ctx, sipJS.mediaDevs.Call("getUserMedia", opts))
	if err != nil {
		err = errors.New("microphone: " + err.Error())
	}
	return s, err
}

func recallAudio(key string) phone.AudioDevice {
	v, _ := audioDevs.d.bridge.Store.Load(key)
	return phone.RecalledAudio(v)
}

func recoverAudio() {
	if r := recover(); r != nil {
		audioDevs.d.note(true, "audio devices: "+fmtPanic(r))
	}
}

// refreshAudio lists the devices (at sign-in, once the microphone is
// allowed; a device plugged or unplugged; the agent chose one) and uses
// the ones chosen (settle).
func refreshAudio(login bool) {
	a := &audioDevs
	a.mu.Lock()
	defer a.mu.Unlock()
	defer recoverAudio()
	ctx, cancel := timeout(10 * time.Second)
	defer cancel()
	all, err := listAudio(ctx)
	if err != nil {
		a.d.note(true, "audio devices: "+err.Error())
		return
	}
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
	out := kind == audioOut
	key, opts, inUse, name := micKey, a.in, micInUse(), "Microphone"
	if inUse == "" { // not signed in yet: nothing in use
		return false
	}
	if out {
		key, opts, inUse, name = speakerKey, a.out, a.spk.ID, "Speaker"
	}
	want := recallAudio(key)
	use, change, fellBack := phone.ChooseAudio(opts, want.ID, inUse)
	if change {
		var err error
		if out {
			err = setSinks(ctx, use.ID)
		} else {
			err = switchMic(ctx, use.ID)
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

// listAudio is enumerateDevices, copied as JSON (MediaDeviceInfo.toJSON)
// in one call, whose exceptions Go recovers from.
func listAudio(ctx context.Context) ([]phone.AudioDevice, error) {
	if sipJS.mediaDevs.Type() != js.TypeObject {
		return nil, errors.New("this page cannot list devices")
	}
	l, err := await(ctx, sipJS.mediaDevs.Call("enumerateDevices"))
	if err != nil {
		return nil, err
	}
	var all []phone.AudioDevice
	for i := 0; i < l.Length() && i < 64; i++ {
		e := l.Index(i) // the browser's MediaDeviceInfo
		all = append(all, phone.AudioDevice{Kind: e.Get("kind").String(), ID: e.Get("deviceId").String(), Label: e.Get("label").String()})
	}
	return all, nil
}

// micInUse is the id of the microphone the calls use, "" before sign-in.
func micInUse() string {
	if s := mic.Stream(); s.Truthy() {
		if t := s.Call("getAudioTracks"); t.Length() > 0 {
			if id := t.Index(0).Call("getSettings").Get("deviceId"); id.Type() == js.TypeString {
				return id.String()
			}
		}
		return "default"
	}
	return ""
}

// switchMic asks for microphone id and moves every live call onto it
// (RTCRtpSender.replaceTrack: no renegotiation, the call goes on, muted
// calls stay muted); the old microphone is stopped.
func switchMic(ctx context.Context, id string) error {
	s, err := userMic(ctx, micConstraint(id, true))
	if err != nil {
		return err
	}
	tracks := s.Call("getAudioTracks")
	if tracks.Length() == 0 {
		return errors.New("no audio track")
	}
	tr := tracks.Index(0)
	mic.mu.Lock()
	old := mic.stream
	mic.stream = s
	mic.mu.Unlock()
	for _, m := range liveCalls() {
		m.mu.Lock()
		sender := m.sender
		m.mu.Unlock()
		if !sender.Truthy() {
			continue
		}
		c := tr.Call("clone")
		prev := sender.Get("track")
		if _, err := await(ctx, sender.Call("replaceTrack", c)); err != nil {
			c.Call("stop")
			continue // the call ended meanwhile
		}
		m.mu.Lock()
		c.Set("enabled", !m.muted)
		m.mu.Unlock()
		if prev.Truthy() {
			prev.Call("stop")
		}
	}
	if old.Truthy() {
		ot := old.Call("getTracks")
		for i := 0; i < ot.Length(); i++ {
			ot.Index(i).Call("stop")
		}
	}
	return nil
}

// setSinks plays the calls (and the ringtone) on speaker id.
func setSinks(ctx context.Context, id string) error {
	a := &audioDevs
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
		if p := setSink(el); p.Truthy() {
			if _, err := await(ctx, p); err != nil {
				return err
			}
		}
	}
	ringer.mu.Lock()
	if p := setSink(ringer.ctx); p.Truthy() {
		p.Call("catch", ignoreRejection())
	}
	ringer.mu.Unlock()
	return nil
}

// playOn is the hook for a new call's <audio> (sipglue.go) and the
// ringtone's AudioContext (sipring.go): on the chosen speaker.
func playOn(el js.Value) {
	audioDevs.sinkMu.Lock()
	id := audioDevs.sink
	audioDevs.sinkMu.Unlock()
	if id != "" {
		if p := setSink(el); p.Truthy() {
			p.Call("catch", ignoreRejection())
		}
	}
}

// setSink plays el (a call's <audio>, the ringtone's AudioContext) on the
// chosen speaker, where it can; it returns setSinkId's promise, or
// undefined.
func setSink(el js.Value) js.Value {
	a := &audioDevs
	a.sinkMu.Lock()
	id := a.sink
	a.sinkMu.Unlock()
	if !a.canSink || !el.Truthy() || el.Get("setSinkId").Type() != js.TypeFunction {
		return js.Undefined()
	}
	return el.Call("setSinkId", id)
}

// liveCalls are the calls' media now open.
func liveCalls() []*rtcMedia {
	liveMedia.mu.Lock()
	l := append([]*rtcMedia(nil), liveMedia.open...)
	liveMedia.mu.Unlock()
	return l
}
