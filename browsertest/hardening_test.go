package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestHostileInputMore(t *testing.T) {
	tb := openDesktop(t)
	got := evalJS[map[string]string](tb, `(async () => {
		const deep = n => { let o = 'leaf'; for (let i = 0; i < n; i++) o = {o}; return o }
		const frame = document.createElement('iframe')
		document.body.appendChild(frame)
		const Foreign = frame.contentWindow.Object
		const foreign = new Foreign(); foreign.id = 'f1'; foreign.type = 'contact'; foreign.customFields = new Foreign(); foreign.customFields.k = 'v'
		const polluting = JSON.parse('{"id": "p1", "type": "contact", "customFields": {"__proto__": "x", "constructor": "y", "toString": "z"}}')
		const cases = {
			'deep custom field':   ['100', {id: '1', type: 'c', customFields: {a: deep(10000)}}],
			'deep object':         ['100', Object.assign(deep(10000), {id: '1', type: 'c'})],
			'holes in fields':     ['100', {id: '1', type: 'c', customFields: [, , 'a']}],
			'holes as phone':      [[, , '1']],
			'sparse huge array':   ['100', {id: '1', type: 'c', customFields: Object.assign([], {length: 2 ** 31})}],
			'foreign frame':       ['100', foreign],
			'frozen':              ['100', Object.freeze({id: '1', type: 'c', customFields: Object.freeze({a: 'b'})})],
			'sealed':              ['100', Object.seal({id: '1', type: 'c'})],
			'prototype keys':      ['100', polluting],
			'null prototype':      ['100', Object.assign(Object.create(null), {id: 'n1', type: 'c'})],
			// 400 KB of arguments: more than the loader's shared buffer, so
			// they take the string path into Go.
			'big but valid':       ['100', {id: 'b1', type: 'c', customFields: Object.fromEntries(Array.from({length: 100}, (_, i) => ['k' + i, 'x'.repeat(4000)]))}],
			'class instance':      ['100', new (class { constructor () { this.id = 'k1'; this.type = 'c' } get displayName () { return 'Getter' } })()],
			'options number':      ['100', undefined, 5],
			'options getter':      ['100', undefined, {get idempotencyKey () { throw new Error('no key') }}],
			'options bad signal':  ['100', undefined, {signal: {aborted: true}}],
			'options key number':  ['100', undefined, {idempotencyKey: 7}],
		}
		const out = {}
		for (const [name, args] of Object.entries(cases)) {
			try {
				const r = await adApi.startCall(...args)
				out[name] = r.status === 'success' ? 'ok' : r.error.code + ' ' + r.error.message
			} catch (e) {
				out[name] = 'threw ' + e
			}
		}
		out['polluted'] = String(({}).x) + ' ' + typeof ({}).constructor
		return out
	})()`)
	want := map[string]string{
		"deep custom field":  "3 initialObject.customFields.a: want string, got object",
		"deep object":        "ok",
		"holes in fields":    "3 initialObject.customFields: want object of strings, got array",
		"holes as phone":     "3 phoneNumber: want string, got array",
		"sparse huge array":  "3 initialObject.customFields: want object of strings, got array",
		"foreign frame":      "ok",
		"frozen":             "ok",
		"sealed":             "ok",
		"prototype keys":     "ok",
		"null prototype":     "ok",
		"class instance":     "ok",
		"big but valid":      "ok",
		"options number":     "3 options: want object, got number",
		"options getter":     "3 options: could not be read: Error: no key",
		"options bad signal": "3 options.signal: want AbortSignal, got object",
		"options key number": "3 options.idempotencyKey: want string, got number",
		"polluted":           "undefined function",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	// __proto__ and friends survive as data, in the event payload too.
	keys := evalJS[string](tb, `__next('ON_NEW_INTERACTION', undefined).then(() =>
		__log.filter(e => e.name === 'ON_NEW_INTERACTION').map(e => e.payload.associatedObjects.list[0])
			.filter(o => o && o.id === 'p1').map(o => Object.keys(o.customFields).sort().join(',') + ' ' + o.customFields.__proto__)[0])`)
	if keys != "__proto__,constructor,toString x" {
		t.Fatalf("customFields in the event: %q", keys)
	}
	evalJS[OperationResult](tb, `adApi.startCall('100', `+contactJS+`)`).id(t)
}

func TestThousandConcurrentCalls(t *testing.T) {
	tb := openDesktop(t)
	got := evalJS[string](tb, `Promise.all(Array.from({length: 1000}, (_, i) => adApi.startCall('+1415555' + String(i).padStart(4, '0'), {id: 'c' + i, type: 'contact'})))
		.then(rs => rs.filter(r => r.status === 'success').length + ' ' + new Set(rs.map(r => r.data.id)).size)`)
	if got != "1000 1000" {
		t.Fatalf("settled with success / distinct ids: %s", got)
	}
}

func TestDoubleClickWithKeyPlacesOneCall(t *testing.T) {
	tb := openDesktop(t)
	tb.do(chromedp.Click(chromedp.ID("idempotencyToggle")),
		chromedp.SetValue(chromedp.ID("startCallPhoneNumberInput"), "+1 (415) 555-0188"),
		chromedp.Click(chromedp.ID("startCallButton")),
		chromedp.Click(chromedp.ID("startCallButton")))
	tb.waitResult(2)
	lines := evalJS[[]string](tb, `[...document.querySelectorAll('#startCallResults li')].map(li => li.textContent)`)
	if len(lines) != 2 || lines[0] != lines[1] || !strings.Contains(lines[0], "success · id ia-") {
		t.Fatalf("results %q", lines)
	}
	if n := evalJS[int](tb, `adApiDesktop.interactions().length`); n != 1 {
		t.Fatalf("%d calls placed for a double click", n)
	}
	// Without the key, as Bright Pattern's API: two clicks, two calls.
	tb.do(chromedp.Click(chromedp.ID("idempotencyToggle")),
		chromedp.Click(chromedp.ID("startCallButton")),
		chromedp.Click(chromedp.ID("startCallButton")))
	tb.waitResult(4)
	if n := evalJS[int](tb, `adApiDesktop.interactions().length`); n != 3 {
		t.Fatalf("%d calls placed, want 3", n)
	}
}

func TestAbortedCallPlacesNone(t *testing.T) {
	tb := openDesktop(t)
	evalJS[OperationResult](tb, `adApiDesktop.update({phone: 'slow', slowDialDelayMs: 300})`)
	got := evalJS[string](tb, `(async () => {
		const out = []
		const before = new AbortController(); before.abort()
		try { await adApi.startCall('100', undefined, {signal: before.signal}); out.push('resolved') } catch (e) { out.push(e.name) }
		const during = new AbortController()
		const p = adApi.startCall('101', undefined, {signal: during.signal})
		during.abort()
		try { await p; out.push('resolved') } catch (e) { out.push(e.name) }
		// A call made after it, on the same slow phone, dials after the
		// aborted one would have.
		const next = await adApi.startCall('102')
		out.push(next.status)
		out.push(adApiDesktop.interactions().map(i => i.phoneNumber).join(','))
		return out.join(' ')
	})()`)
	if got != "AbortError AbortError success 102" {
		t.Fatalf("got %q", got)
	}
}

func TestDeniedPrefixes(t *testing.T) {
	tb := openDesktop(t)
	for _, n := range []string{"+1 (900) 555-0100", "+1.900.555.0100", "+19005550100", " +1-976-555-0100 "} {
		evalJS[OperationResult](tb, `adApi.startCall('`+n+`')`).wantError(t, 1, "not_enough_privileges", "dial policy: ")
	}
	// Typed into the Dialpad and dialled by a person.
	if got := dialpadDial(tb, "+1 900 555 0101"); !strings.Contains(got, "Dial: error 1 not_enough_privileges: dial policy: +19005550101 matches the denied prefix +1900") {
		t.Fatalf("Dial +1 900 555 0101: %q, want refused by the denied prefix +1900 (\"\": dialled)", got)
	}
	// Deferred Dial: refused before the number reaches the Dialpad.
	evalJS[OperationResult](tb, `adApiDesktop.update({deferredDial: true})`)
	evalJS[OperationResult](tb, `adApi.startCall('+1 976 555 0100')`).wantError(t, 1, "not_enough_privileges", "dial policy: +19765550100 matches the denied prefix +1976")
	if n := evalJS[int](tb, `adApiDesktop.interactions().length`); n != 0 {
		t.Fatalf("%d calls to denied numbers", n)
	}
	// An ordinary number still goes through.
	evalJS[OperationResult](tb, `adApiDesktop.update({deferredDial: false})`)
	evalJS[OperationResult](tb, `adApi.startCall('+1 415 555 0100')`).id(t)
}

// A page that never gives the event loop a turn never receives events
// (they are a later task): the bridge holds at most 10,000 of them, drops
// the rest and says so, instead of growing without bound.
func TestEventsHeldForAPageThatNeverYieldsAreBounded(t *testing.T) {
	tb := openDesktop(t)
	got := evalJS[string](tb, `(async () => {
		let seen = 0
		adApi.on('ON_NEW_INTERACTION', () => seen++)
		adApi.on('ON_ACTIVE_INTERACTION_SWITCHED', () => seen++)
		adApi.on('ON_AGENT_STATE_CHANGE', () => seen++) // once: busy
		for (let i = 0; i < 5100; i++) await adApi.startCall('100') // 10,201 events, no turn given
		await new Promise(r => setTimeout(r, 0))
		await new Promise(r => setTimeout(r, 0))
		return String(seen)
	})()`)
	if got != "10000" {
		t.Fatalf("handlers saw %s events, want the 10000 held", got)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.consoleWarns) == 0 || !strings.Contains(tb.consoleWarns[0], "adApi: 201 events were dropped: the page did not yield") {
		t.Fatalf("warnings %q", tb.consoleWarns)
	}
}
