package browsertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge/sip"
	"github.com/adapi-go/adapi-go/testbed/farend"
)

// TestSIPInviteFlood: the far end calls the agent sip.MaxCalls+3 times at
// once. MaxCalls calls ring, each an interaction and a row in the panel;
// the phone refuses the other three with 486 Busy Here, and they reach
// neither the desktop nor the panel. The panel stays usable: its Reject
// ends each ringing call (486 at the far end), and the next call rings
// and is accepted from the panel.
func TestSIPInviteFlood(t *testing.T) {
	bed := sipBed(t)
	tb := signedInWith(t, recordEvents)
	// rows waits until the panel shows n rows in state, and returns their ids.
	rows := func(n int, state string) []string {
		t.Helper()
		return within[[]string](tb, 30*time.Second, fmt.Sprintf("%d %s rows in the panel", n, state), fmt.Sprintf(`new Promise(resolve => {
			const ids = () => [...document.querySelectorAll('#interactionList li')].filter(li => li.dataset.state === %q).map(li => li.dataset.interactionId)
			const check = () => ids().length === %d && (panel.removeEventListener('adapi:drawn', check), resolve(ids()))
			const panel = document.getElementById('agentDesktop')
			panel.addEventListener('adapi:drawn', check)
			check()
		})`, state, n))
	}
	far := make([]int, sip.MaxCalls+3)
	for i := range far {
		id, err := bed.FarEnd.Dial("agent", farend.Echo)
		if err != nil {
			t.Fatal(err)
		}
		far[i] = id
	}
	ringing := rows(sip.MaxCalls, "delivery_pending")
	click := func(id, action string) {
		t.Helper()
		evalJS[bool](tb, fmt.Sprintf(`document.querySelector('#interactionList li[data-interaction-id="%s"] button[data-action="%s"]').click(), true`, id, action))
	}
	for _, id := range ringing {
		click(id, "reject")
	}
	for _, id := range far {
		farCall(t, bed, id, "refused with 486", func(c farend.Call) bool { return c.State == "ended" && c.Status == 486 })
	}
	rows(0, "delivery_pending")

	id, err := bed.FarEnd.Dial("agent", farend.Echo)
	if err != nil {
		t.Fatal(err)
	}
	li := rows(1, "delivery_pending")[0]
	click(li, "accept")
	farCall(t, bed, id, "answered", func(c farend.Call) bool { return c.State == "answered" })
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, li))
	if n := evalJS[int](tb, `__events.filter(([name]) => name === 'ON_NEW_INTERACTION').length`); n != sip.MaxCalls+1 {
		t.Errorf("%d interactions for %d calls rung and the next one, want %d", n, sip.MaxCalls, sip.MaxCalls+1)
	}
}
