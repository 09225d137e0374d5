package bridge_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

func TestDialPolicy(t *testing.T) {
	tests := []struct {
		name   string
		policy bridge.DialPolicy
		number string
		origin string
		msg    string // "" allowed
	}{
		{"none", bridge.DialPolicy{}, "+19005550100", "", ""},
		{"denied", bridge.DialPolicy{Deny: []string{"+1900"}}, "+19005550100", "", "dial policy: +19005550100 matches the denied prefix +1900"},
		{"denied, formatted", bridge.DialPolicy{Deny: []string{"+1900"}}, "+1 (900) 555-0100", "", "matches the denied prefix +1900"},
		{"denied, dotted", bridge.DialPolicy{Deny: []string{"+1900"}}, "+1.900.555.0100", "", "matches the denied prefix +1900"},
		{"config prefix formatted", bridge.DialPolicy{Deny: []string{"+1 (976)"}}, "+19765550100", "", "matches the denied prefix +1976"},
		{"other prefix", bridge.DialPolicy{Deny: []string{"+1900"}}, "+14155550100", "", ""},
		{"allowed", bridge.DialPolicy{Allow: []string{"+1"}}, "+14155550100", "", ""},
		{"not allowed", bridge.DialPolicy{Allow: []string{"+1"}}, "+442079460958", "", "dial policy: +442079460958 is not under an allowed prefix (+1)"},
		{"deny wins over allow", bridge.DialPolicy{Allow: []string{"+1"}, Deny: []string{"+1900"}}, "+19005550100", "", "denied prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _, _, _ := newTestDesktop()
			b.Policy = tt.policy
			_, err := b.StartCall(context.Background(), tt.origin, jsval.String(tt.number), jsval.Undefined)
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e := bridge.AsError(err); e == nil || e.Code != bridge.NotEnoughPrivileges || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("err = %v, want not_enough_privileges %q", err, tt.msg)
			}
		})
	}
}

func TestDialPolicyAppliesToEveryPlacement(t *testing.T) {
	b, sp, _, _ := newTestDesktop()
	b.Policy = bridge.DialPolicy{Deny: []string{"+1900"}}
	// The Dialpad, typed by the agent.
	sp.SetDialpad("+1 900 555 0100")
	call, err := sp.DialpadCall()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Place(context.Background(), call); code(err) != bridge.NotEnoughPrivileges {
		t.Fatalf("dialpad: %v", err)
	}
	// Deferred Dial: refused before the number even reaches the Dialpad.
	sp.SetDialpad("")
	sp.Update(func(s *desk.Settings) { s.DeferredDial = true })
	if _, err := b.StartCall(context.Background(), "", jsval.String("+1-900-555-0100"), jsval.Undefined); code(err) != bridge.NotEnoughPrivileges || sp.Dialpad() != "" {
		t.Fatalf("deferred: %v, dialpad %q", err, sp.Dialpad())
	}
	if len(sp.Interactions()) != 0 {
		t.Fatal("a denied number was dialled")
	}
	// The agent's conditions come first (SPEC.md's order).
	sp.Update(func(s *desk.Settings) { s.LoggedIn = false })
	if _, err := b.StartCall(context.Background(), "", jsval.String("+19005550100"), jsval.Undefined); code(err) != bridge.NotLoggedIn {
		t.Fatalf("order: %v", err)
	}
}

func TestRateLimitPerOrigin(t *testing.T) {
	b, _, clock, _ := newTestDesktop()
	b.Policy = bridge.DialPolicy{MaxCallsPerMinute: 3}
	call := func(origin string) error {
		_, err := b.StartCall(context.Background(), origin, jsval.String("100"), jsval.Undefined)
		return err
	}
	for i := 0; i < 3; i++ {
		if err := call("https://crm.example"); err != nil {
			t.Fatal(err)
		}
	}
	err := call("https://crm.example")
	if e := bridge.AsError(err); e == nil || e.Code != bridge.NotEnoughPrivileges || e.Message != "dial policy: more than 3 calls a minute from https://crm.example" {
		t.Fatalf("4th call: %v", err)
	}
	if err := call(""); err != nil { // another origin has its own count
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if err := call("https://crm.example"); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

func TestIdempotencyKey(t *testing.T) {
	b, sp, clock, _ := newTestDesktop()
	call, _ := bridge.ParseCall(jsval.String("100"), jsval.Undefined)
	call.Origin = "https://crm.example"
	first, err := b.PlaceOnce(context.Background(), "k1", call)
	if err != nil {
		t.Fatal(err)
	}
	// Concurrent repeats, a double click: one call.
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if id, err := b.PlaceOnce(context.Background(), "k1", call); id != first || err != nil {
				t.Errorf("repeat = %q, %v; want %q", id, err, first)
			}
		}()
	}
	wg.Wait()
	if n := len(sp.Interactions()); n != 1 {
		t.Fatalf("%d calls for one key", n)
	}
	// Another origin's key of the same name is its own.
	other := call
	other.Origin = "https://other.example"
	if id, _ := b.PlaceOnce(context.Background(), "k1", other); id == first {
		t.Fatal("keys leaked across origins")
	}
	// After the window, the key dials again.
	clock.Advance(bridge.IdempotencyWindow)
	if id, _ := b.PlaceOnce(context.Background(), "k1", call); id == first || id == "" {
		t.Fatalf("after the window: %q", id)
	}
	// A failed call releases its key.
	sp.Update(func(s *desk.Settings) { s.LoggedIn = false })
	if _, err := b.PlaceOnce(context.Background(), "k2", call); code(err) != bridge.NotLoggedIn {
		t.Fatal(err)
	}
	sp.Update(func(s *desk.Settings) { s.LoggedIn = true })
	if id, err := b.PlaceOnce(context.Background(), "k2", call); err != nil || id == "" {
		t.Fatalf("retry after a failure: %q %v", id, err)
	}
	for _, tt := range []struct {
		v   jsval.Value
		msg string
	}{
		{jsval.Value{Type: jsval.TypeNumber, Str: "1"}, "options.idempotencyKey: want string, got number"},
		{jsval.String(""), "options.idempotencyKey: must not be empty"},
		{jsval.String(strings.Repeat("k", 300)), "options.idempotencyKey: too long (300 characters, at most 256)"},
	} {
		if _, err := bridge.ParseIdempotencyKey(tt.v); err == nil || bridge.AsError(err).Message != tt.msg {
			t.Errorf("ParseIdempotencyKey(%+v) = %v, want %q", tt.v, err, tt.msg)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
