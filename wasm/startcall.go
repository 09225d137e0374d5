//go:build js && wasm

package main

import (
	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// decodeStartCall reads the loader's snapshots of startCall's arguments
// into a validated call and its idempotency key.
func decodeStartCall(snapshots []byte) (bridge.Call, string, error) {
	vs, err := jsval.DecodeSnapshots(snapshots)
	if err != nil || len(vs) < 3 {
		return bridge.Call{}, "", bridge.Errorf(bridge.InvalidArgs, "arguments could not be decoded")
	}
	call, err := bridge.ParseCall(vs[0], vs[1])
	if err != nil {
		return call, "", err
	}
	key, err := bridge.ParseIdempotencyKey(vs[2])
	return call, key, err
}

func jsonString(v any) string { return string(jsonw.Append(nil, v)) }
