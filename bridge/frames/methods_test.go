package frames

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/api"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// TestDesktopEndMethods: call-control requests across frames: served only
// for an allowed origin that said hi, answered <NAME>_RESPONSE with
// Bright Pattern's OperationResult; a refused origin changes nothing.
func TestDesktopEndMethods(t *testing.T) {
	b, sp, _, _ := testDesk(t)
	id := call(t, b, "100")
	must(t, sp.Connect(id))
	w := &wire{}
	d := NewDesktopEnd(b, []string{"https://crm.example"}, w.sendTo)
	ask := func(origin, uid, typ string, params ...any) Message {
		t.Helper()
		before := len(w.all())
		d.Receive(origin, 1, jsval.ValueOf(map[string]any{"uid": uid, "type": typ, "params": params}))
		got := w.all()[before:]
		if len(got) != 1 || got[0].UID != uid || got[0].Type != typ+"_RESPONSE" {
			t.Fatalf("%s answered %+v", typ, got)
		}
		return asReceived(t, got[0])
	}
	result := func(m Message) (any, error) { return bridge.DecodeMethodResult(m.Param(0)) }
	before := sp.Interactions()
	for _, typ := range []string{"SET_CALL_HOLD", "LOGOUT", "SET_CALL_MUTE"} {
		_, err := result(ask("https://evil.example", "e-"+typ, typ, true))
		wantErr(t, typ+" from evil", err, bridge.NotEnoughPrivileges, "origin https://evil.example is not allowed")
		_, err = result(ask("https://crm.example", "n-"+typ, typ, true))
		wantErr(t, typ+" before hi", err, bridge.InvalidRequest, "send hi before "+typ)
	}
	if !reflect.DeepEqual(before, sp.Interactions()) || !sp.Settings().LoggedIn {
		t.Fatal("a refused request changed the desktop")
	}
	d.Receive("https://crm.example", 1, jsval.ValueOf(map[string]any{"uid": "h", "type": "hi", "params": []any{"k"}}))
	if _, err := result(ask("https://crm.example", "u1", "SET_CALL_HOLD", true)); err != nil || sp.Interactions()[0].State != desk.StateHold {
		t.Fatalf("hold: %v", err)
	}
	data, err := result(ask("https://crm.example", "u2", "GET_AGENT_STATE"))
	if err != nil || data.(map[string]any)["state"] != "busy" {
		t.Fatalf("agent state %v %v", data, err)
	}
	_, err = result(ask("https://crm.example", "u3", "SEND_DTMF", "12x"))
	wantErr(t, "bad dtmf", err, bridge.InvalidArgs, "dtmf: invalid character 'x'")
	// The hello announces each method's deadline.
	h := asReceived(t, d.Hello()).Param(0).Get("deadlines")
	if h.Get("LOGIN").Str != "10000" || h.Get("SET_CALL_HOLD").Str != "5000" || h.Get("START_CALL").Type != jsval.TypeNumber {
		t.Fatalf("deadlines %v", h)
	}
}

// TestClientMethods: the CRM page's client sends a method's request, waits
// the desktop's deadline for it, and hands back the data or the error.
func TestClientMethods(t *testing.T) {
	clock := bridge.NewFakeClock(epoch)
	w := &wire{}
	c := NewClient(clock, "k", w.send, nil)
	c.Receive(Message{Type: MsgHello, Params: []jsval.Value{jsval.ValueOf(map[string]any{"deadlines": map[string]any{"LOGIN": 20000.0}})}})
	var got []string
	done := func(data any, err error) { got = append(got, fmt.Sprint(data, " ", code(err))) }
	uid := c.Call(api.Named("getAgentState"), nil, done)
	c.Receive(asReceived(t, OutMessage{UID: uid, Type: "GET_AGENT_STATE_RESPONSE", Params: bridge.MethodResult(map[string]any{"state": "ready"}, nil)}))
	c.Call(api.Named("login"), []any{map[string]any{"username": "a", "password": "p"}}, done)
	clock.Advance(api.LoginTimeout + AnswerGrace + time.Second) // login waits longer: 20 s as announced
	if len(got) != 1 || got[0] != "map[state:ready] 0" {
		t.Fatalf("got %v", got)
	}
	clock.Advance(20*time.Second + AnswerGrace - api.LoginTimeout - AnswerGrace - time.Second)
	if len(got) != 2 || got[1] != "<nil> 6" {
		t.Fatalf("login without an answer: %v", got)
	}
}
