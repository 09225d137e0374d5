//go:build js && wasm && !adapiclient

package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/api"
	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/frames"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// readConfig is the desktop owner's adapi-config.json, as the loader
// fetched it from the desktop's own origin, read strictly. A file that is
// missing, unreadable or invalid is an error: the desktop then refuses
// every call with it (fails closed).
func readConfig(loader js.Value) (config.File, error) {
	if e := loader.Get("configError"); e.Type() == js.TypeString {
		return config.File{}, errors.New(e.String())
	}
	t := loader.Get("configText")
	if t.Type() != js.TypeString {
		return config.File{}, errors.New("adapi-config.json could not be read")
	}
	return config.Parse([]byte(t.String()))
}

// desktop is the agent desktop page: the reference softphone behind a
// bridge, the desktop end of the cross-frame protocol, and the loader to
// talk back to.
type desktop struct {
	loader js.Value
	phone  *desk.Softphone
	faults *desk.Faults // the guard tests' panics, with testHooks (wasm/testhooks.go)
	bridge *bridge.Bridge
	end    *frames.DesktopEnd
	redraw chan struct{} // the panel redraws when this fires
	panel  *panel        // nil on a page without the panel
	io     js.Value      // the loader's shared Uint8Array (input, output)
	ioBuf  []byte        // its Go side; used only on the JavaScript thread

	mu        sync.Mutex
	notes     []note                          // for the panel's log, at most panelLogMax
	toPeer    []desk.Event                    // events for other frames, sent after this task
	events    []byte                          // JSON of the events not yet taken by the loader
	listening bool                            // the page has handlers
	dropped   int                             // events dropped since the last batch (maxPendingEvents)
	status    dialStatus                      // the last call being placed, for the panel
	view      callChanges                     // the calls that changed since the panel last drew
	cancels   map[int]context.CancelCauseFunc // calls in flight that an AbortSignal may drop, by token
}

func runDesktop(loader js.Value) {
	cfg, cfgErr := readConfig(loader)
	d := &desktop{loader: loader, redraw: make(chan struct{}, 1), cancels: map[int]context.CancelCauseFunc{}}
	if cfg.SIP != nil {
		d.phone = desk.New(bridge.RealClock{}, newSIPPhone(cfg.SIP), d.emit) // wasm/sipphone.go
	} else {
		d.phone = desk.NewSoftphone(bridge.RealClock{}, d.emit)
	}
	d.bridge = &bridge.Bridge{Desktop: d.placer(cfg), Plan: cfg.DialPlan, Policy: cfg.DialPolicy, PlacementTimeout: cfg.PlacementTimeout}
	d.bridge.Store = jsStore{loader}
	d.end = frames.NewDesktopEnd(d.bridge, cfg.AllowedOrigins, d.postPeer)
	d.end.Note = d.note
	if cfgErr != nil {
		d.bridge.Refuse = config.Unusable(cfgErr.Error())
		js.Global().Get("console").Call("error", "adApi: "+d.bridge.Refuse.Error())
		d.note(true, d.bridge.Refuse.Error())
	}

	d.io = loader.Get("io")
	d.ioBuf = make([]byte, d.io.Length())
	entries := map[string]any{
		"call":           js.FuncOf(d.call),
		"control":        js.FuncOf(d.control),
		"inspect":        guard("inspect", d.inspect),
		"desktopReceive": guard("desktopReceive", d.receive),
		"takeEvents":     guard("takeEvents", d.takeEvents),
		"listening":      guard("listening", d.setListening),
		"cancel":         guard("cancel", d.cancel),
	}
	// The loader checks a message's origin against these before it reads
	// the message (SPEC.md, "Who may change state").
	allowed := make([]any, len(cfg.AllowedOrigins))
	for i, o := range cfg.AllowedOrigins {
		allowed[i] = o
	}
	entries["allowedOrigins"] = allowed
	startPanel(d)
	if cfg.SIP != nil {
		startDevices(d) // the microphone and speaker (sipdevices.go)
	}
	loader.Call("ready", entries)
	loader.Call("wrapControl") // installs window.adApiDesktop
	if loader.Get("framed").Bool() && len(cfg.AllowedOrigins) > 0 {
		origins := make([]any, len(cfg.AllowedOrigins))
		for i, o := range cfg.AllowedOrigins {
			origins[i] = o
		}
		loader.Call("hello", origins, jsonString(d.end.Hello()))
	}
}

// note is a line of the panel's log; an event's line is written only if it
// is drawn.
type note struct {
	at      time.Time
	text    string
	ev      desk.Event
	refused bool
}

func (n note) String() string {
	if n.text == "" {
		return n.ev.String()
	}
	return n.text
}

// noteEvent notes an event for the log, untimed: the panel stamps it when
// it draws it, within a frame (reading the clock is a call into
// JavaScript, and there are several events a call).
func (d *desktop) noteEvent(e desk.Event) {
	d.track(e)
	d.addNote(note{ev: e})
}

// note adds a line to the panel's log.
func (d *desktop) note(refused bool, text string) {
	d.addNote(note{at: time.Now(), text: text, refused: refused})
}

func (d *desktop) addNote(n note) {
	if d.redraw == nil {
		return // no panel: nobody reads the log
	}
	d.mu.Lock()
	d.notes = append(d.notes, n)
	if n := len(d.notes); n > panelLogMax {
		d.notes = append(d.notes[:0], d.notes[n-panelLogMax:]...)
	}
	d.mu.Unlock()
	d.changed()
}

func (d *desktop) takeNotes() []note {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.notes
	d.notes = nil
	return n
}

// changed asks the panel to redraw; many changes make one redraw. A page
// without the panel has no redraw channel.
func (d *desktop) changed() {
	if d.redraw == nil {
		return
	}
	select {
	case d.redraw <- struct{}{}:
	default:
	}
}

// call is the entry behind every method the page's adApi serves:
// (token, payload), the payload the method's name and the loader's
// snapshots of its arguments (wasm/methods.go), read by input.
func (d *desktop) call(_ js.Value, args []js.Value) (ret any) {
	defer recoverResult(&ret)
	token, in, err := d.input(args)
	if err != nil {
		return encodeResult("", err)
	}
	name, snapshots := splitCall(in)
	if name == "startCall" {
		return d.output(d.begin(token, snapshots))
	}
	return d.output(d.method(token, name, snapshots))
}

// input reads an entry's arguments: (token, n), the loader having written
// n bytes into the shared buffer, or (token, -1, a string) for a payload
// too big for it. The per-call path so crosses with numbers only (see
// web/adapi.js, io).
func (d *desktop) input(args []js.Value) (token int, in []byte, err error) {
	bad := bridge.Errorf(bridge.UnknownError, "bad call from the loader")
	if len(args) < 2 {
		return 0, nil, bad
	}
	token, n := args[0].Int(), args[1].Int()
	switch {
	case n < 0 && len(args) > 2:
		return token, []byte(args[2].String()), nil
	case n < 0 || n > len(d.ioBuf):
		return 0, nil, bad
	}
	js.CopyBytesToGo(d.ioBuf[:n], d.io)
	return token, d.ioBuf[:n], nil
}

// output is an entry's result: written into the shared buffer, its length
// returned, or the result itself when it does not fit (or is pending).
func (d *desktop) output(r string) any {
	if r == pending || len(r) > len(d.ioBuf) {
		return r
	}
	n := copy(d.ioBuf, r)
	js.CopyBytesToJS(d.io, d.ioBuf[:n])
	return n
}

// begin validates and starts call token from the loader's snapshots:
// [phoneNumber, initialObject, idempotencyKey or null]. When the desktop
// answers at once (bad arguments, the agent's state, the dial policy, a
// healthy phone) it returns the result. Otherwise (a slow phone) it
// returns pending and settles the call from a goroutine; cancel(token)
// drops it for an AbortSignal.
func (d *desktop) begin(token int, snapshots []byte) string {
	call, key, err := decodeStartCall(snapshots)
	if err != nil {
		d.refused("startCall", err)
		return encodeResult("", err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	id, err, wait := d.bridge.Start(ctx, key, call)
	if wait == nil {
		cancel(nil)
		d.outcome(call, id, err)
		return encodeResult(id, err)
	}
	d.placing(call)
	d.mu.Lock()
	d.cancels[token] = cancel
	d.mu.Unlock()
	settleLater(token, func() string {
		defer func() {
			d.mu.Lock()
			delete(d.cancels, token)
			d.mu.Unlock()
			cancel(nil)
		}()
		d.fault(desk.PanicSettle) // settleLater's recover (wasm/testhooks.go)
		id, err := wait()
		d.outcome(call, id, err)
		return encodeResult(id, err)
	})
	return pending
}

// outcome notes what the panel's log should show of a startCall.
func (d *desktop) outcome(call bridge.Call, id string, err error) {
	d.placed(call, id, err)
	switch {
	case err != nil:
		d.refused("startCall "+call.PhoneNumber, err)
	case id == "":
		d.note(false, "startCall "+call.PhoneNumber+": Deferred Dial, number put in the Dialpad")
	}
}

// cancel is an AbortSignal firing: (token). A call not yet dialling is
// dropped; one already dialling is not affected.
func (d *desktop) cancel(args []js.Value) any {
	token := args[0].Int()
	d.mu.Lock()
	c := d.cancels[token]
	d.mu.Unlock()
	if c != nil {
		c(frames.ErrAborted)
	}
	return nil
}

func (d *desktop) refused(what string, err error) {
	e := bridge.AsError(err)
	d.note(true, fmt.Sprintf("%s: error %d %s: %s", what, e.Code, e.Name(), e.Message))
}

// emit hands a softphone event on. It runs with the softphone locked, so it
// only queues. The first event of a batch wakes the loader, which calls
// takeEvents as a later task: the page's handlers then get the whole
// batch from one string, after the startCall results of this task, and
// other frames get it too. Nobody listening, nothing is encoded.
func (d *desktop) emit(e desk.Event) {
	if e.Name == desk.OnDesktopChange {
		d.changed()
		return
	}
	d.mu.Lock()
	wake := false
	if (d.listening || d.end.HasPeers()) && len(d.toPeer) >= maxPendingEvents {
		// The page has not given the event loop a turn for this many
		// events: drop rather than hold without bound, and say so.
		d.dropped++
	} else if d.listening || d.end.HasPeers() {
		if len(d.events) == 0 {
			d.events = append(d.events, '[')
			wake = true
		} else {
			d.events = append(d.events, ',')
		}
		d.events = append(d.events, `["`...)
		d.events = append(d.events, e.Name...)
		d.events = append(d.events, `",`...)
		d.events = e.AppendParams(d.events)
		d.events = append(d.events, ']')
		d.toPeer = append(d.toPeer, e)
	}
	d.mu.Unlock()
	if wake {
		d.loader.Call("wake")
	}
	d.noteEvent(e)
}

// maxPendingEvents bounds the events held for a page that does not give
// the event loop a turn (they are delivered as a later task, so such a
// page never receives them until it does).
const maxPendingEvents = 10000

// takeEvents is the loader's later task: the batch for the page's
// handlers, as one JSON string; the same events go to other frames.
func (d *desktop) takeEvents([]js.Value) any {
	d.mu.Lock()
	batch, evs, dropped := d.events, d.toPeer, d.dropped
	d.events, d.toPeer, d.dropped = nil, nil, 0
	d.mu.Unlock()
	if dropped > 0 {
		js.Global().Get("console").Call("warn", fmt.Sprintf("adApi: %d events were dropped: the page did not yield to the event loop for %d events, and events are delivered as a later task", dropped, maxPendingEvents))
		d.note(true, fmt.Sprintf("%d events dropped: the page did not yield to the event loop", dropped))
	}
	for _, e := range evs {
		d.end.Event(e)
	}
	if len(batch) == 0 {
		return "[]"
	}
	return string(append(batch, ']'))
}

// setListening is the loader saying whether the page has any handler.
func (d *desktop) setListening(args []js.Value) any {
	d.mu.Lock()
	d.listening = args[0].Bool()
	d.mu.Unlock()
	return nil
}

// receive is a message from another window: (origin, peer id, JSON of the
// loader's deep snapshot). The origin is the browser's event.origin.
func (d *desktop) receive(args []js.Value) any {
	if len(args) < 3 {
		return nil
	}
	v, err := jsval.DecodeSnapshot([]byte(args[2].String()))
	if err != nil {
		return nil
	}
	d.end.Receive(args[0].String(), frames.PeerID(args[1].Int()), v)
	return nil
}

func (d *desktop) postPeer(peer frames.PeerID, origin string, m frames.OutMessage) {
	d.loader.Call("postPeer", int(peer), origin, jsonString(m))
}

// method serves call-control method name. The reference phone answers at
// once, in this task, so the result comes before any event about it; a
// phone that waits on the network answers from a goroutine within the
// method's deadline.
func (d *desktop) method(token int, name string, snapshots []byte) string {
	d.fault(desk.PanicMethod) // the entry's recover (wasm/testhooks.go)
	m, vs, err := methodArgs(name, snapshots)
	if err != nil {
		d.refused(name, err)
		return encodeResult("", err)
	}
	data, err, wait := api.Serve(context.Background(), d.bridge, m, vs)
	if wait == nil {
		if err != nil {
			d.refused(name, err)
		}
		return methodResult(data, err)
	}
	settleLater(token, func() string {
		d.fault(desk.PanicSettle) // settleLater's recover, for a method (wasm/testhooks.go)
		data, err := wait()
		if err != nil {
			d.refused(name, err)
		}
		return methodResult(data, err)
	})
	return pending
}

// jsStore is bridge.Store over the desktop origin's localStorage, through
// the loader (which reads it in try/catch).
type jsStore struct{ loader js.Value }

func (s jsStore) Load(key string) (string, bool) {
	v := s.loader.Call("storeGet", key)
	if v.Type() != js.TypeString {
		return "", false
	}
	return v.String(), true
}

func (s jsStore) Save(key, value string) { s.loader.Call("storeSet", key, value) }
