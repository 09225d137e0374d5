//go:build js && wasm && !adapiclient

package main

import (
	"runtime"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/norunners/vert"
)

// inspect and control are the entries behind the page's adApiDesktop
// object, the reference desktop's controls for tests and developers.
// inspect(op) is a getter: it returns JSON.
func (d *desktop) inspect(args []js.Value) any {
	switch args[0].String() {
	case "settings":
		return jsonString(d.phone.Settings().View())
	case "interactions":
		return jsonString(d.phone.Interactions())
	case "peers":
		return jsonString(d.end.Peers())
	case "media": // the newest SIP call's audio counters (getStats), or null
		return mediaJSON()
	case "stats": // for make bench: the Go side's memory, after a collection
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return jsonString(map[string]any{"heapAlloc": int64(m.HeapAlloc), "heapSys": int64(m.HeapSys), "sys": int64(m.Sys),
			"stackSys": int64(m.StackSys), "otherSys": int64(m.OtherSys), "gcSys": int64(m.GCSys), "numGC": int64(m.NumGC), "goroutines": runtime.NumGoroutine(),
			"panel": d.panelStats()})
	case "records": // what the desktop keeps on each interaction: DTMF sent, disposition, note
		return jsonString(d.phone.Records())
	}
	return "null"
}

// control(token, op, arg) is an action; it answers as startCall does
// (wasm/settle.go). arg is plain data the loader made (JSON-copied inside
// a try/catch), never a page value.
func (d *desktop) control(_ js.Value, args []js.Value) (ret any) {
	defer recoverResult(&ret)
	if len(args) < 3 {
		return encodeResult("", bridge.Errorf(bridge.UnknownError, "control: bad call from the loader"))
	}
	token, op, arg := args[0].Int(), args[1].String(), args[2]
	switch op {
	case "update":
		var pt desk.SettingsPatch
		if err := vert.ValueOf(arg).AssignTo(&pt); err != nil {
			return encodeResult("", bridge.Errorf(bridge.InvalidArgs, "settings: %v", err))
		}
		return encodeResult("", d.apply(pt))
	case "ring": // [number, name]: an inbound call rings (the reference phone)
		return encodeResult(d.phone.Ring(arg.Index(0).String(), arg.Index(1).String()))
	case "farHangup": // [id, SIP status, reason]: the far end hangs up or fails
		return encodeResult("", d.phone.FarHangup(arg.Index(0).String(), arg.Index(1).Int(), arg.Index(2).String()))
	case "setDialpad":
		d.phone.SetDialpad(arg.String())
		return encodeResult("", nil)
	case "dial":
		settleLater(token, func() string { return encodeResult(d.dial()) })
		return pending
	}
	return encodeResult("", d.act(op, arg.String()))
}
