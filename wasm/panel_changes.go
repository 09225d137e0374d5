//go:build js && wasm && !adapiclient

package main

import (
	"github.com/adapi-go/adapi-go/bridge/desk"
)

// callChanges are the calls that changed since the panel last drew, as
// the softphone's events said: a redraw then costs what changed, not what
// is on screen (no copy of every interaction, no walk over every row).
type callChanges struct {
	changed       map[string]*desk.InteractionData // the newest data; nil: removed
	added         []string                         // new calls, oldest first
	active        string
	activeChanged bool
	agent         string // the agent's state as the last ON_AGENT_STATE_CHANGE said ("" signed out)
	agentChanged  bool
}

// track keeps an event for the panel's next draw. Every change to a call
// comes as an event (SPEC.md: mute, hold and DTMF too), and so does every
// change to the agent's state: the panel never asks the softphone for
// either (that walks every call).
func (d *desktop) track(e desk.Event) {
	if d.redraw == nil {
		return // no panel
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	v := &d.view
	if v.changed == nil {
		v.changed = map[string]*desk.InteractionData{}
	}
	switch {
	case e.Name == desk.OnActiveInteractionSwitch:
		v.active, v.activeChanged = "", true
		if e.ActiveID != nil {
			v.active = *e.ActiveID
		}
	case e.Name == desk.OnAgentStateChange:
		v.agent, v.agentChanged = "", true
		if len(e.Args) > 0 {
			v.agent, _ = e.Args[0].(string)
		}
	case e.Name == desk.OnLogout:
		v.agent, v.agentChanged = "", true
	case e.Data == nil:
	case e.Name == desk.OnInteractionRemoved:
		v.changed[e.Data.InteractionID] = nil
	default:
		if e.Name == desk.OnNewInteraction {
			v.added = append(v.added, e.Data.InteractionID)
		}
		v.changed[e.Data.InteractionID] = e.Data
	}
}

// takeChanges hands the changes to the panel and starts a new set.
func (d *desktop) takeChanges() callChanges {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := d.view
	d.view = callChanges{}
	return v
}
