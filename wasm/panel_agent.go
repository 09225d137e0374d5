//go:build js && wasm && !adapiclient

package main

import (
	"context"
	"strings"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/api"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// The agent's part of the panel: who is signed in (or a sign-in form),
// the status they chose (Ready, or Not ready with a reason), and the
// status the calls give them (Busy, Ringing, After-call work). Every
// action goes through the same call-control methods a CRM page calls
// (api.Methods), so the panel and the API can never disagree.

// buildAgent makes the agent bar, once.
func (p *panel) buildAgent() js.Value {
	agent := p.el("div", "agentbar")
	who := p.el("div", "agent-who")
	p.agentName = p.textEl("span", "agent-name", "")
	p.logoutBtn = p.button("logoutButton", "logout", "Log out", "secondary small")
	who.Call("append", p.agentName, p.logoutBtn)

	stateField := p.el("div", "agent-state-field")
	l := p.textEl("label", "", "My status")
	l.Set("htmlFor", "agentStateSelect")
	p.agentState = p.el("select", "agent-state")
	p.agentState.Set("id", "agentStateSelect")
	p.agentPill = p.el("span", "agent-pill")
	p.agentPill.Set("id", "agentStatePill")
	p.agentPill.Set("hidden", true)
	row := p.el("div", "agent-state-row")
	row.Call("append", p.agentState, p.agentPill)
	stateField.Call("append", l, row)

	// Signed out: the sign-in form.
	p.loginForm = p.el("form", "login")
	p.loginForm.Set("id", "loginForm")
	p.loginForm.Call("setAttribute", "aria-label", "Sign in")
	p.loginUser = p.input("text")
	p.loginUser.Set("autocomplete", "username")
	p.loginPass = p.input("password")
	p.loginPass.Set("autocomplete", "current-password")
	fields := p.el("div", "login-fields")
	p.field(fields, "Username", "loginUsernameInput", p.loginUser)
	p.field(fields, "Password", "loginPasswordInput", p.loginPass)
	submit := p.button("loginButton", "login", "Log in", "")
	submit.Set("type", "submit")
	p.loginStatus = p.el("div", "dial-status")
	p.loginStatus.Set("id", "loginStatus")
	p.loginStatus.Call("setAttribute", "role", "status")
	p.loginHint = p.textEl("p", "login-hint", "Sign in to register the phone")
	p.loginHint.Set("id", "loginHint")
	p.loginHint.Set("hidden", true)
	p.loginForm.Call("append", p.loginHint, fields, submit, p.loginStatus)
	p.loginForm.Set("hidden", true)

	agent.Call("append", who, stateField, p.loginForm)
	return agent
}

// drawAccount shows who is signed in, and the status they chose, when the
// settings changed.
func (p *panel) drawAccount(s, old desk.Settings, first bool) {
	if first || p.phoneOff != p.drawnOff || s.LoggedIn != old.LoggedIn || s.HasPhone != old.HasPhone || s.Extension != old.Extension || s.Username != old.Username {
		who := s.Username
		if who == "" {
			who = "Agent"
		}
		who += " · ext. " + s.Extension
		if !s.HasPhone {
			who += " · no phone"
		}
		if !s.LoggedIn {
			who = "Signed out"
		}
		p.agentName.Set("textContent", who)
		p.root.Call("setAttribute", "data-logged-in", boolString(s.LoggedIn))
		p.logoutBtn.Set("hidden", !s.LoggedIn)
		// A SIP phone not registered: signing in registers it, so the
		// form shows even though the agent starts logged in.
		p.loginForm.Set("hidden", s.LoggedIn && !p.phoneOff)
		p.loginHint.Set("hidden", !p.phoneOff)
		p.root.Call("setAttribute", "data-phone-registered", boolString(!p.phoneOff))
		p.drawnOff = p.phoneOff
	}
	// The reasons the desktop offers (a setting; read while signed in).
	if reasons, err := p.d.phone.NotReadyReasons(); err == nil && strings.Join(reasons, "\n") != strings.Join(p.reasons, "\n") || first {
		if err == nil {
			p.reasons = reasons
		}
		p.agentState.Set("textContent", "")
		p.agentState.Call("append", p.option("ready", "Ready"), p.option("not_ready", "Not ready"))
		for _, r := range p.reasons {
			p.agentState.Call("append", p.option("not_ready:"+r, "Not ready · "+r)) // a setting's text: as text
		}
		p.chosen = ""
	}
	chosen := string(s.AgentState)
	if s.AgentState == desk.AgentNotReady && s.NotReadyReason != "" {
		chosen += ":" + s.NotReadyReason
	}
	if chosen != p.chosen {
		p.chosen = chosen
		p.agentState.Set("value", chosen)
		p.agentState.Call("setAttribute", "data-state", string(s.AgentState))
	}
}

func (p *panel) option(value, label string) js.Value {
	o := p.textEl("option", "", label)
	o.Set("value", value)
	return o
}

var agentStateLabels = map[string]string{
	"busy": "Busy: on a call", "ringing": "Ringing", "after_call_work": "After-call work",
	"phone_not_registered": "Phone not registered",
}

// drawAgentState shows the status the calls give the agent, when it is not
// the one they chose; and, before any, a phone that is not registered
// (the agent cannot take or place calls, whatever they chose). It follows
// ON_AGENT_STATE_CHANGE (callChanges); only the first draw asks the
// softphone.
func (p *panel) drawAgentState(ch callChanges) {
	if p.loginMsg != p.drawnLoginMsg {
		p.drawnLoginMsg = p.loginMsg
		p.loginStatus.Set("textContent", p.loginMsg)
	}
	st := p.drawnAgent
	switch {
	case !p.synced:
		st = ""
		if m, err := p.d.phone.AgentStateData(); err == nil {
			st, _ = m["state"].(string)
		}
	case ch.agentChanged:
		st = ch.agent
	}
	p.drawnAgent = st
	if s := p.drawnSettings; p.phoneOff && s.LoggedIn && s.HasPhone {
		st = "phone_not_registered"
	}
	if st == p.drawnPill && p.stats.Draws > 0 {
		return
	}
	p.drawnPill = st
	label, ok := agentStateLabels[st]
	p.agentPill.Set("hidden", !ok)
	if ok {
		p.agentPill.Set("textContent", label)
		p.agentPill.Call("setAttribute", "data-state", st)
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// serve runs a call-control method as the agent (the desktop's own
// origin), from a goroutine: a real phone may answer later. A refusal is
// in the log (the method's entry notes it), and in onErr when given.
func (p *panel) serve(onErr func(error), name string, args ...jsval.Value) {
	go func() {
		defer func() {
			if r := recover(); r != nil {
				p.d.note(true, name+" failed")
			}
		}()
		if _, err := api.ServeNow(context.Background(), p.d.bridge, name, args...); err != nil {
			if name != "login" { // login's refusal is shown by the form, without the credentials
				p.d.refused(name, err)
			}
			if onErr != nil {
				onErr(err)
			}
		}
	}()
}

// setAgentState is the agent choosing a status in the select.
func (p *panel) setAgentState() {
	v := p.agentState.Get("value").String()
	state, reason, _ := strings.Cut(v, ":")
	args := []jsval.Value{jsval.String(state)}
	if reason != "" {
		args = append(args, jsval.String(reason))
	}
	p.serve(func(error) { p.chosen = ""; p.d.changed() }, "setAgentState", args...)
}

// login signs in with the form's username and password. The password is
// read here and handed to the method, and the field emptied; it is never
// logged.
func (p *panel) login() {
	user, pass := p.loginUser.Get("value").String(), p.loginPass.Get("value").String()
	p.loginPass.Set("value", "")
	p.loginStatus.Set("textContent", "Signing in…")
	p.serve(func(err error) {
		p.setLoginStatus("Could not sign in: " + bridge.AsError(err).Message)
	}, "login", jsval.Object("username", user, "password", pass))
}

// setLoginStatus is shown at the next draw.
func (p *panel) setLoginStatus(s string) {
	p.loginMsg = s
	p.d.changed()
}
