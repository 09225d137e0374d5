package bedtest

import (
	"context"
	"testing"

	"github.com/adapi-go/adapi-go/bridge/sip"
	"github.com/adapi-go/adapi-go/testbed/farend"
)

// TestInboundAfterALostConnection: a desktop page that closed without
// unregistering (a closed tab, a crashed browser) leaves its contact in
// Kamailio's location table until it expires. The agent who signs in
// again from a new page must still get their calls: Kamailio must not
// send the INVITE to the dead WebSocket (and answer the caller 5xx).
func TestInboundAfterALostConnection(t *testing.T) {
	bed := startBed(t, farend.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	register := func(onIncoming func(*sip.Call, sip.Addr) func(sip.CallEvent)) *sip.UA {
		t.Helper()
		regs := make(chan bool, 4)
		ua, err := sip.NewUA(sip.Config{URL: bed.WSURL, Domain: bed.Domain, User: "agent", Password: bed.Passwords["agent"],
			OnRegistration: func(ok bool, err error) { regs <- ok },
			OnIncoming:     onIncoming}, &wsTransport{url: bed.WSURL}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ua.Close)
		if err := ua.Register(ctx); err != nil {
			t.Fatal(err)
		}
		if !recv(t, regs) {
			t.Fatal("not registered")
		}
		return ua
	}
	// The first page registers, then goes away without a word.
	gone := register(func(c *sip.Call, _ sip.Addr) func(sip.CallEvent) {
		t.Error("a call reached the closed page")
		return func(sip.CallEvent) {}
	})
	gone.Close()

	// The agent signs in again; a call for them rings there, and is taken.
	calls := make(chan *sip.Call, 2)
	register(func(c *sip.Call, _ sip.Addr) func(sip.CallEvent) {
		calls <- c
		return func(sip.CallEvent) {}
	})
	for i, outcome := range []int{200, 486} {
		id, err := bed.FarEnd.Dial("agent", "+12025550142")
		if err != nil {
			t.Fatal(err)
		}
		c := recv(t, calls)
		if outcome == 486 {
			if err := c.Reject(486); err != nil {
				t.Fatal(err)
			}
			bed.FarEnd.WaitCall(ctx, t, id, "refused with 486", func(c farend.Call) bool { return c.State == "ended" && c.Status == 486 })
			continue
		}
		if err := c.Accept(ctx, newPionMedia(t, loopbackAPI(t))); err != nil {
			t.Fatalf("call %d: accept: %v", i, err)
		}
		bed.FarEnd.WaitCall(ctx, t, id, "answered", func(c farend.Call) bool { return c.State == "answered" })
		if err := bed.FarEnd.Hangup(id); err != nil {
			t.Fatal(err)
		}
	}
}
