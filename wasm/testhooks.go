//go:build js && wasm && !adapiclient

package main

import (
	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/bridge/desk"
)

// placer is the bridge's desktop: the softphone, or with adapi-config.json's
// testHooks (set by the browser tests; adapi-serve has no flag for it, and
// no widget can change the config) a desk.Faults around it, which the
// control API can make panic (adApiDesktop.update({panic})) to show that
// the recovers hold. Without test hooks a patch naming panic is refused.
func (d *desktop) placer(cfg config.File) bridge.Desktop {
	if !cfg.TestHooks {
		return d.phone
	}
	d.faults = desk.NewFaults(d.phone)
	return d.faults
}

// apply applies a settings patch from the page.
func (d *desktop) apply(pt desk.SettingsPatch) error {
	if d.faults != nil {
		return d.faults.Apply(pt)
	}
	return d.phone.Apply(pt)
}

// fault panics where the guard tests asked (desk.PanicMethod,
// desk.PanicSettle); without test hooks it does nothing.
func (d *desktop) fault(where string) {
	if d.faults != nil {
		d.faults.Fault(where)
	}
}
