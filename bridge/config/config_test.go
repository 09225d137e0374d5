package config

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge/dialplan"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Finding 5: a config the desktop cannot use is an error naming the
// problem, never a silent default.
func TestParse(t *testing.T) {
	good := `{"allowedOrigins": ["https://crm.example", "http://localhost:8081", "http://[::1]:8081"],
		"placementTimeoutMs": 5000, "dialPlan": {"country": "US", "extensionDigits": 4},
		"dialPolicy": {"allow": ["+1"], "deny": ["+1 900", "+1976"], "maxCallsPerMinute": 30, "allowServiceCodes": false},
		"sip": {"wsUrl": "wss://sip.example/ws", "domain": "sip.example", "iceServers": [{"urls": "stun:stun.example"}, {"urls": ["turn:t.example"], "username": "u", "credential": "c"}]}}`
	c, err := Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.AllowedOrigins, " ") != "https://crm.example http://localhost:8081 http://[::1]:8081" || c.PlacementTimeout != 5*time.Second ||
		c.DialPlan != (dialplan.Plan{Country: "US", ExtensionDigits: 4}) || strings.Join(c.DialPolicy.Deny, " ") != "+1900 +1976" ||
		c.DialPolicy.MaxCallsPerMinute != 30 || c.SIP == nil || len(c.SIP.ICEServers) != 2 || c.SIP.ICEServers[0].URLs[0] != "stun:stun.example" {
		t.Fatalf("%+v", c)
	}
	if c, err := Parse([]byte(` {} `)); err != nil || c.DialPolicy.IsSet() {
		t.Fatal(c, err)
	}
	for _, tt := range []struct{ in, err string }{
		{``, "not valid JSON at line 1, column 1: unexpected end"},
		{`{"dialPolicy": {"deny": ["+1900",]}}`, "line 1, column 34: a trailing comma"},
		{`{"dialPolicy": {"deny": ["+1900"]},}`, "a trailing comma"},
		{`{"placementTimeoutMs": "5000"}`, "placementTimeoutMs: want a number, got string"},
		{`{"placementTimeoutMs": 5000.5}`, "placementTimeoutMs: want a whole number from 1 to 600000, got 5000.5"},
		{`{"placementTimeoutMs": -1}`, "placementTimeoutMs: want a whole number from 1 to 600000, got -1"},
		{`{"placementTimeoutMs": 0}`, "placementTimeoutMs: want a whole number"},
		{`{"dialPolicy": {"deny": "+1900"}}`, "dialPolicy.deny: want an array, got string"},
		{`{"dialPolicy": {"Deny": ["+1900"]}}`, `unknown key "Deny" in dialPolicy (known: allow, allowServiceCodes, deny, maxCallsPerMinute)`},
		{`{"dialpolicy": {}}`, `unknown key "dialpolicy" at the top level`},
		{`{"dialPolicy": {"deny": [1900]}}`, "dialPolicy.deny[0]: want a string, got number"},
		{`{"dialPolicy": {"deny": ["+0"]}}`, `dialPolicy.deny[0]: "+0" is not a number prefix`},
		{`{"dialPolicy": {"deny": ["premium"]}}`, `dialPolicy.deny[0]: "premium" is not a number prefix`},
		{`{"dialPolicy": {"maxCallsPerMinute": -3}}`, "dialPolicy.maxCallsPerMinute: want a whole number from 0"},
		{`{"dialPolicy": {"allowServiceCodes": "yes"}}`, "dialPolicy.allowServiceCodes: want true or false, got string"},
		{`{"dialPolicy": null}`, "dialPolicy: want an object, got null"},
		{`{"dialPlan": {"country": "XX"}}`, `dialPlan.country: want one of`},
		{`{"dialPlan": {"extensionDigits": 12}}`, "dialPlan.extensionDigits: want a whole number from 1 to 8"},
		{`{"allowedOrigins": "https://crm.example"}`, "allowedOrigins: want an array, got string"},
		{`{"allowedOrigins": ["*"]}`, `allowedOrigins[0]: "*" is not an origin`},
		{`{"allowedOrigins": ["https://crm.example/"]}`, "a trailing slash"},
		{`{"allowedOrigins": ["crm.example"]}`, "no scheme"},
		{`{"allowedOrigins": ["https://crm.example; sandbox"]}`, "spaces"},
		{`{"allowedOrigins": ["https://a.example;b"]}`, "letters, digits"},
		{`{"allowedOrigins": ["https://a.example", "https://b.example/app"]}`, "allowedOrigins[1]: \"https://b.example/app\" is not an origin (scheme://host[:port], as the browser reports it): a path"},
		{`{"sip": {"wsUrl": "https://x"}}`, "sip.wsUrl: want a ws:// or wss:// URL"},
		{`{"sip": {"wsUrl": "wss://x", "password": "p"}}`, `unknown key "password" in sip`},
		{`{"a": 1, "a": 2}`, `the key "a" twice`},
		{`// comment` + "\n{}", "unexpected \"/\""},
		{`{'allowedOrigins': []}`, "want a key in double quotes"},
		{`{"placementTimeoutMs": 05000}`, "leading zero"},
		{`{"placementTimeoutMs": NaN}`, "unexpected \"N\""},
		{`[]`, "want an object, got array"},
		{`{} {}`, "unexpected text after the JSON value"},
		{"{\"x\": \"\xff\"}", "not UTF-8"},
	} {
		_, err := Parse([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "adapi-config.json: ") {
			t.Errorf("%s: err %v, want %q", tt.in, err, tt.err)
		}
	}
}

func TestParseOrigin(t *testing.T) {
	for _, ok := range []string{"https://crm.example", "http://localhost:8081", "http://127.0.0.1:8080", "https://[2001:db8::1]", "https://xn--bcher-kva.example"} {
		if o, err := ParseOrigin(ok); err != nil || o != ok {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"*", "null", "", "crm.example", "https://", "https://crm.example/", "https://crm.example/x", "https://crm.example?x",
		"https://crm.example#x", "HTTPS://crm.example", "https://CRM.example", "ftp://crm.example", "https://crm.example:443", "http://crm.example:80",
		"https://crm.example:0", "https://crm.example:65536", "https://crm.example:08", "https://crm.example:", "https://u@crm.example", "https://*.example",
		"https://a b.example", "https://a.example;", "https://a.example,https://b.example", " https://a.example", "https://a..example",
		"https://bücher.example", "https://[::1", "https://[::1]x", "https://a:1:2", "https://'a'"} {
		if _, err := ParseOrigin(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzParseJSON: ParseJSON accepts exactly what encoding/json accepts
// (bar a key twice, which it refuses), and never panics; Parse
// never panics either, and what it accepts is valid.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2.5e3,-0,true,false,null,"\u00e9\ud83d\ude00"]}`, `[1,]`, `{"a":1,}`, `01`, `1.`, `-`, `"\x01"`, `{"allowedOrigins":["https://a.example"],"dialPolicy":{"deny":["+1900"]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := jsval.ParseJSON(b)
		valid := json.Valid(b)
		if err == nil && !valid {
			t.Fatalf("%q accepted, encoding/json refuses it", b)
		}
		if err != nil && valid && !strings.Contains(err.Error(), "twice") && !strings.Contains(err.Error(), "nested too deeply") {
			t.Fatalf("%q refused (%v), encoding/json accepts it", b, err)
		}
		_ = v
		if c, err := Parse(b); err == nil {
			for _, o := range c.AllowedOrigins {
				if _, err := ParseOrigin(o); err != nil {
					t.Fatal(err)
				}
			}
			if c.DialPlan.Validate() != nil {
				t.Fatalf("%+v", c.DialPlan)
			}
		}
	})
}

// TestWSOrigin: sip.wsUrl is checked once (Parse, and the server's
// connect-src): a ws:// or wss:// URL with a host and nothing a browser
// would read otherwise.
func TestWSOrigin(t *testing.T) {
	for _, c := range []struct{ in, origin, why string }{
		{"wss://sip.example.com:8089/ws", "wss://sip.example.com:8089", ""},
		{"ws://127.0.0.1:5066/ws", "ws://127.0.0.1:5066", ""},
		{"ws://[::1]:5066", "", "an IPv6 address"},
		{"wss://sip.example", "wss://sip.example", ""},
		{"ws://", "", "no host"},
		{"ws:///ws", "", "no host"},
		{"ws://:5066/ws", "", "no host"},
		{"ws:sip.example", "", "want ws or wss"},
		{"wss://user@sip.example.com/ws", "", "a user name or password"},
		{"wss://user:pw@sip.example.com/ws", "", "a user name or password"},
		{"wss://sip.example.com/ws?token=1", "", "a query or fragment"},
		{"wss://sip.example.com/ws?", "", "a query or fragment"},
		{"wss://sip.example.com/ws#x", "", "a query or fragment"},
		{"https://sip.example.com/ws", "", "want ws or wss"},
		{"WSS://sip.example.com", "", "want ws or wss"},
		{"sip.example.com", "", "want ws or wss"},
		{"", "", "want ws or wss"},
		{"wss://sip.example.com; script-src *", "", "one of ;"},
		{"wss://sip.example.com script-src", "", "spaces"},
		{"wss://sip.example.com;script-src/ws", "", "one of ;"},
		{"wss://*/ws", "", "one of ;"},
		{"wss://a'b", "", "one of ;"},
		{"wss://a\\b/ws", "", "one of ;"},
		{"wss://sip.example.com:99999x", "", "not a port"},
		{"wss://sip.example.com:65536", "", "not a port"},
		{"wss://sip.example.com:0", "", "not a port"},
		{"wss://sip.example.com:/ws", "", "not a port"},
		{"wss://sip.example.com:+80", "", "not a port"},
		{"ws://[::1/ws", "", "an IPv6 address"},
		{"ws://h/%zz", "", "a % that escapes nothing"},
		{"ws://h/a%2fb", "ws://h", ""},
		{"ws://a%41b", "", "not a host name or address"},
		{"wss://sip\x7f.example", "", "control"},
		{"wss://sïp.example", "", "non-ASCII"},
	} {
		o, err := WSOrigin(c.in)
		switch {
		case c.why == "" && (err != nil || o != c.origin):
			t.Errorf("%q: %q %v, want %q", c.in, o, err, c.origin)
		case c.why != "" && (err == nil || !strings.Contains(err.Error(), c.why)):
			t.Errorf("%q: %q %v, want an error saying %q", c.in, o, err, c.why)
		}
		// Parse checks a config's wsUrl with it, and names the key.
		js, _ := json.Marshal(map[string]any{"sip": map[string]any{"wsUrl": c.in, "domain": "sip.example"}})
		_, perr := Parse(js)
		if (perr == nil) != (err == nil) || perr != nil && !strings.HasPrefix(perr.Error(), "adapi-config.json: sip.wsUrl: ") {
			t.Errorf("%q: Parse says %v, WSOrigin %v", c.in, perr, err)
		}
	}
}

// FuzzWSOrigin: whatever the wsUrl, an accepted one is a URL url.Parse
// reads alike (ws/wss, that host and port, no user, query or fragment),
// its origin has nothing a Content-Security-Policy would read as a new
// source or directive, and is its own origin.
func FuzzWSOrigin(f *testing.F) {
	for _, s := range []string{"wss://sip.example.com:8089/ws", "ws://127.0.0.1:5066", "ws://", "wss://u@h/", "wss://h/?q", "wss://h;x", "ws://[::1]:1/", "ws://h:/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := WSOrigin(s)
		if err != nil {
			return
		}
		u, perr := url.Parse(s)
		if perr != nil || (u.Scheme != "ws" && u.Scheme != "wss") || o != u.Scheme+"://"+u.Host || u.Hostname() == "" ||
			u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
			t.Fatalf("%q: origin %q, but url.Parse reads %#v (%v)", s, o, u, perr)
		}
		if strings.ContainsAny(o, " ;,'\"*?#@\t\r\n") {
			t.Fatalf("%q: origin %q could break a Content-Security-Policy", s, o)
		}
		if o2, err := WSOrigin(o); err != nil || o2 != o {
			t.Fatalf("%q: origin %q is not its own origin: %q %v", s, o, o2, err)
		}
	})
}

// TestTestHooks: testHooks is off unless the config says true, and a
// boolean.
func TestTestHooks(t *testing.T) {
	if c, err := Parse([]byte(`{}`)); err != nil || c.TestHooks {
		t.Fatalf("%+v %v", c, err)
	}
	if c, err := Parse([]byte(`{"testHooks": true}`)); err != nil || !c.TestHooks {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := Parse([]byte(`{"testHooks": "yes"}`)); err == nil || !strings.Contains(err.Error(), "testHooks") {
		t.Fatalf("a string accepted: %v", err)
	}
}
