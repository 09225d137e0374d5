//go:build js && wasm

package main

import (
	"sync"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/frames"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
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
		"clientCall":        js.FuncOf(c.call),
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

// call is (token, id, payload), the payload a method's name and the
// loader's snapshots of its arguments (wasm/methods.go): startCall or a
// call-control method, asked of the desktop. The arguments are checked
// here first, so a bad call never leaves the page (its result is returned
// at once); the desktop checks them again, as it must for any client (the
// snapshots travel as plain data: the password of a login too, to the
// desktop frame only). A call sent returns "p<uid>" (the uid clientCancel
// takes) and settles when the desktop answers.
func (c *clients) call(_ js.Value, args []js.Value) (ret any) {
	defer recoverResult(&ret)
	if len(args) < 3 {
		return encodeResult("", bridge.Errorf(bridge.UnknownError, "bad call from the loader"))
	}
	token, cl := args[0].Int(), c.get(args[1].Int())
	if cl == nil {
		return encodeResult("", bridge.Errorf(bridge.UnknownError, "no such adApi instance"))
	}
	name, snapshots := splitCall([]byte(args[2].String()))
	if name == "startCall" {
		call, key, err := decodeStartCall(snapshots)
		if err != nil {
			return encodeResult("", err)
		}
		var opts map[string]any
		if key != "" {
			opts = map[string]any{"idempotencyKey": key}
		}
		return pending + cl.StartCall(call, opts, func(id string, err error) { settle(token, func() string { return encodeResult(id, err) }) })
	}
	m, vs, err := methodArgs(name, snapshots)
	if err == nil {
		err = m.CheckArgs(vs)
	}
	if err != nil {
		return encodeResult("", err)
	}
	params := make([]any, len(vs))
	for i, v := range vs {
		params[i] = v.Any()
	}
	return pending + cl.Call(m, params, func(data any, err error) { settle(token, func() string { return methodResult(data, err) }) })
}

// receive is (id, the loader's snapshot of a message from the desktop
// frame), already checked by the loader to come from that frame at the
// desktop's origin.
func (c *clients) receive(args []js.Value) any {
	cl := c.get(args[0].Int())
	if cl == nil {
		return nil
	}
	v, err := jsval.DecodeSnapshot([]byte(args[1].String()))
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
