//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"context"
	"strings"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/phone"
	"github.com/adapi-go/adapi-go/bridge/sip"
)

// newSIPPhone is the desktop's phone when adapi-config.json has a sip
// section: a SIP user agent over the page's WebSocket, each call's audio
// an RTCPeerConnection (sipglue.go). adapi-sip.js loads at startDevices.
func newSIPPhone(c *config.SIP) phone.Phone {
	// adapi-sip.js's init makes RTCPeerConnection's iceServers of these:
	// urls (NUL between them: none is in a URL), username, credential.
	var ice []any
	for _, s := range c.ICEServers {
		ice = append(ice, strings.Join(s.URLs, "\x00"), s.Username, s.Credential)
	}
	sipGlue.ice = js.ValueOf(ice)
	sipGlue.ready = make(chan struct{})
	url := c.WSURL
	return sip.NewPhone(sip.PhoneConfig{
		URL:       url,
		Domain:    c.Domain,
		Transport: func() sip.Transport { return &wsTransport{url: url} },
		Media:     func() sip.Media { return newMedia() },
		SignIn:    signIn,
		Ring:      ring,
	})
}

// startDevices is called at start with a sip section: the panel gets its
// Audio devices (web/index.html's audioDevicesTemplate, after the agent
// bar: the Microphone and Speaker selects, disabled until adapi-sip.js
// lists the devices at sign-in and fills them), and adapi-sip.js loads.
func startDevices(d *desktop) {
	if p := d.panel; p != nil {
		if t := p.doc.Call("getElementById", "audioDevicesTemplate"); !t.IsNull() {
			p.loginForm.Get("parentNode").Call("after", t.Get("content"))
		}
	}
	loadSipGlue(d)
}

// signIn asks for the microphone at sign-in, not per call (SPEC: "The
// microphone is asked for at login"), and for the notification
// permission. adapi-sip.js keeps the microphone for every call (the
// remembered one as an ideal: a device that is gone gives the default),
// then lists the devices and uses the ones chosen.
func signIn(ctx context.Context) error {
	g, err := glue(ctx)
	if err == nil {
		_, err = await(ctx, g.Call("signIn"))
	}
	return err
}

// told is adapi-sip.js's tell: a line for the panel's log (refused: a
// failure) and, with labels, ON_AUDIO_DEVICE_CHANGE to every client:
// Bright Pattern's (inputDevice, outputDevice), the labels of the
// microphone and the speaker now in use (outputDevice absent where the
// browser cannot choose one). Its arguments are adapi-sip.js's own
// strings (and a boolean).
func (d *desktop) told(a []js.Value) any {
	d.note(a[0].Bool(), a[1].String())
	var labels []any
	for _, v := range a[2:] {
		labels = append(labels, v.String())
	}
	if labels != nil {
		d.emit(desk.Event{Name: desk.OnAudioDeviceChange, Args: labels})
	}
	return nil
}

// ring is the SIP phone's Ring hook: an inbound call rings (on) until it
// is accepted, rejected, hung up or ended; id "" stops every ringtone
// (signed out). adapi-sip.js's ring plays the ringtone (SPEC: "A ringtone
// plays") on the chosen speaker, and shows a browser notification when
// the tab is hidden (its permission asked for at sign-in; denied or
// absent, nothing shows and nothing fails). The desktop's <html> carries
// data-adapi-ringing (the ringing calls' count) and data-adapi-notified
// (notifications shown) for tests and for a page's own styling.
func ring(id phone.CallID, from string, on bool) {
	if g, ok := glueNow(); ok {
		g.Call("ring", string(id), from, on) // (it never throws: a failure is logged there)
	}
}

// mediaJSON is adApiDesktop.media(): the newest open call's audio
// counters and whether it sends the microphone (its track enabled: not
// muted), as adapi-sip.js reads them twice a second; null without a call
// or before its first reading.
func mediaJSON() string {
	if g, ok := glueNow(); ok {
		return g.Call("json").String()
	}
	return "null"
}
