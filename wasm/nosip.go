//go:build js && wasm && !adapiclient && adapinosip

package main

import (
	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// The desktop module without the SIP phone (-tags adapinosip): only for
// `make bench`, which measures what SIP adds to the desktop module
// (issue 14's budget). A sip section in the config is ignored: the
// reference model answers.

func newSIPPhone(*config.SIP) phone.Phone { return nil }

func mediaJSON() string { return "null" }

func startDevices(*desktop) {}
