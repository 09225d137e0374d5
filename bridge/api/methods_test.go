package api

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/desk/desktest"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/bridge/model"
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// serve calls a method as the page would, with Go values as arguments.
var (
	newTestDesktop = desktest.New
	code           = desktest.Code
	epoch          = desktest.Epoch
	wantErr        = desktest.WantErr
	testDesk       = desktest.Desk
	call           = desktest.Call
)

func serve(b *bridge.Bridge, name string, args ...any) (any, error) {
	vs := make([]jsval.Value, len(args))
	for i, a := range args {
		vs[i] = valueOf(a)
	}
	return ServeNow(context.Background(), b, name, vs...)
}

// valueOf turns plain Go data into a Value, as the loader's snapshot would.
func valueOf(x any) jsval.Value {
	switch x := x.(type) {
	case nil:
		return jsval.Value{Type: jsval.TypeNull}
	case jsval.Value:
		return x
	case string:
		return jsval.String(x)
	case bool:
		if x {
			return jsval.Value{Type: jsval.TypeBoolean, Str: "true"}
		}
		return jsval.Value{Type: jsval.TypeBoolean, Str: "false"}
	case int:
		return jsval.Value{Type: jsval.TypeNumber, Str: string(jsonw.Append(nil, x))}
	case map[string]any:
		v := jsval.Value{Type: jsval.TypeObject, Len: len(x)}
		for k, e := range x {
			v.Keys = append(v.Keys, k)
			v.Vals = append(v.Vals, valueOf(e))
		}
		return v
	case []any:
		v := jsval.Value{Type: jsval.TypeArray, Len: len(x)}
		for _, e := range x {
			v.Vals = append(v.Vals, valueOf(e))
		}
		return v
	}
	panic("valueOf: no such type")
}

// TestMethodArguments: every bad argument of every method is invalid_args
// naming the argument, before any agent condition (the agent here is not
// even logged in).
func TestMethodArguments(t *testing.T) {
	tests := []struct {
		method string
		args   []any
		msg    string
	}{
		{"login", []any{}, "loginData: want object, got undefined"},
		{"login", []any{"agent"}, "loginData: want object, got string"},
		{"login", []any{map[string]any{"password": "x"}}, "loginData.username: required"},
		{"login", []any{map[string]any{"username": "", "password": "x"}}, "loginData.username: must not be empty"},
		{"login", []any{map[string]any{"username": "a"}}, "loginData.password: required"},
		{"login", []any{map[string]any{"username": "a", "password": 5}}, "loginData.password: want string, got number"},
		{"login", []any{map[string]any{"username": "a", "password": ""}}, "loginData.password: must not be empty"},
		{"login", []any{map[string]any{"username": "a", "password": "p", "tenant": true}}, "loginData.tenant: want string, got boolean"},
		{"login", []any{map[string]any{"username": "a", "password": "p"}, "yes"}, "force: want boolean, got string"},
		{"setAgentState", []any{}, "state: want 'ready' or 'not_ready', got undefined"},
		{"setAgentState", []any{"busy"}, "state: the agent may choose ready or not_ready; busy follows the calls"},
		{"setAgentState", []any{"asleep"}, "state: want 'ready' or 'not_ready', got asleep"},
		{"setAgentState", []any{"not_ready", 3}, "notReadyReason: want string, got number"},
		{"setAgentState", []any{""}, "state: want 'ready' or 'not_ready', got an empty string"},
		{"setAgentState", []any{"not ready"}, `state: want 'ready' or 'not_ready', got "not ready"`},
		{"setAgentState", []any{"\u2028x"}, `state: want 'ready' or 'not_ready', got "\u2028x"`},
		{"setAgentState", []any{strings.Repeat("é", 50)}, `state: want 'ready' or 'not_ready', got "` + strings.Repeat(`\u00e9`, 40) + `"…`},
		{"setPhoneDevice", []any{map[string]any{"type": ""}}, "phoneDevice.type: this desktop offers phone_type_browser and phone_type_none, got an empty string"},
		{"acceptInteraction", []any{42}, "interactionId: want string, got number"},
		{"rejectInteraction", []any{true}, "interactionId: want string, got boolean"},
		{"leaveInteraction", []any{map[string]any{}}, "interactionId: want string, got object"},
		{"completeInteraction", []any{[]any{}}, "interactionId: want string, got array"},
		{"leaveAndCompleteInteraction", []any{1}, "disposition: want string, got number"},
		{"leaveAndCompleteInteraction", []any{"ok", 2}, "note: want string, got number"},
		{"leaveAndCompleteInteraction", []any{"ok", "n", 3}, "interactionId: want string, got number"},
		{"switchActiveInteraction", []any{7}, "interactionId: want string, got number"},
		{"setCallHold", []any{}, "state: want boolean, got undefined"},
		{"setCallHold", []any{"true"}, "state: want boolean, got string"},
		{"setCallHold", []any{true, 9}, "interactionId: want string, got number"},
		{"setCallMute", []any{1}, "state: want boolean, got number"},
		{"sendDtmf", []any{}, "dtmf: required, got undefined"},
		{"sendDtmf", []any{""}, "dtmf: empty"},
		{"sendDtmf", []any{"12x"}, "dtmf: invalid character 'x' (allowed: 0-9 * # A-D)"},
		{"sendDtmf", []any{"abc"}, "dtmf: invalid character 'a'"},
		{"sendDtmf", []any{strings.Repeat("1", 33)}, "dtmf: too long (33 digits, at most 32)"},
		{"sendDtmf", []any{1}, "dtmf: want string, got number"},
		{"sendDtmf", []any{"1", false}, "interactionId: want string, got boolean"},
		{"setPhoneDevice", []any{}, "phoneDevice: want object, got undefined"},
		{"setPhoneDevice", []any{map[string]any{}}, "phoneDevice.type: want string, got undefined"},
		{"setPhoneDevice", []any{map[string]any{"type": "phone_type_external"}}, "phoneDevice.type: this desktop offers phone_type_browser and phone_type_none, got phone_type_external"},
		{"setPhoneDevice", []any{map[string]any{"type": "phone_type_none", "phone": 5}}, "phoneDevice.phone: want string, got number"},
	}
	for _, tt := range tests {
		b, sp, _, _ := testDesk(t)
		sp.Update(func(s *desk.Settings) { s.LoggedIn = false })
		_, err := serve(b, tt.method, tt.args...)
		wantErr(t, tt.method, err, bridge.InvalidArgs, tt.msg)
		// The CRM page's client checks them the same way first.
		vs := make([]jsval.Value, len(tt.args))
		for i, a := range tt.args {
			vs[i] = valueOf(a)
		}
		if err2 := Named(tt.method).CheckArgs(vs); err2 == nil || err2.Error() != err.Error() {
			t.Fatalf("%s: CheckArgs %v, served %v", tt.method, err2, err)
		}
		if err != nil && strings.Contains(err.Error(), "\"p\"") {
			t.Fatalf("%s: a message quotes a value", tt.method)
		}
	}
}

// TestNotLoggedIn: every method but getLoginState, login and the phone
// device methods is not_logged_in, after its arguments are checked.
func TestNotLoggedIn(t *testing.T) {
	works := map[string]bool{"getLoginState": true, "login": true, "getPhoneDevicesList": true, "getPhoneDevice": true, "setPhoneDevice": true}
	good := map[string][]any{
		"login":          {map[string]any{"username": "a", "password": "p"}},
		"setAgentState":  {"ready"},
		"setCallHold":    {true},
		"setCallMute":    {true},
		"sendDtmf":       {"1"},
		"setPhoneDevice": {map[string]any{"type": "phone_type_browser"}},
	}
	for _, m := range Methods {
		b, sp, _, _ := testDesk(t)
		sp.Update(func(s *desk.Settings) { s.LoggedIn = false })
		vs := make([]jsval.Value, len(good[m.Name]))
		for i, a := range good[m.Name] {
			vs[i] = valueOf(a)
		}
		if err := m.CheckArgs(vs); err != nil {
			t.Errorf("%s: CheckArgs of good arguments: %v", m.Name, err)
		}
		_, err := serve(b, m.Name, good[m.Name]...)
		if works[m.Name] {
			if err != nil {
				t.Errorf("%s logged out: %v", m.Name, err)
			}
			continue
		}
		wantErr(t, m.Name, err, bridge.NotLoggedIn, "not logged in")
	}
}

// TestCallControlRefusals: each action from each state it does not allow
// is not_suitable_state naming the state, and changes nothing; an unknown
// or missing interaction is no_interaction.
func TestCallControlRefusals(t *testing.T) {
	type step struct {
		method string
		args   func(id string) []any
	}
	idArg := func(id string) []any { return []any{id} }
	actions := map[string]step{
		"acceptInteraction":           {"acceptInteraction", idArg},
		"rejectInteraction":           {"rejectInteraction", idArg},
		"leaveInteraction":            {"leaveInteraction", idArg},
		"completeInteraction":         {"completeInteraction", idArg},
		"leaveAndCompleteInteraction": {"leaveAndCompleteInteraction", func(id string) []any { return []any{nil, nil, id} }},
		"hold":                        {"setCallHold", func(id string) []any { return []any{true, id} }},
		"resume":                      {"setCallHold", func(id string) []any { return []any{false, id} }},
		"mute":                        {"setCallMute", func(id string) []any { return []any{true, id} }},
		"sendDtmf":                    {"sendDtmf", func(id string) []any { return []any{"1", id} }},
		"switchActiveInteraction":     {"switchActiveInteraction", idArg},
	}
	// Which actions each state allows.
	allowed := map[string]map[string]bool{
		"dialling":  {"leaveInteraction": true, "leaveAndCompleteInteraction": true, "mute": true, "switchActiveInteraction": true},
		"connected": {"leaveInteraction": true, "leaveAndCompleteInteraction": true, "hold": true, "mute": true, "sendDtmf": true, "switchActiveInteraction": true},
		"held":      {"leaveInteraction": true, "leaveAndCompleteInteraction": true, "resume": true, "mute": true, "switchActiveInteraction": true},
		"wrap_up":   {"completeInteraction": true, "leaveAndCompleteInteraction": true, "switchActiveInteraction": true},
		"ringing":   {"acceptInteraction": true, "rejectInteraction": true},
	}
	reach := func(t *testing.T, b *bridge.Bridge, sp *desk.Softphone, state string) string {
		if state == "ringing" {
			id, err := sp.Ring("+14155550100", "Ada")
			if err != nil || id == "" {
				t.Fatalf("ring: %q %v", id, err)
			}
			return id
		}
		id := call(t, b, "100")
		switch state {
		case "connected":
			must(t, sp.Connect(id))
		case "held":
			must(t, sp.Connect(id))
			must(t, sp.Hold(id))
		case "wrap_up":
			must(t, sp.HangUp(id))
		}
		return id
	}
	for state, ok := range allowed {
		for name, a := range actions {
			b, sp, _, _ := testDesk(t)
			id := reach(t, b, sp, state)
			before := sp.Interactions()
			_, err := serve(b, a.method, a.args(id)...)
			if ok[name] {
				if err != nil {
					t.Errorf("%s from %s: %v", name, state, err)
				}
				continue
			}
			wantErr(t, name+" from "+state, err, bridge.NotSuitableState, "interaction "+id+" is ")
			if after := sp.Interactions(); !reflect.DeepEqual(before, after) {
				t.Errorf("%s from %s changed the interaction:\n%+v\n%+v", name, state, before, after)
			}
			// An unknown id is no_interaction, whatever the state.
			_, err = serve(b, a.method, a.args("ia-nope")...)
			wantErr(t, name+" unknown id", err, bridge.NoInteraction, "interaction ia-nope: no such interaction")
		}
	}
	// Omitted ids: no active interaction, no ringing call.
	b, _, _, _ := testDesk(t)
	for _, m := range []string{"leaveInteraction", "completeInteraction", "switchActiveInteraction", "setCallHold", "setCallMute", "sendDtmf"} {
		args := map[string][]any{"setCallHold": {true}, "setCallMute": {true}, "sendDtmf": {"1"}}[m]
		_, err := serve(b, m, args...)
		wantErr(t, m+" with none active", err, bridge.NoInteraction, "no active interaction")
	}
	for _, m := range []string{"acceptInteraction", "rejectInteraction"} {
		_, err := serve(b, m, "")
		wantErr(t, m+" with none ringing", err, bridge.NoInteraction, "no inbound call is ringing")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestCRMScript is the script a CRM runs: log in, ready, call, hold,
// resume, mute, DTMF, leave, complete, log out; every result and event in
// order.
func TestCRMScript(t *testing.T) {
	b, sp, _, rec := testDesk(t)
	ok := func(name string, args ...any) any {
		t.Helper()
		data, err := serve(b, name, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return data
	}
	ok("logout")
	if got := ok("getLoginState"); !reflect.DeepEqual(got, map[string]any{"isLoggedIn": false}) {
		t.Fatalf("logged out: %v", got)
	}
	_, err := serve(b, "getAgentState")
	wantErr(t, "getAgentState logged out", err, bridge.NotLoggedIn, "")
	ok("login", map[string]any{"username": "ada", "password": "s3cret"})
	if got := ok("getLoginState"); !reflect.DeepEqual(got, map[string]any{"isLoggedIn": true, "agentId": "1001", "username": "ada"}) {
		t.Fatalf("logged in: %v", got)
	}
	if got := ok("getAgentState"); !reflect.DeepEqual(got, map[string]any{"state": "not_ready", "reservedForIncomingInteraction": false}) {
		t.Fatalf("after login: %v", got)
	}
	_, err = b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
	wantErr(t, "startCall not ready", err, bridge.NotSuitableState, "not_ready")
	ok("setAgentState", "ready")
	id := call(t, b, "+1 415 555 0100")
	must(t, sp.Connect(id))
	ok("setCallHold", true)
	ok("setCallHold", false, id)
	ok("setCallMute", true)
	ok("sendDtmf", "123#")
	if r := sp.Records(); r[0].Digits != "123#" || sp.Model().Digits(phone.CallID(id)) != "123#" { // an outbound call is named by its id
		t.Fatalf("digits %+v", r)
	}
	ok("leaveInteraction")
	if got := ok("getAgentState"); got.(map[string]any)["state"] != "after_call_work" {
		t.Fatalf("after leave: %v", got)
	}
	ok("completeInteraction", nil)
	ok("logout")
	want := []string{
		`ON_SOFTPHONE_STATUS_CHANGE false "logged out"`,
		`ON_PHONE_CAPABILITIES_CHANGE {"canAnswer":false,"canDial":false,"canHold":false,"canRetrieve":false}`,
		`ON_LOGOUT`,
		`ON_SOFTPHONE_STATUS_CHANGE true`,
		`ON_PHONE_CAPABILITIES_CHANGE {"canAnswer":true,"canDial":true,"canHold":true,"canRetrieve":true}`,
		`ON_LOGIN {"agentId":"1001","isLoggedIn":true,"username":"ada"}`,
		`ON_AGENT_STATE_CHANGE "not_ready"`,
		`ON_AGENT_STATE_CHANGE "ready"`, desk.OnNewInteraction +
			" " + id + " delivery_pending", desk.OnActiveInteractionSwitch +
			" " + id, `ON_AGENT_STATE_CHANGE "busy"`, desk.OnInteractionStateChange +
			" " + id + " delivered", desk.OnInteractionStateChange +
			" " + id + " hold", desk.OnInteractionStateChange +
			" " + id + " delivered", desk.OnInteractionStateChange +
			" " + id + " delivered", desk. // muted
			OnInteractionStateChange +
			" " + id + " delivered", desk. // DTMF
			OnInteractionStateChange +
			" " + id + " wrap_up", `ON_AGENT_STATE_CHANGE "after_call_work"`, desk.OnInteractionStateChange +
			" " + id + " completed", desk.OnInteractionRemoved +
			" " + id + " completed", desk.OnActiveInteractionSwitch +
			" null", `ON_AGENT_STATE_CHANGE "ready"`,
		`ON_SOFTPHONE_STATUS_CHANGE false "logged out"`,
		`ON_PHONE_CAPABILITIES_CHANGE {"canAnswer":false,"canDial":false,"canHold":false,"canRetrieve":false}`,
		`ON_LOGOUT`,
	}
	if got := rec.Names(); !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	muted := rec.Events()[14].Data
	if !muted.CallMuted {
		t.Fatal("mute not in InteractionData")
	}
	// No event, no result, no message carries the password.
	for _, e := range rec.Names() {
		if strings.Contains(e, "s3cret") {
			t.Fatalf("the password in %s", e)
		}
	}
}

func TestLoginRefused(t *testing.T) {
	b, sp, _, rec := testDesk(t)
	sp.Update(func(s *desk.Settings) { s.RejectCredentials = true })
	_, err := serve(b, "login", map[string]any{"username": "ada", "password": "s3cret"})
	wantErr(t, "rejected credentials", err, bridge.NotEnoughPrivileges, "invalid credentials")
	if got := rec.Names(); len(got) != 1 || !strings.HasPrefix(got[0], `ON_SERVER_ERROR {"code":109,"message":"invalid credentials for ada","name":"invalid_credentials","timestamp":`) {
		t.Fatalf("events %v", got)
	}
	// Logout is refused with a live call, and changes nothing.
	sp.Update(func(s *desk.Settings) { s.RejectCredentials = false })
	id := call(t, b, "100")
	_, err = serve(b, "logout")
	wantErr(t, "logout with a call", err, bridge.NotSuitableState, id+" delivery_pending")
	if !sp.Settings().LoggedIn {
		t.Fatal("logged out with a live call")
	}
}

func TestAgentStateFollowsCalls(t *testing.T) {
	b, sp, _, _ := testDesk(t)
	state := func() map[string]any {
		t.Helper()
		d, err := serve(b, "getAgentState")
		must(t, err)
		return d.(map[string]any)
	}
	must(t, sp.SetAgentState(desk.AgentNotReady, "Lunch"))
	if s := state(); s["state"] != "not_ready" || s["notReadyReason"] != "Lunch" {
		t.Fatalf("%v", s)
	}
	// Not ready: an inbound call is refused (480) and never shown.
	if id, err := sp.Ring("200", ""); id != "" || err != nil || len(sp.Interactions()) != 0 {
		t.Fatalf("ring while not ready: %q %v", id, err)
	}
	must(t, sp.SetAgentState(desk.AgentReady, ""))
	in, _ := sp.Ring("200", "Bob")
	if s := state(); s["state"] != "ringing" || s["reservedForIncomingInteraction"] != true {
		t.Fatalf("ringing: %v", s)
	}
	id := call(t, b, "100") // the agent may dial while ringing
	if s := state(); s["state"] != "busy" || s["reservedForIncomingInteraction"] != true {
		t.Fatalf("busy and ringing: %v", s)
	}
	must(t, sp.HangUp(id))
	if s := state(); s["state"] != "ringing" {
		t.Fatalf("ringing again: %v", s)
	}
	_, err := serve(b, "acceptInteraction")
	must(t, err)
	if s := state(); s["state"] != "busy" || sp.ActiveID() != in {
		t.Fatalf("accepted: %v, active %s", s, sp.ActiveID())
	}
	must(t, sp.FarHangup(in, 0, ""))
	if s := state(); s["state"] != "after_call_work" {
		t.Fatalf("wrap-up: %v", s)
	}
	// setAgentState during after-call work takes effect when it ends.
	must(t, sp.SetAgentState(desk.AgentNotReady, "Break"))
	if s := state(); s["state"] != "after_call_work" {
		t.Fatalf("%v", s)
	}
	for _, ia := range sp.Interactions() {
		must(t, sp.Complete(ia.InteractionID))
	}
	if s := state(); s["state"] != "not_ready" || s["notReadyReason"] != "Break" {
		t.Fatalf("after: %v", s)
	}
	// A ready agent's call refused and the caller giving up are removed.
	must(t, sp.SetAgentState(desk.AgentReady, ""))
	in, _ = sp.Ring("201", "")
	_, err = serve(b, "rejectInteraction", in)
	must(t, err)
	in, _ = sp.Ring("202", "")
	must(t, sp.FarHangup(in, 487, "Request Terminated"))
	if n := len(sp.Interactions()); n != 0 {
		t.Fatalf("%d left", n)
	}
}

func TestFarEndFailure(t *testing.T) {
	b, sp, _, _ := testDesk(t)
	id := call(t, b, "100")
	must(t, sp.FarHangup(id, 486, "Busy Here"))
	d := sp.Interactions()[0]
	if d.State != desk.StateWrapUp || d.AttachedData["sipStatus"] != "486" || d.AttachedData["sipReason"] != "Busy Here" {
		t.Fatalf("%+v", d)
	}
}

func TestPhoneDeviceAndLists(t *testing.T) {
	b, sp, _, rec := testDesk(t)
	got, _ := serve(b, "getPhoneDevicesList")
	if !reflect.DeepEqual(got, []string{"phone_type_browser", "phone_type_none"}) {
		t.Fatalf("%v", got)
	}
	_, err := serve(b, "setPhoneDevice", map[string]any{"type": "phone_type_none"})
	must(t, err)
	if got, _ := serve(b, "getPhoneDevice"); !reflect.DeepEqual(got, map[string]any{"type": "phone_type_none"}) {
		t.Fatalf("%v", got)
	}
	if n := rec.Names(); n[len(n)-1] != `ON_PHONE_CAPABILITIES_CHANGE {"canAnswer":false,"canDial":false,"canHold":false,"canRetrieve":false}` {
		t.Fatalf("%v", n)
	}
	_, err = b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
	wantErr(t, "no phone", err, bridge.LoggedWithoutPhone, "no phone device")
	_, err = serve(b, "setPhoneDevice", map[string]any{"type": "phone_type_browser"})
	must(t, err)
	id := call(t, b, "100")
	_, err = serve(b, "setPhoneDevice", map[string]any{"type": "phone_type_none"})
	wantErr(t, "device during a call", err, bridge.NotSuitableState, id)
	got, _ = serve(b, "getAgentNotReadyReasons")
	if !reflect.DeepEqual(got, []string{"Break", "Lunch", "Meeting", "Training"}) {
		t.Fatalf("%v", got)
	}
	got, _ = serve(b, "getInteractionsState")
	st := got.(map[string]any)
	if st["activeInteractionId"] != id || len(st["interactions"].([]any)) != 1 {
		t.Fatalf("%v", st)
	}
	// switch, leave-and-complete keep the disposition and note.
	id2 := call(t, b, "101")
	_, err = serve(b, "switchActiveInteraction", id)
	must(t, err)
	if sp.ActiveID() != id {
		t.Fatal("not switched")
	}
	_, err = serve(b, "leaveAndCompleteInteraction", "SUCCESS", "spoke to Ada")
	must(t, err)
	if r := sp.Records(); len(r) != 1 || r[0].ID != id2 {
		t.Fatalf("records %+v", r)
	}
}

// A call the phone started as the deadline passed is hung up: the widget
// was told it failed.
func TestSlowDialNoGhost(t *testing.T) {
	b, sp, clock, _ := testDesk(t)
	sp.Update(func(s *desk.Settings) { s.Phone = desk.PhoneSlow; s.SlowDialDelay = 8 * time.Second })
	done := make(chan error, 1)
	go func() {
		_, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
		done <- err
	}()
	clock.WaitTimers(2)
	clock.Advance(10 * time.Second)
	if err := <-done; err != bridge.ErrTimeout {
		t.Fatalf("err %v", err)
	}
	if n := len(sp.Interactions()); n != 0 {
		t.Fatalf("%d interactions after a timeout", n)
	}
}

// lateDialer dials after its context is done and says it started: a
// phone whose network answered just as the deadline passed.
type lateDialer struct {
	*model.Phone
	clock   *bridge.FakeClock
	hangups []phone.CallID
}

func (l *lateDialer) Dial(ctx context.Context, id phone.CallID, number string) error {
	<-ctx.Done()
	l.Phone.Configure(model.Settings{Mode: model.Healthy})
	_, err := l.Phone.TryDial(id, number)
	return err
}

func (l *lateDialer) Hangup(ctx context.Context, id phone.CallID) error {
	l.hangups = append(l.hangups, id)
	return l.Phone.Hangup(ctx, id)
}

// TestLateDialHungUp: a call the phone started as the deadline passed is
// hung up, and never shown: the widget was told it failed.
func TestLateDialHungUp(t *testing.T) {
	clock := bridge.NewFakeClock(epoch)
	ph := &lateDialer{Phone: model.New(clock), clock: clock}
	ph.Configure(model.Settings{Mode: model.Dead}) // TryDial leaves it to Dial
	sp := desk.New(clock, ph, nil)
	b := &bridge.Bridge{Desktop: sp, Clock: clock}
	done := make(chan error, 1)
	go func() {
		_, err := b.StartCall(context.Background(), "", jsval.String("100"), jsval.Undefined)
		done <- err
	}()
	clock.WaitTimers(1)
	clock.Advance(bridge.DefaultPlacementTimeout)
	if err := <-done; err != bridge.ErrTimeout {
		t.Fatalf("err %v", err)
	}
	if len(sp.Interactions()) != 0 || len(ph.hangups) != 1 {
		t.Fatalf("%d interactions, hang-ups %v", len(sp.Interactions()), ph.hangups)
	}
}

// FuzzMethods: any arguments to any call-control method, on a desktop
// with a live call, never panic, and every result is either Bright
// Pattern's error with a named code or data the JSON writer can encode.
func FuzzMethods(f *testing.F) {
	f.Add(uint8(0), []byte(`[{"t":"object","l":2,"k":["username","password"],"v":[{"t":"string","s":"a","l":1},{"t":"string","s":"p","l":1}]}]`))
	f.Add(uint8(11), []byte(`[{"t":"boolean","s":"true"}]`))
	f.Add(uint8(13), []byte(`[{"t":"string","s":"123#","l":4},{"t":"string","s":"","l":0}]`))
	f.Fuzz(func(t *testing.T, which uint8, snapshots []byte) {
		args, err := jsval.DecodeSnapshots(snapshots)
		if err != nil {
			return
		}
		b, sp, _, _ := testDesk(t)
		id := call(t, b, "100")
		_ = sp.Connect(id)
		m := Methods[int(which)%len(Methods)]
		checked := m.CheckArgs(args)
		data, err := ServeNow(context.Background(), b, m.Name, args...)
		if err != nil {
			if e, ok := err.(*bridge.Error); !ok || e.Code != bridge.UnknownError && e.Code.Name() == bridge.UnknownError.Name() {
				t.Fatalf("%s: error %T %v", m.Name, err, err)
			}
			if checked != nil && err.Error() != checked.Error() {
				t.Fatalf("%s: CheckArgs %v, served %v", m.Name, checked, err)
			}
			return
		}
		if checked != nil {
			t.Fatalf("%s: CheckArgs refused (%v) what the desktop served", m.Name, checked)
		}
		_ = jsonw.Append(nil, bridge.MethodResult(data, nil))
	})
}
