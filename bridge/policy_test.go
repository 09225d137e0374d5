package bridge

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDialPolicy(t *testing.T) {
	tests := []struct {
		name   string
		policy DialPolicy
		number string
		origin string
		msg    string // "" allowed
	}{
		{"none", DialPolicy{}, "+19005550100", "", ""},
		{"denied", DialPolicy{Deny: []string{"+1900"}}, "+19005550100", "", "dial policy: +19005550100 matches the denied prefix +1900"},
		{"denied, formatted", DialPolicy{Deny: []string{"+1900"}}, "+1 (900) 555-0100", "", "matches the denied prefix +1900"},
		{"denied, dotted", DialPolicy{Deny: []string{"+1900"}}, "+1.900.555.0100", "", "matches the denied prefix +1900"},
		{"config prefix formatted", DialPolicy{Deny: []string{"+1 (976)"}}, "+19765550100", "", "matches the denied prefix +1976"},
		{"other prefix", DialPolicy{Deny: []string{"+1900"}}, "+14155550100", "", ""},
		{"allowed", DialPolicy{Allow: []string{"+1"}}, "+14155550100", "", ""},
		{"not allowed", DialPolicy{Allow: []string{"+1"}}, "+442079460958", "", "dial policy: +442079460958 is not under an allowed prefix (+1)"},
		{"deny wins over allow", DialPolicy{Allow: []string{"+1"}, Deny: []string{"+1900"}}, "+19005550100", "", "denied prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _, _, _ := newTestDesktop()
			b.Policy = tt.policy
			_, err := b.StartCall(context.Background(), tt.origin, String(tt.number), Undefined)
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e := AsError(err); e == nil || e.Code != NotEnoughPrivileges || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("err = %v, want not_enough_privileges %q", err, tt.msg)
			}
		})
	}
}

func TestDialPolicyAppliesToEveryPlacement(t *testing.T) {
	b, sp, _, _ := newTestDesktop()
	b.Policy = DialPolicy{Deny: []string{"+1900"}}
	// The Dialpad, typed by the agent.
	sp.SetDialpad("+1 900 555 0100")
	call, err := sp.DialpadCall()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Place(context.Background(), call); code(err) != NotEnoughPrivileges {
		t.Fatalf("dialpad: %v", err)
	}
	// Deferred Dial: refused before the number even reaches the Dialpad.
	sp.SetDialpad("")
	sp.Update(func(s *Settings) { s.DeferredDial = true })
	if _, err := b.StartCall(context.Background(), "", String("+1-900-555-0100"), Undefined); code(err) != NotEnoughPrivileges || sp.Dialpad() != "" {
		t.Fatalf("deferred: %v, dialpad %q", err, sp.Dialpad())
	}
	if len(sp.Interactions()) != 0 {
		t.Fatal("a denied number was dialled")
	}
	// The agent's conditions come first (SPEC.md's order).
	sp.Update(func(s *Settings) { s.LoggedIn = false })
	if _, err := b.StartCall(context.Background(), "", String("+19005550100"), Undefined); code(err) != NotLoggedIn {
		t.Fatalf("order: %v", err)
	}
}

func TestRateLimitPerOrigin(t *testing.T) {
	b, _, clock, _ := newTestDesktop()
	b.Policy = DialPolicy{MaxCallsPerMinute: 3}
	call := func(origin string) error {
		_, err := b.StartCall(context.Background(), origin, String("100"), Undefined)
		return err
	}
	for i := 0; i < 3; i++ {
		if err := call("https://crm.example"); err != nil {
			t.Fatal(err)
		}
	}
	err := call("https://crm.example")
	if e := AsError(err); e == nil || e.Code != NotEnoughPrivileges || e.Message != "dial policy: more than 3 calls a minute from https://crm.example" {
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
	call, _ := ParseCall(String("100"), Undefined)
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
	clock.Advance(IdempotencyWindow)
	if id, _ := b.PlaceOnce(context.Background(), "k1", call); id == first || id == "" {
		t.Fatalf("after the window: %q", id)
	}
	// A failed call releases its key.
	sp.Update(func(s *Settings) { s.LoggedIn = false })
	if _, err := b.PlaceOnce(context.Background(), "k2", call); code(err) != NotLoggedIn {
		t.Fatal(err)
	}
	sp.Update(func(s *Settings) { s.LoggedIn = true })
	if id, err := b.PlaceOnce(context.Background(), "k2", call); err != nil || id == "" {
		t.Fatalf("retry after a failure: %q %v", id, err)
	}
	for _, tt := range []struct {
		v   Value
		msg string
	}{
		{Value{Type: TypeNumber, Str: "1"}, "options.idempotencyKey: want string, got number"},
		{String(""), "options.idempotencyKey: must not be empty"},
		{String(strings.Repeat("k", 300)), "options.idempotencyKey: too long (300 characters, at most 256)"},
	} {
		if _, err := ParseIdempotencyKey(tt.v); err == nil || AsError(err).Message != tt.msg {
			t.Errorf("ParseIdempotencyKey(%+v) = %v, want %q", tt.v, err, tt.msg)
		}
	}
}

func TestDedupIsBounded(t *testing.T) {
	b, _, clock, _ := newTestDesktop()
	b.init()
	b.dupes.limit = 100 // maxIdempotencyKeys, made small for the test
	call, _ := ParseCall(String("100"), Undefined)
	for i := 0; i < b.dupes.limit+50; i++ {
		if _, err := b.PlaceOnce(context.Background(), "key-"+itoa(i), call); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(b.dupes.entries); n > b.dupes.limit+1 {
		t.Fatalf("%d keys held", n)
	}
	clock.Advance(IdempotencyWindow)
	b.PlaceOnce(context.Background(), "last", call)
	if n := len(b.dupes.entries); n != 1 {
		t.Fatalf("%d keys held after the window", n)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
