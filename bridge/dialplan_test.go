package bridge_test

import (
	"context"
	"strings"
	"testing"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/dialplan"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// The security review's bypasses (issue 10, finding 1): with a policy
// denying +1900, every way of writing that number is one number, or is
// refused because the policy cannot read it.
func TestDialPlanEveryWayToWriteANumber(t *testing.T) {
	us := dialplan.Plan{Country: "US"}
	deny := bridge.DialPolicy{Deny: []string{"+1900", "+1976"}}
	tests := []struct {
		name   string
		plan   dialplan.Plan
		policy bridge.DialPolicy
		number string
		dialed string // the number dialled and in events; "" refused
		code   bridge.Code
		msg    string
	}{
		// One premium number, written every way people (and attackers) write it.
		{"E.164", us, deny, "+19005550123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"formatted", us, deny, "+1 (900) 555-0123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"US international prefix", us, deny, "011 1 900 555 0123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"trunk prefix", us, deny, "1-900-555-0123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"national", us, deny, "(900) 555-0123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"dotted national", us, deny, "900.555.0123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"other premium", us, deny, "1 976 555 0123", "", bridge.NotEnoughPrivileges, "+19765550123 matches the denied prefix +1976"},
		{"00 is not the US international prefix", us, deny, "00 1 900 555 0123", "", bridge.NotEnoughPrivileges, "cannot be checked"},
		{"+00", us, deny, "+0019005550123", "", bridge.InvalidArgs, "no country code starts with 0"},
		{"+0", dialplan.Plan{}, bridge.DialPolicy{}, "+0 800 555", "", bridge.InvalidArgs, "no country code starts with 0"},
		{"011 0", us, deny, "011 0 1 900 555 0123", "", bridge.InvalidArgs, "no country code starts with 0"},
		{"*67 service code", us, deny, "*67 1 900 555 0123", "", bridge.NotEnoughPrivileges, "service code"},
		{"#31# service code", us, deny, "#31#19005550123", "", bridge.NotEnoughPrivileges, "service code"},
		{"*67 after the international prefix", us, deny, "011*67 1900", "", bridge.NotEnoughPrivileges, "service code"},
		{"local number without area code", us, deny, "555-0123", "", bridge.NotEnoughPrivileges, "cannot be checked"},
		{"national without a plan", dialplan.Plan{}, deny, "900 555 0123", "", bridge.NotEnoughPrivileges, "needs a dialPlan.country"},
		{"trunk prefix without a plan", dialplan.Plan{}, deny, "1 900 555 0123", "", bridge.NotEnoughPrivileges, "needs a dialPlan.country"},
		{"00 without a plan", dialplan.Plan{}, deny, "0019005550123", "", bridge.NotEnoughPrivileges, "needs a dialPlan.country"},
		{"NANP area code starting 1", us, deny, "1 190 555 0123", "", bridge.NotEnoughPrivileges, "not a national number of US"},
		{"too long after 011", us, deny, "011 1234567890123456", "", bridge.InvalidArgs, "at most 15 digits"},

		// Ordinary numbers keep working, canonical.
		{"national allowed", us, deny, "(415) 555-0123", "+14155550123", 0, ""},
		{"trunk allowed", us, deny, "1 415 555 0123", "+14155550123", 0, ""},
		{"011 to the UK", us, deny, "011 44 20 7946 0018", "+442079460018", 0, ""},
		{"extension", us, deny, "1001", "1001", 0, ""},
		{"short extension", dialplan.Plan{}, deny, "100", "100", 0, ""},
		{"extension digits", dialplan.Plan{ExtensionDigits: 3}, deny, "1234", "", bridge.NotEnoughPrivileges, "needs a dialPlan.country"},
		{"service code allowed by the owner", us, bridge.DialPolicy{Deny: []string{"+1900"}, AllowServiceCodes: true}, "*67 415 555 0123", "*674155550123", 0, ""},
		{"no policy: a national number as written", dialplan.Plan{}, bridge.DialPolicy{}, "1 900 555 0123", "19005550123", 0, ""},
		{"no policy, a plan: canonical", us, bridge.DialPolicy{}, "1 900 555 0123", "+19005550123", 0, ""},
		{"no policy: service codes", dialplan.Plan{}, bridge.DialPolicy{}, "*67 555", "*67555", 0, ""},

		// Other countries' prefixes.
		{"GB national", dialplan.Plan{Country: "GB"}, deny, "020 7946 0018", "+442079460018", 0, ""},
		{"GB international", dialplan.Plan{Country: "GB"}, deny, "00 1 900 555 0123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"GB local", dialplan.Plan{Country: "GB"}, deny, "7946 0018", "", bridge.NotEnoughPrivileges, "a local number without its area code"},
		{"DE national", dialplan.Plan{Country: "DE"}, bridge.DialPolicy{Deny: []string{"+49900"}}, "0900 123 4567", "", bridge.NotEnoughPrivileges, "+499001234567 matches the denied prefix +49900"},
		{"DE international", dialplan.Plan{Country: "DE"}, deny, "00 49 30 123456", "+4930123456", 0, ""},
		{"FR national", dialplan.Plan{Country: "FR"}, bridge.DialPolicy{Deny: []string{"+3389"}}, "08 99 12 34 56", "", bridge.NotEnoughPrivileges, "+33899123456 matches the denied prefix +3389"},
		{"FR wrong length", dialplan.Plan{Country: "FR"}, deny, "01 23 45 67", "", bridge.NotEnoughPrivileges, "not a national number of FR"},
		{"IT keeps its 0", dialplan.Plan{Country: "IT"}, deny, "06 1234 5678", "+390612345678", 0, ""},
		{"ES no trunk", dialplan.Plan{Country: "ES"}, deny, "912 345 678", "+34912345678", 0, ""},
		{"AU 0011", dialplan.Plan{Country: "AU"}, deny, "0011 1 900 555 0123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"AU national", dialplan.Plan{Country: "AU"}, deny, "02 9876 5432", "+61298765432", 0, ""},
		{"JP 010", dialplan.Plan{Country: "JP"}, deny, "010 1 900 555 0123", "", bridge.NotEnoughPrivileges, "+19005550123 matches the denied prefix +1900"},
		{"CA is NANP", dialplan.Plan{Country: "CA"}, deny, "1 (976) 555-0123", "", bridge.NotEnoughPrivileges, "+19765550123 matches the denied prefix +1976"},
		{"allow list, canonical", dialplan.Plan{Country: "GB"}, bridge.DialPolicy{Allow: []string{"+44"}}, "020 7946 0018", "+442079460018", 0, ""},
		{"allow list, extension as written", dialplan.Plan{Country: "GB"}, bridge.DialPolicy{Allow: []string{"+44"}}, "1001", "", bridge.NotEnoughPrivileges, "not under an allowed prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, sp, _, _ := newTestDesktop()
			sp.Update(func(s *desk.Settings) { s.Extension = "" })
			b.Plan, b.Policy = tt.plan, tt.policy
			_, err := b.StartCall(context.Background(), "", jsval.String(tt.number), jsval.Undefined)
			if tt.code != 0 {
				if e := bridge.AsError(err); e == nil || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
					t.Fatalf("err = %v, want %s %q", err, tt.code.Name(), tt.msg)
				}
				if n := len(sp.Interactions()); n != 0 {
					t.Fatalf("%d calls dialled", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ia := sp.Interactions()
			if len(ia) != 1 || ia[0].PhoneNumber != tt.dialed || ia[0].CallParties[0].Phone != tt.dialed {
				t.Fatalf("dialled %+v, want %s", ia, tt.dialed)
			}
		})
	}
}

// A Deferred Dial number reaches the Dialpad canonical, and pressing Dial
// goes through the same rules.
func TestDialPlanDeferredDialAndDialpad(t *testing.T) {
	b, sp, _, _ := newTestDesktop()
	b.Plan, b.Policy = dialplan.Plan{Country: "US"}, bridge.DialPolicy{Deny: []string{"+1900"}}
	sp.Update(func(s *desk.Settings) { s.DeferredDial = true })
	if id, err := b.StartCall(context.Background(), "", jsval.String("415 555 0123"), jsval.Undefined); err != nil || id != "" {
		t.Fatal(id, err)
	}
	if got := sp.Dialpad(); got != "+14155550123" {
		t.Fatalf("dialpad %q", got)
	}
	for _, typed := range []string{"011 1 900 555 0123", "1-900-555-0123", "*67 1 900 555 0123", "#31#19005550123"} {
		sp.SetDialpad(typed)
		call, err := sp.DialpadCall()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Place(context.Background(), call); code(err) != bridge.NotEnoughPrivileges {
			t.Fatalf("dialpad %q: %v", typed, err)
		}
	}
	if _, err := b.StartCall(context.Background(), "", jsval.String("+0019005550123"), jsval.Undefined); code(err) != bridge.InvalidArgs {
		t.Fatal(err)
	}
	if n := len(sp.Interactions()); n != 0 {
		t.Fatalf("%d calls", n)
	}
}

func TestDialPlanValidate(t *testing.T) {
	for _, p := range []dialplan.Plan{{Country: "XX"}, {Country: "us"}, {ExtensionDigits: -1}, {ExtensionDigits: 9}} {
		if p.Validate() == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	for _, c := range dialplan.Countries() {
		if err := (dialplan.Plan{Country: c, ExtensionDigits: 4}).Validate(); err != nil {
			t.Error(err)
		}
	}
}

// FuzzDialPlan: whatever the number, Canonical never panics; a canonical
// number is '+' and at most 15 digits, not starting 0, or an extension as
// written; making it canonical again changes nothing; and a number whose
// digits, read any way, reach +1900 is never allowed by a +1900 deny.
func FuzzDialPlan(f *testing.F) {
	for _, s := range []string{"+19005550123", "011 1 900 555 0123", "1-900-555-0123", "+0019005550123", "*67 1 900 555 0123", "#31#19005550123", "1001", "00 44 20 7946 0018", "9005550123", "0000000", ""} {
		f.Add(s, "US")
		f.Add(s, "GB")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, s, country string) {
		p := dialplan.Plan{Country: country}
		if p.Validate() != nil {
			return
		}
		n, err := bridge.NormalizePhoneString(s)
		if err != nil {
			return
		}
		c, why, err := p.Canonical(n)
		if err != nil {
			// dialplan's errors name the field; bridge.Canonical makes
			// them invalid_args.
			if !strings.HasPrefix(err.Error(), "phoneNumber: ") {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if why != "" {
			if c != n {
				t.Fatalf("%q: not canonical but changed to %q", s, c)
			}
			return
		}
		if strings.HasPrefix(c, "+") {
			if len(c) < 2 || c[1] == '0' || len(c) > 1+dialplan.MaxE164Digits || strings.Trim(c[1:], "0123456789") != "" {
				t.Fatalf("%q: canonical %q is not E.164", s, c)
			}
		} else if c != n || len(n) > dialplan.DefaultExtensionDigits { // the plan sets none
			t.Fatalf("%q: canonical %q is neither E.164 nor an extension", s, c)
		}
		if c2, why2, err2 := p.Canonical(c); c2 != c || why2 != "" || err2 != nil {
			t.Fatalf("%q: canonical %q again gave %q %q %v", s, c, c2, why2, err2)
		}
		// The policy: +1900 written any way is refused.
		b, sp, _, _ := newTestDesktop()
		sp.Update(func(st *desk.Settings) { st.Extension = "" })
		b.Plan, b.Policy = p, bridge.DialPolicy{Deny: []string{"+1900"}}
		if _, err := b.StartCall(context.Background(), "", jsval.String(s), jsval.Undefined); err == nil && strings.HasPrefix(c, "+1900") {
			t.Fatalf("%q dialled as %q past a +1900 deny", s, c)
		}
	})
}
