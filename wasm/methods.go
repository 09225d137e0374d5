//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
)

// Bright Pattern's call-control methods (desk.Methods) cross through one
// entry per side, not one js.Func per method: (name, the loader's
// snapshots of the arguments as one string, settle). A result is one
// string (web/adapi.js, decodeResult):
//
//	"d<json>"                  success, data as JSON
//	"f<code>:<name>:<message>" failure (an OperationResult without
//	                           startCall's InitiateResult data)
//	"p"                        pending: settle(result) follows
func encodeMethod(data any, err error) string {
	if err != nil {
		e := bridge.AsError(err)
		return "f" + strconv.Itoa(int(e.Code)) + ":" + e.Name() + ":" + e.Message
	}
	return "d" + jsonString(data)
}

// methodArgs finds the method and decodes its arguments.
func methodArgs(name, snapshots string) (*desk.Method, []bridge.Value, error) {
	m := desk.MethodNamed(name)
	if m == nil {
		return nil, nil, bridge.Errorf(bridge.APINotImplemented, "%s is not served by adApi-go", name)
	}
	vs, err := bridge.DecodeSnapshots([]byte(snapshots))
	if err != nil {
		return nil, nil, bridge.Errorf(bridge.InvalidArgs, "arguments could not be decoded")
	}
	return m, vs, nil
}

// recoverMethod, deferred in a method entry, turns a panic into an
// unknown_error result.
func recoverMethod(ret *any) {
	if r := recover(); r != nil {
		*ret = encodeMethod(nil, bridge.Errorf(bridge.UnknownError, "the bridge failed: %s", fmtPanic(r)))
	}
}

// settleLater calls the loader's settle function once, from a goroutine.
func settleLater(fn js.Value, f func() (any, error)) {
	go func() {
		var data any
		var err error
		defer func() {
			if r := recover(); r != nil {
				data, err = nil, bridge.Errorf(bridge.UnknownError, "the bridge failed: %s", fmtPanic(r))
			}
			fn.Invoke(encodeMethod(data, err))
		}()
		data, err = f()
	}()
}
