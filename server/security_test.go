package server

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Finding 9: adapi-serve refuses every bad flag with a message naming it,
// before it serves anything.
func TestAdapiServeRefusesBadValues(t *testing.T) {
	if testing.Short() {
		t.Skip("builds adapi-serve")
	}
	bin := filepath.Join(t.TempDir(), "adapi-serve")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/adapi-serve").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-allow", "*"}, `allowedOrigins[0]: "*" is not an origin`},
		{[]string{"-allow", "localhost:8081"}, "no scheme"},
		{[]string{"-allow", "http://localhost:8081/"}, "a trailing slash"},
		{[]string{"-allow", "http://a.example http://b.example"}, "spaces"},
		{[]string{"-allow", "http://a.example;sandbox"}, "letters, digits"},
		{[]string{"-allow", "https://crm.example:443"}, "default port"},
		{[]string{"-max-calls-per-minute", "-1"}, "-max-calls-per-minute -1"},
		{[]string{"-placement-timeout-ms", "-5"}, "-placement-timeout-ms -5"},
		{[]string{"-placement-timeout-ms", "0"}, "-placement-timeout-ms 0"},
		{[]string{"-extension-digits", "-2"}, "-extension-digits -2"},
		{[]string{"-extension-digits", "20"}, "dialPlan.extensionDigits"},
		{[]string{"-country", "XX"}, "dialPlan.country"},
		{[]string{"-deny", "+1900,premium"}, `dialPolicy.deny[1]: "premium" is not a number prefix`},
		{[]string{"-allow-numbers", "+0"}, `dialPolicy.allow[0]`},
		{[]string{"-sip-ws-url", "http://sip.example"}, "sip.wsUrl"},
		{[]string{"-dir", filepath.Join(dir, "missing")}, "-dir"},
		{[]string{"stray"}, "unexpected arguments"},
	} {
		args := append([]string{"-dir", dir, "-addr", "127.0.0.1:0", "-crm-addr", ""}, tt.args...)
		args = append(args, "-tls-dir", filepath.Join(dir, ".tls"))
		if tt.args[0] == "-dir" {
			args = append([]string{"-addr", "127.0.0.1:0", "-crm-addr", ""}, tt.args...)
		}
		out, err := exec.Command(bin, args...).CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 || !strings.HasPrefix(string(out), "adapi-serve: ") || !strings.Contains(string(out), tt.msg) || strings.Contains(string(out), "agent desktop at") {
			t.Errorf("%v: %v\n%s", tt.args, err, out)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	good := Config{AllowedOrigins: []string{"http://localhost:8081"}, PlacementTimeoutMs: 5000,
		DialPlan: &DialPlan{Country: "US"}, DialPolicy: &DialPolicy{Deny: []string{"+1900"}}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Config{
		{AllowedOrigins: []string{"*"}},
		{PlacementTimeoutMs: -1},
		{DialPolicy: &DialPolicy{MaxCallsPerMinute: -1}},
		{DialPlan: &DialPlan{Country: "ZZ"}},
	} {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	file := func(body string) string {
		p := filepath.Join(t.TempDir(), "adapi-config.json")
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	for body, msg := range map[string]string{
		`{"allowedOrigins": [], "dialPolicy": {"Deny": []}}`:   `unknown key "Deny"`,
		`{"allowedOrigins": ["https://crm.example/"]}`:         "a trailing slash",
		`{"allowedOrigins": [], "placementTimeoutMs": -1}`:     "placementTimeoutMs",
		`{"allowedOrigins": [], "dialPolicy": {"deny": [1,]}}`: "a trailing comma",
	} {
		if _, err := LoadConfig(file(body)); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v", body, err)
		}
	}
	c, err := LoadConfig(file(`{"allowedOrigins": ["http://localhost:8081"], "dialPolicy": {"deny": ["+1900"]}}`))
	if err != nil || c.DialPolicy == nil || c.DialPolicy.Deny[0] != "+1900" {
		t.Fatal(c, err)
	}
}

// The CSP never carries what is not an origin, even from a Config that
// skipped validation; the demo CRM server answers GET and HEAD only.
func TestHeadersAndMethods(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "crm.html"), []byte("crm"), 0o644)
	h := Handler(dir, Config{AllowedOrigins: []string{"*", "https://ok.example", "https://a.example; sandbox", "https://b.example/"}})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if csp := w.Header().Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors 'self' https://ok.example") {
		t.Fatalf("csp %q", csp)
	}
	crm := CRMHandler(dir, "http://127.0.0.1:8080")
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"} {
		w := httptest.NewRecorder()
		crm.ServeHTTP(w, httptest.NewRequest(m, "/", nil))
		if w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d", m, w.Code)
		}
	}
	for _, m := range []string{"GET", "HEAD"} {
		w := httptest.NewRecorder()
		crm.ServeHTTP(w, httptest.NewRequest(m, "/", nil))
		if w.Code != 200 {
			t.Errorf("%s: %d", m, w.Code)
		}
	}
}
