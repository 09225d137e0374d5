//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/bridge/phone"
	"github.com/adapi-go/adapi-go/bridge/sip"
)

// signIn asks for the microphone at sign-in, not per call (SPEC: "The
// microphone is asked for at login"), and for the notification permission.
func signIn(ctx context.Context) error {
	if err := mic.Ask(ctx); err != nil {
		return errors.New("cannot sign in without a microphone: " + err.Error())
	}
	askNotifications()
	return nil
}

// newSIPPhone is the desktop's phone when adapi-config.json has a sip
// section: a SIP user agent over the page's WebSocket, each call's audio
// an RTCPeerConnection.
func newSIPPhone(c *config.SIP) phone.Phone {
	initSipJS()
	ice := iceServersJS(c.ICEServers)
	url := c.WSURL
	return sip.NewPhone(sip.PhoneConfig{
		URL:       url,
		Domain:    c.Domain,
		Transport: func() sip.Transport { return newWSTransport(url) },
		Media:     func() sip.Media { return newRTCMedia(ice) },
		SignIn:    signIn,
		Ring:      ring, // wasm/sipring.go
	})
}

// iceServersJS is the config's iceServers as RTCPeerConnection takes them
// (undefined when there are none: host candidates only).
func iceServersJS(servers []config.ICEServer) js.Value {
	if len(servers) == 0 {
		return js.Undefined()
	}
	arr := sipJS.Array.New()
	for _, s := range servers {
		o := sipJS.Object.New()
		urls := sipJS.Array.New()
		for _, u := range s.URLs {
			urls.Call("push", u)
		}
		o.Set("urls", urls)
		if s.Username != "" {
			o.Set("username", s.Username)
		}
		if s.Credential != "" {
			o.Set("credential", s.Credential)
		}
		arr.Call("push", o)
	}
	return arr
}
