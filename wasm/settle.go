//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"sync"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
)

// A result crosses to JavaScript as one string, which the loader turns into
// Bright Pattern's OperationResult (web/adapi.js, decodeResult):
//
//	"s<id>"                   success; "s" alone is success with id null
//	"e<code>:<name>:<message>" failure
//	"p<uid>"                  pending (the CRM page's calls): settle will be
//	                          called later, and the uid lets an AbortSignal
//	                          drop the call
//
// The desktop's startCall entries return a pending call as a negative
// number instead, -token (wasm/desktop.go, begin).
//
// One string instead of an object: building an object from Go costs a
// crossing per property.
func encodeResult(id string, err error) string {
	if err != nil {
		e := bridge.AsError(err)
		return "e" + strconv.Itoa(int(e.Code)) + ":" + e.Name() + ":" + e.Message
	}
	return "s" + id
}

// settle is the loader's per-call settle function, for results that come
// later than the call. Go calls it at most once.
type settle struct {
	fn   js.Value
	once sync.Once
}

func settler(fn js.Value) *settle { return &settle{fn: fn} }

func (s *settle) done(id string, err error) {
	s.once.Do(func() { s.fn.Invoke(encodeResult(id, err)) })
}

func (s *settle) fail(err error) { s.done("", err) }

// recoverInto turns a panic into an unknown_error for this call only.
func (s *settle) recoverInto() {
	if r := recover(); r != nil {
		s.fail(bridge.Errorf(bridge.UnknownError, "the bridge failed: %s", fmtPanic(r)))
	}
}

// recoverResult, deferred in an entry that returns a result string, turns a
// panic into an unknown_error result.
func recoverResult(ret *any) {
	if r := recover(); r != nil {
		*ret = encodeResult("", bridge.Errorf(bridge.UnknownError, "the bridge failed: %s", fmtPanic(r)))
	}
}

func fmtPanic(r any) string { return fmt.Sprint(r) }
