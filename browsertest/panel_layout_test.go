package browsertest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// The softphone panel as an agent sees it, at a phone's width and a
// desktop's, on its own page and framed by a CRM page, with 0, 1, 5 and 30
// calls: each layout is checked (nothing wider than the viewport, the
// active call in view, only the actions its state allows), and saved
// under screenshots/ for a person to look at.

var panelWidths = []struct{ w, h int64 }{{320, 568}, {390, 844}, {768, 1024}, {1280, 800}}

// panelActions are the buttons each state shows on the active call, in
// order (wasm/panel_calls.go); the other calls show them without Mute and
// Keypad, after a "switch" button (but a ringing call: Accept first).
var panelActions = map[string][]string{
	"delivery_pending":         {"connect", "hangup"},
	"delivery_pending inbound": {"accept", "reject"},
	"delivered":                {"mute", "keypad", "hold", "hangup"},
	"hold":                     {"resume", "hangup"},
	"wrap_up":                  {"complete"},
}

func compactActions(state string) []string {
	active := panelActions[state]
	out := []string{"switch"}
	if state == "delivery_pending inbound" {
		out = nil
	}
	for _, a := range active {
		if a != "mute" && a != "keypad" {
			out = append(out, a)
		}
	}
	return out
}

// makeCallsJS brings the desktop to n calls in a mix of states, with CRM
// records (long names among them): from 2 calls up, the newest outbound
// call active and connected, and one inbound call ringing.
const makeCallsJS = `async (n) => {
	await adApiDesktop.update({answerDelayMs: 0})
	const names = ['Ada Lovelace', 'Maximilian Alexander von Hohenzollern-Sigmaringen', 'Averyveryverylongcompanynamewithoutanyspaces Ltd', 'Grace Hopper']
	const numbers = i => ['+1 415 555 01' + String(i).padStart(2, '0'), '+44 20 7946 09' + String(i).padStart(2, '0'), '+49 30 1234 56' + String(i).padStart(2, '0'), String(2000 + i)][i % 4]
	const ringing = () => adApiDesktop.interactions().filter(i => i.callDirection === 'inbound' && i.state === 'delivery_pending')
	for (const r of ringing()) { const res = await adApi.rejectInteraction(r.interactionId); if (res.status !== 'success') throw new Error(JSON.stringify(res)) }
	const outbound = n >= 2 ? n - 1 : n
	for (let i = adApiDesktop.interactions().length; adApiDesktop.interactions().length < outbound; i++) {
		const obj = i % 2 === 0 ? {id: 'c' + i, type: 'contact', displayType: i % 4 === 0 ? 'Contact' : 'Account', displayName: names[(i / 2) % 4]} : undefined
		const r = await adApi.startCall(numbers(i), obj)
		if (r.status !== 'success') throw new Error(JSON.stringify(r))
		const id = r.data.id
		if (adApiDesktop.interactions().length === outbound) { await adApiDesktop.connect(id); await adApi.switchActiveInteraction(id); continue }
		switch (i % 4) {
		case 1: await adApiDesktop.connect(id); break
		case 2: await adApiDesktop.connect(id); await adApiDesktop.hold(id); break
		case 3: await adApiDesktop.connect(id); await adApiDesktop.hangUp(id); break
		}
	}
	if (n >= 2) await adApiDesktop.ring('+1 415 555 02' + String(n).padStart(2, '0'), 'Caller ' + n)
	if (ringing().length !== (n >= 2 ? 1 : 0)) throw new Error(ringing().length + ' calls ringing')
	return adApiDesktop.interactions().length
}`

// settledJS resolves once the panel shows what the desktop holds.
const settledJS = `new Promise(resolve => {
	const panel = document.getElementById('agentDesktop')
	const same = () => {
		const want = adApiDesktop.interactions().map(i => i.interactionId + ' ' + i.state).sort().join()
		const got = [...document.querySelectorAll('#interactionList li')].map(li => li.dataset.interactionId + ' ' + li.dataset.state).sort().join()
		return want === got
	}
	if (same()) return resolve(true)
	const h = () => { if (same()) { panel.removeEventListener('adapi:drawn', h); resolve(true) } }
	panel.addEventListener('adapi:drawn', h)
})`

// frameJS waits two frames, so that a new viewport is laid out.
const frameJS = `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`

// layoutReport is what checkLayoutJS finds on a page.
type layoutReport struct {
	Problems []string            `json:"problems"`
	Ringing  int                 `json:"ringing"` // calls ringing (inbound, delivery_pending)
	Accept   *rect               `json:"accept"`  // the first ringing call's Accept button, in the desktop's viewport
	Active   string              `json:"active"`  // the active call's state, "" with none
	Actions  map[string][]string `json:"actions"` // the active call's buttons, by state
	Others   map[string][]string `json:"others"`  // the other calls' buttons, by state
	Rows     int                 `json:"rows"`
}

type rect struct{ Top, Bottom, Left, Right float64 }

// checkLayoutJS reports what is wrong with the page's layout at this
// viewport: any element wider than the viewport or sticking out of it
// sideways, text cut in a control, a compact call's duration wrapped off
// its number's line, the active call out of view or
// covered, a ringing call below the active one or its Accept button out of
// view or covered, the call list unbounded; and each call's visible
// buttons.
const checkLayoutJS = `(() => {
	const W = innerWidth, H = innerHeight, problems = []
	const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : '')
	const root = document.documentElement
	if (root.scrollWidth > W) problems.push('page is ' + root.scrollWidth + ' px wide in a ' + W + ' px viewport')
	for (const el of document.body.querySelectorAll('*')) {
		const r = el.getBoundingClientRect()
		// (a closed <details> keeps its content laid out as it last was)
		if (r.width === 0 && r.height === 0 || !el.checkVisibility()) continue
		if (r.right > W + 0.5 || r.left < -0.5) problems.push(name(el) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' in ' + W)
		if (el.matches('button, label, summary, h1, h2, h3, .state, .number') && !el.matches('.sr-only') && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible')
			problems.push(name(el) + ' text cut: ' + el.scrollWidth + ' > ' + el.clientWidth)
		if (el.matches('select') && r.width < 100) problems.push(name(el) + ' only ' + Math.round(r.width) + ' px wide')
		if (problems.length > 8) break
	}
	const list = document.getElementById('interactionList')
	const lr = list.getBoundingClientRect()
	if (lr.height > Math.max(600, H) + 1) problems.push('the call list is ' + Math.round(lr.height) + ' px tall: unbounded')
	const active = list.querySelector('li[data-active="true"]')
	if (active) {
		const r = active.getBoundingClientRect()
		if (r.top < -0.5 || r.bottom > H + 0.5) problems.push('the active call is out of view: ' + Math.round(r.top) + '..' + Math.round(r.bottom) + ' in ' + H)
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 20))
		if (!active.contains(hit)) problems.push('the active call is covered by ' + (hit ? name(hit) : 'nothing'))
	} else if (list.children.length) problems.push('calls but none active')
	// The ringing calls first, then the active one.
	const isRinging = li => li.dataset.state === 'delivery_pending' && li.dataset.direction === 'inbound'
	const rows = [...list.children], ringing = rows.filter(isRinging)
	if (rows.slice(0, ringing.length).some(li => !isRinging(li))) problems.push('a ringing call is below another call: ' + rows.slice(0, ringing.length + 1).map(li => li.dataset.state + (isRinging(li) ? ' inbound' : '')).join())
	if (active && !isRinging(active) && rows[ringing.length] !== active) problems.push('the active call is not first after the ringing calls')
	let accept = null
	if (ringing.length) {
		const b = ringing[0].querySelector('button[data-action="accept"]')
		const r = b.getBoundingClientRect(), lr = list.getBoundingClientRect()
		accept = {top: r.top, bottom: r.bottom, left: r.left, right: r.right}
		if (r.height === 0 || r.top < Math.max(0, lr.top) - 0.5 || r.bottom > Math.min(H, lr.bottom) + 0.5 || r.left < -0.5 || r.right > W + 0.5)
			problems.push('the ringing call\'s Accept is out of view: ' + Math.round(r.top) + '..' + Math.round(r.bottom) + ' in the list at ' + Math.round(lr.top) + '..' + Math.round(lr.bottom) + ', viewport ' + W + 'x' + H)
		const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)
		if (hit !== b) problems.push('the ringing call\'s Accept is covered by ' + (hit ? name(hit) : 'nothing'))
	}
	// A compact (not active) call keeps its duration on its number's line.
	for (const li of list.children) {
		if (li === active) continue
		const num = li.querySelector('.number'), dur = li.querySelector('.duration')
		if (!num || !dur || !dur.checkVisibility()) continue
		// (a duration wrapped beneath the state still overlaps a number
		// centred in the row, so the lines' middles are compared)
		const mid = el => { const r = el.getBoundingClientRect(); return (r.top + r.bottom) / 2 }
		const n = num.getBoundingClientRect(), d = dur.getBoundingClientRect()
		if (Math.abs(mid(dur) - mid(num)) > 2 || dur.getClientRects().length > 1) {
			const w = el => Math.round(el.getBoundingClientRect().width)
			problems.push('a compact ' + li.dataset.state + ' call\'s duration is off its number\'s line: ' + Math.round(d.top) + '..' + Math.round(d.bottom) + ' beside ' + Math.round(n.top) + '..' + Math.round(n.bottom) + ' (row ' + w(li) + ', number ' + w(num) + ', state ' + w(li.querySelector('.state')) + ', duration ' + w(dur) + ' px)')
			break
		}
	}
	const actions = {}, others = {}
	for (const li of list.children) {
		const shown = [...li.querySelectorAll('.actions button')].filter(b => b.offsetParent !== null).map(b => b.dataset.action + (b.disabled ? ' (disabled)' : ''))
		const key = li.dataset.state + (li.dataset.direction === 'inbound' && li.dataset.state === 'delivery_pending' ? ' inbound' : '')
		const into = li === active ? actions : others
		const s = shown.join()
		if (into[key] && into[key].join() !== s) problems.push(key + ' shows ' + s + ' on one call and ' + into[key].join() + ' on another')
		into[key] = shown
	}
	return {problems, active: active ? active.dataset.state : '', actions, others, rows: list.children.length, ringing: ringing.length, accept}
})()`

func (tb *tab) checkLayout(what string, wantRows int) layoutReport {
	tb.t.Helper()
	r := evalJS[layoutReport](tb, checkLayoutJS)
	for _, p := range r.Problems {
		tb.t.Errorf("%s: %s", what, p)
	}
	if r.Rows != wantRows {
		tb.t.Errorf("%s: %d rows, want %d", what, r.Rows, wantRows)
	}
	if want := min(wantRows-1, 1); wantRows > 0 && r.Ringing != want {
		tb.t.Errorf("%s: %d calls ringing, want %d", what, r.Ringing, want)
	}
	if wantRows > 0 && r.Active != "delivered" {
		tb.t.Errorf("%s: the active call is %q, want the newest, connected", what, r.Active)
	}
	for state, shown := range r.Actions {
		if want := panelActions[state]; !slices.Equal(shown, want) {
			tb.t.Errorf("%s: the active %s call shows %v, want %v", what, state, shown, want)
		}
	}
	for state, shown := range r.Others {
		if want := compactActions(state); !slices.Equal(shown, want) {
			tb.t.Errorf("%s: another %s call shows %v, want %v", what, state, shown, want)
		}
	}
	return r
}

func TestPanelLayout(t *testing.T) {
	for _, framed := range []bool{false, true} {
		name := "page"
		if framed {
			name = "framed"
		}
		t.Run(name, func(t *testing.T) {
			tb := openTab(t, "")
			desk := tb
			if framed {
				tb.openURL(crmURL)
				// A first call through the frame says it is up; the
				// desktop then drops it.
				id := evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
				desk = tb.frame(desktopURL)
				evalJS[OperationResult](desk, `adApiDesktop.hangUp('`+id+`').then(() => adApiDesktop.complete('`+id+`'))`)
			} else {
				tb.open("")
			}
			for _, n := range []int{0, 1, 5, 30} {
				if got := evalJS[int](desk, `(`+makeCallsJS+`)(`+fmt.Sprint(n)+`)`); got != n {
					t.Fatalf("%d calls, want %d", got, n)
				}
				evalJS[bool](desk, settledJS)
				for _, v := range panelWidths {
					what := fmt.Sprintf("%s %dpx %d calls", name, v.w, n)
					tb.do(chromedp.EmulateViewport(v.w, v.h))
					evalJS[bool](tb, frameJS)
					if framed {
						// Into view: Chrome does not render a cross-site
						// frame out of view.
						evalJS[bool](tb, `document.getElementById('adc_frame').scrollIntoView({block: 'start'}); true`)
						evalJS[bool](tb, frameJS)
						evalJS[bool](desk, frameJS)
						// The CRM page itself does not overflow either.
						if w := evalJS[[]int](tb, `[document.documentElement.scrollWidth, innerWidth]`); w[0] > w[1] {
							t.Errorf("%s: the CRM page is %d px wide in %d", what, w[0], w[1])
						}
						// Nor is the frame wider than the page can show (a
						// page or card that clips would hide its right side).
						if x := evalJS[[]float64](tb, `(() => { const f = document.getElementById('adc_frame'), r = f.getBoundingClientRect(), p = f.parentElement.getBoundingClientRect(); return [r.left, r.right, p.left, p.right, innerWidth] })()`); x[0] < 0 || x[1] > x[4] || x[1] > x[3]+0.5 {
							t.Errorf("%s: the frame spans %.0f..%.0f px, its container %.0f..%.0f, the window %.0f", what, x[0], x[1], x[2], x[3], x[4])
						}
					}
					r := desk.checkLayout(what, n)
					if framed && r.Accept != nil {
						// The Accept button in the CRM page's view too.
						f := evalJS[rect](tb, `(() => { const r = document.getElementById('adc_frame').getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right} })()`)
						vp := evalJS[[]float64](tb, `[innerWidth, innerHeight]`)
						if top, bottom := f.Top+r.Accept.Top, f.Top+r.Accept.Bottom; top < 0 || bottom > vp[1] || f.Left+r.Accept.Left < 0 || f.Left+r.Accept.Right > vp[0] {
							t.Errorf("%s: the ringing call's Accept is out of the CRM page's view: %.0f..%.0f in %.0f", what, top, bottom, vp[1])
						}
					}
					tb.screenshot(strings.ReplaceAll(fmt.Sprintf("panel-%s-%04d-%02dcalls", name, v.w, n), " ", "-"))
				}
			}
		})
	}
}

// A Deferred Dial number keeps the widget's CRM record: the Dialpad shows
// it, Enter dials it, and the call's events carry the record; "Calling…"
// shows at once while the phone is slow, then what became of the call.
func TestDeferredDialKeepsTheRecord(t *testing.T) {
	tb := openDesktop(t)
	evalJS[OperationResult](tb, `adApiDesktop.update({deferredDial: true, phone: 'slow', slowDialDelayMs: 400})`)
	r := evalJS[OperationResult](tb, `adApi.startCall('+1 (415) 555-0142', `+contactJS+`)`)
	if r.Status != "success" || r.Data == nil || r.Data.ID != nil {
		t.Fatalf("want success with id null, got %s", r)
	}
	tb.waitValue("dialpadNumberInput", "+14155550142")
	evalJS[bool](tb, `new Promise(r => { const o = document.getElementById('dialpadObject'); const ok = () => !o.hidden && (r(true), true); if (!ok()) new MutationObserver((_, m) => ok() && m.disconnect()).observe(o, {attributes: true}) })`)
	if got := evalJS[string](tb, `document.getElementById('dialpadObject').textContent`); got != "For Contact: Ada Lovelace" {
		t.Fatalf("the Dialpad shows %q", got)
	}
	// Enter in the Dialpad dials; "Calling…" shows before the phone dials.
	evalJS[bool](tb, `window.__kinds = []; new MutationObserver(() => __kinds.push(document.getElementById('dialStatus').dataset.kind)).observe(document.getElementById('dialStatus'), {attributes: true}); true`)
	tb.do(chromedp.Focus(chromedp.ID("dialpadNumberInput")), chromedp.KeyEvent("\r"))
	d := evalJS[map[string]any](tb, `__next('ON_NEW_INTERACTION')`)
	list := d["associatedObjects"].(map[string]any)["list"].([]any)
	if d["origination"] != "dialpad" || len(list) != 1 || list[0].(map[string]any)["id"] != "003B000000xyz" {
		t.Fatalf("dialled from the Dialpad without the widget's record: %v", d)
	}
	id := d["interactionId"].(string)
	tb.do(chromedp.Click(chromedp.CSS(`#interactionList li[data-interaction-id="` + id + `"] button[data-action="connect"]`)))
	c := evalJS[map[string]any](tb, `__next('ON_INTERACTION_STATE_CHANGE', '`+id+`', 'delivered')`)
	if len(c["associatedObjects"].(map[string]any)["list"].([]any)) != 1 {
		t.Fatalf("the state change lost the record: %v", c)
	}
	evalJS[bool](tb, `new Promise(r => { const s = document.getElementById('dialStatus'); const ok = () => s.dataset.kind === 'placed' && (r(true), true); if (!ok()) new MutationObserver((_, m) => ok() && m.disconnect()).observe(s, {attributes: true}) })`)
	if kinds := evalJS[string](tb, `__kinds.join()`); !strings.HasPrefix(kinds, "calling") {
		t.Fatalf("the Dialpad's status went %q: no Calling… first", kinds)
	}
	// A number typed by hand is dialled without the record.
	evalJS[OperationResult](tb, `adApiDesktop.update({phone: 'healthy'})`)
	evalJS[OperationResult](tb, `adApi.startCall('+1 (415) 555-0143', `+contactJS+`)`)
	tb.waitValue("dialpadNumberInput", "+14155550143")
	tb.do(chromedp.Focus(chromedp.ID("dialpadNumberInput")), chromedp.KeyEvent("\b"), chromedp.KeyEvent("4\r"))
	d = evalJS[map[string]any](tb, `new Promise(r => { const f = () => { const e = __log.filter(e => e.name === 'ON_NEW_INTERACTION'); return e.length > 1 && (r(e[1].payload), true) }; f() || __waiters.push(f) })`)
	if d["phoneNumber"] != "+14155550144" || len(d["associatedObjects"].(map[string]any)["list"].([]any)) != 0 {
		t.Fatalf("a number typed by hand: %v", d)
	}
}

// adaptiveWidth: true: the desktop frame takes the width the desktop's
// content asks for, and follows it; without it, the page's frame is never
// sized by adapi.js.
func TestAdaptiveWidth(t *testing.T) {
	tb := openTab(t, "")
	tb.openURL(crmURL + "test/adaptive.html")
	evalJS[OperationResult](tb, `__api.startCall('100')`).id(t)
	evalJS[bool](tb, `__width('400px')`)
	desk := tb.frame(desktopURL)
	if w := evalJS[int](desk, `innerWidth`); w != 400 {
		t.Fatalf("the desktop is %d px wide in its frame", w)
	}
	// Opening the test controls asks for more.
	tb.do(chromedp.EmulateViewport(1280, 800))
	evalJS[bool](desk, `document.querySelector('#testControls summary').click(); true`)
	evalJS[bool](tb, `__width('480px')`)
	// Never wider than the frame's container.
	if got := evalJS[string](tb, `getComputedStyle(__api.adcFrame).maxWidth`); got != "100%" {
		t.Fatalf("max-width %s", got)
	}

	fixed := openTab(t, "")
	fixed.openURL(crmURL + "test/adaptive.html#fixed")
	evalJS[OperationResult](fixed, `__api.startCall('100')`).id(t)
	fdesk := fixed.frame(desktopURL)
	evalJS[bool](fdesk, `document.querySelector('#testControls summary').click(); true`)
	evalJS[bool](fdesk, frameJS)
	// A round trip after the desktop's last size report.
	evalJS[OperationResult](fixed, `__api.startCall('101')`).id(t)
	// (The frame fills its mount, as it was made.)
	if got := evalJS[string](fixed, `JSON.stringify([__widths, __api.adcFrame.getBoundingClientRect().width === document.getElementById('mount').getBoundingClientRect().width])`); got != `[[],true]` {
		t.Fatalf("without adaptiveWidth the frame was sized: %s", got)
	}
}

// The call-control buttons as an agent uses them, by mouse and keyboard:
// sign out and in (the password never shown), choose Not ready with a
// reason, take an incoming call, mute, send digits from the keypad, hold,
// resume, hang up, complete. Each step is checked in the desktop's state
// and in the events a widget receives.
func TestPanelCallControlAsAPerson(t *testing.T) {
	tb := openDesktop(t)
	click := func(sel string) { tb.t.Helper(); tb.do(chromedp.Click(chromedp.CSS(sel))) }
	until := func(what, expr string) {
		tb.t.Helper()
		within[bool](tb, 10*time.Second, what, `new Promise(resolve => {
			const ok = () => { try { return !!(`+expr+`) } catch (_) { return false } }
			if (ok()) return resolve(true)
			const panel = document.getElementById('agentDesktop')
			const h = () => ok() && (panel.removeEventListener('adapi:drawn', h), resolve(true))
			panel.addEventListener('adapi:drawn', h)
		})`)
	}
	evalJS[bool](tb, `window.__agent = []; adApi.on('ON_AGENT_STATE_CHANGE', (s, r) => __agent.push(s + (r ? ':' + r : ''))); true`)

	// Sign out, and in again with the keyboard (Enter in the password).
	click(`#logoutButton`)
	until("signed out", `!document.getElementById('loginForm').hidden`)
	if evalJS[bool](tb, `adApi.getLoginState().then(r => r.data.isLoggedIn)`) {
		t.Fatal("still signed in")
	}
	tb.do(chromedp.SendKeys(chromedp.ID("loginUsernameInput"), "ada"),
		chromedp.SendKeys(chromedp.ID("loginPasswordInput"), "s3cret-pw\r"))
	until("signed in", `document.getElementById('loginForm').hidden && document.querySelector('.agent-name').textContent.startsWith('ada')`)
	if got := evalJS[string](tb, `document.getElementById('agentDesktop').textContent + document.getElementById('loginPasswordInput').value`); strings.Contains(got, "s3cret-pw") {
		t.Fatal("the password shows in the panel")
	}

	// Not ready, with a reason from the list; then Ready.
	tb.do(chromedp.SetValue(chromedp.ID("agentStateSelect"), "not_ready:Lunch"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('agentStateSelect').dispatchEvent(new Event('change', {bubbles: true}))`))
	if got := evalJS[map[string]any](tb, `adApi.getAgentState().then(r => r.data)`); got["state"] != "not_ready" || got["notReadyReason"] != "Lunch" {
		t.Fatalf("agent state %v", got)
	}
	header := `document.getElementById('bridgeStatus').textContent`
	until("the page's header says Not ready · Lunch", header+` === 'Not ready · Lunch'`)
	tb.do(chromedp.SetValue(chromedp.ID("agentStateSelect"), "ready"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('agentStateSelect').dispatchEvent(new Event('change', {bubbles: true}))`))
	until("ready", `__agent.includes('ready')`)

	// An incoming call from the test controls: Accept, Mute, the keypad.
	click(`#ringButton`)
	d := evalJS[map[string]any](tb, `__next('ON_NEW_INTERACTION')`)
	id := d["interactionId"].(string)
	li := `#interactionList li[data-interaction-id="` + id + `"]`
	until("ringing shown", `document.querySelector('`+li+` button[data-action="accept"]').offsetParent !== null`)
	if got := evalJS[string](tb, `document.getElementById('agentStatePill').textContent`); got != "Ringing" {
		t.Errorf("the agent's status while the call rings: %q", got)
	}
	click(li + ` button[data-action="accept"]`)
	evalJS[map[string]any](tb, `__next('ON_INTERACTION_STATE_CHANGE', '`+id+`', 'delivered')`)
	until("connected", `document.querySelector('`+li+`').dataset.state === 'delivered' && document.querySelector('`+li+` button[data-action="mute"]').offsetParent !== null`)
	// A screen reader hears it (politely); the keyboard reaches the call
	// right after the Dialpad.
	if got := evalJS[string](tb, `document.getElementById('callAnnouncer').getAttribute('aria-live') + ' ' + document.getElementById('callAnnouncer').textContent`); got != "polite (415) 555-0190: Connected" {
		t.Errorf("announced %q", got)
	}
	tb.do(chromedp.Focus(chromedp.ID("dialpadNumberInput")), chromedp.KeyEvent("	"), chromedp.KeyEvent("	"))
	if got := evalJS[string](tb, `(document.activeElement.closest('li') || {dataset: {}}).dataset.interactionId + ' ' + document.activeElement.dataset.action`); got != id+" mute" {
		t.Errorf("Tab after Dial reached %q, want the active call's Mute", got)
	}
	click(li + ` button[data-action="mute"]`)
	until("muted", `document.querySelector('`+li+` button[data-action="unmute"]').offsetParent !== null`)
	if !evalJS[bool](tb, `adApiDesktop.interactions().find(i => i.interactionId === '`+id+`').callMuted`) {
		t.Fatal("Mute did not mute the call")
	}
	click(li + ` button[data-action="keypad"]`)
	for _, k := range []string{"1", "2", "3", "#"} {
		click(li + ` .keypad button[data-digit="` + k + `"]`)
	}
	until("digits sent", `adApiDesktop.records().find(r => r.interactionId === '`+id+`').dtmf === '123#'`)
	if got := evalJS[string](tb, `document.querySelector('`+li+` .keypad .sent').textContent`); got != "Sent: 123#" {
		t.Errorf("the keypad shows %q", got)
	}
	click(li + ` button[data-action="unmute"]`)
	until("unmuted", `!adApiDesktop.interactions().find(i => i.interactionId === '`+id+`').callMuted`)

	// Hold, resume, hang up, complete: each shows only what comes next.
	// The status the calls give the agent shows beside the one they chose
	// (the panel follows ON_AGENT_STATE_CHANGE), and in the page's header
	// (the one they chose when the calls give none).
	pill := `(p => p.hidden ? '' : p.textContent)(document.getElementById('agentStatePill'))`
	for _, step := range []struct{ action, state, pill string }{
		{"hold", "hold", "Busy: on a call"}, {"resume", "delivered", "Busy: on a call"}, {"hangup", "wrap_up", "After-call work"}, {"complete", "completed", ""},
	} {
		click(li + ` button[data-action="` + step.action + `"]`)
		evalJS[map[string]any](tb, `__next('ON_INTERACTION_STATE_CHANGE', '`+id+`', '`+step.state+`')`)
		if step.state != "completed" {
			until(step.state, `document.querySelector('`+li+`').dataset.state === '`+step.state+`'`)
			r := evalJS[layoutReport](tb, checkLayoutJS)
			if want := panelActions[step.state]; !slices.Equal(r.Actions[step.state], want) {
				t.Errorf("after %s: %v, want %v", step.action, r.Actions[step.state], want)
			}
		}
		head := cmp.Or(step.pill, "Ready")
		until(step.action+": the agent's status "+step.pill+", the header "+head, pill+` === '`+step.pill+`' && `+header+` === '`+head+`'`)
	}
	tb.do(chromedp.WaitNotPresent(chromedp.CSS(li)))
	if got := evalJS[string](tb, `document.getElementById('panelLog').textContent`); strings.Contains(got, "s3cret-pw") {
		t.Fatal("the password is in the log")
	}
}

// A desktop frame the CRM page scrolled out of view draws nothing; what
// changed meanwhile is drawn when it comes back.
func TestPanelOffScreenDrawsNothing(t *testing.T) {
	tb := openTab(t, "")
	tb.openURL(crmURL + "test/adaptive.html#fixed")
	evalJS[OperationResult](tb, `__api.startCall('100')`).id(t)
	desk := tb.frame(desktopURL)
	evalJS[bool](desk, settledJS)
	// The panel learns it from an IntersectionObserver, as the test does
	// with its own: the browser tells both in the same rendering step, each
	// in a task of its own, queued before any idle callback (which the
	// panel's redraw waits for).
	evalJS[bool](desk, `window.__out = new Promise(resolve => new IntersectionObserver(es => es[es.length - 1].isIntersecting || resolve(true)).observe(document.getElementById('agentDesktop'))); true`)
	evalJS[bool](tb, `document.body.append(Object.assign(document.createElement('div'), {style: 'height: 4000px'})); scrollTo(0, 3000); true`)
	evalJS[bool](desk, `__out`)
	before := evalJS[float64](desk, `adApiDesktop.stats().panel.draws`)
	evalJS[bool](desk, skippedJS)
	id := evalJS[OperationResult](desk, `adApi.startCall('101')`).id(t)
	// The panel let the change pass without drawing it.
	if got := evalJS[string](desk, `__skipped.then(s => s + ' ' + adApiDesktop.stats().panel.offScreen)`); got != "skipped true" {
		t.Fatalf("out of view: the panel %s the change (off screen?)", got)
	}
	if got := evalJS[string](desk, `adApiDesktop.stats().panel.draws + ' ' + !!document.querySelector('#interactionList li[data-interaction-id="`+id+`"]')`); got != fmt.Sprint(before)+" false" {
		t.Fatalf("out of view: draws, row shown = %s (draws were %v)", got, before)
	}
	evalJS[bool](tb, `scrollTo(0, 0); true`)
	evalJS[bool](desk, settledJS)
}

// A hidden page (its window minimized: document.hidden, as in a background
// tab) draws nothing: a new call and a change to another are let pass.
// When it shows again, the panel catches up at once with what the desktop
// holds.
func TestPanelHiddenDrawsNothing(t *testing.T) {
	tb := openDesktop(t)
	first := evalJS[OperationResult](tb, `adApi.startCall('+1 415 555 0101')`).id(t)
	evalJS[bool](tb, settledJS)
	// Each tab has its own window in headless Chromium.
	setWindow := func(state cdpbrowser.WindowState) {
		t.Helper()
		tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			w, err := cdp.Call(ctx, tg, cdpbrowser.GetWindowForTarget, cdpbrowser.GetWindowForTargetParams{})
			if err != nil {
				return err
			}
			_, err = cdp.Call(ctx, tg, cdpbrowser.SetWindowBounds, cdpbrowser.SetWindowBoundsParams{WindowID: w.WindowID, Bounds: &cdpbrowser.Bounds{WindowState: state}})
			return err
		}))
	}
	evalJS[bool](tb, `window.__seen = []; document.addEventListener('visibilitychange', () => __seen.push(document.visibilityState)); true`)
	setWindow(cdpbrowser.WindowStateMinimized)
	if !evalJS[bool](tb, `document.hidden`) {
		t.Fatal("a minimized window's page is not hidden: this test cannot hide the page")
	}
	before := evalJS[panelStats](tb, `adApiDesktop.stats().panel`)
	evalJS[bool](tb, skippedJS)
	id := evalJS[OperationResult](tb, `adApi.startCall('+1 415 555 0102')`).id(t)
	evalJS[OperationResult](tb, `adApiDesktop.connect('`+first+`')`)
	// The panel let the changes pass without drawing them (it skipped a
	// redraw, and drew none).
	if got := within[string](tb, 10*time.Second, "the panel skipping a redraw while hidden", `__skipped`); got != "skipped" {
		t.Errorf("hidden: the panel %s the changes", got)
	}
	shown := `[...document.querySelectorAll('#interactionList li')].map(li => li.dataset.interactionId + ' ' + li.dataset.state).join()`
	if got, want := evalJS[string](tb, shown), first+" delivery_pending"; got != want {
		t.Errorf("hidden: the list shows %q, want %q as before", got, want)
	}
	if got := evalJS[panelStats](tb, `adApiDesktop.stats().panel`); got.Draws != before.Draws {
		t.Errorf("hidden: %d draws, want %d", got.Draws, before.Draws)
	}
	// Shown again: one draw brings the list up to date (without another
	// change to wake it).
	setWindow(cdpbrowser.WindowStateNormal)
	if got := evalJS[string](tb, `__seen.join()`); got != "hidden,visible" {
		t.Fatalf("visibility went %q", got)
	}
	within[bool](tb, 10*time.Second, "the panel catching up when the page shows again", settledJS)
	if got, want := evalJS[string](tb, shown), id+" delivery_pending,"+first+" delivered"; got != want {
		t.Fatalf("shown again: the list shows %q, want %q", got, want)
	}
}

// skippedJS sets __skipped, a promise of what the panel does next with a
// change: 'skipped' (let pass unseen: adapi:skipped) or 'drew' (adapi:drawn).
const skippedJS = `(panel => {
	window.__skipped = new Promise(resolve => {
		panel.addEventListener('adapi:skipped', () => resolve('skipped'), {once: true})
		panel.addEventListener('adapi:drawn', () => resolve('drew'), {once: true})
	})
	return true
})(document.getElementById('agentDesktop'))`

// panelStats is adApiDesktop.stats().panel.
type panelStats struct {
	Draws   int `json:"draws"`
	Skipped int `json:"skippedHidden"`
}

// The durations tick once a second, for the active call and the others in
// the list's view.
func TestPanelClockTicks(t *testing.T) {
	tb := openDesktop(t)
	var ids []string
	for _, n := range []string{"+1 415 555 0103", "+1 415 555 0104"} {
		id := evalJS[OperationResult](tb, `adApi.startCall('`+n+`')`).id(t)
		evalJS[OperationResult](tb, `adApiDesktop.connect('`+id+`')`)
		ids = append(ids, id)
	}
	for _, id := range ids {
		waitUntil(tb, 10*time.Second, "the duration of "+id+" ticking", `(d => d && d.textContent !== '' && d.textContent !== '0:00')(document.querySelector('#interactionList li[data-interaction-id="`+id+`"] .duration'))`)
	}
}
