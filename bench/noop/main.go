//go:build js && wasm

// Command noop is `make bench`'s floor: a Go/WASM startCall that reads
// nothing and returns a constant through Promise.resolve. One JS→Go
// crossing already costs more than a whole call in plain JS; this is what
// Go code can approach, not JS.
package main

import "syscall/js"

func main() {
	resolve := js.Global().Get("Promise").Get("resolve")
	promise := js.Global().Get("Promise")
	result := js.ValueOf(map[string]any{"status": "success", "data": map[string]any{"id": "noop"}})
	js.Global().Set("noopStartCall", js.FuncOf(func(js.Value, []js.Value) any {
		return resolve.Call("call", promise, result)
	}))
	js.Global().Get("document").Call("dispatchEvent", js.Global().Get("Event").New("noop:ready"))
	select {}
}
