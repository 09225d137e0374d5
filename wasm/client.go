//go:build js && wasm

package main

import (
	"sync"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/frames"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
)

// clients are a CRM page's frames.Clients, one per brightpattern.AdApi
// instance (one desktop frame each), by the loader's instance id.
type clients struct {
	loader js.Value
	mu     sync.Mutex
	byID   map[int]*frames.Client
}

func runClient(loader js.Value) {
	c := &clients{loader: loader, byID: map[int]*frames.Client{}}
	loader.Call("ready", map[string]any{
		"clientNew":         guard("clientNew", c.create),
		"clientStartCall":   js.FuncOf(c.startCall),
		"clientMethod":      js.FuncOf(c.method),
		"clientReceive":     guard("clientReceive", c.receive),
		"clientFrameLoaded": guard("clientFrameLoaded", c.frameLoaded),
		"clientCancel":      guard("clientCancel", c.cancel),
	})
}

func (c *clients) get(id int) *frames.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byID[id]
}

// create is (id, integrationKey).
func (c *clients) create(args []js.Value) any {
	id, key := args[0].Int(), args[1].String()
	cl := frames.NewClient(bridge.RealClock{}, key,
		func(m frames.OutMessage) { c.loader.Call("post", id, jsonString(m)) },
		func(m frames.Message) {
			params := m.Out().Params
			if params == nil {
				params = []any{}
			}
			c.loader.Call("emitTo", id, m.Type, string(jsonw.Append(nil, params)))
		})
	c.mu.Lock()
	c.byID[id] = cl
	c.mu.Unlock()
	return nil
}

// startCall is (id, snapshots, settle), the snapshots as desktop.startCall
// takes them. The arguments are checked here first, so a bad call never
// leaves the page (its result is returned at once); the desktop checks
// them again, as it must for any client. A good call returns "p<uid>" (the
// uid clientCancel takes) and settles when the desktop answers.
func (c *clients) startCall(_ js.Value, args []js.Value) (ret any) {
	defer recoverResult(&ret)
	if len(args) < 3 {
		return encodeResult("", bridge.Errorf(bridge.UnknownError, "startCall: bad call from the loader"))
	}
	cl := c.get(args[0].Int())
	if cl == nil {
		return encodeResult("", bridge.Errorf(bridge.UnknownError, "no such adApi instance"))
	}
	call, key, err := decodeStartCall([]byte(args[1].String()))
	if err != nil {
		return encodeResult("", err)
	}
	var opts map[string]any
	if key != "" {
		opts = map[string]any{"idempotencyKey": key}
	}
	s := settler(args[2])
	return "p" + cl.StartCall(call, opts, s.done)
}

// receive is (id, the loader's snapshot of a message from the desktop
// frame), already checked by the loader to come from that frame at the
// desktop's origin.
func (c *clients) receive(args []js.Value) any {
	cl := c.get(args[0].Int())
	if cl == nil {
		return nil
	}
	v, err := bridge.DecodeSnapshot([]byte(args[1].String()))
	if err != nil {
		return nil
	}
	if m, err := frames.DecodeMessage(v); err == nil {
		cl.Receive(m)
	}
	return nil
}

func (c *clients) frameLoaded(args []js.Value) any {
	if cl := c.get(args[0].Int()); cl != nil {
		cl.FrameLoaded()
	}
	return nil
}

func (c *clients) cancel(args []js.Value) any {
	if cl := c.get(args[0].Int()); cl != nil {
		cl.Cancel(args[1].String(), frames.ErrAborted)
	}
	return nil
}

// method is (id, name, snapshots, settle): a call-control method asked of
// the desktop, which checks the arguments (the loader's snapshots travel
// as plain data: the password of a login too, to the desktop frame only).
// It returns "p" and settles when the desktop answers.
func (c *clients) method(_ js.Value, args []js.Value) (ret any) {
	defer recoverMethod(&ret)
	if len(args) < 4 {
		return encodeMethod(nil, bridge.Errorf(bridge.UnknownError, "method: bad call from the loader"))
	}
	cl := c.get(args[0].Int())
	if cl == nil {
		return encodeMethod(nil, bridge.Errorf(bridge.UnknownError, "no such adApi instance"))
	}
	m, vs, err := methodArgs(args[1].String(), args[2].String())
	if err == nil {
		err = m.CheckArgs(vs) // a bad call never leaves the page; the desktop checks again
	}
	if err != nil {
		return encodeMethod(nil, err)
	}
	params := make([]any, len(vs))
	for i, v := range vs {
		params[i] = v.Any()
	}
	fn := args[3]
	cl.Call(m, params, func(data any, err error) { fn.Invoke(encodeMethod(data, err)) })
	return "p"
}
