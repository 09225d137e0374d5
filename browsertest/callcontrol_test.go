package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ccHelpers follow every event a CRM sees, as one line each in __cc, with
// results written there too by __step: the order a CRM observes.
const ccHelpers = `
	window.__cc = []
	window.__ccWaiters = []
	window.__ccPush = line => {
		__cc.push(line)
		for (const w of __ccWaiters.splice(0)) if (!w()) __ccWaiters.push(w)
	}
	window.__seen = line => new Promise(resolve => {
		if (__cc.includes(line)) return resolve(true)
		__ccWaiters.push(() => __cc.includes(line) && (resolve(true), true))
	})
	window.__until = n => new Promise(resolve => {
		if (__cc.length >= n) return resolve(true)
		__ccWaiters.push(() => __cc.length >= n && (resolve(true), true))
	})
	const sum = (name, a) => {
		const p = a[0]
		switch (name) {
			case 'ON_NEW_INTERACTION': case 'ON_INTERACTION_STATE_CHANGE': case 'ON_INTERACTION_REMOVED':
				return p.state + (p.callMuted ? ' muted' : '') + (p.callDirection === 'inbound' ? ' inbound' : '')
			case 'ON_ACTIVE_INTERACTION_SWITCHED': return p === null ? 'null' : 'id'
			case 'ON_LOGIN': return p.username
			case 'ON_PHONE_CAPABILITIES_CHANGE': return String(p.canDial)
			case 'ON_SERVER_ERROR': return p.code + ' ' + p.name
		}
		return a.map(String).join(' ')
	}
	for (const name of ['ON_LOGIN', 'ON_LOGOUT', 'ON_AGENT_STATE_CHANGE', 'ON_SOFTPHONE_STATUS_CHANGE', 'ON_PHONE_CAPABILITIES_CHANGE',
		'ON_SERVER_ERROR', 'ON_NEW_INTERACTION', 'ON_INTERACTION_STATE_CHANGE', 'ON_INTERACTION_REMOVED', 'ON_ACTIVE_INTERACTION_SWITCHED']) {
		adApi.on(name, (...a) => __ccPush((name + ' ' + sum(name, a)).trim()))
	}
	// __step runs one method, writes its result, and waits for the events
	// it causes.
	window.__step = async (label, f, events) => {
		const n = __cc.length
		const r = await f()
		__ccPush(label + ' ' + (r.status === 'success' ? 'ok' : 'error ' + r.error.code + ' ' + r.error.message))
		await __until(n + 1 + events)
		return r
	}
	true`

// crmScript is what a CRM does with the call-control methods, and every
// result and event it sees, in order. The far end answering is the
// desktop's (adApiDesktop.connect), between the call and the hold.
var crmScript = []struct {
	label, call string
	events      int
}{
	{"logout", `adApi.logout()`, 3},
	{"login", `adApi.login({username: 'ada', password: 'pw-s3cret'})`, 4},
	{"setAgentState", `adApi.setAgentState('ready')`, 1},
	{"startCall", `adApi.startCall('+1 415 555 0100')`, 3},
	{"connect", ``, 1},
	{"hold", `adApi.setCallHold(true)`, 1},
	{"resume", `adApi.setCallHold(false)`, 1},
	{"mute", `adApi.setCallMute(true)`, 1},
	{"sendDtmf", `adApi.sendDtmf('123#')`, 1},
	{"leave", `adApi.leaveInteraction()`, 2},
	{"complete", `adApi.completeInteraction()`, 4},
	{"logout", `adApi.logout()`, 3},
}

var crmScriptSeen = []string{
	"logout ok", "ON_SOFTPHONE_STATUS_CHANGE false logged out", "ON_PHONE_CAPABILITIES_CHANGE false", "ON_LOGOUT",
	"login ok", "ON_SOFTPHONE_STATUS_CHANGE true", "ON_PHONE_CAPABILITIES_CHANGE true", "ON_LOGIN ada", "ON_AGENT_STATE_CHANGE not_ready",
	"setAgentState ok", "ON_AGENT_STATE_CHANGE ready",
	"startCall ok", "ON_NEW_INTERACTION delivery_pending", "ON_ACTIVE_INTERACTION_SWITCHED id", "ON_AGENT_STATE_CHANGE busy",
	"ON_INTERACTION_STATE_CHANGE delivered",
	"hold ok", "ON_INTERACTION_STATE_CHANGE hold",
	"resume ok", "ON_INTERACTION_STATE_CHANGE delivered",
	"mute ok", "ON_INTERACTION_STATE_CHANGE delivered muted",
	"sendDtmf ok", "ON_INTERACTION_STATE_CHANGE delivered muted",
	"leave ok", "ON_INTERACTION_STATE_CHANGE wrap_up muted", "ON_AGENT_STATE_CHANGE after_call_work",
	"complete ok", "ON_INTERACTION_STATE_CHANGE completed muted", "ON_INTERACTION_REMOVED completed muted", "ON_ACTIVE_INTERACTION_SWITCHED null", "ON_AGENT_STATE_CHANGE ready",
	"logout ok", "ON_SOFTPHONE_STATUS_CHANGE false logged out", "ON_PHONE_CAPABILITIES_CHANGE false", "ON_LOGOUT",
}

// runCRMScript runs crmScript on page (the desktop page itself, or a CRM
// page with the desktop in its frame desk) and checks what it saw.
func runCRMScript(t *testing.T, page, desk *tab) {
	evalJS[bool](page, ccHelpers)
	var id string
	for _, s := range crmScript {
		if s.label == "connect" {
			id = evalJS[string](desk, `adApiDesktop.interactions()[0].interactionId`)
			n := evalJS[int](page, `__cc.length`)
			if r := evalJS[OperationResult](desk, `adApiDesktop.connect('`+id+`')`); r.Status != "success" {
				t.Fatalf("connect: %s", r)
			}
			evalJS[bool](page, `__until(`+itoa(n+s.events)+`)`)
			continue
		}
		evalJS[bool](page, `__step('`+s.label+`', () => `+s.call+`, `+itoa(s.events)+`).then(() => true)`)
		if s.label == "sendDtmf" {
			if got := evalJS[string](desk, `adApiDesktop.records()[0].dtmf`); got != "123#" {
				t.Fatalf("DTMF recorded on the interaction: %q", got)
			}
		}
	}
	got := evalJS[[]string](page, `__cc`)
	if strings.Join(got, "\n") != strings.Join(crmScriptSeen, "\n") {
		t.Fatalf("the CRM saw:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(crmScriptSeen, "\n"))
	}
	// The desktop shows no password anywhere.
	if got := evalJS[string](desk, `document.body.innerText + JSON.stringify(adApiDesktop.records())`); strings.Contains(got, "pw-s3cret") {
		t.Fatal("the desktop shows the password")
	}
}

func TestCallControlScriptInThePage(t *testing.T) {
	tb := openDesktop(t)
	runCRMScript(t, tb, tb)
}

func TestCallControlScriptAcrossFrames(t *testing.T) {
	crm, _ := openCRM(t)
	evalJS[OperationResult](crm, `adApi.getLoginState()`) // the frame is up
	desk := crm.frame(desktopURL)
	evalJS[OperationResult](desk, `adApiDesktop.update({answerDelayMs: 0})`)
	runCRMScript(t, crm, desk)
	// The message logger saw LOGIN with the password as '***', and each
	// request's response by Bright Pattern's names.
	wire := evalJS[string](crm, `JSON.stringify(__wire)`)
	login := evalJS[map[string]any](crm, `__wire.find(m => m.type === 'LOGIN').data[0]`)
	if strings.Contains(wire, "pw-s3cret") || login["password"] != "***" || login["username"] != "ada" {
		t.Fatalf("the logger saw %s", wire)
	}
	for _, typ := range []string{"LOGOUT", "LOGIN_RESPONSE", "SET_AGENT_STATE", "SET_CALL_HOLD_RESPONSE", "SET_CALL_MUTE", "SEND_DTMF", "LEAVE_INTERACTION_RESPONSE", "COMPLETE_INTERACTION"} {
		if !strings.Contains(wire, `"type":"`+typ+`"`) {
			t.Errorf("no %s in the message log", typ)
		}
	}
}

// TestInboundAndRefusalsAcrossFrames: an inbound call rings on the desktop
// and the CRM accepts it; refusals keep their codes across frames; a
// refused login sends ON_SERVER_ERROR 109; the phone device and the
// interactions state travel with Bright Pattern's shapes.
func TestInboundAndRefusalsAcrossFrames(t *testing.T) {
	crm, _ := openCRM(t)
	evalJS[OperationResult](crm, `adApi.getLoginState()`)
	desk := crm.frame(desktopURL)
	evalJS[bool](crm, ccHelpers)
	r := evalJS[OperationResult](desk, `adApiDesktop.ring('+1 415 555 0199', 'Bob')`)
	in := r.id(t)
	evalJS[bool](crm, `__until(2)`) // the new interaction, the agent ringing
	state := evalJS[map[string]any](crm, `adApi.getAgentState().then(r => r.data)`)
	if state["state"] != "ringing" || state["reservedForIncomingInteraction"] != true {
		t.Fatalf("agent %v", state)
	}
	all := evalJS[map[string]any](crm, `adApi.getInteractionsState().then(r => r.data)`)
	list := all["interactions"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["callDirection"] != "inbound" || list[0].(map[string]any)["state"] != "delivery_pending" {
		t.Fatalf("interactions %v", all)
	}
	// Hold a ringing call: refused with its state; accept it.
	res := evalJS[map[string]any](crm, `adApi.setCallHold(true, '`+in+`')`)
	if e := res["error"].(map[string]any); e["code"] != 15.0 || !strings.Contains(e["message"].(string), "is delivery_pending (ringing inbound)") || res["data"] != nil {
		t.Fatalf("hold while ringing: %v", res)
	}
	if got := evalJS[string](crm, `adApi.acceptInteraction().then(r => r.status)`); got != "success" {
		t.Fatalf("accept: %s", got)
	}
	if got := evalJS[string](desk, `adApiDesktop.interactions()[0].state`); got != "delivered" {
		t.Fatalf("accepted call is %s", got)
	}
	for _, c := range []struct{ call, want string }{
		{`adApi.sendDtmf('12x')`, "3 invalid_args dtmf: invalid character 'x' (allowed: 0-9 * # A-D)"},
		{`adApi.completeInteraction('nope')`, "13 no_interaction interaction nope: no such interaction"},
		{`adApi.setAgentState('busy')`, "3 invalid_args state: the agent may choose ready or not_ready; busy follows the calls"},
		{`adApi.logout()`, "15 not_suitable_state the agent has live calls (" + in + " delivered); leave them first"},
		{`adApi.startChat('web', 'x')`, "14 api_method_not_implemented startChat is not served by adApi-go"},
	} {
		if got := evalJS[string](crm, c.call+`.then(r => r.error.code + ' ' + r.error.name + ' ' + r.error.message)`); got != c.want {
			t.Errorf("%s: %s", c.call, got)
		}
	}
	// Phone devices.
	if got := evalJS[string](crm, `adApi.getPhoneDevicesList().then(r => r.data.join(','))`); got != "phone_type_browser,phone_type_none" {
		t.Fatalf("devices %s", got)
	}
	if got := evalJS[string](crm, `adApi.getPhoneDevice().then(r => r.data.type)`); got != "phone_type_browser" {
		t.Fatalf("device %s", got)
	}
	if got := evalJS[string](crm, `adApi.getAgentNotReadyReasons().then(r => r.data.join(','))`); got != "Break,Lunch,Meeting,Training" {
		t.Fatalf("reasons %s", got)
	}
	// A refused login: not_enough_privileges, and ON_SERVER_ERROR 109.
	evalJS[OperationResult](desk, `adApiDesktop.update({rejectCredentials: true})`)
	n := evalJS[int](crm, `__cc.length`)
	if got := evalJS[string](crm, `adApi.login({username: 'ada', password: 'wrong'}).then(r => r.error.code + ' ' + r.error.message)`); got != "1 invalid credentials" {
		t.Fatalf("refused login: %s", got)
	}
	evalJS[bool](crm, `__until(`+itoa(n+1)+`)`)
	if got := evalJS[string](crm, `__cc[__cc.length - 1]`); got != "ON_SERVER_ERROR 109 invalid_credentials" {
		t.Fatalf("server error event: %s", got)
	}
}

// TestCallControlFromAnOriginNotAllowed: a page that is not allowed gets
// not_enough_privileges for every call-control request, and nothing in the
// desktop changes.
//
// No timer decides what "no answer" is: the page posts every request at
// once, then one last request (a type the desktop does not know) as a
// barrier, and waits only for the barrier's answer. The order argument:
// postMessage from one window to another is delivered in the order it was
// posted; the desktop's loader (web/adapi.js) handles each message
// synchronously in its message listener (a refused one answered there and
// then, from its envelope alone; an allowed one handed to Go, whose
// not-allowed answer is immediate too) and posts any answer back to the
// same window, so answers arrive in the order of their requests. When the
// barrier's answer arrives, the desktop has handled every request before
// it, and any answer it sent has arrived: what has no answer by then got
// none. The refusals' rate limit (20 a second) cannot drop one: the page
// sends 11 messages in all (hi, nine requests, the barrier), fewer than
// any window allows, so every request must be answered, with code 1.
// within's bound only stops a desktop that answers nothing from hanging
// the test; it decides nothing.
func TestCallControlFromAnOriginNotAllowed(t *testing.T) {
	tb := openTab(t, "")
	tb.do(chromedp.Navigate(evilURL + "test/refused-frame.html"))
	evalJS[bool](tb, `__loaded.then(() => true)`)
	desk := tb.frame(desktopURL)
	id := evalJS[OperationResult](desk, `adApiDesktop.update({answerDelayMs: 0}).then(() => adApi.startCall('100'))`).id(t)
	evalJS[OperationResult](desk, `adApiDesktop.connect('`+id+`')`)
	before := evalJS[string](desk, `JSON.stringify([adApiDesktop.settings(), adApiDesktop.interactions().map(i => [i.state, i.callMuted]), adApiDesktop.records()])`)
	got := within[[]string](tb, 20*time.Second, "the desktop answered the barrier request (refused origins' answers, web/adapi.js refuse)", `(async () => {
		const frame = document.querySelector('iframe')
		const desktop = '`+strings.TrimSuffix(desktopURL, "/")+`'
		const answers = new Map() // uid -> answer line
		let barrier
		const done = new Promise(resolve => { barrier = resolve })
		window.addEventListener('message', e => {
			if (e.origin !== desktop || !e.data || typeof e.data.uid !== 'string') return
			const p = e.data.params
			const line = e.data.type + ' ' + (p && p.error ? p.error.code : 'ok')
			if (e.data.uid === 'evil-barrier') barrier(line)
			else answers.set(e.data.uid, line)
		})
		frame.contentWindow.postMessage({uid: 'hi-evil', type: 'hi', params: ['evil']}, desktop)
		const sent = []
		for (const [type, params] of [['LOGOUT', []], ['SET_AGENT_STATE', ['not_ready']], ['SET_CALL_HOLD', [true]],
			['SET_CALL_MUTE', [true]], ['SEND_DTMF', ['1']], ['LEAVE_INTERACTION', []], ['LOGIN', [{username: 'x', password: 'y'}]],
			['SET_PHONE_DEVICE', [{type: 'phone_type_none'}]], ['GET_INTERACTIONS_STATE', []]]) {
			const uid = 'evil-' + sent.length
			sent.push([uid, type])
			frame.contentWindow.postMessage({uid, type, params}, desktop)
		}
		frame.contentWindow.postMessage({uid: 'evil-barrier', type: 'NO_SUCH_REQUEST', params: []}, desktop)
		const last = await done
		return sent.map(([uid, type]) => answers.get(uid) || type + ' no answer').concat(['barrier ' + last])
	})()`)
	want := []string{"LOGOUT_RESPONSE 1", "SET_AGENT_STATE_RESPONSE 1", "SET_CALL_HOLD_RESPONSE 1", "SET_CALL_MUTE_RESPONSE 1",
		"SEND_DTMF_RESPONSE 1", "LEAVE_INTERACTION_RESPONSE 1", "LOGIN_RESPONSE 1", "SET_PHONE_DEVICE_RESPONSE 1",
		"GET_INTERACTIONS_STATE_RESPONSE 1", "barrier NO_SUCH_REQUEST_RESPONSE 1"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("a page that is not allowed got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	after := evalJS[string](desk, `JSON.stringify([adApiDesktop.settings(), adApiDesktop.interactions().map(i => [i.state, i.callMuted]), adApiDesktop.records()])`)
	if before != after {
		t.Fatalf("the desktop changed:\n%s\n%s", before, after)
	}
}

// hostileCalls are call-control calls with arguments that throw, lie or
// are absurd; each gets invalid_args naming the argument, and the next
// call works.
const hostileCalls = `(async () => {
	const boom = () => { throw new Error('boom') }
	const calls = [
		() => adApi.login({get username () { boom() }, password: 'p'}),
		() => adApi.login(new Proxy({}, {get: boom})),
		() => adApi.login({username: 'a', get password () { boom() }}),
		() => adApi.setCallHold(1n),
		() => adApi.setCallMute(true, Symbol('id')),
		() => adApi.sendDtmf('1'.repeat(10000000)),
		() => adApi.setAgentState({toString: boom}),
		() => adApi.setPhoneDevice([1, 2]),
		() => adApi.leaveAndCompleteInteraction('ok', {}, 'x'),
	]
	const out = []
	for (const c of calls) {
		const r = await c()
		out.push(r.status === 'error' ? r.error.code + ' ' + r.error.message : 'success')
	}
	const next = await adApi.getAgentState()
	out.push(next.status + ' ' + next.data.state)
	return out
})()`

var hostileWant = []string{
	"3 loginData.username: could not be read: Error: boom",
	"3 loginData.username: could not be read: Error: boom",
	"3 loginData.password: could not be read: Error: boom",
	"3 state: want boolean, got bigint",
	"3 interactionId: want string, got symbol",
	"3 dtmf: too long (10000000 digits, at most 32)",
	"3 state: want 'ready' or 'not_ready', got object",
	"3 phoneDevice: want object, got array",
	"3 note: want string, got object",
	"success ready",
}

func TestCallControlHostileArguments(t *testing.T) {
	tb := openDesktop(t)
	if got := evalJS[[]string](tb, hostileCalls); strings.Join(got, "\n") != strings.Join(hostileWant, "\n") {
		t.Fatalf("in the page:\n%s", strings.Join(got, "\n"))
	}
	crm, _ := openCRM(t)
	if got := evalJS[[]string](crm, hostileCalls); strings.Join(got, "\n") != strings.Join(hostileWant, "\n") {
		t.Fatalf("across frames:\n%s", strings.Join(got, "\n"))
	}
}

// runSwitchRejectDevice drives switch, leave-and-complete, reject and the
// phone device on page (the desktop's own, or a CRM page) with the
// desktop in desk.
func runSwitchRejectDevice(t *testing.T, page, desk *tab) {
	evalJS[bool](page, ccHelpers)
	res := func(call string) string {
		t.Helper()
		return evalJS[string](page, call+`.then(r => r.status === 'success' ? 'ok' : r.error.code + ' ' + r.error.message)`)
	}
	a := evalJS[OperationResult](page, `adApi.startCall('100')`).id(t)
	evalJS[OperationResult](page, `adApi.startCall('101')`).id(t)
	if got := res(`adApi.switchActiveInteraction('` + a + `')`); got != "ok" {
		t.Fatalf("switch: %s", got)
	}
	if got := evalJS[string](page, `adApi.getInteractionsState().then(r => r.data.activeInteractionId)`); got != a {
		t.Fatalf("active %s, want %s", got, a)
	}
	// leave-and-complete the other one, by id, keeping disposition and note.
	b := evalJS[string](desk, `adApiDesktop.interactions()[1].interactionId`)
	if got := res(`adApi.leaveAndCompleteInteraction('SUCCESS', 'spoke to Ada', '` + b + `')`); got != "ok" {
		t.Fatalf("leave and complete: %s", got)
	}
	// An inbound call, rejected: removed.
	evalJS[OperationResult](desk, `adApiDesktop.ring('200', 'Bob')`).id(t)
	if got := res(`adApi.rejectInteraction()`); got != "ok" {
		t.Fatalf("reject: %s", got)
	}
	// No phone device during a call; after it, calls get logged_without_phone.
	if got := res(`adApi.setPhoneDevice({type: 'phone_type_none'})`); !strings.HasPrefix(got, "15 interaction "+a) {
		t.Fatalf("device during a call: %s", got)
	}
	if got := res(`adApi.leaveAndCompleteInteraction()`); got != "ok" {
		t.Fatalf("leave and complete the active: %s", got)
	}
	if got := res(`adApi.setPhoneDevice({type: 'phone_type_none'})`); got != "ok" {
		t.Fatalf("device none: %s", got)
	}
	if got := res(`adApi.startCall('100')`); got != "4 the agent has no phone device" {
		t.Fatalf("call without a phone: %s", got)
	}
	if got := res(`adApi.setPhoneDevice({type: 'phone_type_browser'})`); got != "ok" {
		t.Fatalf("device browser: %s", got)
	}
	// Each event reaches the page (a missing one fails the test by its
	// deadline).
	for _, want := range []string{
		"ON_ACTIVE_INTERACTION_SWITCHED id", "ON_INTERACTION_REMOVED completed", "ON_NEW_INTERACTION delivery_pending inbound",
		"ON_INTERACTION_REMOVED completed inbound", "ON_PHONE_CAPABILITIES_CHANGE false", "ON_PHONE_CAPABILITIES_CHANGE true",
	} {
		evalJS[bool](page, `__seen('`+want+`')`)
	}
}

func TestSwitchRejectDeviceInThePage(t *testing.T) {
	tb := openDesktop(t)
	runSwitchRejectDevice(t, tb, tb)
}

func TestSwitchRejectDeviceAcrossFrames(t *testing.T) {
	crm, _ := openCRM(t)
	evalJS[OperationResult](crm, `adApi.getLoginState()`)
	desk := crm.frame(desktopURL)
	evalJS[OperationResult](desk, `adApiDesktop.update({answerDelayMs: 0})`)
	runSwitchRejectDevice(t, crm, desk)
}
