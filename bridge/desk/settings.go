package desk

import (
	"math"
	"strconv"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// SettingsPatch changes some of the reference desktop's settings: the
// fields that are set. It is what the page's control API and the panel
// send (the js tags are for the wasm glue's decoder); durations are in
// milliseconds, as JavaScript counts time.
type SettingsPatch struct {
	LoggedIn        *bool    `js:"loggedIn" json:"loggedIn,omitempty"`
	HasPhone        *bool    `js:"hasPhone" json:"hasPhone,omitempty"`
	AgentState      *string  `js:"agentState" json:"agentState,omitempty"`
	NotReadyReason  *string  `js:"notReadyReason" json:"notReadyReason,omitempty"`
	Extension       *string  `js:"extension" json:"extension,omitempty"`
	DeferredDial    *bool    `js:"deferredDial" json:"deferredDial,omitempty"`
	SingleLine      *bool    `js:"singleLine" json:"singleLine,omitempty"`
	Phone           *string  `js:"phone" json:"phone,omitempty"`
	SlowDialDelayMs *float64 `js:"slowDialDelayMs" json:"slowDialDelayMs,omitempty"`
	AnswerDelayMs   *float64 `js:"answerDelayMs" json:"answerDelayMs,omitempty"`
	// Panic is for guard tests only: where a Faults desktop panics. A
	// desktop without test hooks refuses it.
	Panic *string `js:"panic" json:"panic,omitempty"`
	// RejectCredentials makes the reference phone refuse every login.
	RejectCredentials *bool `js:"rejectCredentials" json:"rejectCredentials,omitempty"`
}

// SettingsView is Settings as the page sees them.
type SettingsView struct {
	LoggedIn          bool       `json:"loggedIn"`
	HasPhone          bool       `json:"hasPhone"`
	AgentState        AgentState `json:"agentState"` // as the agent chose it: ready or not_ready
	NotReadyReason    string     `json:"notReadyReason"`
	Extension         string     `json:"extension"`
	DeferredDial      bool       `json:"deferredDial"`
	SingleLine        bool       `json:"singleLine"`
	Phone             PhoneMode  `json:"phone"`
	SlowDialDelayMs   int64      `json:"slowDialDelayMs"`
	AnswerDelayMs     int64      `json:"answerDelayMs"`
	RejectCredentials bool       `json:"rejectCredentials"`
}

// AppendJSON writes v (jsonw.Appender).
func (v SettingsView) AppendJSON(b []byte) []byte {
	b = append(b, `{"loggedIn":`...)
	b = strconv.AppendBool(b, v.LoggedIn)
	b = append(b, `,"hasPhone":`...)
	b = strconv.AppendBool(b, v.HasPhone)
	b = append(b, `,"agentState":`...)
	b = jsonw.String(b, string(v.AgentState))
	b = append(b, `,"notReadyReason":`...)
	b = jsonw.String(b, v.NotReadyReason)
	b = append(b, `,"extension":`...)
	b = jsonw.String(b, v.Extension)
	b = append(b, `,"deferredDial":`...)
	b = strconv.AppendBool(b, v.DeferredDial)
	b = append(b, `,"singleLine":`...)
	b = strconv.AppendBool(b, v.SingleLine)
	b = append(b, `,"phone":`...)
	b = jsonw.String(b, string(v.Phone))
	b = append(b, `,"slowDialDelayMs":`...)
	b = strconv.AppendInt(b, v.SlowDialDelayMs, 10)
	b = append(b, `,"answerDelayMs":`...)
	b = strconv.AppendInt(b, v.AnswerDelayMs, 10)
	b = append(b, `,"rejectCredentials":`...)
	b = strconv.AppendBool(b, v.RejectCredentials)
	return append(b, '}')
}

// View is s for the page.
func (s Settings) View() SettingsView {
	return SettingsView{
		LoggedIn: s.LoggedIn, HasPhone: s.HasPhone, AgentState: s.AgentState, NotReadyReason: s.NotReadyReason, Extension: s.Extension,
		RejectCredentials: s.RejectCredentials,
		DeferredDial:      s.DeferredDial, SingleLine: s.SingleLine, Phone: s.Phone,
		SlowDialDelayMs: s.SlowDialDelay.Milliseconds(), AnswerDelayMs: s.AnswerDelay.Milliseconds(),
	}
}

const maxDelay = time.Hour

// Apply checks the patch and applies it to s; on error s is unchanged.
func (pt SettingsPatch) Apply(s *Settings) error {
	n := *s
	if pt.LoggedIn != nil {
		n.LoggedIn = *pt.LoggedIn
	}
	if pt.HasPhone != nil {
		n.HasPhone = *pt.HasPhone
	}
	if pt.AgentState != nil {
		st, err := ParseAgentState("agentState", jsval.String(*pt.AgentState))
		if err != nil {
			return err
		}
		n.AgentState = st
	}
	if pt.NotReadyReason != nil {
		if len(*pt.NotReadyReason) > MaxReason {
			return bridge.Errorf(bridge.InvalidArgs, "notReadyReason: too long (at most %d)", MaxReason)
		}
		n.NotReadyReason = *pt.NotReadyReason
	}
	if pt.RejectCredentials != nil {
		n.RejectCredentials = *pt.RejectCredentials
	}
	if pt.Extension != nil {
		n.Extension = *pt.Extension
	}
	if pt.DeferredDial != nil {
		n.DeferredDial = *pt.DeferredDial
	}
	if pt.SingleLine != nil {
		n.SingleLine = *pt.SingleLine
	}
	if pt.Phone != nil {
		switch m := PhoneMode(*pt.Phone); m {
		case PhoneHealthy, PhoneSlow, PhoneDead:
			n.Phone = m
		default:
			return bridge.Errorf(bridge.InvalidArgs, "phone: want healthy, slow or dead, got %q", *pt.Phone)
		}
	}
	if pt.Panic != nil {
		return bridge.Errorf(bridge.InvalidArgs, "panic: this desktop has no test hooks (adapi-config.json's testHooks)")
	}
	var err error
	if n.SlowDialDelay, err = delay("slowDialDelayMs", pt.SlowDialDelayMs, n.SlowDialDelay); err != nil {
		return err
	}
	if n.AnswerDelay, err = delay("answerDelayMs", pt.AnswerDelayMs, n.AnswerDelay); err != nil {
		return err
	}
	*s = n
	return nil
}

func delay(name string, ms *float64, old time.Duration) (time.Duration, error) {
	if ms == nil {
		return old, nil
	}
	if math.IsNaN(*ms) || *ms < 0 || *ms > float64(maxDelay/time.Millisecond) {
		return 0, bridge.Errorf(bridge.InvalidArgs, "%s: want 0 to %d, got %v", name, maxDelay/time.Millisecond, *ms)
	}
	return time.Duration(*ms * float64(time.Millisecond)), nil
}
