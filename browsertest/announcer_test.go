package browsertest

import (
	"slices"
	"testing"
	"time"
)

// The panel's live region (#callAnnouncer, wasm/panel_calls.go) as a
// screen reader hears it: each state the active call reaches, once, from
// its first (a new call's "Calling…"), and its end, also when the call is left and completed in one go (as
// Bright Pattern's example app does: the call never shows its wrap-up).
// Every text the region is given is recorded (a MutationObserver), so
// a repeat or a stale text shows.
func TestAnnouncerSaysEachStateAndTheEnd(t *testing.T) {
	tb := openDesktop(t)
	evalJS[bool](tb, `(el => {
		window.__said = []
		new MutationObserver(() => __said.push(el.textContent)).observe(el, {childList: true, characterData: true, subtree: true})
		return true
	})(document.getElementById('callAnnouncer'))`)
	// drawn waits until the panel has drawn call id in state.
	drawn := func(id, state string) {
		t.Helper()
		within[bool](tb, 10*time.Second, "the panel draws "+state, `new Promise(resolve => {
			const ok = () => { const li = document.querySelector('#interactionList li[data-interaction-id="`+id+`"]'); return `+
			map[bool]string{true: `!li`, false: `li && li.dataset.state === '` + state + `'`}[state == "gone"]+` }
			if (ok()) return resolve(true)
			const panel = document.getElementById('agentDesktop')
			const h = () => ok() && (panel.removeEventListener('adapi:drawn', h), resolve(true))
			panel.addEventListener('adapi:drawn', h)
		})`)
	}
	said := func(want ...string) {
		t.Helper()
		got := evalJS[[]string](tb, `__said.splice(0)`)
		if !slices.Equal(got, want) {
			t.Errorf("the live region said %q, want %q", got, want)
		}
	}

	// Left from hold, then completed, each seen by the panel.
	id := evalJS[OperationResult](tb, `adApi.startCall('+1 415 555 0190')`).id(t)
	drawn(id, "delivery_pending")
	tb.ok(`adApiDesktop.connect('` + id + `')`) // the far end answers
	drawn(id, "delivered")
	tb.ok(`adApi.setCallHold(true, '` + id + `')`)
	drawn(id, "hold")
	tb.ok(`adApi.setCallHold(false, '` + id + `')`)
	drawn(id, "delivered")
	tb.ok(`adApi.setCallHold(true, '` + id + `')`)
	drawn(id, "hold")
	tb.ok(`adApi.leaveInteraction('` + id + `')`)
	drawn(id, "wrap_up")
	tb.ok(`adApi.completeInteraction('` + id + `')`)
	drawn(id, "gone")
	said("(415) 555-0190: Calling…", "(415) 555-0190: Connected", "(415) 555-0190: On hold", "(415) 555-0190: Connected", "(415) 555-0190: On hold",
		"(415) 555-0190: Wrap-up", "(415) 555-0190: Completed")

	// Left from hold and completed in the same task: one draw, the call
	// already gone; its end is still said, not its hold.
	id = evalJS[OperationResult](tb, `adApi.startCall('+1 415 555 0191')`).id(t)
	drawn(id, "delivery_pending")
	tb.ok(`adApiDesktop.connect('` + id + `')`)
	drawn(id, "delivered")
	tb.ok(`adApi.setCallHold(true, '` + id + `')`)
	drawn(id, "hold")
	tb.ok(`Promise.all([adApi.leaveInteraction('` + id + `'), adApi.completeInteraction('` + id + `')]).then(rs => rs.find(r => r.status !== 'success') || rs[0])`)
	drawn(id, "gone")
	said("(415) 555-0191: Calling…", "(415) 555-0191: Connected", "(415) 555-0191: On hold", "(415) 555-0191: Completed")
	if got := evalJS[string](tb, `document.getElementById('callAnnouncer').textContent`); got != "(415) 555-0191: Completed" {
		t.Errorf("after the call, the live region reads %q", got)
	}

	// Placed and answered in the same task (a far end that answers at
	// once): the first draw shows it connected; its first state is said
	// all the same, first.
	id = evalJS[string](tb, `adApi.startCall('+1 415 555 0192').then(r => adApiDesktop.connect(r.data.id).then(() => r.data.id))`)
	drawn(id, "delivered")
	said("(415) 555-0192: Calling…. (415) 555-0192: Connected")
}
