package desk

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/model"
)

func TestSettingsPatch(t *testing.T) {
	str := func(s string) *string { return &s }
	num := func(f float64) *float64 { return &f }
	yes := true
	tests := []struct {
		name  string
		patch SettingsPatch
		check func(Settings) bool
		msg   string
	}{
		{"empty changes nothing", SettingsPatch{}, func(s Settings) bool { return s == DefaultSettings() }, ""},
		{"deferred dial", SettingsPatch{DeferredDial: &yes}, func(s Settings) bool { return s.DeferredDial }, ""},
		{"agent state", SettingsPatch{AgentState: str("not_ready"), NotReadyReason: str("Lunch")}, func(s Settings) bool { return s.AgentState == AgentNotReady && s.NotReadyReason == "Lunch" }, ""},
		{"busy follows the calls", SettingsPatch{AgentState: str("busy")}, nil, "agentState: the agent may choose ready or not_ready; busy follows the calls"},
		{"reject credentials", SettingsPatch{RejectCredentials: &yes}, func(s Settings) bool { return s.RejectCredentials }, ""},
		{"phone", SettingsPatch{Phone: str("dead")}, func(s Settings) bool { return s.Phone == PhoneDead }, ""},
		{"delays", SettingsPatch{AnswerDelayMs: num(1500), SlowDialDelayMs: num(0)},
			func(s Settings) bool { return s.AnswerDelay == 1500*time.Millisecond && s.SlowDialDelay == 0 }, ""},
		{"bad state", SettingsPatch{AgentState: str("asleep"), DeferredDial: &yes}, nil, `agentState: want 'ready' or 'not_ready', got asleep`},
		{"bad phone", SettingsPatch{Phone: str("rotary")}, nil, `phone: want healthy, slow or dead, got "rotary"`},
		{"negative delay", SettingsPatch{AnswerDelayMs: num(-1)}, nil, "answerDelayMs: want 0 to 3600000, got -1"},
		{"NaN delay", SettingsPatch{SlowDialDelayMs: num(math.NaN())}, nil, "slowDialDelayMs: want 0 to 3600000, got NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, sp, _, _ := newTestDesktop()
			err := sp.Apply(tt.patch)
			if tt.msg != "" {
				if e := bridge.AsError(err); e == nil || e.Code != bridge.InvalidArgs || e.Message != tt.msg {
					t.Fatalf("err = %v, want %q", err, tt.msg)
				}
				if sp.Settings() != DefaultSettings() {
					t.Fatal("a refused patch changed the settings")
				}
				return
			}
			if err != nil || !tt.check(sp.Settings()) {
				t.Fatalf("err %v, settings %+v", err, sp.Settings())
			}
		})
	}
	// An extension is normalised, and a bad one refused.
	_, sp, _, _ := newTestDesktop()
	if err := sp.Apply(SettingsPatch{Extension: str(" 20-01 ")}); err != nil || sp.Settings().Extension != "2001" {
		t.Fatalf("extension: %v %q", err, sp.Settings().Extension)
	}
	if err := sp.Apply(SettingsPatch{Extension: str("me")}); code(err) != bridge.InvalidArgs {
		t.Fatalf("bad extension: %v", err)
	}
}

// TestPhoneKnobsHaveOneOwner: the reference phone's knobs live in the
// model alone: the desktop's Settings read them there, Update writes them
// there, and the desktop keeps no copy to drift.
func TestPhoneKnobsHaveOneOwner(t *testing.T) {
	_, sp, _, _ := newTestDesktop()
	sp.Model().Configure(model.Settings{Mode: model.Dead, AnswerDelay: time.Second})
	if s := sp.Settings(); s.Phone != PhoneDead || s.AnswerDelay != time.Second || s.SlowDialDelay != 0 {
		t.Fatalf("the model says dead, 1s; the desktop says %v, %v, %v", s.Phone, s.AnswerDelay, s.SlowDialDelay)
	}
	if err := sp.Update(func(s *Settings) { s.SlowDialDelay = 2 * time.Second; s.Extension = "1002" }); err != nil {
		t.Fatal(err)
	}
	if m := sp.Model().Settings(); m != (model.Settings{Mode: model.Dead, AnswerDelay: time.Second, SlowDialDelay: 2 * time.Second}) {
		t.Fatalf("the model has %+v", m)
	}
	if s := sp.Settings(); s.Extension != "1002" || s.SlowDialDelay != 2*time.Second {
		t.Fatalf("settings %+v", s)
	}
	if sp.set.model() != (model.Settings{}) {
		t.Fatalf("the desktop keeps a copy: %+v", sp.set.model())
	}
}

// TestPanicNeedsTestHooks: the guard tests' panic is a Faults desktop's
// alone; the Softphone refuses a patch naming it, and a Faults desktop
// changes nothing on a bad patch.
func TestPanicNeedsTestHooks(t *testing.T) {
	_, sp, _, _ := newTestDesktop()
	dial, bad, ext := PanicDial, "sometimes", "not a number"
	if err := sp.Apply(SettingsPatch{Panic: &dial}); code(err) != bridge.InvalidArgs || !strings.Contains(err.Error(), "no test hooks") {
		t.Fatalf("softphone took a panic: %v", err)
	}
	f := NewFaults(sp)
	if err := f.Apply(SettingsPatch{Panic: &dial, Extension: &ext}); err == nil || f.current() != "" {
		t.Fatalf("a bad patch: %v, panic at %q", err, f.current())
	}
	if err := f.Apply(SettingsPatch{Panic: &bad}); err == nil || err.Error() != `invalid_args: panic: want "", check, dial, method or settle, got "sometimes"` {
		t.Fatalf("panic %q: %v", bad, err)
	}
	if err := f.Apply(SettingsPatch{Panic: &dial}); err != nil || f.current() != PanicDial {
		t.Fatalf("panic %q: %v, at %q", dial, err, f.current())
	}
}
