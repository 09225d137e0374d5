//go:build js && wasm

// Command wasm is adApi-go's WebAssembly module: the glue between the page
// and package bridge. It is deliberately thin: JavaScript values come in as
// the loader's plain snapshots (web/adapi.js) and are decoded with vert;
// results go out through the loader's settle function; events go out as
// JSON to the loader's event hub. Only this package imports syscall/js.
//
// The js.Funcs made here are made once, at start, and live as long as the
// page: nothing is made per call, so nothing needs releasing per call.
package main

import (
	"syscall/js"
	"time"

	"github.com/norunners/vert"
)

// config is the desktop owner's adapi-config.json, as the loader fetched
// it from the desktop's own origin.
type config struct {
	AllowedOrigins     []string `js:"allowedOrigins"`
	PlacementTimeoutMs int      `js:"placementTimeoutMs"`
}

func main() {
	loader := js.Global().Get("__adApiLoader")
	if loader.Type() != js.TypeObject {
		js.Global().Get("console").Call("error", "adApi: load the module with adapi.js")
		return
	}
	var cfg config
	if err := vert.ValueOf(loader.Get("config")).AssignTo(&cfg); err != nil {
		js.Global().Get("console").Call("warn", "adApi: adapi-config.json ignored:", err.Error())
	}

	d := newDesktop(loader)
	if cfg.PlacementTimeoutMs > 0 {
		d.bridge.PlacementTimeout = time.Duration(cfg.PlacementTimeoutMs) * time.Millisecond
	}

	// adApi is the page's, if it has one: add to it, never replace it.
	adApi := js.Global().Get("adApi")
	if adApi.Type() != js.TypeObject && adApi.Type() != js.TypeFunction {
		adApi = js.Global().Get("Object").New()
		js.Global().Set("adApi", adApi)
	}
	// The loader wraps our entry in the function the page calls: it copies
	// the arguments into plain data inside a try/catch and makes the
	// Promise, so no page value ever reaches Go raw.
	adApi.Set("startCall", loader.Call("wrapStartCall", js.FuncOf(d.startCall)))
	js.Global().Set("adApiDesktop", loader.Call("wrapControl", js.FuncOf(d.control)))
	startPanel(d)
	loader.Call("ready")
	select {} // serve the page until it goes away
}
