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

// desktop is the page's agent desktop: the reference softphone behind a
// bridge, and the loader to talk back to.
type desktop struct {
	loader js.Value
	phone  *bridge.Softphone
	bridge *bridge.Bridge
	redraw chan struct{} // the panel redraws when this fires

	mu    sync.Mutex
	notes []note // for the panel's log, at most panelLogMax
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

func newDesktop(loader js.Value) *desktop {
	d := &desktop{loader: loader, redraw: make(chan struct{}, 1)}
	d.phone = bridge.NewSoftphone(bridge.RealClock{}, d.emit)
	d.bridge = &bridge.Bridge{Desktop: d.phone}
	return d
}

// startCallArgs is the loader's snapshot of startCall's arguments.
type startCallArgs struct {
	Phone  bridge.Value `js:"p"`
	Object bridge.Value `js:"o"`
}

// startCall is the entry behind adApi.startCall: (snapshot, settle). It
// calls settle(id, code, name, message) exactly once: on the spot for bad
// arguments, else from a goroutine when the desktop has answered. A
// healthy softphone answers before control returns to JavaScript.
func (d *desktop) startCall(_ js.Value, args []js.Value) (ret any) {
	if len(args) < 2 {
		return nil
	}
	s := settler(args[1])
	defer func() {
		if r := recover(); r != nil {
			s.fail(bridge.Errorf(bridge.UnknownError, "the bridge failed: %v", r))
		}
	}()
	var in startCallArgs
	if err := vert.ValueOf(args[0]).AssignTo(&in); err != nil {
		s.fail(bridge.Errorf(bridge.InvalidArgs, "arguments could not be decoded: %v", err))
		return nil
	}
	call, err := bridge.ParseCall(in.Phone, in.Object)
	if err != nil {
		d.refused("startCall", err)
		s.fail(err)
		return nil
	}
	go func() {
		defer func() {
			if r := recover(); r != nil {
				s.fail(bridge.Errorf(bridge.UnknownError, "the bridge failed: %v", r))
			}
		}()
		id, err := d.bridge.Place(context.Background(), call)
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

func (d *desktop) refused(what string, err error) {
	e := bridge.AsError(err)
	d.note(true, fmt.Sprintf("%s: error %d %s: %s", what, e.Code, e.Name(), e.Message))
}

// settle is the loader's per-call settle function; the loader ignores any
// call after the first.
type settle struct {
	fn   js.Value
	once sync.Once
}

func settler(fn js.Value) *settle { return &settle{fn: fn} }

func (s *settle) done(id string, err error) {
	if err != nil {
		s.fail(err)
		return
	}
	s.once.Do(func() {
		if id == "" {
			s.fn.Invoke(nil) // Deferred Dial: success, id null
			return
		}
		s.fn.Invoke(id)
	})
}

func (s *settle) fail(err error) {
	e := bridge.AsError(err)
	s.once.Do(func() { s.fn.Invoke(nil, int(e.Code), e.Name(), e.Message) })
}

// emit hands a softphone event on. It runs with the softphone locked, so it
// only queues: the loader delivers events to handlers as a later task, and
// the panel redraws from its own goroutine.
func (d *desktop) emit(e bridge.Event) {
	if e.Name == bridge.OnDesktopChange {
		d.changed()
		return
	}
	b, err := json.Marshal(e.Payload())
	if err != nil {
		panic(fmt.Sprintf("event %s: %v", e.Name, err)) // our own types: cannot happen
	}
	d.loader.Call("emit", e.Name, string(b))
	d.note(false, e.String())
}
