package desk

import (
	"context"
	"slices"
	"testing"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/bridge/model"
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// netPhone is the reference phone seen as one that waits on the network
// (not phone.Instant, as the SIP phone): the desktop must wait for it to
// say it registered. The handler is kept, to send what the network would.
type netPhone struct {
	phone.Phone
	h phone.Handler
}

func (n *netPhone) SetHandler(h phone.Handler) { n.h = h; n.Phone.SetHandler(h) }

// Register says the phone registered, as the SIP phone does (the model
// starts registered and says nothing).
func (n *netPhone) Register(ctx context.Context, cred phone.Credentials) error {
	err := n.Phone.Register(ctx, cred)
	if err == nil {
		n.h(phone.Event{Kind: phone.EventStatus, Ready: true})
	}
	return err
}

// A phone that must register (SIP) is not ready until it says so: before,
// the methods that place or answer calls get logged_without_phone (4,
// "phone not registered"), before the agent's state and the self call
// (SPEC.md's order); the others answer as before. A dropped connection
// (not ready, with a reason) brings 4 back until it registers again. The
// reference phone is ready from the start.
func TestPhoneReadyOnceRegistered(t *testing.T) {
	if _, sp, _, _ := newTestDesktop(); !sp.PhoneReady() {
		t.Fatal("the reference phone is not ready from the start")
	}
	clock := bridge.NewFakeClock(epoch)
	rec := &recorder{}
	ph := &netPhone{Phone: model.New(clock)}
	sp := New(clock, ph, rec.emit)
	b := &bridge.Bridge{Desktop: sp, Clock: clock}
	ctx := context.Background()
	notReg := func(what string, err error) {
		t.Helper()
		if e := bridge.AsError(err); err == nil || e.Code != bridge.LoggedWithoutPhone || e.Message != "phone not registered" {
			t.Fatalf("%s: %v, want 4 phone not registered", what, err)
		}
	}
	start := func(number string) (string, error) {
		return b.StartCall(ctx, "", jsval.String(number), jsval.Undefined)
	}

	if sp.PhoneReady() {
		t.Fatal("a phone that must register is ready before it did")
	}
	_, err := start("100")
	notReg("startCall", err)
	_, err = start("1001") // the agent's own number: the phone comes first
	notReg("startCall, self call", err)
	notReg("acceptInteraction", sp.Accept(ctx, ""))
	if err := sp.Hold(""); code(err) != bridge.NoInteraction {
		t.Fatalf("hold with no call: %v, want 13", err)
	}
	if _, err := sp.AgentStateData(); err != nil {
		t.Fatalf("getAgentState: %v", err)
	}
	must(t, sp.SetAgentState(AgentNotReady, "Break"))
	_, err = start("100") // the phone before the state
	notReg("startCall, not ready", err)
	must(t, sp.SetAgentState(AgentReady, ""))

	must(t, sp.Login(ctx, phone.Credentials{Username: "agent", Password: "pw"}, false))
	if !sp.PhoneReady() {
		t.Fatal("not ready after the phone registered")
	}
	id, err := start("100")
	if err != nil {
		t.Fatalf("startCall once registered: %v", err)
	}
	must(t, sp.HangUp(id))

	ph.h(phone.Event{Kind: phone.EventStatus, Error: "websocket closed"})
	if sp.PhoneReady() {
		t.Fatal("ready after the connection dropped")
	}
	_, err = start("100")
	notReg("startCall, connection dropped", err)
	ph.h(phone.Event{Kind: phone.EventStatus, Ready: true})
	if _, err := start("100"); err != nil {
		t.Fatalf("startCall, registered again: %v", err)
	}
	want := []string{`ON_SOFTPHONE_STATUS_CHANGE false "websocket closed"`, "ON_SOFTPHONE_STATUS_CHANGE true"}
	var got []string
	for _, n := range rec.names() {
		if n == want[0] || n == want[1] {
			got = append(got, n)
		}
	}
	if !slices.Equal(got[len(got)-2:], want) {
		t.Fatalf("status events %q, want %q last", got, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
