//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/norunners/vert"
)

// config is the desktop owner's adapi-config.json, as the loader fetched
// it from the desktop's own origin.
type config struct {
	AllowedOrigins     []string          `js:"allowedOrigins"`
	PlacementTimeoutMs int               `js:"placementTimeoutMs"`
	DialPolicy         bridge.DialPolicy `js:"dialPolicy"`
}

// desktop is the agent desktop page: the reference softphone behind a
// bridge, the desktop end of the cross-frame protocol, and the loader to
// talk back to.
type desktop struct {
	loader js.Value
	phone  *bridge.Softphone
	bridge *bridge.Bridge
	end    *bridge.DesktopEnd
	redraw chan struct{} // the panel redraws when this fires

	mu      sync.Mutex
	notes   []note                          // for the panel's log, at most panelLogMax
	toPeer  []bridge.Event                  // events for other frames, sent after this task
	cancels map[int]context.CancelCauseFunc // calls in flight that an AbortSignal may drop
	token   int
}

func runDesktop(loader js.Value) {
	var cfg config
	if err := vert.ValueOf(loader.Get("config")).AssignTo(&cfg); err != nil {
		js.Global().Get("console").Call("warn", "adApi: adapi-config.json ignored:", err.Error())
		cfg = config{}
	}
	d := &desktop{loader: loader, redraw: make(chan struct{}, 1), cancels: map[int]context.CancelCauseFunc{}}
	d.phone = bridge.NewSoftphone(bridge.RealClock{}, d.emit)
	d.bridge = &bridge.Bridge{Desktop: d.phone, Policy: cfg.DialPolicy}
	if cfg.PlacementTimeoutMs > 0 {
		d.bridge.PlacementTimeout = time.Duration(cfg.PlacementTimeoutMs) * time.Millisecond
	}
	d.end = bridge.NewDesktopEnd(d.bridge, cfg.AllowedOrigins, d.postPeer)
	d.end.Note = d.note

	entries := map[string]any{
		"startCall":      js.FuncOf(d.startCall),
		"control":        js.FuncOf(d.control),
		"desktopReceive": guard("desktopReceive", d.receive),
		"afterEmit":      guard("afterEmit", d.afterEmit),
		"cancel":         guard("cancel", d.cancel),
	}
	loader.Call("ready", entries)
	js.Global().Set("adApiDesktop", loader.Call("wrapControl"))
	startPanel(d)
	if loader.Get("framed").Bool() && len(cfg.AllowedOrigins) > 0 {
		origins := make([]any, len(cfg.AllowedOrigins))
		for i, o := range cfg.AllowedOrigins {
			origins[i] = o
		}
		loader.Call("hello", origins, jsonString(d.end.Hello()))
	}
}

// note is a line of the panel's log.
type note struct {
	at      time.Time
	text    string
	refused bool
}

// note adds a line to the panel's log.
func (d *desktop) note(refused bool, text string) {
	d.mu.Lock()
	d.notes = append(d.notes, note{time.Now(), text, refused})
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

// changed asks the panel to redraw; many changes make one redraw.
func (d *desktop) changed() {
	select {
	case d.redraw <- struct{}{}:
	default:
	}
}

// startCallArgs is the loader's snapshot of startCall's arguments.
type startCallArgs struct {
	Phone  bridge.Value `js:"p"`
	Object bridge.Value `js:"o"`
}

// startCall is the entry behind adApi.startCall: (snapshot, idempotency
// key snapshot or null, onToken, settle). It settles on the spot for bad
// arguments, else from a goroutine when the desktop has answered (a
// healthy softphone answers before control returns to JavaScript). onToken
// gets the number that cancel takes, for an AbortSignal.
func (d *desktop) startCall(_ js.Value, args []js.Value) any {
	if len(args) < 4 {
		return nil
	}
	s := settler(args[3])
	defer s.recoverInto()
	call, key, err := decodeStartCall(args[0], args[1])
	if err != nil {
		d.refused("startCall", err)
		s.fail(err)
		return nil
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	d.mu.Lock()
	d.token++
	token := d.token
	d.cancels[token] = cancel
	d.mu.Unlock()
	args[2].Invoke(token)
	go func() {
		defer s.recoverInto()
		id, err := d.bridge.PlaceOnce(ctx, key, call)
		d.mu.Lock()
		delete(d.cancels, token)
		d.mu.Unlock()
		cancel(nil)
		switch {
		case err != nil:
			d.refused("startCall "+call.PhoneNumber, err)
		case id == "":
			d.note(false, "startCall "+call.PhoneNumber+": Deferred Dial, number put in the Dialpad")
		}
		s.done(id, err)
	}()
	return nil
}

// decodeStartCall reads the loader's snapshots of startCall's arguments
// into a validated call and its idempotency key.
func decodeStartCall(snap, key js.Value) (bridge.Call, string, error) {
	var in startCallArgs
	if err := vert.ValueOf(snap).AssignTo(&in); err != nil {
		return bridge.Call{}, "", bridge.Errorf(bridge.InvalidArgs, "arguments could not be decoded: %v", err)
	}
	call, err := bridge.ParseCall(in.Phone, in.Object)
	if err != nil {
		return call, "", err
	}
	var k bridge.Value
	if key.Type() == js.TypeObject {
		if err := vert.ValueOf(key).AssignTo(&k); err != nil {
			return call, "", bridge.Errorf(bridge.InvalidArgs, "options.idempotencyKey could not be decoded: %v", err)
		}
	}
	ik, err := bridge.ParseIdempotencyKey(k)
	return call, ik, err
}

// cancel is an AbortSignal firing: (token). A call not yet dialling is
// dropped; one already dialling is not affected.
func (d *desktop) cancel(args []js.Value) any {
	d.mu.Lock()
	c := d.cancels[args[0].Int()]
	d.mu.Unlock()
	if c != nil {
		c(errAborted)
	}
	return nil
}

var errAborted = bridge.Errorf(bridge.UnknownError, "aborted by the caller")

func (d *desktop) refused(what string, err error) {
	e := bridge.AsError(err)
	d.note(true, fmt.Sprintf("%s: error %d %s: %s", what, e.Code, e.Name(), e.Message))
}

// emit hands a softphone event on. It runs with the softphone locked, so it
// only queues: the loader delivers events to the page's handlers as a
// later task, then calls afterEmit, which sends them to other frames; the
// panel redraws from its own goroutine.
func (d *desktop) emit(e bridge.Event) {
	if e.Name == bridge.OnDesktopChange {
		d.changed()
		return
	}
	b, err := json.Marshal([]any{e.Payload()})
	if err != nil {
		panic(fmt.Sprintf("event %s: %v", e.Name, err)) // our own types: cannot happen
	}
	d.mu.Lock()
	d.toPeer = append(d.toPeer, e)
	d.mu.Unlock()
	d.loader.Call("emit", e.Name, string(b))
	d.note(false, e.String())
}

// afterEmit sends the events of the task that just ended to other frames:
// after the startCall answers that went out during it.
func (d *desktop) afterEmit([]js.Value) any {
	d.mu.Lock()
	evs := d.toPeer
	d.toPeer = nil
	d.mu.Unlock()
	for _, e := range evs {
		d.end.Event(e)
	}
	return nil
}

// receive is a message from another window: (origin, peer id, JSON of the
// loader's deep snapshot). The origin is the browser's event.origin.
func (d *desktop) receive(args []js.Value) any {
	if len(args) < 3 {
		return nil
	}
	var v bridge.Value
	if err := json.Unmarshal([]byte(args[2].String()), &v); err != nil {
		return nil
	}
	d.end.Receive(args[0].String(), bridge.PeerID(args[1].Int()), v)
	return nil
}

func (d *desktop) postPeer(peer bridge.PeerID, origin string, m bridge.OutMessage) {
	d.loader.Call("postPeer", int(peer), origin, jsonString(m))
}
