//go:build js && wasm

// Command wasm is adApi-go's WebAssembly module: the glue between the page
// and package bridge. It is deliberately thin: JavaScript values come in as
// the loader's plain snapshots (web/adapi.js) and are decoded with vert or
// encoding/json; results go out through the loader's settle functions;
// events and messages go out as JSON. Only this package imports
// syscall/js.
//
// The js.Funcs made here are made once, at start, and live as long as the
// page: nothing is made per call, so nothing needs releasing per call.
//
// It never reads or decorates a page global: the loader put adApi's members
// on the page when it ran, and by the time this module is ready the page
// may have made window.adApi something else (its own brightpattern.AdApi
// instance, typically). Go talks only to the loader's __adApiLoader.
//
// It is built twice: adapi.wasm for the agent desktop page (softphone,
// panel, and the desktop end of the cross-frame protocol), and, with the
// build tag adapiclient, adapi-client.wasm for a CRM page on another
// origin, which only talks to the desktop in its frame and so carries no
// softphone, panel or DOM code. The loader picks the module by its role.
package main

import (
	"syscall/js"
)

func main() {
	loader = js.Global().Get("__adApiLoader")
	if loader.Type() != js.TypeObject {
		js.Global().Get("console").Call("error", "adApi: load the module with adapi.js")
		return
	}
	loader.Call("mark", "go-main")
	defer func() {
		// Go never exits while the page lives: a failure while starting
		// fails the calls, with the reason, instead of leaving them
		// pending against a module that has gone.
		if r := recover(); r != nil {
			loader.Call("fail", "adApi: the bridge could not start: "+fmtPanic(r))
			select {}
		}
	}()
	run(loader) // the role this build serves: role_desktop.go or role_client.go
	select {}   // serve the page until it goes away
}

// guard wraps an entry so that a panic becomes a console error instead of
// killing the module; entries that settle a promise recover on their own.
// (Not inlined: each call site would carry its own copy of both closures.)
//
//go:noinline
func guard(name string, f func(args []js.Value) any) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				js.Global().Get("console").Call("error", "adApi: "+name+" failed:", fmtPanic(r))
				ret = nil
			}
		}()
		return f(args)
	})
}
