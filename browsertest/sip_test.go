package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/server"
	"github.com/adapi-go/adapi-go/testbed"
	"github.com/adapi-go/adapi-go/testbed/farend"
	"github.com/chromedp/chromedp"
)

// sipPlacementTimeout is the SIP desktops' placement deadline: ICE
// gathering on loopback and an INVITE with its digest round trip, on a
// loaded CI machine.
const sipPlacementTimeout = 4 * time.Second

// sipEnv is the SIP test bed (Kamailio and the far end) and three agent
// desktops whose config has a sip section: one pointed at the bed, one at
// a port where nothing listens, one at a WebSocket server that never
// answers. Started by the first SIP test, stopped after all tests
// (afterAll).
var sipEnv struct {
	once      sync.Once
	err       error
	bed       *testbed.Bed
	silent    *testbed.Silent
	url       string             // the desktop whose phone registers at the bed
	downURL   string             // ... at a server that is down
	silentURL string             // ... at a server that never answers
	crmURL    string             // a CRM page on another site the first desktop allows, with a trailing /
	ice       []server.ICEServer // the first desktop's sip.iceServers
}

func sipBed(t *testing.T) *testbed.Bed {
	t.Helper()
	sipEnv.once.Do(func() { sipEnv.err = startSIP() })
	if sipEnv.err != nil {
		t.Fatal(sipEnv.err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			calls, _ := sipEnv.bed.FarEnd.Calls()
			t.Logf("the far end's calls: %+v", calls)
		}
	})
	return sipEnv.bed
}

func startSIP() error {
	root, _ := filepath.Abs("..")
	web := filepath.Join(root, "web")
	var lns [4]net.Listener
	for i := range lns {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		lns[i] = ln
		afterAll = append(afterAll, func() { ln.Close() })
	}
	origin := "http://" + lns[0].Addr().String()
	bed, err := testbed.Start(testbed.Options{Origin: origin, FarEnd: farend.Config{AnswerDelay: 300 * time.Millisecond, HangupAfter: 2 * time.Second}})
	if err != nil {
		return err
	}
	afterAll = append(afterAll, func() { bed.Close() })
	silent, err := testbed.StartSilent()
	if err != nil {
		return err
	}
	afterAll = append(afterAll, func() { silent.Close() })
	// A port where nothing listens: taken, then freed.
	free, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	downWS := "ws://" + free.Addr().String() + "/ws"
	free.Close()
	sipEnv.bed, sipEnv.silent = bed, silent
	// The CRM page: localhost (another site than 127.0.0.1), loading
	// adapi.js from the first desktop, which allows it.
	sipEnv.crmURL = fmt.Sprintf("http://localhost:%d/", lns[3].Addr().(*net.TCPAddr).Port)
	go http.Serve(lns[3], testPages(origin))
	for i, ws := range []string{bed.WSURL, downWS, silent.URL} {
		allowed := []string{}
		var ice []server.ICEServer
		if i == 0 {
			allowed = []string{strings.TrimSuffix(sipEnv.crmURL, "/")}
			ice = sipICEServers(downWS)
			sipEnv.ice = ice
		}
		cfg := server.Config{
			AllowedOrigins:     allowed,
			PlacementTimeoutMs: int(sipPlacementTimeout / time.Millisecond),
			DialPlan:           &server.DialPlan{Country: "US"},
			SIP:                &server.SIP{WSURL: ws, Domain: bed.Domain, ICEServers: ice},
			TestHooks:          i == 1, // TestPanicWhileSettlingAMethodIsContained
		}
		go http.Serve(lns[i], server.Handler(web, cfg))
	}
	sipEnv.url = origin + "/"
	sipEnv.downURL = "http://" + lns[1].Addr().String() + "/"
	sipEnv.silentURL = "http://" + lns[2].Addr().String() + "/"
	return nil
}

// recordEvents makes the page keep every event it is sent, in
// window.__events as [name, args]; and window.__media(ok), a promise of
// adApiDesktop.media() once ok holds for it, looked at again after each of
// the page's getStats readings (the only moment its counters change: the
// page's own callback runs first, then this one's second hop).
const recordEvents = `{
	const getStats = RTCPeerConnection.prototype.getStats
	const waiters = []
	RTCPeerConnection.prototype.getStats = function (...args) {
		const p = getStats.apply(this, args)
		p.then(() => Promise.resolve().then(() => { for (const w of waiters.splice(0)) w() }), () => {})
		return p
	}
	window.__media = ok => new Promise(resolve => {
		const check = () => { const m = adApiDesktop.media(); m && ok(m) ? resolve(m) : waiters.push(check) }
		check()
	})
}
window.__events = []
window.__waiters = []
// __next(n) resolves when the page has been sent more than n events.
window.__next = n => new Promise(resolve => window.__events.length > n ? resolve() : window.__waiters.push(resolve))
document.addEventListener('adapi:ready', () => {
	for (const name of ['ON_LOGIN', 'ON_LOGOUT', 'ON_SOFTPHONE_STATUS_CHANGE', 'ON_SERVER_ERROR', 'ON_NEW_INTERACTION',
		'ON_INTERACTION_STATE_CHANGE', 'ON_INTERACTION_REMOVED', 'ON_AGENT_STATE_CHANGE'])
		adApi.on(name, (...args) => {
			window.__events.push([name, JSON.parse(JSON.stringify(args))])
			for (const w of window.__waiters.splice(0)) w()
		})
})`

// media is adApiDesktop.media() once ok, a JavaScript condition on it
// (m), holds (recordEvents' __media: looked at after each of the page's
// readings); what names what should happen.
func (tb *tab) media(what, ok string) map[string]any {
	tb.t.Helper()
	return within[map[string]any](tb, 30*time.Second, what, `__media(m => `+ok+`)`)
}

// sipEvent is one recorded event.
type sipEvent struct {
	Name string
	Args []json.RawMessage
}

// evCursor is, per tab, how many of its events waitEvent has consumed.
var evCursor = map[*tab]int{}

// waitEvent waits until the page has been sent an event named name whose
// first argument satisfies ok (nil: any), after the last one waitEvent
// returned, and returns it (a second argument, if any, as "second"; a
// first that is not an object as "value").
func (tb *tab) waitEvent(name string, ok func(arg map[string]any) bool) map[string]any {
	tb.t.Helper()
	seen := evCursor[tb]
	// When the event never comes, the test fails saying which, with every
	// event the page was sent: the wait ends 5 s before the tab's own
	// deadline, which leaves the time to ask for them.
	bound := 30 * time.Second
	if d, ok := tb.ctx.Deadline(); ok {
		bound = time.Until(d).Truncate(time.Second) - 5*time.Second
	}
	got := false
	defer func() {
		if !got {
			ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
			defer cancel()
			all, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(__events)`))
			tb.t.Logf("events the page was sent: %s", all)
		}
	}()
	for {
		// Waits in the page for the next event, then looks at all of them.
		raw := within[[][]json.RawMessage](tb, bound, "the event "+name, fmt.Sprintf(`__next(%d).then(() => __events.slice(%d))`, seen, seen))
		for _, r := range raw {
			seen++
			var n string
			json.Unmarshal(r[0], &n)
			if n != name {
				continue
			}
			var args []any
			json.Unmarshal(r[1], &args)
			arg := map[string]any{}
			if len(args) > 0 {
				if m, isMap := args[0].(map[string]any); isMap {
					arg = m
				} else {
					arg["value"] = args[0]
				}
				if len(args) > 1 {
					arg["second"] = args[1]
				}
			}
			if ok == nil || ok(arg) {
				evCursor[tb] = seen
				got = true
				return arg
			}
		}
	}
}

// stateOf is a predicate on an interaction's state.
func stateOf(id, state string) func(map[string]any) bool {
	return func(a map[string]any) bool { return a["interactionId"] == id && a["state"] == state }
}

// login signs the agent in on the page and returns the result.
func (tb *tab) login(user, password string) OperationResult {
	tb.t.Helper()
	return evalJS[OperationResult](tb, fmt.Sprintf(`adApi.login({username: %q, password: %q})`, user, password))
}

// farCall waits until the far end has a call n (1-based) that satisfies ok.
func farCall(t *testing.T, bed *testbed.Bed, n int, what string, ok func(farend.Call) bool) farend.Call {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return bed.FarEnd.WaitCall(ctx, t, n, what, ok)
}

// farCount is how many calls the far end has seen.
func farCount(bed *testbed.Bed) int {
	calls, _ := bed.FarEnd.Calls()
	return len(calls)
}

// Login registers the phone at the SIP server: a wrong password is
// refused (not_enough_privileges, ON_SERVER_ERROR 109), the right one
// registers (ON_SOFTPHONE_STATUS_CHANGE true).
func TestSIPLogin(t *testing.T) {
	bed := sipBed(t)
	tb := openTab(t, recordEvents)
	tb.openURL(sipEnv.url)

	r := tb.login("agent", "wrong-"+bed.Passwords["agent"])
	if r.Status != "error" || r.Error == nil || r.Error.Code != 1 || r.Error.Message != "invalid credentials" {
		t.Fatalf("login with a wrong password: %s", r)
	}
	tb.waitEvent("ON_SERVER_ERROR", func(a map[string]any) bool { return a["code"] == float64(109) })
	// The password is never shown in the page's events.
	if all := evalJS[string](tb, `JSON.stringify(window.__events)`); strings.Contains(all, bed.Passwords["agent"]) {
		t.Fatalf("the password is in an event: %s", all)
	}

	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login: %s", r)
	}
	tb.waitEvent("ON_SOFTPHONE_STATUS_CHANGE", func(a map[string]any) bool { return a["value"] == true })
	if got := evalJS[map[string]any](tb, `adApi.getLoginState().then(r => r.data)`); got["isLoggedIn"] != true {
		t.Fatalf("getLoginState: %v", got)
	}
}

// A server that is down: login fails with unknown_error naming the URL
// (and ON_SERVER_ERROR 200).
func TestSIPServerDown(t *testing.T) {
	sipBed(t)
	tb := openTab(t, recordEvents)
	tb.openURL(sipEnv.downURL)
	r := tb.login("agent", "whatever")
	if r.Status != "error" || r.Error == nil || r.Error.Code != 99 || !strings.Contains(r.Error.Message, "ws://127.0.0.1:") {
		t.Fatalf("login, server down: %s", r)
	}
	tb.waitEvent("ON_SERVER_ERROR", func(a map[string]any) bool { return a["code"] == float64(200) })
}

// An answered call: dialling started at the server's first response
// (delivery_pending), delivered at the answer, audio both ways (the far
// end counts the page's RTP and echoes it; the page's getStats counts
// what comes back), the agent leaves: BYE.
func TestSIPCallAnswered(t *testing.T) {
	bed := sipBed(t)
	tb := signedIn(t)
	n := farCount(bed) + 1
	start := time.Now()
	id := evalJS[OperationResult](tb, `adApi.startCall('+1 202 555 0100')`).id(t)
	placed := time.Since(start)
	tb.waitEvent("ON_NEW_INTERACTION", func(a map[string]any) bool { return a["interactionId"] == id && a["state"] == "delivery_pending" })
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	// Set-up time as the test sees it (a figure for the README, no bound):
	// startCall to its result (the INVITE's first response), and to
	// delivered (answered, the far end's ringing included).
	t.Logf("set-up on this machine: startCall → result %v, → delivered %v", placed.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	c := farCall(t, bed, n, "received 50 RTP packets from the page", func(c farend.Call) bool { return c.RTPReceived >= 50 })
	if c.Number != farend.Echo || c.Directions[0] != "sendrecv" || !c.ICEConnected {
		t.Errorf("far end saw %+v", c)
	}
	// The page hears the echo.
	got := tb.media("the page hearing 20 packets of the echo", "m.packetsReceived >= 20")
	if got["packetsSent"].(float64) <= 0 {
		t.Errorf("page's stats: %v", got)
	}
	if n := evalJS[int](tb, `document.querySelectorAll('audio[data-adapi=remote-audio]').length`); n != 1 {
		t.Errorf("%d remote audio elements, want 1", n)
	}

	if r := evalJS[OperationResult](tb, fmt.Sprintf(`adApi.leaveInteraction(%q)`, id)); r.Status != "success" {
		t.Fatalf("leaveInteraction: %s", r)
	}
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "wrap_up"))
	farCall(t, bed, n, "ended by the agent's BYE", func(c farend.Call) bool { return c.State == "ended" && c.EndedBy == "agent" })
	if n := evalJS[int](tb, `document.querySelectorAll('audio[data-adapi=remote-audio]').length`); n != 0 {
		t.Errorf("%d remote audio elements after the call, want 0", n)
	}
}

// Failed calls: busy (486) and rejected (603) go to wrap_up with the SIP
// status in attachedData; the far end hanging up sends the call to
// wrap_up too.
func TestSIPCallFailures(t *testing.T) {
	bed := sipBed(t)
	tb := signedIn(t)
	for _, tt := range []struct {
		number, status, reason string
	}{{farend.Busy, "486", "Busy Here"}, {farend.Reject, "603", "Decline"}} {
		id := evalJS[OperationResult](tb, fmt.Sprintf(`adApi.startCall(%q)`, tt.number)).id(t)
		ev := tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "wrap_up"))
		ad, _ := ev["attachedData"].(map[string]any)
		if ad["sipStatus"] != tt.status || ad["sipReason"] != tt.reason {
			t.Errorf("%s: attachedData %v, want sipStatus %s, sipReason %s", tt.number, ev["attachedData"], tt.status, tt.reason)
		}
	}

	n := farCount(bed) + 1
	id := evalJS[OperationResult](tb, fmt.Sprintf(`adApi.startCall(%q)`, farend.HangUp)).id(t)
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "wrap_up"))
	farCall(t, bed, n, "ended by the far end", func(c farend.Call) bool { return c.State == "ended" && c.EndedBy == "far end" })
}

// A call never answered, left: CANCEL (the far end sees it cancelled).
// A number the server never answers: Timeout error at the placement
// deadline, and nothing stays up.
func TestSIPCancelAndDeadline(t *testing.T) {
	bed := sipBed(t)
	tb := signedIn(t)
	n := farCount(bed) + 1
	id := evalJS[OperationResult](tb, fmt.Sprintf(`adApi.startCall(%q)`, farend.NoAnswer)).id(t)
	farCall(t, bed, n, "ringing", func(c farend.Call) bool { return c.State == "ringing" })
	if r := evalJS[OperationResult](tb, fmt.Sprintf(`adApi.leaveInteraction(%q)`, id)); r.Status != "success" {
		t.Fatalf("leaveInteraction: %s", r)
	}
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "wrap_up"))
	farCall(t, bed, n, "cancelled", func(c farend.Call) bool { return c.State == "ended" && c.Cancelled })

	before := farCount(bed)
	within[OperationResult](tb, 10*testPlacementTimeout, "no answer for a number the SIP server never answers: the placement deadline did not end the call",
		fmt.Sprintf(`adApi.startCall(%q)`, farend.Silent)).wantError(t, 8, "timeout", "Timeout error")
	if farCount(bed) != before {
		t.Errorf("the far end saw a call to the silent number")
	}
	if got := evalJS[int](tb, fmt.Sprintf(`adApiDesktop.interactions().filter(i => i.phoneNumber === %q && (i.state === 'delivery_pending' || i.state === 'delivered')).length`, farend.Silent)); got != 0 {
		t.Errorf("%d calls to %s stay up after the timeout", got, farend.Silent)
	}
}

// A SIP server that accepts the WebSocket and never answers: login fails.
func TestSIPSilentServer(t *testing.T) {
	sipBed(t)
	tb := openTab(t, recordEvents)
	tb.openURL(sipEnv.silentURL)
	// The desktop's own deadline for login (8, timeout), or the UA's
	// (99, naming the URL), whichever comes first.
	r := tb.login("agent", "whatever")
	if r.Status != "error" || r.Error == nil || (r.Error.Code != 8 && r.Error.Code != 99) {
		t.Fatalf("login, silent server: %s", r)
	}
	if h, _ := sipEnv.silent.Accepted(); h == 0 {
		t.Errorf("the page never opened the WebSocket")
	}
}
