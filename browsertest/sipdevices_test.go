package browsertest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/testbed/farend"
	"github.com/chromedp/chromedp"
)

// The agent's microphone and speaker (wasm/sipdevices.go): Chromium's
// fake devices (--use-fake-device-for-media-stream) are a default and two
// of each kind.

// recordAudio adds ON_AUDIO_DEVICE_CHANGE to recordEvents' record, and
// starts with no remembered devices (the tabs share one profile).
const recordAudio = recordEvents + `
try { localStorage.removeItem('adapi.mic'); localStorage.removeItem('adapi.speaker') } catch (_) {}
document.addEventListener('adapi:ready', () => adApi.on('ON_AUDIO_DEVICE_CHANGE', (...args) => {
	window.__events.push(['ON_AUDIO_DEVICE_CHANGE', JSON.parse(JSON.stringify(args))])
	for (const w of window.__waiters.splice(0)) w()
}))`

// keepTracks keeps, in the page, every stream getUserMedia gives
// (window.__streams) and every track a call's sender gives up in
// replaceTrack (window.__replaced), to see which are stopped.
const keepTracks = `
window.__streams = []
window.__replaced = []
{
	const md = navigator.mediaDevices, gum = md.getUserMedia.bind(md)
	md.getUserMedia = c => gum(c).then(s => (__streams.push(s), s))
	const replace = RTCRtpSender.prototype.replaceTrack
	RTCRtpSender.prototype.replaceTrack = function (t) { if (this.track) __replaced.push(this.track); return replace.call(this, t) }
}`

const (
	fakeMic     = "Fake Default Audio Input"
	fakeSpeaker = "Fake Default Audio Output"
)

// choose picks the option labelled label in the select as a person does
// (a change event) and returns its value, the device's id.
func (tb *tab) choose(sel, label string) string {
	tb.t.Helper()
	return evalJS[string](tb, fmt.Sprintf(`(() => {
		const s = document.getElementById(%q), o = [...s.options].find(o => o.textContent === %q)
		s.value = o.value
		s.dispatchEvent(new Event('change', {bubbles: true}))
		return o.value
	})()`, sel, label))
}

// listed waits until the selects list the browser's devices (they are
// filled after sign-in, which does not wait for it).
func (tb *tab) listed() {
	tb.t.Helper()
	evalJS[bool](tb, `new Promise(resolve => {
		const s = document.getElementById('speakerSelect'), ok = () => s.options.length > 1
		if (ok()) return resolve(true)
		new MutationObserver((_, o) => ok() && (o.disconnect(), resolve(true))).observe(s, {childList: true})
	})`)
}

// options is what the select offers, and its value.
func (tb *tab) options(sel string) (labels []string, value string) {
	tb.t.Helper()
	r := evalJS[struct {
		Labels []string
		Value  string
	}](tb, fmt.Sprintf(`(s => ({labels: [...s.options].map(o => o.textContent), value: s.value}))(document.getElementById(%q))`, sel))
	return r.Labels, r.Value
}

// devices waits for ON_AUDIO_DEVICE_CHANGE(input, output).
func (tb *tab) devices(input, output string) {
	tb.t.Helper()
	tb.waitEvent("ON_AUDIO_DEVICE_CHANGE", func(a map[string]any) bool { return a["value"] == input && a["second"] == output })
}

// logged waits until the panel's log shows a line containing text.
func (tb *tab) logged(text string) {
	tb.t.Helper()
	evalJS[bool](tb, fmt.Sprintf(`new Promise(resolve => {
		const check = () => document.getElementById('panelLog').textContent.includes(%q) ? resolve(true)
			: document.getElementById('agentDesktop').addEventListener('adapi:drawn', check, {once: true})
		check()
	})`, text))
}

// The selects list the devices once signed in; a microphone chosen mid-call
// carries the call on (the far end keeps receiving audio), a speaker
// chosen plays the call (the <audio>'s sinkId) and the next one; each
// change reaches the page's handlers, and is remembered.
func TestSIPAudioDevices(t *testing.T) {
	bed := sipBed(t)
	tb := openTab(t, recordAudio+keepTracks)
	tb.openURL(sipEnv.url)
	if !evalJS[bool](tb, `document.getElementById('micSelect').disabled && !document.getElementById('audioDevicesWhy').hidden`) {
		t.Errorf("signed out, the Microphone select is enabled, or no reason is shown")
	}
	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login: %s", r)
	}
	tb.listed()
	mics, v := tb.options("micSelect")
	if want := []string{fakeMic, "Fake Audio Input 1", "Fake Audio Input 2"}; !slices.Equal(mics, want) || v != "default" {
		t.Errorf("microphones %q (%q), want %q (default)", mics, v, want)
	}
	speakers, v := tb.options("speakerSelect")
	if want := []string{fakeSpeaker, "Fake Audio Output 1", "Fake Audio Output 2"}; !slices.Equal(speakers, want) || v != "default" {
		t.Errorf("speakers %q (%q), want %q (default)", speakers, v, want)
	}
	if evalJS[bool](tb, `document.getElementById('micSelect').disabled || document.getElementById('speakerSelect').disabled`) {
		t.Errorf("signed in, a select is disabled")
	}

	n := farCount(bed) + 1
	id := evalJS[OperationResult](tb, fmt.Sprintf(`adApi.startCall(%q)`, farend.Echo)).id(t)
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	farCall(t, bed, n, "connected", func(c farend.Call) bool { return c.ICEConnected && c.RTPReceived > 0 })

	// Muted, switched: the call goes on (the far end keeps receiving its
	// RTP), still muted; unmuted, the new microphone is on.
	mic := func() bool {
		t.Helper()
		return evalJS[bool](tb, `adApiDesktop.media().micEnabled`)
	}
	tb.ok(fmt.Sprintf(`adApi.setCallMute(true, %q)`, id))
	micID := tb.choose("micSelect", "Fake Audio Input 2")
	tb.devices("Fake Audio Input 2", fakeSpeaker)
	calls, _ := bed.FarEnd.Calls()
	before := calls[n-1].RTPReceived
	farCall(t, bed, n, "kept receiving the agent's audio", func(c farend.Call) bool { return c.State == "answered" && c.RTPReceived >= before+25 })
	if mic() {
		t.Errorf("a muted call, switched to another microphone, is not muted")
	}
	tb.ok(fmt.Sprintf(`adApi.setCallMute(false, %q)`, id))
	if !mic() {
		t.Errorf("unmuted after the switch, the call's microphone is off")
	}
	// The microphone given up is stopped (the browser's recording
	// indicator goes with it): the stream asked for at sign-in, and the
	// call's copy of its track; the new one is live.
	if got := evalJS[[]string](tb, `[...__streams.map(s => s.getAudioTracks().map(t => t.readyState).join('+')), '|', ...__replaced.map(t => t.readyState)]`); !slices.Equal(got, []string{"ended", "live", "|", "ended"}) {
		t.Errorf("the microphones' tracks after the switch (sign-in's, the new one | the call's old copy): %q, want ended, live | ended", got)
	}
	tb.logged("Microphone: Fake Audio Input 2")

	spkID := tb.choose("speakerSelect", "Fake Audio Output 1")
	tb.devices("Fake Audio Input 2", "Fake Audio Output 1")
	if got := evalJS[string](tb, `document.querySelector('audio[data-adapi=remote-audio]').sinkId`); got != spkID {
		t.Errorf("the call plays on %q, want %q", got, spkID)
	}
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
	farCall(t, bed, n, "ended", func(c farend.Call) bool { return c.State == "ended" })

	// Remembered for the desktop's origin.
	kept := evalJS[[]string](tb, `[localStorage.getItem('adapi.mic'), localStorage.getItem('adapi.speaker')]`)
	if kept[0] != micID+"\nFake Audio Input 2" || kept[1] != spkID+"\nFake Audio Output 1" {
		t.Errorf("remembered %q", kept)
	}

	// The next call plays on the chosen speaker from the start.
	n = farCount(bed) + 1
	id = evalJS[OperationResult](tb, fmt.Sprintf(`adApi.startCall(%q)`, farend.Echo)).id(t)
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	farCall(t, bed, n, "received the agent's audio", func(c farend.Call) bool { return c.RTPReceived >= 25 })
	if got := evalJS[string](tb, `document.querySelector('audio[data-adapi=remote-audio]').sinkId`); got != spkID {
		t.Errorf("the next call plays on %q, want %q", got, spkID)
	}
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))

	// The defaults chosen again: nothing is remembered.
	tb.choose("micSelect", fakeMic)
	tb.devices(fakeMic, "Fake Audio Output 1")
	tb.choose("speakerSelect", fakeSpeaker)
	tb.devices(fakeMic, fakeSpeaker)
	if kept := evalJS[[]*string](tb, `[localStorage.getItem('adapi.mic'), localStorage.getItem('adapi.speaker')]`); kept[0] != nil || kept[1] != nil {
		t.Errorf("the defaults chosen, still remembered: %v %v", kept[0], kept[1])
	}
}

// A remembered device that is gone at sign-in gives way to the default,
// with the event and a line in the log; one unplugged while in use too,
// and it is used again when it is back (enumerateDevices stands in for
// the hardware: the page lists one device fewer, then all again).
func TestSIPAudioDeviceFallback(t *testing.T) {
	bed := sipBed(t)
	tb := openTab(t, recordAudio+`
localStorage.setItem('adapi.mic', 'gone-mic\nOld Headset')
localStorage.setItem('adapi.speaker', 'gone-speaker\nOld Speakers')`)
	tb.openURL(sipEnv.url)
	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login: %s", r)
	}
	tb.devices(fakeMic, fakeSpeaker)
	tb.logged("Microphone “Old Headset” is not there: using " + fakeMic)
	tb.logged("Speaker “Old Speakers” is not there: using " + fakeSpeaker)
	if _, v := tb.options("micSelect"); v != "default" {
		t.Errorf("the Microphone select shows %q, want the default", v)
	}

	id := tb.choose("micSelect", "Fake Audio Input 1")
	tb.devices("Fake Audio Input 1", fakeSpeaker)
	evalJS[bool](tb, fmt.Sprintf(`(md => {
		const real = md.enumerateDevices.bind(md)
		window.__realEnumerate = real
		md.enumerateDevices = () => real().then(l => l.filter(d => d.deviceId !== %q))
		md.dispatchEvent(new Event('devicechange'))
		return true
	})(navigator.mediaDevices)`, id))
	tb.devices(fakeMic, fakeSpeaker)
	tb.logged("Microphone “Fake Audio Input 1” is not there: using " + fakeMic)
	if _, v := tb.options("micSelect"); v != "default" {
		t.Errorf("unplugged, the Microphone select shows %q, want the default", v)
	}
	evalJS[bool](tb, `(md => { md.enumerateDevices = window.__realEnumerate; md.dispatchEvent(new Event('devicechange')); return true })(navigator.mediaDevices)`)
	tb.devices("Fake Audio Input 1", fakeSpeaker)
	if _, v := tb.options("micSelect"); v != id {
		t.Errorf("plugged back, the Microphone select shows %q, want %q", v, id)
	}
	evalJS[bool](tb, `localStorage.removeItem('adapi.mic'); localStorage.removeItem('adapi.speaker'); true`)
}

// ON_AUDIO_DEVICE_CHANGE reaches a CRM page on another site, across the
// desktop's frame, with the same arguments.
func TestSIPAudioDeviceAcrossFrames(t *testing.T) {
	bed := sipBed(t)
	crm := openTab(t, recordAudio)
	crm.openURL(sipEnv.crmURL + "test/client.html")
	if r := crm.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login across frames: %s", r)
	}
	desk := crm.frame(sipEnv.url)
	desk.listed()
	desk.choose("micSelect", "Fake Audio Input 1")
	crm.devices("Fake Audio Input 1", fakeSpeaker)
	desk.choose("speakerSelect", "Fake Audio Output 2")
	crm.devices("Fake Audio Input 1", "Fake Audio Output 2")
	evalJS[bool](desk, `localStorage.removeItem('adapi.mic'); localStorage.removeItem('adapi.speaker'); true`)
}

// The panel with the audio devices open, signed in, at a phone's and a
// laptop's widths: nothing sticks out; screenshots for a person.
func TestSIPAudioDevicesLayout(t *testing.T) {
	tb := signedInWith(t, recordAudio)
	tb.listed()
	evalJS[bool](tb, `document.getElementById('audioDevices').open = true`)
	for _, w := range []struct{ w, h int64 }{{320, 568}, {390, 844}, {1280, 800}} {
		tb.do(chromedp.EmulateViewport(w.w, w.h))
		evalJS[bool](tb, frameJS)
		tb.checkLayout(fmt.Sprintf("audio devices at %d px", w.w), 0)
		tb.screenshot(strings.ReplaceAll(fmt.Sprintf("sip-devices-%04d", w.w), " ", "-"))
	}
}

// ringtones keeps the AudioContexts made (adapi-sip.js's ringtone is one,
// made at the first ring) in window.__rings; __ringsOn(id) resolves when
// the ringtone plays on speaker id.
const ringtones = `
window.__rings = []
{
	const AC = AudioContext
	window.AudioContext = class extends AC { constructor (...a) { super(...a); __rings.push(this) } }
}
window.__ringsOn = id => new Promise(resolve => {
	const ac = __rings[0], ok = () => ac.sinkId === id
	if (ok()) return resolve(true)
	const h = () => ok() && (ac.removeEventListener('sinkchange', h), resolve(true))
	ac.addEventListener('sinkchange', h)
})`

// refuseSpeaker makes setSinkId refuse speaker window.__refuse (as for a
// device the page may not use), saying which refusal it is.
const refuseSpeaker = `
window.__refuse = ''
window.__refusals = 0
{
	const set = HTMLMediaElement.prototype.setSinkId
	HTMLMediaElement.prototype.setSinkId = function (id) {
		return id && id === window.__refuse ? Promise.reject(new DOMException('the test refuses this speaker (' + ++__refusals + ')', 'NotAllowedError')) : set.call(this, id)
	}
}`

// refuse makes setSinkId refuse the speaker labelled label; it returns its id.
func (tb *tab) refuse(label string) string {
	tb.t.Helper()
	return evalJS[string](tb, fmt.Sprintf(`window.__refuse = [...document.getElementById('speakerSelect').options].find(o => o.textContent === %q).value`, label))
}

// The ringtone (adapi-sip.js's AudioContext, made at the first ring)
// plays on the speaker chosen before it rang, not on one refused since
// (a speaker refused with no call is refused at once: an element of its
// own), and follows a speaker chosen while it rings (AudioContext.setSinkId).
func TestSIPRingtoneSpeaker(t *testing.T) {
	bed := sipBed(t)
	tb := signedInWith(t, recordAudio+ringtones+refuseSpeaker)
	tb.listed()
	first := tb.choose("speakerSelect", "Fake Audio Output 1")
	tb.devices(fakeMic, "Fake Audio Output 1")
	refused := tb.refuse("Fake Audio Output 2")
	tb.choose("speakerSelect", "Fake Audio Output 2")
	tb.logged("Speaker Fake Audio Output 2: setSinkId: NotAllowedError: the test refuses this speaker (1)")
	if _, v := tb.options("speakerSelect"); v != first {
		t.Errorf("refused with no call, the Speaker select shows %q, want %q still", v, first)
	}
	if got := evalJS[string](tb, `localStorage.getItem('adapi.speaker') || ''`); got != first+"\nFake Audio Output 1" {
		t.Errorf("remembered %q after the refusal, want the speaker in use (Output 1)", got)
	}
	evalJS[string](tb, `window.__refuse = ''`)
	farID, err := bed.FarEnd.Dial("agent", farend.Echo)
	if err != nil {
		t.Fatal(err)
	}
	ev := tb.waitEvent("ON_NEW_INTERACTION", func(a map[string]any) bool { return a["callDirection"] == "inbound" })
	if n := evalJS[int](tb, `__rings.length`); n != 1 {
		t.Fatalf("%d ringtones made for a ringing call, want 1", n)
	}
	within[bool](tb, 10*time.Second, "the ringtone plays on the speaker chosen before it rang, not the one refused since", fmt.Sprintf(`__ringsOn(%q)`, first))
	tb.choose("speakerSelect", "Fake Audio Output 2")
	tb.devices(fakeMic, "Fake Audio Output 2")
	within[bool](tb, 10*time.Second, "the ringtone follows the speaker chosen while it rings", fmt.Sprintf(`__ringsOn(%q)`, refused))
	tb.ok(fmt.Sprintf(`adApi.rejectInteraction(%q)`, ev["interactionId"]))
	farCall(t, bed, farID, "refused", func(c farend.Call) bool { return c.State == "ended" })
	evalJS[bool](tb, `localStorage.removeItem('adapi.mic'); localStorage.removeItem('adapi.speaker'); true`)
}

// A speaker the browser refuses mid-call leaves a reason in the log, is
// not remembered, and the call goes on where it played, audio both ways;
// the next choice works.
func TestSIPSpeakerRefused(t *testing.T) {
	bed := sipBed(t)
	tb := signedInWith(t, recordAudio+refuseSpeaker)
	tb.listed()
	id, n := connectedEcho(tb)
	refused := tb.refuse("Fake Audio Output 2")
	tb.choose("speakerSelect", "Fake Audio Output 2")
	tb.logged("Speaker Fake Audio Output 2: setSinkId: NotAllowedError: the test refuses this speaker (1)")
	if _, v := tb.options("speakerSelect"); v != "default" {
		t.Errorf("refused, the Speaker select shows %q, want the default still", v)
	}
	if got := evalJS[string](tb, `localStorage.getItem('adapi.speaker') || ''`); strings.Contains(got, refused) {
		t.Errorf("the refused speaker is remembered: %q", got)
	}
	if got := evalJS[string](tb, `document.querySelector('audio[data-adapi=remote-audio]').sinkId`); got != "" {
		t.Errorf("the call plays on %q after the refusal, want the default", got)
	}
	// The call goes on: the far end keeps hearing the agent, and the agent
	// the far end.
	calls, _ := bed.FarEnd.Calls()
	before := calls[n-1].RTPReceived
	farCall(t, bed, n, "kept receiving the agent's audio", func(c farend.Call) bool { return c.State == "answered" && c.RTPReceived >= before+25 })
	got := tb.media("the agent hearing the far end", "m.packetsReceived > 0")
	tb.media("the agent still hearing the far end", fmt.Sprintf("m.packetsReceived >= %v + 20", got["packetsReceived"]))
	// The next choice works.
	spk := tb.choose("speakerSelect", "Fake Audio Output 1")
	tb.devices(fakeMic, "Fake Audio Output 1")
	if got := evalJS[string](tb, `document.querySelector('audio[data-adapi=remote-audio]').sinkId`); got != spk {
		t.Errorf("the call plays on %q, want %q", got, spk)
	}
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
	farCall(t, bed, n, "ended", func(c farend.Call) bool { return c.State == "ended" })
	evalJS[bool](tb, `localStorage.removeItem('adapi.mic'); localStorage.removeItem('adapi.speaker'); true`)
}
