package testbed

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// Only the desktop's origin may open the SIP WebSocket: a page on another
// site cannot talk SIP from an agent's browser.
func TestOnlyTheDesktopsOrigin(t *testing.T) {
	bed := StartTest(t, Options{Origin: "http://127.0.0.1:9"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tt := range []struct {
		origin string
		ok     bool
	}{{"http://127.0.0.1:9", true}, {"http://evil.example", false}, {"", false}} {
		h := http.Header{}
		if tt.origin != "" {
			h.Set("Origin", tt.origin)
		}
		d := ws.Dialer{Protocols: []string{"sip"}, Header: ws.HandshakeHeaderHTTP(h)}
		conn, _, _, err := d.Dial(ctx, bed.WSURL)
		if conn != nil {
			conn.Close()
		}
		if (err == nil) != tt.ok {
			t.Errorf("origin %q: handshake error %v, want ok=%v", tt.origin, err, tt.ok)
		}
	}
}

// What goes into kamailio.cfg and the subscriber table unquoted is checked
// first: an origin, domain or user that would add a line, a directive or
// a row is refused, naming the option, before anything starts.
func TestOptionsThatWouldInjectConfig(t *testing.T) {
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{Origin: `http://a.example"); exit; #`}, "Options.Origin"},
		{Options{Origin: "http://a.example\nrequest_route { exit; }"}, "Options.Origin"},
		{Options{Origin: "*"}, "Options.Origin"},
		{Options{Origin: "http://a.example/"}, "Options.Origin"},
		{Options{Domain: "adapi.test\"\nloadmodule \"x.so"}, "Options.Domain"},
		{Options{Domain: "adapi.test\nlisten=tcp:0.0.0.0:5060"}, "Options.Domain"},
		{Options{Domain: "a:b"}, "Options.Domain"},
		{Options{Domain: "Adapi.test"}, "Options.Domain"},
		{Options{Domain: "-a.test"}, "Options.Domain"},
		{Options{Domain: "a..test"}, "Options.Domain"},
		{Options{Users: []string{"agent", "x:adapi.test:pw::\n9:root"}}, "Options.Users[1]"},
		{Options{Users: []string{"a b"}}, "Options.Users[0]"},
		{Options{Users: []string{""}}, "Options.Users[0]"},
	} {
		bed, err := Start(tt.opts)
		if err == nil {
			bed.Close()
			t.Errorf("%+v: started", tt.opts)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want it to name %s", tt.opts, err, tt.want)
		}
	}
	for _, ok := range []Options{
		{Origin: "http://127.0.0.1:8080", Domain: "adapi.test"},
		{Origin: "https://desk.example.com", Domain: "sip-1.example.com", Users: []string{"agent", "1001", "a.b_c-d+1"}},
		{Domain: "localhost"},
	} {
		if err := ok.check(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
}
