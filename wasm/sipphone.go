//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"context"
	"errors"

	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/phone"
	"github.com/adapi-go/adapi-go/bridge/sip"
)

// signIn asks for the microphone at sign-in, not per call (SPEC: "The
// microphone is asked for at login"), and for the notification permission.
// adapi-sip.js's ask keeps the microphone for every call: the remembered
// one (sipdevices.go) as an ideal, a device that is gone giving the
// default, which refreshAudio then reports.
func signIn(ctx context.Context) error {
	dv, err := devices(ctx)
	if err != nil { // the phone's script did not load: not the microphone's fault
		return err
	}
	asked, err := await(ctx, dv.Call("ask", recallAudio(micKey).ID))
	if err != nil {
		return errors.New("cannot sign in without a microphone: " + err.Error())
	}
	if asked.Bool() {
		refreshAudio(true)
	}
	return nil
}

// newSIPPhone is the desktop's phone when adapi-config.json has a sip
// section: a SIP user agent over the page's WebSocket, each call's audio
// an RTCPeerConnection.
func newSIPPhone(c *config.SIP) phone.Phone {
	loadSipGlue()
	ice := iceJSON(c.ICEServers)
	url := c.WSURL
	return sip.NewPhone(sip.PhoneConfig{
		URL:       url,
		Domain:    c.Domain,
		Transport: func() sip.Transport { return &wsTransport{url: url} },
		Media:     func() sip.Media { return &rtcMedia{ice: ice} },
		SignIn:    signIn,
		Ring:      ring, // wasm/sipring.go
	})
}

// iceJSON is the config's iceServers for adapi-sip.js's media, which
// makes RTCPeerConnection's from it: [[urls, username, credential], ...]
// ("" when there are none: host candidates only).
func iceJSON(servers []config.ICEServer) string {
	if len(servers) == 0 {
		return ""
	}
	b := []byte{'['}
	for _, s := range servers {
		b = append(jsonw.Append(append(b, '['), s.URLs), ',')
		b = append(jsonw.Append(b, s.Username), ',')
		b = append(jsonw.Append(b, s.Credential), ']', ',')
	}
	b[len(b)-1] = ']'
	return string(b)
}
