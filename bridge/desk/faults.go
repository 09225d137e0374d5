package desk

import (
	"context"
	"sync/atomic"

	"github.com/adapi-go/adapi-go/bridge"
)

// The places a Faults desktop panics.
const (
	PanicCheck = "check"
	PanicDial  = "dial"
	// PanicMethod: in the wasm glue's entry for a call-control method,
	// before the bridge serves it (the entry's recover, wasm/desktop.go).
	PanicMethod = "method"
	// PanicSettle: in a startCall or a method settled later from a
	// goroutine (a slow phone, the SIP phone), before its answer (the
	// goroutine's recover, settleLater).
	PanicSettle = "settle"
)

// Faults is a Softphone made to panic where a guard test asks, to show
// that each recover on the way holds (a panic is unknown_error for that
// call only): PanicCheck in the agent check, which the bridge calls before
// placing, so the panic reaches the wasm glue's recover; PanicDial in
// placing the call, the bridge's own recover. It stands between the Bridge
// and the Softphone, which has no such hook. The wasm glue puts it there
// only when the desktop owner's adapi-config.json says "testHooks": true,
// which no widget can change; otherwise a patch naming panic is refused.
type Faults struct {
	sp *Softphone
	at atomic.Pointer[string] // nil or "": never
}

// NewFaults puts a Faults desktop around sp; it panics nowhere yet.
func NewFaults(sp *Softphone) *Faults { return &Faults{sp: sp} }

// Softphone is the desktop behind f.
func (f *Faults) Softphone() *Softphone { return f.sp }

// PanicAt makes the desktop panic at where (PanicCheck, PanicDial,
// PanicMethod, PanicSettle; "": never).
func (f *Faults) PanicAt(where string) error {
	if err := checkWhere(where); err != nil {
		return err
	}
	f.at.Store(&where)
	return nil
}

func checkWhere(where string) error {
	switch where {
	case "", PanicCheck, PanicDial, PanicMethod, PanicSettle:
		return nil
	}
	return bridge.Errorf(bridge.InvalidArgs, "panic: want \"\", %s, %s, %s or %s, got %q", PanicCheck, PanicDial, PanicMethod, PanicSettle, where)
}

// Apply applies a patch from the page, its panic included; on error
// nothing changes.
func (f *Faults) Apply(pt SettingsPatch) error {
	where := pt.Panic
	if where != nil {
		if err := checkWhere(*where); err != nil {
			return err
		}
	}
	pt.Panic = nil
	if err := f.sp.Apply(pt); err != nil {
		return err
	}
	if where != nil {
		f.at.Store(where)
	}
	return nil
}

func (f *Faults) current() string {
	if at := f.at.Load(); at != nil {
		return *at
	}
	return ""
}

func (f *Faults) fault(where string) {
	if f.current() == where {
		panic("test: the reference softphone panics (" + where + ")")
	}
}

// Fault panics when the desktop is to panic at where: the wasm glue's
// test hooks call it at PanicMethod and PanicSettle.
func (f *Faults) Fault(where string) { f.fault(where) }

// Check applies the agent conditions (bridge.Checker), or panics.
func (f *Faults) Check(c bridge.Call) error {
	f.fault(PanicCheck)
	return f.sp.Check(c)
}

// TryStartCall places c as the Softphone does (bridge.Trier), or panics.
func (f *Faults) TryStartCall(c bridge.Call) (string, error, func(context.Context) (string, error)) {
	f.fault(PanicDial)
	return f.sp.TryStartCall(c)
}

// StartCall places c as the Softphone does (bridge.Desktop), or panics.
func (f *Faults) StartCall(ctx context.Context, c bridge.Call) (string, error) {
	f.fault(PanicDial)
	return f.sp.StartCall(ctx, c)
}
