package browsertest

import (
	"strings"
	"testing"
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
