package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// loadAdApi inserts the client script into a CRM page that has none, as
// Bright Pattern's example app does, and runs onload (JavaScript) in the
// script's load event, when the module cannot be ready yet (it is fetched
// after the script runs); onload's value is what the expression returns.
func loadAdApi(tb *tab, src, onload string) string {
	tb.t.Helper()
	return evalJS[string](tb, `new Promise((resolve, reject) => {
		const s = document.createElement('script')
		s.src = `+jsString(src)+`
		s.onerror = () => reject(new Error('cannot load ' + s.src))
		s.onload = () => { try { resolve(String((() => { `+onload+` })())) } catch (e) { resolve('threw: ' + e) } }
		document.head.appendChild(s)
	})`)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

const whenReady = `new Promise(r => __adApiLoader.isReady ? r(true) : document.addEventListener('adapi:ready', () => r(true)))`

// TestPageOrders: whatever order a page makes its instance, assigns
// window.adApi and calls, against the module becoming ready, its calls go
// through, once, on one desktop frame; the module being ready never
// touches a page object (it used to decorate whatever window.adApi was
// then, and the page's own instance then called itself forever).
func TestPageOrders(t *testing.T) {
	for _, tc := range []struct {
		name, onload, afterReady string
	}{
		{"instance and window.adApi before ready",
			`window.__i = new brightpattern.AdApi({integrationKey: 'k', mountRoot: document.getElementById('mount')}); window.adApi = __i`, ``},
		{"instance before ready, window.adApi after",
			`window.__i = new brightpattern.AdApi({integrationKey: 'k', mountRoot: document.getElementById('mount')})`, `window.adApi = __i`},
		{"instance and window.adApi after ready",
			``, `window.__i = new brightpattern.AdApi({integrationKey: 'k', mountRoot: document.getElementById('mount')}); window.adApi = __i`},
		{"two instances",
			`window.__i = new brightpattern.AdApi({integrationKey: 'k', mountRoot: document.getElementById('mount')}); window.adApi = __i
			 window.__j = new brightpattern.AdApi({integrationKey: 'k2', mountRoot: document.getElementById('two')})`, ``},
		{"adcFrame: an iframe of the page's own",
			`const f = document.createElement('iframe'); f.id = 'mine'; document.getElementById('mount').appendChild(f)
			 window.__i = new brightpattern.AdApi({integrationKey: 'k', adcFrame: f}); window.adApi = __i`, ``},
		{"the global before any instance",
			`window.__early = adApi.startCall('+1 415 555 0100')
			 window.__i = new brightpattern.AdApi({integrationKey: 'k', mountRoot: document.getElementById('mount')}); window.adApi = __i`, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := openTab(t, "")
			tb.do(chromedp.Navigate(crmURL + "test/blank.html"))
			// The wire is logged from the start (the logger sees what is
			// sent after it is injected).
			if got := loadAdApi(tb, desktopURL+"adapi.js", wireHelpers+`;`+tc.onload+`; return __adApiLoader.isReady`); got != "false" {
				t.Fatalf("at the script's load the module was ready, or the page threw: %s", got)
			}
			evalJS[bool](tb, whenReady)
			if tc.afterReady != "" {
				evalJS[bool](tb, tc.afterReady+`; true`)
			}
			evalJS[bool](tb, pageHelpers)
			if got := evalJS[string](tb, `[adApi === __i, typeof __i.startCall, document.querySelectorAll('iframe').length].join()`); got != "true,function,1" {
				t.Fatalf("adApi is the instance, has startCall, one frame: %s", got)
			}
			id := evalJS[OperationResult](tb, `adApi.startCall('+1 415 555 0123', {id: 'c1', type: 'contact', displayName: 'Ada'})`).id(t)
			evalJS[map[string]any](tb, `__next('ON_NEW_INTERACTION', '`+id+`')`)
			if tc.name == "two instances" {
				// The second instance is the same client on the same frame:
				// one hi in all (the logger went in before the frame was
				// made, in the script's load event).
				evalJS[OperationResult](tb, `__j.startCall('101')`).id(t)
				if got := evalJS[string](tb, `[__i.adcFrame === __j.adcFrame, __wire.filter(m => m.type === 'hi').length].join()`); got != "true,1" {
					t.Fatalf("second instance: same frame, one hi: %s", got)
				}
			}
			if tc.name == "adcFrame: an iframe of the page's own" {
				if got := evalJS[string](tb, `[__i.adcFrame.id, __i.adcFrame.src].join()`); got != "mine,"+desktopURL {
					t.Fatalf("the page's frame: %s", got)
				}
			}
			if tc.name == "the global before any instance" {
				evalJS[OperationResult](tb, `__early`).id(t)
			}
			desk := tb.frame(desktopURL)
			if n := evalJS[int](desk, `adApiDesktop.interactions().length`); n < 1 {
				t.Fatalf("the desktop holds %d calls", n)
			}
		})
	}
}

// TestPageReplacedAdApi: a page that made adApi something else entirely
// after the script ran keeps it as it made it, on either role.
func TestPageReplacedAdApi(t *testing.T) {
	t.Run("client", func(t *testing.T) {
		tb := openTab(t, "")
		tb.do(chromedp.Navigate(crmURL + "test/blank.html"))
		if got := loadAdApi(tb, desktopURL+"adapi.js", `window.adApi = {mine: 1}; return __adApiLoader.isReady`); got != "false" {
			t.Fatalf("at load: %s", got)
		}
		evalJS[bool](tb, whenReady)
		if got := evalJS[string](tb, `Object.keys(adApi).join()`); got != "mine" {
			t.Fatalf("the page's adApi became %s", got)
		}
		evalJS[OperationResult](tb, `new brightpattern.AdApi().startCall('100')`).id(t)
	})
	t.Run("desktop", func(t *testing.T) {
		release := wasmGate.hold()
		defer release()
		tb := openTab(t, "")
		tb.do(chromedp.Navigate(desktopURL))
		if got := evalJS[string](tb, `window.__old = adApi; window.adApi = {mine: 1}; String(__adApiLoader.isReady)`); got != "false" {
			t.Fatalf("ready before the module was served: %s", got)
		}
		release()
		tb.waitReady()
		if got := evalJS[string](tb, `Object.keys(adApi).join()`); got != "mine" {
			t.Fatalf("the page's adApi became %s", got)
		}
		evalJS[OperationResult](tb, `__old.startCall('100')`).id(t)
	})
}

// bpMethods is every method of Bright Pattern's published
// AgentDesktopClientAPI (crm-client-api-example,
// src/brightpattern-client-api-types.d.ts), on and remove aside.
var bpMethods = []string{"injectMessageLogger", "getLoginState", "login", "openLogin", "logout", "getAgentState",
	"setAgentState", "acceptInteraction", "rejectInteraction", "startCall", "startChat", "startEmail", "sendDtmf",
	"consultCall", "blindTransfer", "transfer", "leaveInteraction", "completeInteraction",
	"leaveAndCompleteInteraction", "switchActiveInteraction", "inviteToCallConference", "removeFromCallConference",
	"destroyCallConference", "mergeAllCallsIntoConference", "inviteToChatConference", "removeFromChatConference",
	"getTeams", "getTeamMembers", "getServicesList", "getService", "setService", "getDIDNumbersList", "getDIDNumber",
	"setDIDNumber", "getDispositionsList", "setDisposition", "setRescheduleWindow", "addNote", "updateNote",
	"replaceNote", "getConfig", "setVariable", "getVariables", "addInteractionAssociatedObject",
	"setInteractionActiveScreen", "getPhoneDevicesList", "getPhoneDevice", "setPhoneDevice", "setCallHold",
	"setCallRecording", "setCallMute", "setScreenRecordingMute", "getScreenRecordingState", "setWidgetMinimized",
	"sendChatMessage", "suggestChatMessage", "getAgentNotReadyReasons", "activatePage", "getInteractionsState",
	"setCallRecordingMute", "setDialCandidates", "on", "remove"}

// TestEveryBrightPatternMethod: an app's buttons never meet a TypeError:
// every method is a function on the global and on an instance (client) and
// on the desktop page's adApi, and each resolves an OperationResult.
func TestEveryBrightPatternMethod(t *testing.T) {
	names := "['" + strings.Join(bpMethods, "','") + "']"
	check := `(async (objs) => {
		for (const [where, o] of objs) for (const n of ` + names + `) {
			if (typeof o[n] !== 'function') return where + '.' + n + ' is ' + typeof o[n]
		}
		// Not served ones resolve api_method_not_implemented; which are
		// served changes, so only the shape is checked here.
		for (const n of ['openLogin', 'getVariables', 'setDialCandidates', 'mergeAllCallsIntoConference']) {
			const r = await objs[0][1][n]()
			if (!r || (r.status !== 'success' && r.status !== 'error')) return n + ' resolved ' + JSON.stringify(r)
			if (r.status === 'error' && typeof r.error.code !== 'number') return n + ' resolved ' + JSON.stringify(r)
		}
		return 'ok'
	})`
	crm := openTab(t, "")
	crm.openURL(crmURL + "test/client.html")
	if got := evalJS[string](crm, check+`([['adApi', adApi], ['instance', new brightpattern.AdApi({})]])`); got != "ok" {
		t.Fatal(got)
	}
	// Its answer reaches the message loggers, an app's view of results.
	evalJS[bool](crm, wireHelpers)
	if got := evalJS[string](crm, `adApi.openLogin().then(r => r.error.code + ' ' + r.error.name)`); got != "14 api_method_not_implemented" {
		t.Fatalf("openLogin: %s", got)
	}
	if got := evalJS[string](crm, `__wireNext('OPEN_LOGIN_RESPONSE').then(d => d.status + ' ' + d.error.code)`); got != "error 14" {
		t.Fatalf("OPEN_LOGIN_RESPONSE logged as %s", got)
	}
	// So does a served call the page refuses before sending it, by the time
	// its promise settles (the loggers run first).
	if got := evalJS[string](crm, `adApi.sendDtmf('', '').then(r => r.error.code + ' ' + r.error.name + ' logged ' +
		JSON.stringify(__wire.filter(m => m.type === 'SEND_DTMF_RESPONSE').map(m => m.data.error.code)))`); got != "3 invalid_args logged [3]" {
		t.Fatalf("sendDtmf(''): %s", got)
	}
	desk := openTab(t, "")
	desk.open("")
	if got := evalJS[string](desk, check+`([['adApi', adApi]])`); got != "ok" {
		t.Fatal(got)
	}
}

// TestLoadedTwice: a page that loads the client script twice (both of
// Bright Pattern's paths, say) is served by the first copy, with a warning,
// and no error.
func TestLoadedTwice(t *testing.T) {
	tb := openTab(t, "")
	tb.do(chromedp.Navigate(crmURL + "test/blank.html"))
	loadAdApi(tb, desktopURL+"agent/communicator/adapters/api.js", `window.__first = brightpattern.AdApi; return ''`)
	loadAdApi(tb, desktopURL+"agent/crmembedded/adapters/api.js", `return ''`)
	evalJS[bool](tb, whenReady)
	if got := evalJS[bool](tb, `brightpattern.AdApi === __first`); !got {
		t.Fatal("the second copy replaced brightpattern.AdApi")
	}
	evalJS[OperationResult](tb, `new brightpattern.AdApi({}).startCall('100')`).id(t)
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.consoleWarns) == 0 || !strings.Contains(strings.Join(tb.consoleWarns, " "), "loaded twice") {
		t.Fatalf("warnings %q", tb.consoleWarns)
	}
}
