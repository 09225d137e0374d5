// Package api is Bright Pattern's call-control API as the agent desktop
// serves it (SPEC.md, "Call control"): the methods, their request
// messages and deadlines, their arguments checked, and serving one with
// the softphone behind a bridge.Bridge. startCall is the bridge's own.
package api

import (
	"context"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// Method is one of Bright Pattern's call-control methods the desktop serves
// (SPEC.md, "Call control"): its adApi name, its request message (Bright
// Pattern's requestMessages), how long the desktop gives it, and how it is
// done: its arguments checked (invalid_args naming the argument), then
// the agent's conditions, in one order for every method.
type Method struct {
	Name    string // "setCallHold"
	Request string // "SET_CALL_HOLD"; the answer is Request+"_RESPONSE"
	// Login is true for login: its deadline is LoginTimeout and its
	// params hold a password, never to be shown or logged.
	Login bool
	// NoArgs: the method takes no arguments (CheckArgs has nothing to do).
	NoArgs bool
	// do checks the arguments, then, with p not nil, does the method.
	do func(p *desk.Softphone, ctx context.Context, args []jsval.Value) (any, error)
}

// Deadlines for the call-control methods: how long the desktop waits for
// its phone (a SIP phone waits for the server; the reference answers at
// once). Across frames the client waits this plus AnswerGrace.
const (
	MethodTimeout = 5 * time.Second
	LoginTimeout  = 10 * time.Second
)

// Timeout is the method's deadline on the desktop.
func (m *Method) Timeout() time.Duration {
	if m.Login {
		return LoginTimeout
	}
	return MethodTimeout
}

// Methods are the served call-control methods (startCall is served by
// Bridge.StartCall). Every other method of Bright Pattern's client resolves
// api_method_not_implemented (14).
var Methods = []*Method{
	{Name: "getLoginState", Request: "GET_LOGIN_STATE", NoArgs: true, do: func(p *desk.Softphone, ctx context.Context, _ []jsval.Value) (any, error) {
		return p.LoginState(), nil
	}},
	{Name: "login", Request: "LOGIN", Login: true, do: func(p *desk.Softphone, ctx context.Context, a []jsval.Value) (any, error) {
		cred, force, err := ParseLogin(arg(a, 0), arg(a, 1))
		if err != nil || p == nil {
			return nil, err
		}
		return nil, p.Login(ctx, cred, force)
	}},
	{Name: "logout", Request: "LOGOUT", NoArgs: true, do: func(p *desk.Softphone, ctx context.Context, _ []jsval.Value) (any, error) {
		return nil, p.Logout(ctx)
	}},
	{Name: "getAgentState", Request: "GET_AGENT_STATE", NoArgs: true, do: func(p *desk.Softphone, ctx context.Context, _ []jsval.Value) (any, error) {
		return p.AgentStateData()
	}},
	{Name: "setAgentState", Request: "SET_AGENT_STATE", do: func(p *desk.Softphone, _ context.Context, a []jsval.Value) (any, error) {
		st, err := desk.ParseAgentState("state", arg(a, 0))
		if err != nil {
			return nil, err
		}
		reason, err := optString("notReadyReason", arg(a, 1), desk.MaxReason)
		if err != nil || p == nil {
			return nil, err
		}
		return nil, p.SetAgentState(st, reason)
	}},
	{Name: "acceptInteraction", Request: "ACCEPT_INTERACTION", do: withID(0, func(p *desk.Softphone, ctx context.Context, id string, _ []jsval.Value) error {
		return p.Accept(ctx, id)
	})},
	{Name: "rejectInteraction", Request: "REJECT_INTERACTION", do: withID(0, func(p *desk.Softphone, ctx context.Context, id string, _ []jsval.Value) error {
		return p.Reject(ctx, id)
	})},
	{Name: "leaveInteraction", Request: "LEAVE_INTERACTION", do: withID(0, func(p *desk.Softphone, ctx context.Context, id string, _ []jsval.Value) error {
		return p.Leave(ctx, id)
	})},
	{Name: "completeInteraction", Request: "COMPLETE_INTERACTION", do: withID(0, func(p *desk.Softphone, _ context.Context, id string, _ []jsval.Value) error {
		return p.CompleteInteraction(id)
	})},
	{Name: "leaveAndCompleteInteraction", Request: "LEAVE_AND_COMPLETE_INTERACTION", do: func(p *desk.Softphone, ctx context.Context, a []jsval.Value) (any, error) {
		disp, err := optString("disposition", arg(a, 0), desk.MaxReason)
		if err != nil {
			return nil, err
		}
		note, err := optString("note", arg(a, 1), bridge.MaxStringLength)
		if err != nil {
			return nil, err
		}
		id, err := ParseInteractionID("interactionId", arg(a, 2))
		if err != nil || p == nil {
			return nil, err
		}
		return nil, p.LeaveAndComplete(ctx, disp, note, id)
	}},
	{Name: "switchActiveInteraction", Request: "SWITCH_ACTIVE_INTERACTION", do: withID(0, func(p *desk.Softphone, _ context.Context, id string, _ []jsval.Value) error {
		return p.SwitchActive(id)
	})},
	{Name: "setCallHold", Request: "SET_CALL_HOLD", do: withBool(func(p *desk.Softphone, ctx context.Context, on bool, id string) error {
		return p.SetHold(ctx, on, id)
	})},
	{Name: "setCallMute", Request: "SET_CALL_MUTE", do: withBool(func(p *desk.Softphone, ctx context.Context, on bool, id string) error {
		return p.SetMute(ctx, on, id)
	})},
	{Name: "sendDtmf", Request: "SEND_DTMF", do: func(p *desk.Softphone, ctx context.Context, a []jsval.Value) (any, error) {
		digits, err := ParseDTMF(arg(a, 0))
		if err != nil {
			return nil, err
		}
		id, err := ParseInteractionID("interactionId", arg(a, 1))
		if err != nil || p == nil {
			return nil, err
		}
		return nil, p.SendDTMF(ctx, digits, id)
	}},
	{Name: "getPhoneDevicesList", Request: "GET_PHONE_DEVICES_LIST", NoArgs: true, do: func(p *desk.Softphone, ctx context.Context, _ []jsval.Value) (any, error) {
		return desk.PhoneDevices(), nil
	}},
	{Name: "getPhoneDevice", Request: "GET_PHONE_DEVICE", NoArgs: true, do: func(p *desk.Softphone, ctx context.Context, _ []jsval.Value) (any, error) {
		return p.PhoneDevice(), nil
	}},
	{Name: "setPhoneDevice", Request: "SET_PHONE_DEVICE", do: func(p *desk.Softphone, _ context.Context, a []jsval.Value) (any, error) {
		typ, err := ParsePhoneDevice(arg(a, 0))
		if err != nil || p == nil {
			return nil, err
		}
		return nil, p.SetPhoneDevice(typ)
	}},
	{Name: "getInteractionsState", Request: "GET_INTERACTIONS_STATE", NoArgs: true, do: func(p *desk.Softphone, ctx context.Context, _ []jsval.Value) (any, error) {
		return p.InteractionsState()
	}},
	{Name: "getAgentNotReadyReasons", Request: "GET_AGENT_NOT_READY_REASONS", NoArgs: true, do: func(p *desk.Softphone, ctx context.Context, _ []jsval.Value) (any, error) {
		return p.NotReadyReasons()
	}},
}

var methodsByName, methodsByRequest = func() (map[string]*Method, map[string]*Method) {
	a, b := map[string]*Method{}, map[string]*Method{}
	for _, m := range Methods {
		a[m.Name], b[m.Request] = m, m
	}
	return a, b
}()

// Named is the served method called name, or nil.
func Named(name string) *Method { return methodsByName[name] }

// ForRequest is the served method whose request message is t, or nil.
func ForRequest(t string) *Method { return methodsByRequest[t] }

// CheckArgs checks a method's arguments only, as the desktop will: the
// CRM page's client does it before anything leaves the page, so that what
// a copy cannot carry (a getter that threw, a BigInt, a length) is named
// as in the desktop page.
func (m *Method) CheckArgs(args []jsval.Value) error {
	if m.NoArgs {
		return nil
	}
	_, err := m.do(nil, nil, args)
	return err
}

func arg(a []jsval.Value, i int) jsval.Value {
	if i < len(a) && a[i].Type != "" {
		return a[i]
	}
	return jsval.Undefined
}

func withID(i int, f func(p *desk.Softphone, ctx context.Context, id string, a []jsval.Value) error) func(*desk.Softphone, context.Context, []jsval.Value) (any, error) {
	return func(p *desk.Softphone, ctx context.Context, a []jsval.Value) (any, error) {
		id, err := ParseInteractionID("interactionId", arg(a, i))
		if err != nil || p == nil {
			return nil, err
		}
		return nil, f(p, ctx, id, a)
	}
}

func withBool(f func(p *desk.Softphone, ctx context.Context, on bool, id string) error) func(*desk.Softphone, context.Context, []jsval.Value) (any, error) {
	return func(p *desk.Softphone, ctx context.Context, a []jsval.Value) (any, error) {
		s := arg(a, 0)
		if s.Type != jsval.TypeBoolean {
			return nil, bridge.WrongType("state", "boolean", s)
		}
		id, err := ParseInteractionID("interactionId", arg(a, 1))
		if err != nil || p == nil {
			return nil, err
		}
		return nil, f(p, ctx, s.Str == "true", id)
	}
}

// ParseInteractionID reads an interaction id argument: undefined, null and
// ” are omitted ("").
func ParseInteractionID(name string, v jsval.Value) (string, error) {
	switch {
	case v.Missing():
		return "", nil
	case v.Type != jsval.TypeString:
		return "", bridge.WrongType(name, "string", v)
	case v.Len > bridge.MaxKeyInMessages*4:
		return "", bridge.Errorf(bridge.InvalidArgs, "%s: too long (%d characters)", name, v.Len)
	}
	return v.Str, nil
}

func optString(name string, v jsval.Value, max int) (string, error) {
	switch {
	case v.Missing():
		return "", nil
	case v.Type != jsval.TypeString:
		return "", bridge.WrongType(name, "string", v)
	case v.Len > max:
		return "", bridge.Errorf(bridge.InvalidArgs, "%s: too long (%d characters, at most %d)", name, v.Len, max)
	}
	return v.Str, nil
}

// MaxDTMF is the most digits one sendDtmf sends.
const MaxDTMF = 32

// ParseDTMF reads sendDtmf's digits: 0-9 * # A-D, at most MaxDTMF.
func ParseDTMF(v jsval.Value) (string, error) {
	const name = "dtmf"
	switch {
	case v.Missing():
		return "", bridge.Errorf(bridge.InvalidArgs, "%s: required, got %s", name, bridge.TypeName(v))
	case v.Type != jsval.TypeString:
		return "", bridge.WrongType(name, "string", v)
	case v.Str == "":
		return "", bridge.Errorf(bridge.InvalidArgs, "%s: empty", name)
	case v.Len > MaxDTMF:
		return "", bridge.Errorf(bridge.InvalidArgs, "%s: too long (%d digits, at most %d)", name, v.Len, MaxDTMF)
	}
	for _, r := range v.Str {
		if !(r >= '0' && r <= '9' || r == '*' || r == '#' || r >= 'A' && r <= 'D') {
			return "", bridge.Errorf(bridge.InvalidArgs, "%s: invalid character %s (allowed: 0-9 * # A-D)", name, bridge.QuoteRune(r))
		}
	}
	return v.Str, nil
}

// ParseLogin reads login's arguments: loginData {username, password,
// tenant?} and force?. No message ever quotes the password.
func ParseLogin(data, force jsval.Value) (phone.Credentials, bool, error) {
	const path = "loginData"
	var c phone.Credentials
	if data.Type != jsval.TypeObject {
		return c, false, bridge.WrongType(path, "object", data)
	}
	var err error
	if c.Username, err = bridge.StringField(path, ".username", data.Get("username"), true); err != nil {
		return c, false, err
	}
	if len(c.Username) > desk.MaxReason {
		return c, false, bridge.Errorf(bridge.InvalidArgs, "%s.username: too long (at most %d)", path, desk.MaxReason)
	}
	pw := data.Get("password")
	switch {
	case pw.Missing():
		return c, false, bridge.Errorf(bridge.InvalidArgs, "%s.password: required, got %s", path, bridge.TypeName(pw))
	case pw.Type != jsval.TypeString:
		return c, false, bridge.WrongType(path+".password", "string", pw)
	case pw.Str == "":
		return c, false, bridge.Errorf(bridge.InvalidArgs, "%s.password: must not be empty", path)
	case pw.Len > desk.MaxReason:
		return c, false, bridge.Errorf(bridge.InvalidArgs, "%s.password: too long (at most %d)", path, desk.MaxReason)
	}
	c.Password = pw.Str
	if c.Tenant, err = optString(path+".tenant", data.Get("tenant"), desk.MaxReason); err != nil {
		return c, false, err
	}
	f := false
	switch force.Type {
	case jsval.TypeBoolean:
		f = force.Str == "true"
	case jsval.TypeUndefined, jsval.TypeNull, "":
	default:
		return c, false, bridge.WrongType("force", "boolean", force)
	}
	return c, f, nil
}

// ParsePhoneDevice reads setPhoneDevice's PhoneDeviceData: {type, phone?}.
func ParsePhoneDevice(v jsval.Value) (string, error) {
	const path = "phoneDevice"
	if v.Type != jsval.TypeObject {
		return "", bridge.WrongType(path, "object", v)
	}
	t := v.Get("type")
	if t.Type != jsval.TypeString {
		return "", bridge.WrongType(path+".type", "string", t)
	}
	if _, err := optString(path+".phone", v.Get("phone"), bridge.MaxPhoneLength); err != nil {
		return "", err
	}
	switch t.Str {
	case desk.PhoneTypeBrowser, desk.PhoneTypeNone:
		return t.Str, nil
	}
	return "", bridge.Errorf(bridge.InvalidArgs, "%s.type: this desktop offers %s and %s, got %s", path, desk.PhoneTypeBrowser, desk.PhoneTypeNone, bridge.StringInMessage(t.Str))
}

// Serve does one call-control method with the softphone behind b (a
// Desktop that is no Softphone serves none), its arguments as the loader
// or a message copied them, within the method's deadline on b's clock. When the
// answer is there at once (bad arguments, the agent's state, a phone that
// answers at once) it returns it with wait == nil; otherwise wait, which
// blocks, gives it (run it in a goroutine where blocking is not allowed).
// A panic becomes unknown_error for this call only.
func Serve(ctx context.Context, b *bridge.Bridge, m *Method, args []jsval.Value) (data any, err error, wait func() (any, error)) {
	clock := b.ClockInUse()
	var p *desk.Softphone
	switch d := b.Desktop.(type) {
	case *desk.Softphone:
		p = d
	case *desk.Faults:
		p = d.Softphone()
	}
	if p == nil {
		return nil, bridge.Errorf(bridge.APINotImplemented, "%s: this desktop does not serve it", m.Name), nil
	}
	run := func(ctx context.Context) (data any, err error) {
		defer func() {
			if r := recover(); r != nil {
				data, err = nil, bridge.Errorf(bridge.UnknownError, "the desktop failed: %v", r)
			}
		}()
		return m.do(p, ctx, args)
	}
	if p.Instant() {
		data, err := run(ctx)
		return data, err, nil
	}
	return nil, nil, func() (any, error) {
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		stop := clock.AfterFunc(m.Timeout(), func() {
			cancel(bridge.Errorf(bridge.Timeout, "%s: the phone did not answer within %v", m.Name, m.Timeout()))
		})
		defer stop()
		data, err := run(ctx)
		if err != nil {
			if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
				if _, ok := err.(*bridge.Error); !ok {
					err = c
				}
			}
		}
		return data, err
	}
}

// ServeNow is Serve waiting for the answer, for Go callers and tests.
func ServeNow(ctx context.Context, b *bridge.Bridge, name string, args ...jsval.Value) (any, error) {
	m := Named(name)
	if m == nil {
		return nil, bridge.Errorf(bridge.APINotImplemented, "%s is not served by adApi-go", name)
	}
	data, err, wait := Serve(ctx, b, m, args)
	if wait != nil {
		return wait()
	}
	return data, err
}
