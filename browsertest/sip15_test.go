package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/adapi-go/adapi-go/testbed/farend"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// signedIn opens the SIP desktop with the agent signed in.
func signedIn(t *testing.T) *tab {
	t.Helper()
	return signedInWith(t, recordEvents)
}

// signedInWith is signedIn in a tab with its own scripts (openTab's).
func signedInWith(t *testing.T, scripts string) *tab {
	t.Helper()
	bed := sipBed(t)
	tb := openTab(t, scripts)
	tb.openURL(sipEnv.url)
	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login: %s", r)
	}
	return tb
}

// connectedEcho calls the echo number and waits until the call is
// delivered and the far end hears the page; it returns the interaction's
// id and the far end's number for the call.
func connectedEcho(tb *tab) (id string, n int) {
	tb.t.Helper()
	bed := sipEnv.bed
	n = farCount(bed) + 1
	id = evalJS[OperationResult](tb, fmt.Sprintf(`adApi.startCall(%q)`, farend.Echo)).id(tb.t)
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	farCall(tb.t, bed, n, "connected", func(c farend.Call) bool { return c.ICEConnected && c.RTPReceived > 0 })
	return id, n
}

func (tb *tab) ok(expr string) {
	tb.t.Helper()
	if r := evalJS[OperationResult](tb, expr); r.Status != "success" {
		tb.t.Fatalf("%s: %s", expr, r)
	}
}

// Inbound calls: one accepted (audio both ways), one rejected (486), one
// the caller gives up on (CANCEL), one to an agent who is not ready (480).
//
// The ringtone plays while each rings and stops when it is accepted,
// rejected or cancelled (data-adapi-ringing on the desktop's <html>); the
// tab is hidden (document.hidden, as a background tab has it) with
// notifications allowed, so each ringing call shows a notification.
func TestSIPInbound(t *testing.T) {
	bed := sipBed(t)
	tb := openTab(t, recordEvents+`
Object.defineProperty(Document.prototype, 'hidden', {get: () => true})`)
	origin := strings.TrimSuffix(sipEnv.url, "/")
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: "notifications"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: origin})
		return err
	}))
	tb.openURL(sipEnv.url)
	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login: %s", r)
	}
	ring := func(want string) {
		t.Helper()
		// The attribute is set before the event is sent: no wait needed.
		if got := evalJS[string](tb, `document.documentElement.getAttribute('data-adapi-ringing') || ''`); got != want {
			t.Errorf("data-adapi-ringing %q, want %q", got, want)
		}
	}

	ringing := func() (farID int, id string) {
		t.Helper()
		farID, err := bed.FarEnd.Dial("agent", farend.Echo)
		if err != nil {
			t.Fatal(err)
		}
		ev := tb.waitEvent("ON_NEW_INTERACTION", func(a map[string]any) bool {
			return a["callDirection"] == "inbound" && a["state"] == "delivery_pending"
		})
		if ev["phoneNumber"] != farend.Echo {
			t.Errorf("inbound call's phoneNumber %v, want %s", ev["phoneNumber"], farend.Echo)
		}
		ring("1")
		return farID, ev["interactionId"].(string)
	}

	farID, id := ringing()
	tb.ok(fmt.Sprintf(`adApi.acceptInteraction(%q)`, id))
	ring("")
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	farCall(t, bed, farID, "received the agent's audio", func(c farend.Call) bool { return c.State == "answered" && c.RTPReceived >= 25 })
	tb.media("the agent hearing 20 packets of the far end's audio", "m.packetsReceived >= 20")
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
	farCall(t, bed, farID, "ended by the agent", func(c farend.Call) bool { return c.State == "ended" && c.EndedBy == "agent" })

	farID, id = ringing()
	tb.ok(fmt.Sprintf(`adApi.rejectInteraction(%q)`, id))
	ring("")
	farCall(t, bed, farID, "refused with 486", func(c farend.Call) bool { return c.State == "ended" && c.Status == 486 })

	farID, id = ringing()
	if err := bed.FarEnd.Hangup(farID); err != nil {
		t.Fatal(err)
	}
	tb.waitEvent("ON_INTERACTION_REMOVED", func(a map[string]any) bool { return a["interactionId"] == id })
	ring("")
	if got := evalJS[string](tb, `document.documentElement.getAttribute('data-adapi-notified')`); got != "3" {
		t.Errorf("%s notifications shown for 3 calls ringing in a hidden tab", got)
	}

	tb.ok(`adApi.setAgentState('not_ready', 'Lunch')`)
	farID, err := bed.FarEnd.Dial("agent", farend.Echo)
	if err != nil {
		t.Fatal(err)
	}
	farCall(t, bed, farID, "refused with 480", func(c farend.Call) bool { return c.State == "ended" && c.Status == 480 })
	tb.ok(`adApi.setAgentState('ready')`)
}

// Hold and resume by re-INVITE (the far end sees sendonly, then
// sendrecv); DTMF as RFC 4733 telephone-events.
func TestSIPHoldAndDTMF(t *testing.T) {
	tb := signedIn(t)
	bed := sipEnv.bed
	id, n := connectedEcho(tb)

	tb.ok(fmt.Sprintf(`adApi.setCallHold(true, %q)`, id))
	tb.ok(fmt.Sprintf(`adApi.setCallHold(false, %q)`, id))
	c := farCall(t, bed, n, "saw hold and resume", func(c farend.Call) bool { return len(c.Directions) >= 3 })
	if c.Directions[1] != "sendonly" || c.Directions[2] != "sendrecv" {
		t.Errorf("directions %v, want sendrecv, sendonly, sendrecv", c.Directions)
	}

	tb.ok(fmt.Sprintf(`adApi.sendDtmf('123#', %q)`, id))
	farCall(t, bed, n, "received the digits", func(c farend.Call) bool { return c.DTMF == "123#" })
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
}

// Kamailio restarted mid-session: the phone says it is down (the panel's
// pill too), startCall gets 4 meanwhile, it registers again by itself, and a new call works.
func TestSIPReconnect(t *testing.T) {
	tb := signedIn(t)
	bed := sipEnv.bed
	tb.waitEvent("ON_SOFTPHONE_STATUS_CHANGE", func(a map[string]any) bool { return a["value"] == true })
	bed.StopKamailio()
	tb.waitEvent("ON_SOFTPHONE_STATUS_CHANGE", func(a map[string]any) bool { return a["value"] == false })
	tb.pillReads("Phone not registered", "Phone not registered")
	evalJS[OperationResult](tb, fmt.Sprintf(`adApi.startCall(%q)`, farend.Echo)).wantError(t, 4, "logged_without_phone", "phone not registered")
	if err := bed.StartKamailio(); err != nil {
		t.Fatal(err)
	}
	tb.waitEvent("ON_SOFTPHONE_STATUS_CHANGE", func(a map[string]any) bool { return a["value"] == true })
	tb.pillReads("", "Ready")
	n := farCount(bed) + 1
	id := evalJS[OperationResult](tb, fmt.Sprintf(`adApi.startCall(%q)`, farend.Echo)).id(t)
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	farCall(t, bed, n, "answered", func(c farend.Call) bool { return c.State == "answered" })
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
}

// Mute on a SIP call: the call's microphone track is disabled
// (adApiDesktop.media().micEnabled, callMuted in the event) and enabled
// again; no SIP message (the far end sees no re-INVITE).
func TestSIPMute(t *testing.T) {
	tb := signedIn(t)
	bed := sipEnv.bed
	id, n := connectedEcho(tb)
	mic := func() bool {
		t.Helper()
		m := tb.media("the call's first media reading", "true")
		on, isBool := m["micEnabled"].(bool)
		if !isBool {
			t.Fatalf("adApiDesktop.media() without micEnabled: %v", m)
		}
		return on
	}
	if !mic() {
		t.Fatalf("the microphone is off before mute")
	}
	tb.ok(fmt.Sprintf(`adApi.setCallMute(true, %q)`, id))
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", func(a map[string]any) bool { return a["interactionId"] == id && a["callMuted"] == true })
	if mic() {
		t.Errorf("muted, the call's microphone track is still enabled")
	}
	tb.ok(fmt.Sprintf(`adApi.setCallMute(false, %q)`, id))
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", func(a map[string]any) bool { return a["interactionId"] == id && a["callMuted"] == false })
	if !mic() {
		t.Errorf("unmuted, the call's microphone track is still disabled")
	}
	// A re-INVITE after mute would be seen before this call's BYE.
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
	c := farCall(t, bed, n, "ended by the agent", func(c farend.Call) bool { return c.State == "ended" })
	if len(c.Directions) != 1 {
		t.Errorf("the far end saw %d (re-)INVITEs, want 1: %v", len(c.Directions), c.Directions)
	}
}

// A real call from the CRM page on another origin: the page signs the
// agent in through the desktop in its frame (the frame asks for the
// microphone: allow="microphone"), places a call to the echo number, gets
// every event (delivery_pending, delivered, wrap_up) across the frame;
// the far end hears the frame's audio and gets the BYE when the page
// leaves the call.
func TestSIPCallFromCRMPage(t *testing.T) {
	bed := sipBed(t)
	crm := openTab(t, recordEvents)
	crm.openURL(sipEnv.crmURL + "test/client.html")
	if r := crm.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login across frames: %s", r)
	}
	crm.waitEvent("ON_SOFTPHONE_STATUS_CHANGE", func(a map[string]any) bool { return a["value"] == true })
	if allow := evalJS[string](crm, `document.getElementById('adc_frame').allow`); !strings.Contains(allow, "microphone") {
		t.Errorf("the desktop's frame allows %q, not the microphone", allow)
	}
	n := farCount(bed) + 1
	id := evalJS[OperationResult](crm, fmt.Sprintf(`adApi.startCall(%q)`, farend.Echo)).id(t)
	crm.waitEvent("ON_NEW_INTERACTION", func(a map[string]any) bool { return a["interactionId"] == id && a["state"] == "delivery_pending" })
	crm.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	c := farCall(t, bed, n, "received the frame's audio", func(c farend.Call) bool { return c.RTPReceived >= 25 })
	if c.Number != farend.Echo {
		t.Errorf("the far end saw a call to %s, want %s", c.Number, farend.Echo)
	}
	crm.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
	crm.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "wrap_up"))
	farCall(t, bed, n, "ended by the agent's BYE", func(c farend.Call) bool { return c.State == "ended" && c.EndedBy == "agent" })
}
