//go:build js && wasm && !adapiclient

package main

import (
	"context"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/dialplan"
)

// dialStatus is what the panel says about the last call being placed:
// "Calling …" at once, then what became of it.
type dialStatus struct {
	kind string // "", "calling", "placed", "deferred", "failed"
	text string
}

func (d *desktop) setDialStatus(kind, text string) {
	d.mu.Lock()
	d.status = dialStatus{kind, text}
	d.mu.Unlock()
	d.changed()
}

func (d *desktop) dialStatus() dialStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status
}

// placing says a call is being placed (the phone has not started dialling).
func (d *desktop) placing(call bridge.Call) {
	d.setDialStatus("calling", "Calling "+d.readable(call.PhoneNumber)+"…")
}

// placed says what became of a call being placed.
func (d *desktop) placed(call bridge.Call, id string, err error) {
	n := d.readable(call.PhoneNumber)
	switch {
	case err != nil:
		d.setDialStatus("failed", "Could not call "+n+": "+bridge.AsError(err).Message)
	case id == "":
		d.setDialStatus("deferred", n+" is in the Dialpad: press Dial to call")
	default:
		d.setDialStatus("placed", "Placed a call to "+n)
	}
}

func (d *desktop) readable(number string) string {
	country := ""
	if d.panel != nil {
		country = d.panel.country
	}
	return dialplan.Format(number, country)
}

// dial places the number in the Dialpad, under the same deadline and
// rules as startCall, and empties the Dialpad once it is placed. A number
// Deferred Dial left there goes with the CRM record it was sent with.
func (d *desktop) dial() (string, error) {
	call, err := d.phone.DialpadCall()
	if err == nil {
		d.placing(call)
		var id string
		if id, err = d.bridge.Place(context.Background(), call); err == nil {
			d.phone.ClearDialpad(call.PhoneNumber)
			d.placed(call, id, nil)
			return id, nil
		}
		d.placed(call, "", err)
	} else {
		d.setDialStatus("failed", "Could not call: "+bridge.AsError(err).Message)
	}
	d.refused("Dial", err)
	return "", err
}

// act is a button on an interaction.
func (d *desktop) act(action, id string) error {
	switch action {
	case "connect":
		return d.phone.Connect(id)
	case "hold":
		return d.phone.Hold(id)
	case "resume":
		return d.phone.Resume(id)
	case "hangup":
		return d.phone.HangUp(id)
	case "complete":
		return d.phone.Complete(id)
	}
	return bridge.Errorf(bridge.InvalidArgs, "action: no action %q", action)
}

// panelStats is the panel's redraw figures for adApiDesktop.stats() (make
// bench): draws so far, the last and the longest draw in milliseconds,
// the rows on screen, the redraws let pass while hidden, whether the panel
// is out of view (tests). nil without the panel.
func (d *desktop) panelStats() any {
	if d.panel == nil {
		return nil
	}
	s := d.panel.stats
	return map[string]any{"draws": s.Draws, "lastDrawMs": s.LastDrawMs, "maxDrawMs": s.MaxDrawMs, "rows": s.Rows, "skippedHidden": s.Skipped, "offScreen": d.panel.offScreen}
}
