package browsertest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pageHelpers are installed in the page by tests that follow events:
// __log records every event a widget handler sees, and __next(name, id,
// state) resolves with the first matching event, seen or still to come.
const pageHelpers = `
	window.__log = []
	window.__waiters = []
	for (const name of ['ON_NEW_INTERACTION', 'ON_INTERACTION_STATE_CHANGE', 'ON_INTERACTION_REMOVED', 'ON_ACTIVE_INTERACTION_SWITCHED']) {
		adApi.on(name, payload => {
			const e = {name, payload}
			__log.push(e)
			for (const w of __waiters.splice(0)) if (!w(e)) __waiters.push(w)
		})
	}
	window.__match = (e, name, id, state) => e.name === name &&
		(id === undefined || (e.payload && e.payload.interactionId === id) || e.payload === id) &&
		(state === undefined || e.payload.state === state)
	window.__next = (name, id, state) => new Promise(resolve => {
		const seen = __log.find(e => __match(e, name, id, state))
		if (seen) return resolve(seen.payload)
		__waiters.push(e => __match(e, name, id, state) && (resolve(e.payload), true))
	})
	true`

// openDesktop opens the desktop page with the event helpers, the far end
// answering only on Connect.
func openDesktop(t *testing.T) *tab {
	tb := openTab(t, "")
	tb.open("")
	evalJS[bool](tb, pageHelpers)
	evalJS[OperationResult](tb, `adApiDesktop.update({answerDelayMs: 0})`)
	return tb
}

func TestEventsFollowACall(t *testing.T) {
	tb := openDesktop(t)
	// The widget's own continuation must run before any handler hears of
	// the interaction.
	id := evalJS[string](tb, `new Promise(resolve => {
		adApi.startCall('+1 415 555 0101', `+contactJS+`).then(r => { __log.push({name: 'RESULT', payload: r.data.id}); resolve(r.data.id) })
	})`)
	newData := evalJS[map[string]any](tb, `__next('ON_NEW_INTERACTION', '`+id+`')`)
	order := evalJS[[]string](tb, `__log.map(e => e.name)`)
	if len(order) < 2 || order[0] != "RESULT" || order[1] != "ON_NEW_INTERACTION" {
		t.Fatalf("order %v: the result must come first", order)
	}
	b, _ := json.Marshal(newData)
	for _, want := range []string{
		`"interactionId":"` + id + `"`, `"state":"delivery_pending"`, `"type":"voice"`, `"phoneNumber":"+14155550101"`,
		`"callDirection":"outbound"`, `"origination":"integration-api"`, `"selected":["003B000000xyz"]`,
		`"displayName":"Ada Lovelace"`, `"customFields":{"tier":"gold"}`, `"source":"integration-api"`, `"chatParties":[]`, `"internal":false`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("ON_NEW_INTERACTION payload lacks %s: %s", want, b)
		}
	}
	if got := evalJS[string](tb, `__next('ON_ACTIVE_INTERACTION_SWITCHED', '`+id+`')`); got != id {
		t.Fatalf("active switched to %q", got)
	}

	// The 5.19 page's callback sees the same state changes.
	evalJS[bool](tb, `window.__cb = []; window.__unsub = adApi.onInteractionStateChange(d => __cb.push(d.state)); true`)
	for _, step := range []struct{ action, state string }{
		{"connect", "delivered"}, {"hold", "hold"}, {"resume", "delivered"}, {"hangUp", "wrap_up"}, {"complete", "completed"},
	} {
		r := evalJS[OperationResult](tb, `adApiDesktop.`+step.action+`('`+id+`')`)
		if r.Status != "success" {
			t.Fatalf("%s: %s", step.action, r)
		}
		d := evalJS[map[string]any](tb, `__next('ON_INTERACTION_STATE_CHANGE', '`+id+`', '`+step.state+`')`)
		if sel, _ := d["associatedObjects"].(map[string]any)["selected"].([]any); len(sel) != 1 || sel[0] != "003B000000xyz" {
			t.Fatalf("%s: associated object missing: %v", step.state, d)
		}
	}
	removed := evalJS[map[string]any](tb, `__next('ON_INTERACTION_REMOVED', '`+id+`')`)
	if removed["state"] != "completed" || removed["endTime"] == nil {
		t.Fatalf("removed: %v", removed)
	}
	if got := evalJS[string](tb, `__cb.join(' ')`); got != "delivered hold delivered wrap_up completed" {
		t.Fatalf("onInteractionStateChange saw %q", got)
	}
	// An impossible transition is refused and changes nothing.
	id2 := evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
	evalJS[OperationResult](tb, `adApiDesktop.complete('`+id2+`')`).wantError(t, 15, "not_suitable_state", "interaction "+id2+" is delivery_pending; completeInteraction needs wrap_up")
}

func TestRemoveStopsDelivery(t *testing.T) {
	tb := openDesktop(t)
	got := evalJS[string](tb, `(async () => {
		const seen = []
		const h = d => seen.push('h ' + d.interactionId)
		adApi.on('ON_NEW_INTERACTION', h)
		const unsub = adApi.onInteractionStateChange(d => seen.push('cb ' + d.state))
		const a = (await adApi.startCall('100')).data.id
		await __next('ON_NEW_INTERACTION', a)
		await adApiDesktop.connect(a)
		await __next('ON_INTERACTION_STATE_CHANGE', a, 'delivered')
		adApi.remove('ON_NEW_INTERACTION', h)
		unsub()
		const b = (await adApi.startCall('101')).data.id
		await adApiDesktop.connect(b)
		// __log's handler was registered first, so when it has seen these,
		// h and the callback have had their chance too.
		await __next('ON_NEW_INTERACTION', b)
		await __next('ON_INTERACTION_STATE_CHANGE', b, 'delivered')
		return seen.join(',') + ' | ' + a
	})()`)
	parts := strings.Split(got, " | ")
	if parts[0] != "h "+parts[1]+",cb delivered" {
		t.Fatalf("handlers saw %q", parts[0])
	}
}

func TestThrowingHandlerIsContained(t *testing.T) {
	tb := openDesktop(t)
	tb.expectConsoled = true
	id := evalJS[string](tb, `(async () => {
		adApi.on('ON_NEW_INTERACTION', () => { throw new Error('widget bug') })
		return (await adApi.startCall('100')).data.id
	})()`)
	evalJS[map[string]any](tb, `__next('ON_NEW_INTERACTION', '`+id+`')`)
	evalJS[OperationResult](tb, `adApi.startCall('101')`).id(t)
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.consoleErrors) == 0 || !strings.Contains(tb.consoleErrors[0], "adApi: a handler for ON_NEW_INTERACTION threw") {
		t.Fatalf("console errors %q", tb.consoleErrors)
	}
}

func TestDeferredDialAsAPerson(t *testing.T) {
	tb := openDesktop(t)
	tb.do(chromedp.Click(chromedp.ID("deferredDialToggle")))
	if !evalJS[bool](tb, `adApiDesktop.settings().deferredDial`) {
		t.Fatal("the checkbox did not turn Deferred Dial on")
	}
	r := evalJS[OperationResult](tb, `adApi.startCall('+1 (415) 555-0142', `+contactJS+`)`)
	if r.Status != "success" || r.Data == nil || r.Data.ID != nil || r.Error != nil {
		t.Fatalf("want success with id null, got %s", r)
	}
	if n := evalJS[int](tb, `adApiDesktop.interactions().length`); n != 0 {
		t.Fatalf("%d interactions: Deferred Dial must not start a call", n)
	}
	tb.waitValue("dialpadNumberInput", "+14155550142")
	tb.do(chromedp.Click(chromedp.ID("dialpadDialButton")))
	d := evalJS[map[string]any](tb, `__next('ON_NEW_INTERACTION')`)
	if d["origination"] != "dialpad" || d["phoneNumber"] != "+14155550142" {
		t.Fatalf("dialled: %v", d)
	}
	tb.waitValue("dialpadNumberInput", "")
}

func TestTimeout(t *testing.T) {
	tb := openDesktop(t)
	evalJS[OperationResult](tb, `adApiDesktop.update({phone: 'dead'})`)
	within[OperationResult](tb, 10*testPlacementTimeout, "no answer from a dead phone: the placement deadline did not end the call",
		`adApi.startCall('100', `+contactJS+`)`).wantError(t, 8, "timeout", "Timeout error")
	if n := evalJS[int](tb, `adApiDesktop.interactions().length`); n != 0 {
		t.Fatalf("%d interactions after a timeout", n)
	}
	// The phone recovers; so does the bridge.
	evalJS[OperationResult](tb, `adApiDesktop.update({phone: 'healthy'})`)
	evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
}

func TestAgentConditions(t *testing.T) {
	tb := openDesktop(t)
	for _, c := range []struct {
		patch, number string
		code          int
		name, msg     string
	}{
		{`{loggedIn: false}`, "100", 2, "not_logged_in", "the agent is not logged in"},
		{`{loggedIn: true, hasPhone: false}`, "100", 4, "logged_without_phone", "the agent has no phone device"},
		{`{hasPhone: true, agentState: 'not_ready'}`, "100", 15, "not_suitable_state", "the agent is not_ready"},
		{`{agentState: 'ready'}`, "1001", 12, "self_call", "phoneNumber: 1001 is the agent's own number"},
	} {
		evalJS[OperationResult](tb, `adApiDesktop.update(`+c.patch+`)`)
		evalJS[OperationResult](tb, `adApi.startCall('`+c.number+`')`).wantError(t, c.code, c.name, c.msg)
	}
	// Bad arguments win over agent conditions (SPEC.md's order).
	evalJS[OperationResult](tb, `adApiDesktop.update({loggedIn: false})`)
	evalJS[OperationResult](tb, `adApi.startCall('')`).wantError(t, 10, "empty_number", "phoneNumber: empty")
	// Single line: a second call while one is active.
	evalJS[OperationResult](tb, `adApiDesktop.update({loggedIn: true, singleLine: true})`)
	evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
	evalJS[OperationResult](tb, `adApi.startCall('101')`).wantError(t, 15, "not_suitable_state", "single-line mode")
	// A bad setting is refused, naming it.
	evalJS[OperationResult](tb, `adApiDesktop.update({agentState: 'asleep'})`).wantError(t, 3, "invalid_args", `agentState: want 'ready' or 'not_ready'`)
}

func TestPanelAsAPerson(t *testing.T) {
	tb := openDesktop(t)
	xss := `<img src=x onerror="window.__pwned=1">`
	id := evalJS[OperationResult](tb, `adApi.startCall('+1 415 555 0177', {id: 'c9', type: 'contact', displayType: 'Contact', displayName: '`+xss+`'})`).id(t)
	li := `#interactionList li[data-interaction-id="` + id + `"]`
	tb.do(chromedp.WaitVisible(chromedp.CSS(li + `[data-state="delivery_pending"]`)))
	if got := evalJS[string](tb, `document.querySelector('`+li+` .object').textContent`); got != "Contact: "+xss {
		t.Fatalf("object shown as %q", got)
	}
	if evalJS[bool](tb, `!!document.querySelector('#interactionList img') || window.__pwned === 1`) {
		t.Fatal("CRM text was parsed as HTML")
	}
	for _, step := range []struct{ action, state string }{
		{"connect", "delivered"}, {"hold", "hold"}, {"resume", "delivered"}, {"hangup", "wrap_up"},
	} {
		tb.do(chromedp.Click(chromedp.CSS(li+` button[data-action="`+step.action+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(li+`[data-state="`+step.state+`"]`)))
		evalJS[map[string]any](tb, `__next('ON_INTERACTION_STATE_CHANGE', '`+id+`', '`+step.state+`')`)
	}
	// A second call, dialling, for the picture.
	evalJS[OperationResult](tb, `adApi.startCall('+44 20 7946 0958', {id: 'k1', type: 'case', displayType: 'Case', displayName: 'Broken router #4471'})`).id(t)
	tb.do(chromedp.WaitVisible(chromedp.CSS(`#interactionList li:nth-child(2)`)))
	tb.screenshot("desktop")
	tb.do(chromedp.Click(chromedp.CSS(li + ` button[data-action="complete"]`)))
	evalJS[map[string]any](tb, `__next('ON_INTERACTION_REMOVED', '`+id+`')`)
	tb.do(chromedp.WaitNotPresent(chromedp.CSS(li)))
}

// waitValue waits until a field shows value: the panel says when it has
// drawn (a field's value is not an attribute a MutationObserver sees).
func (tb *tab) waitValue(id, value string) {
	tb.t.Helper()
	q, _ := json.Marshal(value)
	evalJS[bool](tb, `new Promise(resolve => {
		const el = document.getElementById('`+id+`')
		const check = () => el.value === `+string(q)+` && (resolve(true), true)
		if (check()) return
		const panel = document.getElementById('agentDesktop')
		const h = () => check() && panel.removeEventListener('adapi:drawn', h)
		panel.addEventListener('adapi:drawn', h)
	})`)
}
