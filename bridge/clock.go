package bridge

import "github.com/adapi-go/adapi-go/bridge/phone"

// The clock lives with the phone (bridge/phone), which the desktop, the
// reference model and the SIP user agent share; these names keep the
// bridge's own API as it was.
type (
	Clock     = phone.Clock
	RealClock = phone.RealClock
	FakeClock = phone.FakeClock
)

// NewFakeClock starts a FakeClock at t.
var NewFakeClock = phone.NewFakeClock
