package main

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/adapi-go/adapi-go/server"
)

// TestFlagsMakeTheConfig: each flag lands in the adapi-config.json the
// desktop is served, exactly; the defaults are the documented ones.
func TestFlagsMakeTheConfig(t *testing.T) {
	web := webDir(t)
	us := &server.DialPlan{Country: "US"}
	premium := &server.DialPolicy{Deny: []string{"+1900", "+1976"}}
	for _, tt := range []struct {
		args []string
		want server.Config
	}{
		{nil, server.Config{AllowedOrigins: []string{}, PlacementTimeoutMs: 5000, DialPlan: us, DialPolicy: premium}},
		{[]string{"-allow", " http://a.example , https://b.example:8443 "},
			server.Config{AllowedOrigins: []string{"http://a.example", "https://b.example:8443"}, PlacementTimeoutMs: 5000, DialPlan: us, DialPolicy: premium}},
		{[]string{"-placement-timeout-ms", "1234"}, server.Config{AllowedOrigins: []string{}, PlacementTimeoutMs: 1234, DialPlan: us, DialPolicy: premium}},
		{[]string{"-deny", "+44,+1555", "-allow-numbers", "+1", "-max-calls-per-minute", "7"},
			server.Config{AllowedOrigins: []string{}, PlacementTimeoutMs: 5000, DialPlan: us,
				DialPolicy: &server.DialPolicy{Deny: []string{"+44", "+1555"}, Allow: []string{"+1"}, MaxCallsPerMinute: 7}}},
		{[]string{"-deny", ""}, server.Config{AllowedOrigins: []string{}, PlacementTimeoutMs: 5000, DialPlan: us}},
		{[]string{"-deny", "", "-max-calls-per-minute", "3"},
			server.Config{AllowedOrigins: []string{}, PlacementTimeoutMs: 5000, DialPlan: us, DialPolicy: &server.DialPolicy{MaxCallsPerMinute: 3}}},
		{[]string{"-country", "GB", "-extension-digits", "4"},
			server.Config{AllowedOrigins: []string{}, PlacementTimeoutMs: 5000, DialPlan: &server.DialPlan{Country: "GB", ExtensionDigits: 4}, DialPolicy: premium}},
		{[]string{"-country", "", "-deny", ""}, server.Config{AllowedOrigins: []string{}, PlacementTimeoutMs: 5000}},
	} {
		d, _ := start(t, append([]string{"-dir", web}, tt.args...)...)
		r, err := http.Get(d.desktopURL + "/adapi-config.json")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		var got server.Config
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%q: served %s: %v", tt.args, b, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: served %s, want %+v", tt.args, b, tt.want)
		}
	}
}

// TestBadFlagsStopTheServer: a value it cannot use stops it, naming the
// flag, before anything listens.
func TestBadFlagsStopTheServer(t *testing.T) {
	web := webDir(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-placement-timeout-ms", "0"}, "-placement-timeout-ms 0"},
		{[]string{"-placement-timeout-ms", "soon"}, "placement-timeout-ms"},
		{[]string{"-max-calls-per-minute", "-1"}, "-max-calls-per-minute -1"},
		// With no prefixes there is no dialPolicy to carry it: refused all
		// the same, not dropped.
		{[]string{"-deny", "", "-allow-numbers", "", "-max-calls-per-minute", "-1"}, "-max-calls-per-minute -1"},
		{[]string{"-deny", "", "-max-calls-per-minute", "100001"}, "maxCallsPerMinute"},
		{[]string{"-extension-digits", "-2"}, "-extension-digits -2"},
		{[]string{"-dir", "/nonexistent/web"}, `-dir "/nonexistent/web"`},
		{[]string{"-allow", "not an origin"}, "not an origin"},
		{[]string{"-no-such-flag"}, "no-such-flag"},
		{[]string{"stray"}, "unexpected arguments"},
	} {
		args := append([]string{"-dir", web, "-addr", "127.0.0.1:0", "-crm-addr", ""}, tt.args...)
		d, err := setup(args, io.Discard)
		if err == nil {
			d.desktop.Close()
			t.Errorf("%q: started", tt.args)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want it to name %s", tt.args, err, tt.want)
		}
	}
}
