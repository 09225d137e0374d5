//go:build js && wasm && !adapiclient

package main

import (
	"fmt"
	"strings"
	"syscall/js"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/dialplan"
)

// panel is the agent desktop drawn into #agentDesktop: the agent's state,
// the Dialpad, the calls (the active one first and large, the others
// compact in a list with its own scroll), the test rig's controls in their
// own collapsible section, and one log.
//
// What it costs (issue 13): every call from Go into JavaScript costs
// microseconds, so the panel
//   - keeps a Go reference to every node it owns and never lists a
//     node's children;
//   - makes and changes nodes through syscall/js directly, no wrapper
//     types (a wrapper library tests each node against dozens of
//     constructors, a call each);
//   - remembers what it drew and touches only what changed: with 1,000
//     calls and one of them changed, a redraw is a handful of calls;
//   - draws at most once per drawEvery, when the browser is idle, so a
//     burst of requests from a CRM frame is answered before the panel
//     asks for a rendering frame; and nothing while the page is hidden;
//   - ticks durations once a second for the calls in view only (it
//     knows which those are: no walk over every call either).
//
// It listens with delegated listeners on its root, added once and kept for
// the page's life. CRM text is always set as text (textContent), never as
// HTML.
type panel struct {
	d       *desktop
	doc     js.Value
	root    js.Value // #agentDesktop
	country string   // the dial plan's country, for reading numbers

	// the agent
	agentState, agentName, agentPill, logoutBtn  js.Value
	loginForm, loginUser, loginPass, loginStatus js.Value
	reasons                                      []string // the not-ready reasons offered
	chosen, drawnAgent, drawnPill                string   // the status chosen, the one the calls give (as last told), the pill as drawn
	loginMsg, drawnLoginMsg                      string
	loginHint                                    js.Value // "Sign in to register the phone"
	phoneOff, drawnOff                           bool     // the phone is not registered (desk's PhoneReady; now, as drawn)
	// the Dialpad
	pad, dialBtn, padObject, dialStatus js.Value
	// the calls
	count, list, announce js.Value
	saying                string // for announce, at the end of the draw (say)
	items                 map[string]*item
	proto                 js.Value // the row every call's row is copied from
	activeID              string
	ringing               []*item            // the calls ringing, first to last: at the top of the list
	inView                map[*item]struct{} // the rows in the list's view (the clock ticks those)
	synced                bool               // the list was filled from the softphone once
	// the test rig
	rig                                                 js.Value // <details>
	loggedIn, hasPhone, deferred, singleLine, phoneMode js.Value
	extension, answerDelay, ringNumber                  js.Value
	// the log
	log  js.Value
	logN int

	// what is on screen
	drawnSettings desk.Settings
	settingsDrawn bool
	drawnPad      string
	drawnObject   *bridge.AssociatedObject
	drawnStatus   dialStatus
	drawnCount    int
	dialing       bool // a Dial from the Dialpad is being placed
	drawnDialing  bool

	idle      chan struct{}
	idleFunc  js.Func
	idleOpts  js.Value
	observer  js.Value // IntersectionObserver: which rows are in view
	stale     bool     // a change came while the page was hidden
	offScreen bool     // the panel is out of view
	stats     panelStats
}

// panelStats are for make bench (adApiDesktop.stats().panel).
type panelStats struct {
	Draws      int64   `json:"draws"`
	LastDrawMs float64 `json:"lastDrawMs"`
	MaxDrawMs  float64 `json:"maxDrawMs"`
	Rows       int     `json:"rows"`
	Skipped    int64   `json:"skippedHidden"`
}

const (
	panelLogMax = 100
	// drawEvery is the least time between two draws.
	drawEvery = 100 * time.Millisecond
)

func startPanel(d *desktop) {
	doc := js.Global().Get("document")
	root := doc.Call("getElementById", "agentDesktop")
	if root.IsNull() { // a page without the panel
		d.mu.Lock()
		d.redraw = nil
		d.mu.Unlock()
		return
	}
	p := &panel{d: d, doc: doc, root: root, items: map[string]*item{}, inView: map[*item]struct{}{}, idle: make(chan struct{}, 1)}
	p.country = d.bridge.Plan.Country // the config as Go read and checked it
	p.build()
	p.listen()
	p.watchScreen()
	d.panel = p
	p.draw()
	go p.loop()
}

// loop draws when something changed, at most once per drawEvery and when
// the browser is idle (or after drawEvery at the latest), and ticks the
// durations in view once a second. One goroutine does both, so drawing
// and ticking never interleave.
func (p *panel) loop() {
	p.idleFunc = js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case p.idle <- struct{}{}:
		default:
		}
		return nil
	})
	p.idleOpts = js.ValueOf(map[string]any{"timeout": int(drawEvery / time.Millisecond)})
	ric := js.Global().Get("requestIdleCallback")
	tick := time.NewTicker(time.Second)
	last := time.Now()
	for {
		select {
		case <-p.d.redraw:
			if wait := drawEvery - time.Since(last); wait > 0 {
				time.Sleep(wait)
			}
			if ric.Type() == js.TypeFunction {
				ric.Invoke(p.idleFunc, p.idleOpts)
			} else {
				js.Global().Call("setTimeout", p.idleFunc, 0)
			}
			<-p.idle
			if p.hidden() {
				p.stale = true
				p.stats.Skipped++
				p.root.Call("dispatchEvent", skipped) // for tests: a change let pass (never while shown)
				continue
			}
			p.draw()
			last = time.Now()
		case <-tick.C:
			if !p.hidden() {
				p.tick()
			}
		}
	}
}

// hidden: the page is hidden, or the panel is out of view (a CRM page
// scrolled its frame away): nothing is drawn then, and what changed is
// drawn when it shows again.
func (p *panel) hidden() bool { return p.offScreen || p.doc.Get("hidden").Bool() }

// watchScreen follows whether the panel is in view.
func (p *panel) watchScreen() {
	io := js.Global().Get("IntersectionObserver")
	if io.Type() != js.TypeFunction {
		return
	}
	seen := js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer func() { recover() }()
		entries := args[0]
		n := entries.Length()
		if n == 0 {
			return nil
		}
		p.offScreen = !entries.Index(n - 1).Get("isIntersecting").Bool()
		if !p.hidden() && p.stale {
			p.d.changed()
		}
		return nil
	})
	io.New(seen).Call("observe", p.root)
}

// guard keeps a panic in a listener from killing the module.
func (p *panel) guard(f func(ev js.Value)) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer func() {
			if r := recover(); r != nil {
				p.d.note(true, fmt.Sprintf("panel error: %v", r))
			}
		}()
		if len(args) > 0 {
			f(args[0])
		}
		return nil
	})
}

// draw brings the screen up to date with the softphone, touching only what
// changed since the last draw.
func (p *panel) draw() {
	perf := js.Global().Get("performance")
	t0 := perf.Call("now").Float()
	p.stale = false
	ph := p.d.phone
	ch := p.d.takeChanges()
	p.drawAgent(ph.Settings())
	p.drawAgentState(ch)
	p.drawDialpad()
	p.drawCalls(ch)
	p.drawLog()
	ms := perf.Call("now").Float() - t0
	p.stats.Draws++
	p.stats.LastDrawMs = ms
	p.stats.MaxDrawMs = max(p.stats.MaxDrawMs, ms)
	p.stats.Rows = len(p.items)
	// For tests and tools that wait for the screen to catch up.
	p.root.Call("dispatchEvent", drawn)
}

var drawn, skipped = js.Global().Get("Event").New("adapi:drawn"), js.Global().Get("Event").New("adapi:skipped")

func (p *panel) drawLog() {
	notes := p.d.takeNotes()
	if len(notes) == 0 {
		return
	}
	now := time.Now()
	for _, n := range notes {
		line := p.logLine(n)
		if line == "" {
			continue
		}
		if n.at.IsZero() {
			n.at = now
		}
		li := p.el("li", "")
		if n.refused {
			li.Set("className", "refused")
		}
		tm := p.el("time", "")
		tm.Set("textContent", hhmmss(n.at))
		li.Call("append", tm, "  "+line)
		p.log.Call("prepend", li)
		p.logN++
	}
	for ; p.logN > panelLogMax; p.logN-- {
		p.log.Get("lastElementChild").Call("remove")
	}
}

// logLine is a note as the agent reads it: events in words, not names.
func (p *panel) logLine(n note) string {
	if n.text != "" {
		return n.text
	}
	e := n.ev
	if e.Data == nil {
		return p.agentLine(e)
	}
	who := p.who(*e.Data)
	switch e.Name {
	case desk.OnNewInteraction:
		if e.Data.CallDirection == "inbound" {
			return "Incoming call from " + who
		}
		return "Calling " + who
	case desk.OnInteractionRemoved:
		return "" // after "Completed"
	}
	return who + ": " + stateLabel(*e.Data)
}

// who names a call for a person: its CRM record, else its number.
func (p *panel) who(c desk.InteractionData) string {
	num := dialplan.Format(c.PhoneNumber, p.country)
	if l := c.AssociatedObjects.List; len(l) > 0 && l[0].DisplayName != "" {
		return l[0].DisplayName + " " + num
	}
	return num
}

// agentLine is an event about the agent, in words ("" for those the
// panel shows otherwise, as the active call switching).
func (p *panel) agentLine(e desk.Event) string {
	arg := func(i int) string {
		if i < len(e.Args) {
			if s, ok := e.Args[i].(string); ok {
				return s
			}
		}
		return ""
	}
	switch e.Name {
	case desk.OnLogin:
		return "Signed in"
	case desk.OnLogout:
		return "Signed out"
	case desk.OnAgentStateChange:
		line := "Status: " + strings.ReplaceAll(arg(0), "_", " ")
		if r := arg(1); r != "" {
			line += " · " + r
		}
		return line
	case desk.OnSoftphoneStatusChange:
		if len(e.Args) > 0 && e.Args[0] == true {
			return "Phone ready"
		}
		return "Phone not ready " + arg(1)
	case desk.OnServerError:
		if len(e.Args) > 0 {
			if m, ok := e.Args[0].(map[string]any); ok {
				msg, _ := m["message"].(string)
				name, _ := m["name"].(string)
				return "Server error " + name + " " + msg
			}
		}
	}
	return ""
}

// hhmmss is t as 15:04:05 (time.Format parses its layout every time).
func hhmmss(t time.Time) string {
	h, m, s := t.Clock()
	b := [8]byte{byte('0' + h/10), byte('0' + h%10), ':', byte('0' + m/10), byte('0' + m%10), ':', byte('0' + s/10), byte('0' + s%10)}
	return string(b[:])
}
