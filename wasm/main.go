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
	loader := js.Global().Get("__adApiLoader")
	if loader.Type() != js.TypeObject {
		js.Global().Get("console").Call("error", "adApi: load the module with adapi.js")
		return
	}
	run(loader) // the role this build serves: role_desktop.go or role_client.go
	register(loader)
	select {} // serve the page until it goes away
}

// guard wraps an entry so that a panic becomes a console error instead of
// killing the module; entries that settle a promise recover on their own.
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

// register puts the API on window.adApi: the page's object if it has one,
// made if it has none. The members this module serves (startCall, on,
// remove, …: the loader's functions, which copy arguments into plain data
// before Go sees them) replace the loader's queueing ones; Bright Pattern's
// other methods are added only where the page has no member of that name.
func register(loader js.Value) {
	global := js.Global()
	adApi := global.Get("adApi")
	if t := adApi.Type(); t != js.TypeObject && t != js.TypeFunction {
		adApi = global.Get("Object").New()
		global.Set("adApi", adApi)
	}
	members := loader.Get("members")
	keys := global.Get("Object").Get("keys")
	reflectHas := global.Get("Reflect").Get("has")
	served, optional := members.Get("served"), members.Get("optional")
	for i, ks := 0, keys.Invoke(served); i < ks.Length(); i++ {
		k := ks.Index(i).String()
		adApi.Set(k, served.Get(k))
	}
	for i, ks := 0, keys.Invoke(optional); i < ks.Length(); i++ {
		k := ks.Index(i).String()
		if !reflectHas.Invoke(adApi, k).Bool() {
			adApi.Set(k, optional.Get(k))
		}
	}
}
