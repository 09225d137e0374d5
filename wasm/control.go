//go:build js && wasm && !adapiclient

package main

import (
	"runtime"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/norunners/vert"
)

// control is the entry behind the page's adApiDesktop object, the
// reference desktop's controls for tests and developers:
// control(op, arg, settle). Getters return JSON at once; actions settle
// like startCall. arg is plain data the loader made (JSON-copied inside a
// try/catch), never a page value.
func (d *desktop) control(_ js.Value, args []js.Value) (ret any) {
	if len(args) < 3 {
		return nil
	}
	s := settler(args[2])
	defer func() {
		if r := recover(); r != nil {
			s.fail(bridge.Errorf(bridge.UnknownError, "the bridge failed: %v", r))
			ret = "null"
		}
	}()
	op, arg := args[0].String(), args[1]
	switch op {
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
	case "update":
		var pt desk.SettingsPatch
		if err := vert.ValueOf(arg).AssignTo(&pt); err != nil {
			s.fail(bridge.Errorf(bridge.InvalidArgs, "settings: %v", err))
			return nil
		}
		s.done("", d.phone.Apply(pt))
	case "records": // what the desktop keeps on each interaction: DTMF sent, disposition, note
		return jsonString(d.phone.Records())
	case "ring": // [number, name]: an inbound call rings (the reference phone)
		s.done(d.phone.Ring(arg.Index(0).String(), arg.Index(1).String()))
	case "farHangup": // [id, SIP status, reason]: the far end hangs up or fails
		s.done("", d.phone.FarHangup(arg.Index(0).String(), arg.Index(1).Int(), arg.Index(2).String()))
	case "setDialpad":
		d.phone.SetDialpad(arg.String())
		s.done("", nil)
	case "dial":
		go func() {
			defer s.recoverInto()
			s.done(d.dial())
		}()
	default:
		s.done("", d.act(op, arg.String()))
	}
	return nil
}
