//go:build js && wasm

package main

import (
	"fmt"
	"sync"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
)

// settle is the loader's per-call settle function: settle(id) on success
// (id null under Deferred Dial), settle(null, code, name, message) on
// failure. Go calls it exactly once; the loader ignores any call after the
// first too.
type settle struct {
	fn   js.Value
	once sync.Once
}

func settler(fn js.Value) *settle { return &settle{fn: fn} }

func (s *settle) done(id string, err error) {
	if err != nil {
		s.fail(err)
		return
	}
	s.once.Do(func() {
		if id == "" {
			s.fn.Invoke(nil)
			return
		}
		s.fn.Invoke(id)
	})
}

func (s *settle) fail(err error) {
	e := bridge.AsError(err)
	s.once.Do(func() { s.fn.Invoke(nil, int(e.Code), e.Name(), e.Message) })
}

// recoverInto turns a panic into an unknown_error for this call only.
func (s *settle) recoverInto() {
	if r := recover(); r != nil {
		s.fail(bridge.Errorf(bridge.UnknownError, "the bridge failed: %s", fmtPanic(r)))
	}
}

func fmtPanic(r any) string { return fmt.Sprint(r) }
