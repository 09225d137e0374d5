//go:build js && wasm && !adapiclient

package main

import (
	"fmt"
	"slices"
	"strconv"
	"syscall/js"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/dialplan"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// item is one call on screen: its nodes, and what was last drawn in them.
type item struct {
	li, state, duration, number, object, meta js.Value
	buttons                                   []js.Value // as callActions
	shown                                     []bool
	drawn                                     string // the state key last drawn (stateKey)
	active                                    bool
	start                                     int64
	ended                                     bool
	inView                                    bool                  // the row is in the list's view (IntersectionObserver)
	clock                                     string                // the duration on screen
	label                                     string                // who, for the buttons' names
	data                                      *desk.InteractionData // as last drawn
	keypad, keypadBtn, sent                   js.Value              // made when first opened
	actions, kids                             js.Value              // the buttons' group, and its children
	keypadOpen                                bool
	ringing                                   bool   // an inbound call ringing (p.ringing)
	dtmf                                      string // digits sent from the keypad
}

// callAction is a button a call may show; show says when: in which
// states, and whether on the active call or on the others.
type callAction struct {
	action, label, class string
	show                 func(c *desk.InteractionData, active bool) bool
}

func live(c *desk.InteractionData) bool {
	return c.State == desk.StateDeliveryPending || c.State == desk.StateDelivered || c.State == desk.StateHold
}

func ringing(c *desk.InteractionData) bool {
	return c.State == desk.StateDeliveryPending && c.CallDirection == "inbound"
}

func talking(c *desk.InteractionData) bool { return c.State == desk.StateDelivered }

// callActions are the buttons of a call, in order; only those its state
// allows are shown. Mute and the keypad are the active call's only.
var callActions = []callAction{
	// (A ringing call is answered, not switched to.)
	{"switch", "Switch to", "secondary", func(c *desk.InteractionData, active bool) bool { return !active && !ringing(c) }},
	{"accept", "Accept", "call", func(c *desk.InteractionData, _ bool) bool { return ringing(c) }},
	{"reject", "Reject", "danger", func(c *desk.InteractionData, _ bool) bool { return ringing(c) }},
	// The far end picking up: the test rig's, for a phone with no far end.
	{"connect", "Far end answers", "secondary rig-action", func(c *desk.InteractionData, _ bool) bool {
		return c.State == desk.StateDeliveryPending && c.CallDirection != "inbound"
	}},
	{"mute", "Mute", "secondary", func(c *desk.InteractionData, active bool) bool { return active && talking(c) && !c.CallMuted }},
	{"unmute", "Unmute", "", func(c *desk.InteractionData, active bool) bool { return active && talking(c) && c.CallMuted }},
	{"keypad", "Keypad", "secondary", func(c *desk.InteractionData, active bool) bool { return active && talking(c) }},
	{"hold", "Hold", "secondary", func(c *desk.InteractionData, _ bool) bool { return talking(c) }},
	{"resume", "Resume", "", func(c *desk.InteractionData, _ bool) bool { return c.State == desk.StateHold }},
	{"hangup", "Hang up", "danger", func(c *desk.InteractionData, _ bool) bool { return live(c) && !ringing(c) }},
	{"complete", "Complete", "", func(c *desk.InteractionData, _ bool) bool { return c.State == desk.StateWrapUp }},
}

// stateLabel is a call's state in an agent's words.
func stateLabel(c desk.InteractionData) string {
	switch c.State {
	case desk.StateDeliveryPending:
		if c.CallDirection == "inbound" {
			return "Ringing"
		}
		return "Calling…"
	case desk.StateDelivered:
		if c.CallMuted {
			return "Connected · muted"
		}
		return "Connected"
	case desk.StateHold:
		return "On hold"
	case desk.StateWrapUp:
		return "Wrap-up"
	case desk.StateCompleted:
		return "Completed"
	}
	return string(c.State)
}

func stateKey(c desk.InteractionData) string {
	return string(c.State) + strconv.FormatBool(c.CallMuted)
}

// drawCalls brings the list up to date with what changed since the last
// draw (the softphone's events, callChanges): a call that did not change
// costs nothing, not even a look. The order of the rows is the order in
// which the agent needs them (place): ringing calls first, so that one can
// be accepted without scrolling, then the active call, then the others,
// newest first. A call is moved only when it starts or stops ringing or
// becomes active (one move), so that the DOM order, the focus order and
// what a screen reader reads follow what the agent sees.
func (p *panel) drawCalls(ch callChanges) {
	if !p.synced { // the first draw: every call there is
		p.synced = true
		calls := p.d.phone.Interactions()
		ch = callChanges{changed: make(map[string]*desk.InteractionData, len(calls)), active: p.d.phone.ActiveID(), activeChanged: true}
		for i := range calls {
			ch.added = append(ch.added, calls[i].InteractionID)
			ch.changed[calls[i].InteractionID] = &calls[i]
		}
	}
	ringsBefore := len(p.ringing)
	for id, c := range ch.changed {
		if it := p.items[id]; it != nil && c == nil {
			if it.active && it.data != nil && it.data.State != desk.StateCompleted {
				// Completed and gone in one draw: its end is said all the same.
				p.say(it.label + ": Completed")
			}
			if !p.observer.IsUndefined() && !p.observer.IsNull() {
				p.observer.Call("unobserve", it.li)
			}
			it.li.Call("remove")
			delete(p.items, id)
			delete(p.inView, it)
			p.setRinging(it, false)
		}
	}
	toTop := false
	if ch.activeChanged && ch.active != p.activeID {
		if it := p.items[p.activeID]; it != nil {
			p.setActive(it, false)
		}
		p.activeID = ch.active
		if it := p.items[p.activeID]; it != nil {
			p.setActive(it, true)
			p.place(it, true)
			toTop = true // to the top: the active call in view
		}
	}
	for _, id := range ch.added {
		c := ch.changed[id]
		if c == nil || p.items[id] != nil {
			continue // gone already
		}
		it := p.newItem(c)
		p.items[id] = it
		p.setActive(it, id == p.activeID)
		if ringing(c) {
			p.setRinging(it, true)
		}
		toTop = toTop || it.ringing || it.active
		p.place(it, false)
	}
	for id, c := range ch.changed {
		if it := p.items[id]; it != nil && c != nil {
			p.update(it, c)
			if r := ringing(c); r != it.ringing {
				p.setRinging(it, r)
				p.place(it, true)
			}
		}
	}
	if toTop {
		p.list.Set("scrollTop", 0)
	}
	if p.saying != "" {
		p.announce.Set("textContent", p.saying)
		p.saying = ""
	}
	if (ringsBefore == 0) != (len(p.ringing) == 0) {
		p.list.Call("toggleAttribute", "data-ringing", len(p.ringing) > 0)
	}
	if n := len(p.items); n != p.drawnCount || p.stats.Draws == 0 {
		p.drawnCount = n
		if n == 0 {
			p.count.Set("textContent", "")
		} else {
			p.count.Set("textContent", "· "+strconv.Itoa(n))
		}
	}
}

// setRinging notes whether a call rings (p.ringing, in the order they
// came).
func (p *panel) setRinging(it *item, r bool) {
	if it.ringing == r {
		return
	}
	it.ringing = r
	if r {
		p.ringing = append(p.ringing, it)
	} else if i := slices.Index(p.ringing, it); i >= 0 {
		p.ringing = slices.Delete(p.ringing, i, i+1)
	}
}

// place puts a call's row where it belongs: the ringing calls first, in
// the order they came; then the active call; then the others, newest
// first (a call placed goes right after the active one). One move, and no
// look at the other rows: Go knows where the ringing and the active rows
// are. A row that was on screen keeps the focus that was in it.
func (p *panel) place(it *item, shown bool) {
	var after *item // nil: first
	if it.ringing {
		if i := slices.Index(p.ringing, it); i > 0 {
			after = p.ringing[i-1]
		}
	} else {
		if n := len(p.ringing); n > 0 {
			after = p.ringing[n-1]
		}
		if a := p.items[p.activeID]; !it.active && a != nil && a != it && a.active && !a.ringing {
			after = a
		}
	}
	var focused js.Value
	if shown {
		if f := p.doc.Get("activeElement"); it.li.Call("contains", f).Bool() {
			focused = f
		}
	}
	if after == nil {
		p.list.Call("prepend", it.li)
	} else {
		after.li.Call("after", it.li)
	}
	if !focused.IsUndefined() {
		focused.Call("focus", map[string]any{"preventScroll": true})
	}
}

// setActive marks a call as the active one, or not.
func (p *panel) setActive(it *item, active bool) {
	it.active = active
	if it.data != nil {
		p.showButtons(it)
	}
	it.li.Call("setAttribute", "data-active", strconv.FormatBool(active))
	if active {
		it.li.Call("setAttribute", "aria-current", "true")
	} else {
		it.li.Call("removeAttribute", "aria-current")
	}
}

func (p *panel) newItem(c *desk.InteractionData) *item {
	// A row is a copy of one made once (proto), filled in: a score of
	// calls into JavaScript rather than a hundred.
	if p.proto.IsUndefined() {
		p.proto = p.protoItem()
	}
	id := c.InteractionID
	li := p.proto.Call("cloneNode", true)
	li.Call("setAttribute", "data-interaction-id", id)
	li.Call("setAttribute", "data-direction", c.CallDirection)
	it := &item{li: li, start: c.StartTime, label: p.who(*c)}
	head := li.Get("firstElementChild")
	it.state = head.Get("firstElementChild")
	it.duration = head.Get("lastElementChild")
	it.number = head.Get("nextElementSibling")
	it.number.Set("textContent", dialplan.Format(c.PhoneNumber, p.country))
	it.number.Set("title", c.PhoneNumber)
	it.number.Set("id", "number-"+id)
	if l := c.AssociatedObjects.List; len(l) > 0 {
		it.number.Call("after", p.textEl("div", "object", objectLabel(l[0].AssociatedObject))) // CRM text: as text
	}
	meta := "Outbound"
	switch {
	case c.CallDirection == "inbound":
		meta = "Inbound"
	case c.Origination == bridge.ByDialpad:
		meta += " · dialled by you"
	case c.Origination == bridge.ByAPI:
		meta += " · from the CRM"
	}
	li.Get("lastElementChild").Get("previousElementSibling").Set("textContent", meta)
	// The buttons are named by the call they act on (the group's label);
	// Go takes a reference to a button only when it first shows it.
	it.actions = li.Get("lastElementChild")
	it.actions.Call("setAttribute", "aria-labelledby", "number-"+id)
	it.buttons = make([]js.Value, len(callActions))
	it.shown = make([]bool, len(callActions))
	if p.observer.IsUndefined() {
		p.observer = p.newObserver()
	}
	if !p.observer.IsNull() {
		p.observer.Call("observe", li)
	} else {
		p.setInView(it, true)
	}
	return it
}

// protoItem is the row every call's is copied from.
func (p *panel) protoItem() js.Value {
	li := p.el("li", "ia")
	head := p.el("div", "ia-head")
	duration := p.el("span", "duration")
	duration.Call("setAttribute", "aria-label", "duration")
	head.Call("append", p.el("span", "state"), duration)
	actions := p.el("div", "actions")
	actions.Call("setAttribute", "role", "group")
	for _, a := range callActions {
		b := p.button("", a.action, a.label, a.class)
		b.Set("hidden", true)
		actions.Call("append", b)
	}
	li.Call("append", head, p.el("div", "number"), p.el("div", "meta"), actions)
	return li
}

// button is a call's i-th button (callActions).
func (it *item) button(i int) js.Value {
	if it.buttons[i].IsUndefined() {
		if it.kids.IsUndefined() {
			it.kids = it.actions.Get("children")
		}
		it.buttons[i] = it.kids.Index(i)
	}
	return it.buttons[i]
}

// update redraws what changed in a call: its state and buttons; a call
// that ended shows its final duration.
func (p *panel) update(it *item, c *desk.InteractionData) {
	active := it.active
	it.data = c
	if key := stateKey(*c); it.drawn != key {
		if active && it.drawn == "" && c.State != desk.StateDeliveryPending {
			// A new call whose first state (Calling…, Ringing) passed
			// before its first draw: said all the same, first.
			p.say(it.label + ": " + stateLabel(desk.InteractionData{State: desk.StateDeliveryPending, CallDirection: c.CallDirection}))
		}
		it.drawn = key
		it.li.Call("setAttribute", "data-state", string(c.State))
		label := stateLabel(*c)
		it.state.Set("textContent", label)
		p.showButtons(it)
		if active { // from a new call's first state
			p.say(it.label + ": " + label)
		}
		if c.EndTime != 0 && !it.ended {
			it.ended = true
			it.setClock(c.Duration)
		}
	}
	if it.clock == "" {
		it.setClock(c.Duration)
	}
}

// say adds to what the live region says at the end of this draw: the
// active call's new state, once, and its end (a call completed and
// removed within one draw shows no state of its own).
func (p *panel) say(s string) {
	if p.saying != "" {
		p.saying += ". "
	}
	p.saying += s
}

func (it *item) setClock(ms int64) {
	if t := clock(ms); t != it.clock {
		it.clock = t
		it.duration.Set("textContent", t)
	}
}

// showButtons shows the buttons a call's state allows, and only those. A
// keyboard user whose button went away stays on this call.
func (p *panel) showButtons(it *item) {
	focused := p.doc.Get("activeElement")
	refocus := false
	var firstShown js.Value
	for i, a := range callActions {
		show := a.show(it.data, it.active)
		if show && firstShown.IsUndefined() {
			firstShown = it.button(i)
		}
		if show != it.shown[i] {
			it.shown[i] = show
			if !show && focused.Equal(it.button(i)) {
				refocus = true
			}
			it.button(i).Set("hidden", !show)
		}
	}
	if refocus {
		if !firstShown.IsUndefined() {
			firstShown.Call("focus")
		} else {
			p.list.Call("focus")
		}
	}
	if it.keypadOpen && !(it.active && talking(it.data)) {
		p.toggleKeypad(it)
	}
}

// tick advances the durations of the calls still on the line and in view
// (p.inView: a second's tick costs the rows in view, not every call).
func (p *panel) tick() {
	now := time.Now().UnixMilli()
	for it := range p.inView {
		if !it.ended {
			it.setClock(now - it.start)
		}
	}
	if it := p.items[p.activeID]; it != nil && !it.inView && !it.ended {
		it.setClock(now - it.start)
	}
}

// setInView notes whether a row is in the list's view.
func (p *panel) setInView(it *item, in bool) {
	it.inView = in
	if in {
		p.inView[it] = struct{}{}
	} else {
		delete(p.inView, it)
	}
}

func clock(ms int64) string {
	s := max(ms/1000, 0)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// newObserver tells which rows are in the list's view, so that the clock
// touches only those. null where the browser has no IntersectionObserver.
func (p *panel) newObserver() js.Value {
	io := js.Global().Get("IntersectionObserver")
	if io.Type() != js.TypeFunction {
		return js.Null()
	}
	seen := js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer func() { recover() }()
		entries := args[0]
		for i, n := 0, entries.Length(); i < n; i++ {
			e := entries.Index(i)
			id := e.Get("target").Call("getAttribute", "data-interaction-id").String()
			if it := p.items[id]; it != nil {
				p.setInView(it, e.Get("isIntersecting").Bool())
				if it.inView && !it.ended && !p.hidden() {
					it.setClock(time.Now().UnixMilli() - it.start)
				}
			}
		}
		return nil
	})
	return io.New(seen, js.ValueOf(map[string]any{"root": p.list}))
}

// keypadKeys are the keypad's keys, in rows of three.
const keypadKeys = "123456789*0#"

// toggleKeypad opens or closes the active call's keypad (made when first
// opened); its keys send DTMF on the call.
func (p *panel) toggleKeypad(it *item) {
	if it.keypad.IsUndefined() {
		it.keypad = p.el("div", "keypad")
		it.keypad.Set("id", "keypad-"+it.li.Call("getAttribute", "data-interaction-id").String())
		it.keypad.Call("setAttribute", "role", "group")
		it.keypad.Call("setAttribute", "aria-label", "Keypad, "+it.label)
		for _, k := range keypadKeys {
			b := p.button("", "dtmf", string(k), "key")
			b.Call("setAttribute", "data-digit", string(k))
			it.keypad.Call("append", b)
		}
		it.sent = p.el("output", "sent")
		it.sent.Call("setAttribute", "aria-live", "polite")
		it.keypad.Call("append", it.sent)
		it.keypad.Set("hidden", true)
		it.li.Call("append", it.keypad)
		for i, a := range callActions {
			if a.action == "keypad" {
				it.keypadBtn = it.button(i)
				it.keypadBtn.Call("setAttribute", "aria-controls", it.keypad.Get("id").String())
			}
		}
	}
	it.keypadOpen = !it.keypadOpen
	it.keypad.Set("hidden", !it.keypadOpen)
	if !it.keypadBtn.IsUndefined() {
		it.keypadBtn.Call("setAttribute", "aria-expanded", boolString(it.keypadOpen))
	}
}

// sendDigit sends a keypad key as DTMF on the call.
func (p *panel) sendDigit(it *item, digit, id string) {
	it.dtmf += digit
	if len(it.dtmf) > 32 {
		it.dtmf = it.dtmf[len(it.dtmf)-32:]
	}
	it.sent.Set("textContent", "Sent: "+it.dtmf)
	p.serve(nil, "sendDtmf", jsval.String(digit), jsval.String(id))
}
