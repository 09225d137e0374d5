package browsertest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// wireHelpers record every message the page's first client sends and
// receives (injectMessageLogger); __wireNext(type) resolves with the first
// of that type, seen or still to come.
const wireHelpers = `
	window.__wire = []
	window.__wireWaiters = []
	adApi.injectMessageLogger((type, data) => {
		const m = {type, data: data === undefined ? null : JSON.parse(JSON.stringify(data))}
		__wire.push(m)
		for (const w of __wireWaiters.splice(0)) if (!w(m)) __wireWaiters.push(w)
	})
	window.__wireNext = (type, pred = () => true) => new Promise(resolve => {
		const seen = __wire.find(m => m.type === type && pred(m.data))
		if (seen) return resolve(seen.data)
		__wireWaiters.push(m => m.type === type && pred(m.data) && (resolve(m.data), true))
	})
	true`

// openCRM opens the demo CRM page (another site, embedding the desktop)
// with the event and wire helpers, and returns it with the desktop frame,
// once a first call has gone through.
func openCRM(t *testing.T) (crm, desktop *tab) {
	crm = openTab(t, "")
	// The desktop's module waits until the logger is in, so that the
	// logger sees hello and hi.
	release := wasmGate.hold()
	defer release()
	crm.openURL(crmURL)
	evalJS[bool](crm, wireHelpers)
	evalJS[bool](crm, pageHelpers)
	return crm, nil
}

func TestCrossOriginStartCall(t *testing.T) {
	crm, _ := openCRM(t)
	// The widget's continuation runs before any handler for that id.
	id := evalJS[string](crm, `new Promise(resolve => {
		adApi.startCall(' +1 (415) 555-0123 ', `+contactJS+`).then(r => {
			__log.push({name: 'RESULT', payload: r.data.id}); resolve(r.status === 'success' ? r.data.id : JSON.stringify(r))
		})
	})`)
	if !strings.HasPrefix(id, "ia-") {
		t.Fatalf("startCall across frames: %s", id)
	}
	evalJS[map[string]any](crm, `__next('ON_NEW_INTERACTION', '`+id+`')`)
	if order := evalJS[[]string](crm, `__log.map(e => e.name)`); order[0] != "RESULT" {
		t.Fatalf("order %v: the result must come first", order)
	}

	// injectMessageLogger saw each message, with Bright Pattern's shapes.
	sent := evalJS[[]any](crm, `__wireNext('START_CALL')`)
	if sent[0] != "+14155550123" || sent[1].(map[string]any)["displayName"] != "Ada Lovelace" {
		t.Fatalf("START_CALL params %v", sent)
	}
	resp := evalJS[OperationResult](crm, `__wireNext('START_CALL_RESPONSE', d => d.data && d.data.id === '`+id+`')`)
	resp.id(t)
	ev := evalJS[map[string]any](crm, `__wireNext('ON_NEW_INTERACTION', d => d.interactionId === '`+id+`')`)
	if ev["phoneNumber"] != "+14155550123" {
		t.Fatalf("ON_NEW_INTERACTION as logged: %v", ev)
	}
	for _, typ := range []string{"hello", "hi"} {
		if !evalJS[bool](crm, `__wire.some(m => m.type === '`+typ+`')`) {
			t.Errorf("no %s in the message log", typ)
		}
	}
	if key := evalJS[string](crm, `__wire.find(m => m.type === 'hi').data[0]`); key != "acme-crm-demo" {
		t.Errorf("hi carried %q", key)
	}

	// The call is on the desktop in the frame; the desktop's buttons drive
	// the events the CRM page sees.
	desk := crm.frame(desktopURL)
	if got := evalJS[string](desk, `JSON.stringify(adApiDesktop.interactions().map(i => [i.interactionId, i.origination]))`); got != `[["`+id+`","integration-api"]]` {
		t.Fatalf("desktop interactions %s", got)
	}
	if got := evalJS[[]string](desk, `adApiDesktop.peers()`); len(got) != 1 || got[0]+"/" != crmURL {
		t.Fatalf("desktop peers %v", got)
	}
	evalJS[OperationResult](desk, `adApiDesktop.connect('`+id+`')`)
	evalJS[map[string]any](crm, `__next('ON_INTERACTION_STATE_CHANGE', '`+id+`', 'delivered')`)

	// A person clicks the documented form on the CRM page.
	crm.do(chromedp.Click(chromedp.ID("startCallButton")))
	if got := crm.waitResult(1); !strings.Contains(got, "success · id ia-") {
		t.Fatalf("form result %q", got)
	}
	crm.screenshot("crm")
}

func TestPlainJSClient(t *testing.T) {
	tb := openTab(t, "")
	tb.do(chromedp.Navigate(crmURL + "test/plain-client.html"))
	hello := evalJS[map[string]any](tb, `__hello`)
	if hello["type"] != "hello" {
		t.Fatalf("hello %v", hello)
	}
	evalJS[bool](tb, `__hi(); true`)
	r := evalJS[map[string]any](tb, `__request('START_CALL', ['+1 415 555 0100', {id: 'c1', type: 'contact', displayName: 'Plain'}])`)
	if r["type"] != "START_CALL_RESPONSE" {
		t.Fatalf("response %v", r)
	}
	id := resultIn(r).id(t)
	ev := evalJS[map[string]any](tb, `__nextEvent('ON_NEW_INTERACTION')`)
	if p := ev["params"].([]any)[0].(map[string]any); p["interactionId"] != id {
		t.Fatalf("event %v", ev)
	}
	// Bad input over the wire: clear errors, and the next call works.
	bad := evalJS[map[string]any](tb, `__request('START_CALL', [42, null])`)
	resultIn(bad).wantError(t, 3, "invalid_args", "phoneNumber: want string, got number")
	unknown := evalJS[map[string]any](tb, `__request('MAKE_COFFEE', [])`)
	if unknown["type"] != "MAKE_COFFEE_RESPONSE" {
		t.Fatalf("unknown request answered %v", unknown)
	}
	resultIn(unknown).wantError(t, 7, "invalid_request", "type: unknown request MAKE_COFFEE")
	resultIn(evalJS[map[string]any](tb, `__request('START_CALL', ['100', null])`)).id(t)
}

// resultIn is the OperationResult a response message carries.
func resultIn(m map[string]any) OperationResult {
	b, err := json.Marshal(m["params"])
	if err != nil {
		panic(err)
	}
	var r OperationResult
	if err := json.Unmarshal(b, &r); err != nil {
		panic(err)
	}
	return r
}

func TestNotAllowedOriginCannotFrameTheDesktop(t *testing.T) {
	t.Parallel() // it waits for the 10 s hello deadline
	tb := openTab(t, "")
	tb.openURL(evilURL + "test/client.html")
	evalJS[bool](tb, wireHelpers)
	// frame-ancestors keeps the desktop out of this page: no hello, so the
	// call is never sent, and settles api_not_answer in bounded time.
	evalJS[OperationResult](tb, `adApi.startCall('100')`).wantError(t, 6, "api_not_answer", "the agent desktop did not say hello")
	if n := evalJS[int](tb, `__wire.length`); n != 0 {
		t.Fatalf("%d messages crossed", n)
	}
	if n := evalJS[int](tb, `document.querySelectorAll('iframe#adc_frame').length`); n != 1 {
		t.Fatalf("%d frames", n)
	}
	// The frame is there, and the desktop is not in it: the browser
	// refused to load it (its target keeps the URL it was asked for).
	docs := tb.frameDocuments(desktopURL)
	if len(docs) != 1 || strings.HasPrefix(docs[0], desktopURL) || strings.HasSuffix(docs[0], "loader:object") {
		t.Fatalf("the frame under a page that is not allowed holds %q, want the browser's error page", docs)
	}
}

func TestDesktopRefusesNotAllowedOrigin(t *testing.T) {
	tb := openTab(t, "")
	tb.do(chromedp.Navigate(evilURL + "test/refused-frame.html"))
	evalJS[bool](tb, `__loaded.then(() => true)`)
	desk := tb.frame(desktopURL)
	resultIn(evalJS[map[string]any](tb, `__ask()`)).wantError(t, 1, "not_enough_privileges", "origin "+strings.TrimSuffix(evilURL, "/")+" is not allowed")
	if n := evalJS[int](desk, `adApiDesktop.interactions().length`); n != 0 {
		t.Fatalf("%d calls placed for a page that is not allowed", n)
	}
	// It is not a peer, so it gets no event: place a call on the desktop.
	evalJS[OperationResult](desk, `adApi.startCall('100')`).id(t)
	if got := evalJS[[]string](desk, `adApiDesktop.peers()`); len(got) != 0 {
		t.Fatalf("peers %v", got)
	}
	if hellos := evalJS[int](tb, `__received.filter(m => m.type === 'hello').length`); hellos != 0 {
		t.Fatalf("the desktop said hello to a page that is not allowed")
	}
}

// awaitForger resolves when testdata/forger.html has posted its forgeries
// and its marker, and two turns of the event loop later: the bridge hands
// events to handlers in a timer set when they arrive, which runs before
// these. Set it before the forger runs.
const awaitForger = `new Promise(resolve => {
	addEventListener('message', function h (e) {
		if (e.data !== 'forger:done') return
		removeEventListener('message', h)
		setTimeout(() => setTimeout(() => resolve(true), 0), 0)
	})
})`

// forgeriesSeen is what reached the page's handlers or its message log
// from the forger.
const forgeriesSeen = `JSON.stringify(__log.filter(e => JSON.stringify(e.payload).includes('forged')).concat(
	__wire.filter(m => JSON.stringify(m.data).includes('forged'))))`

// TestForgedMessagesChangeNothing: a window on the desktop's own origin
// that is not the desktop's frame (a popup) forges the desktop's answer to
// a call in flight (its real uid), events and a hello. The origin is right,
// so only the client's source check stands between them and the widget.
func TestForgedMessagesChangeNothing(t *testing.T) {
	crm, _ := openCRM(t)
	evalJS[OperationResult](crm, `adApi.startCall('100')`).id(t)
	desk := crm.frame(desktopURL)
	evalJS[OperationResult](desk, `adApiDesktop.update({phone: 'dead'})`)
	evalJS[bool](desk, `window.__uid = new Promise(resolve => addEventListener('message', e => {
		if (e.data && e.data.type === 'START_CALL' && e.data.params[0] === '101') resolve(e.data.uid)
	})); true`)
	evalJS[bool](crm, `window.__p = adApi.startCall('101'); true`)
	uid := evalJS[string](desk, `__uid`)
	// (The message logger may have come after the first hi: count the
	// ones sent from here on.)
	his := evalJS[int](crm, `__wire.filter(m => m.type === 'hi').length`)
	evalJS[bool](crm, `window.__forged = `+awaitForger+`;
		window.__popup = window.open('`+desktopURL+`test/forger.html#' + encodeURIComponent('`+uid+`'), 'forger'); true`)
	evalJS[bool](crm, `__forged`)
	evalJS[bool](crm, `__popup.close(); true`)
	if got := evalJS[string](crm, forgeriesSeen); got != "[]" {
		t.Fatalf("forged messages from a popup on the desktop's origin reached the widget: %s", got)
	}
	if n := evalJS[int](crm, `__wire.filter(m => m.type === 'hi').length`) - his; n != 0 {
		t.Fatalf("%d hi sent: a forged hello was taken", n)
	}
	// The call in flight waits for the real desktop, whose phone is dead.
	evalJS[OperationResult](crm, `__p`).wantError(t, 8, "timeout", "Timeout error")
}

// TestForgedMessagesFromTheFrameOnAnotherOrigin: the desktop's own frame
// is navigated to a page on another origin, which forges a hello, an answer
// and events. The window is the right one, so only the client's origin
// check stands between them and the widget.
func TestForgedMessagesFromTheFrameOnAnotherOrigin(t *testing.T) {
	t.Parallel() // it waits for the 10 s hello deadline
	tb := openTab(t, "")
	release := wasmGate.hold() // the logger sees the first hi
	tb.openURL(crmURL + "test/client.html")
	evalJS[bool](tb, wireHelpers)
	evalJS[bool](tb, pageHelpers)
	release()
	evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
	// Wait for the forger and for the page to see the frame load (which
	// may come after the forger's messages).
	evalJS[bool](tb, `const f = document.getElementById('adc_frame')
		window.__forged = Promise.all([`+awaitForger+`, new Promise(resolve => f.addEventListener('load', resolve, {once: true}))])
		f.src = '`+evilURL+`test/forger.html#' + 'any'; true`)
	evalJS[bool](tb, `__forged.then(() => true)`)
	if got := evalJS[string](tb, forgeriesSeen); got != "[]" {
		t.Fatalf("forged messages from the frame on another origin reached the widget: %s", got)
	}
	if n := evalJS[int](tb, `__wire.filter(m => m.type === 'hi').length`); n != 1 {
		t.Fatalf("%d hi sent: a forged hello was taken", n)
	}
	// No hello from the desktop's origin came, so a new call is never sent.
	evalJS[OperationResult](tb, `adApi.startCall('102')`).wantError(t, 6, "api_not_answer", "the agent desktop did not say hello")
	if n := evalJS[int](tb, `__wire.filter(m => m.type === 'START_CALL').length`); n != 1 {
		t.Fatalf("%d START_CALL sent, want only the first", n)
	}
}

func TestDesktopReloadMidFlight(t *testing.T) {
	crm, _ := openCRM(t)
	evalJS[OperationResult](crm, `adApi.startCall('100')`).id(t)
	desk := crm.frame(desktopURL)
	evalJS[OperationResult](desk, `adApiDesktop.update({phone: 'dead'})`)
	// One call is in flight (sent, the phone never dials) when the frame
	// reloads; another is made while the new desktop loads.
	evalJS[bool](crm, `window.__inflight = adApi.startCall('101'); true`)
	evalJS[[]any](crm, `__wireNext('START_CALL', d => d[0] === '101')`)
	evalJS[bool](crm, `new Promise(resolve => {
		const f = document.getElementById('adc_frame')
		f.addEventListener('load', () => { window.__queued = adApi.startCall('102'); resolve(true) }, {once: true})
		f.src = f.src
	})`)
	evalJS[OperationResult](crm, `__inflight`).wantError(t, 6, "api_not_answer", "the agent desktop reloaded")
	queued := evalJS[OperationResult](crm, `__queued`).id(t)
	// The new desktop placed the queued call, and nothing else: the call
	// in flight was not sent again.
	desk2 := crm.frame(desktopURL)
	if got := evalJS[string](desk2, `JSON.stringify(adApiDesktop.interactions().map(i => [i.interactionId, i.phoneNumber]))`); got != `[["`+queued+`","102"]]` {
		t.Fatalf("new desktop holds %s", got)
	}
	// Handlers survived the reload.
	evalJS[OperationResult](desk2, `adApiDesktop.hangUp('`+queued+`')`)
	evalJS[map[string]any](crm, `__next('ON_INTERACTION_STATE_CHANGE', '`+queued+`', 'wrap_up')`)
}

func TestClientSurface(t *testing.T) {
	tb := openTab(t, "")
	tb.openURL(crmURL + "test/client.html")
	// The global adApi makes one frame on first use, and only one.
	if n := evalJS[int](tb, `document.querySelectorAll('iframe').length`); n != 0 {
		t.Fatalf("%d frames before any call", n)
	}
	evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
	evalJS[OperationResult](tb, `adApi.startCall('101')`).id(t)
	if n := evalJS[int](tb, `document.querySelectorAll('iframe#adc_frame').length`); n != 1 {
		t.Fatalf("%d frames for the global adApi", n)
	}
	// Every 5.19 method is a real function; the ones not served say so.
	got := evalJS[string](tb, `(async () => {
		const names = ['openLogin', 'startChat', 'startEmail', 'consultCall', 'setCallRecording', 'setWidgetMinimized']
		const out = []
		for (const n of names) {
			if (typeof adApi[n] !== 'function') return n + ' is not a function'
			const r = await adApi[n]()
			out.push(r.status + ' ' + r.error.code + ' ' + r.error.name)
		}
		const i = new brightpattern.AdApi({integrationKey: 'k2', mountRoot: document.getElementById('two')})
		if (typeof i.getTeams !== 'function' || typeof i.injectMessageLogger !== 'function') return 'instance lacks methods'
		// await adApi must not hang: no catch-all "then".
		if ((await adApi) !== adApi || 'then' in adApi) return 'adApi is thenable'
		return out[0] + ' | ' + new Set(out).size + ' | ' + document.querySelectorAll('iframe').length
	})()`)
	// The second instance shares the first one's frame.
	if got != "error 14 api_method_not_implemented | 1 | 1" {
		t.Fatalf("got %q", got)
	}
}
