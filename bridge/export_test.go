package bridge

// Internals for the external tests (package bridge_test), which drive a
// Bridge with a desk.Softphone (bridge/desk imports bridge, so its tests
// cannot live inside package bridge).
var (
	GiveUpAfter = giveUpAfter
	SharedPoll  = sharedPoll
	Contact     = contact
)
