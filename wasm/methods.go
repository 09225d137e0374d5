//go:build js && wasm

package main

import (
	"bytes"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/api"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Every method the bridge serves (startCall and Bright Pattern's
// call-control methods, api.Methods) crosses through one entry per
// side, not one js.Func per method. The loader sends the method's name and
// its snapshots of the arguments as one payload, the name then the JSON
// array: `startCall[{"t":"string",…},…]`, `login[{…}]`.

// splitCall splits a payload into the method's name and its snapshots.
func splitCall(in []byte) (string, []byte) {
	i := bytes.IndexByte(in, '[')
	if i < 0 {
		i = len(in)
	}
	return string(in[:i]), in[i:]
}

// methodArgs finds call-control method name and decodes its arguments.
func methodArgs(name string, snapshots []byte) (*api.Method, []jsval.Value, error) {
	m := api.Named(name)
	if m == nil {
		return nil, nil, bridge.Errorf(bridge.APINotImplemented, "%s is not served by adApi-go", name)
	}
	vs, err := jsval.DecodeSnapshots(snapshots)
	if err != nil {
		return nil, nil, bridge.Errorf(bridge.InvalidArgs, "arguments could not be decoded")
	}
	return m, vs, nil
}
