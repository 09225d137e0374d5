//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
)

// Every entry that answers a call (startCall, the call-control methods,
// adApiDesktop's actions, in the desktop and in a CRM page) takes the
// call's token first. The loader picks the token and registers the call
// under it before it calls Go (web/adapi.js, callGo), so a result settled
// from a goroutine before the entry returns (Go runs every goroutine it
// can before it returns to JavaScript: a phone that fails at once does)
// finds its call waiting.
//
// An entry returns the result, or says that it will settle later:
//
//	"s<data>"                  success: startCall's id ("s" alone: id null),
//	                           a method's data as JSON
//	"e<code>:<name>:<message>" failure
//	a number n                 the result is the shared buffer's first n
//	                           bytes (the desktop's startCall and methods)
//	"p<key>"                   pending: settle(token, result) follows; an
//	                           AbortSignal cancels the call by key (by the
//	                           token when key is empty)
//
// The loader makes Bright Pattern's OperationResult of it (decodeResult):
// startCall's with its InitiateResult data, a method's with its data. One
// string instead of an object: building an object from Go costs a
// crossing per property.
func encodeResult(data string, err error) string {
	if err != nil {
		e := bridge.AsError(err)
		return "e" + strconv.Itoa(int(e.Code)) + ":" + e.Name() + ":" + e.Message
	}
	return "s" + data
}

// methodResult is a call-control method's result: its data as JSON.
func methodResult(data any, err error) string {
	if err != nil {
		return encodeResult("", err)
	}
	return encodeResult(jsonString(data), nil)
}

// pending is what an entry returns for a call that settles later, to be
// cancelled by its token.
const pending = "p"

// loader is the loader's __adApiLoader (wasm/main.go).
var loader js.Value

// settle answers call token with f's result, later than its entry
// returned: from a goroutine (settleLater, a CRM page's timers) or from
// another entry, so a panic in f is that call's unknown_error here, never
// the Go runtime's end. The loader's settle throwing (a page that replaced
// it) loses that call only.
func settle(token int, f func() string) {
	var r string
	defer func() {
		if p := recover(); p != nil {
			r = encodeResult("", panicError(p))
		}
		defer func() { recover() }()
		loader.Call("settle", token, r)
	}()
	r = f()
}

// settleLater answers call token from a goroutine with f's result.
func settleLater(token int, f func() string) { go settle(token, f) }

// recoverResult, deferred in an entry that returns a result, turns a panic
// into that call's unknown_error.
func recoverResult(ret *any) {
	if p := recover(); p != nil {
		*ret = encodeResult("", panicError(p))
	}
}

func panicError(p any) error {
	return bridge.Errorf(bridge.UnknownError, "the bridge failed: %s", fmtPanic(p))
}

func fmtPanic(r any) string { return fmt.Sprint(r) }
