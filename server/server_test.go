package server

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string, mod time.Time) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	write("index.html", "<p>hi</p>", now)
	write("adapi.wasm", "\x00asm raw", now)
	write("adapi.wasm.br", "brotli", now)
	write("adapi.wasm.gz", "gzip", now)
	write("adapi.js", "new", now)
	write("adapi.js.br", "stale", now.Add(-time.Hour))                              // older than the file: never served
	write("adapi-config.json", `{"allowedOrigins": ["https://evil.example"]}`, now) // never served: the config is in memory
	h := Handler(dir, Config{AllowedOrigins: []string{"http://localhost:8081"}, PlacementTimeoutMs: 1234})

	tests := []struct {
		path, accept          string
		status                int
		body, ctype, encoding string
	}{
		{"/", "", 200, "<p>hi</p>", "text/html; charset=utf-8", ""},
		{"/adapi.wasm", "", 200, "\x00asm raw", "application/wasm", ""},
		{"/adapi.wasm", "gzip, deflate, br", 200, "brotli", "application/wasm", "br"},
		{"/adapi.wasm", "gzip", 200, "gzip", "application/wasm", "gzip"},
		{"/adapi.wasm", "br;q=0, gzip", 200, "gzip", "application/wasm", "gzip"},
		{"/adapi.js", "br", 200, "new", "text/javascript; charset=utf-8", ""},
		{"/adapi.wasm.br", "", 404, "", "", ""},
		{"/../etc/passwd", "", 404, "", "", ""},
		{"/adapi-config.json", "", 200, `{"allowedOrigins":["http://localhost:8081"],"placementTimeoutMs":1234}`, "application/json", ""},
		// Bright Pattern's script paths, and what the loader loads beside it.
		{"/agent/communicator/adapters/api.js", "", 200, "new", "text/javascript; charset=utf-8", ""},
		{"/agent/crmembedded/adapters/api.js", "", 200, "new", "text/javascript; charset=utf-8", ""},
		{"/agent/communicator/adapters/adapi.wasm", "br", 200, "brotli", "application/wasm", "br"},
		{"/agent/crmembedded/adapters/adapi.wasm", "", 200, "\x00asm raw", "application/wasm", ""},
		{"/agent/crmembedded/adapters/adapi-config.json", "", 200, `{"allowedOrigins":["http://localhost:8081"],"placementTimeoutMs":1234}`, "application/json", ""},
		{"/agent/communicator/adapters/../../../adapi.js", "", 200, "new", "text/javascript; charset=utf-8", ""},
		{"/agent/communicator/api.js", "", 404, "", "", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", tt.path, nil)
		if tt.accept != "" {
			r.Header.Set("Accept-Encoding", tt.accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.status {
			t.Errorf("%s (%s): status %d, want %d", tt.path, tt.accept, w.Code, tt.status)
			continue
		}
		if tt.status != 200 {
			continue
		}
		if got := w.Body.String(); got != tt.body {
			t.Errorf("%s (%s): body %q, want %q", tt.path, tt.accept, got, tt.body)
		}
		if got := w.Header().Get("Content-Type"); got != tt.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, got, tt.ctype)
		}
		if got := w.Header().Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("%s (%s): Content-Encoding %q, want %q", tt.path, tt.accept, got, tt.encoding)
		}
		if !strings.HasSuffix(tt.path, "/adapi-config.json") {
			csp := w.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'self' http://localhost:8081") || !strings.Contains(csp, "'wasm-unsafe-eval'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s: CSP %q", tt.path, csp)
			}
		}
	}
}

// The desktop may connect to its SIP server's WebSocket origin, and to no
// other; a wsUrl that is not a ws/wss URL adds nothing.
func TestCSPConnectSrc(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("x"), 0o644)
	for _, tt := range []struct{ wsURL, want string }{
		{"wss://sip.example.com:8089/ws", "connect-src 'self' wss://sip.example.com:8089;"},
		{"ws://127.0.0.1:5066/ws", "connect-src 'self' ws://127.0.0.1:5066;"},
		{"https://sip.example.com/ws", "connect-src 'self';"},
		{"wss://sip.example.com; script-src *", "connect-src 'self';"},
		{"wss://sip.example.com;script-src/ws", "connect-src 'self';"},
		{"wss://*/ws", "connect-src 'self';"},
		{"wss://user@sip.example.com/ws", "connect-src 'self';"},
		{"", "connect-src 'self';"},
	} {
		cfg := Config{SIP: &SIP{WSURL: tt.wsURL, Domain: "example.com"}}
		w := httptest.NewRecorder()
		Handler(dir, cfg).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, tt.want) {
			t.Errorf("wsUrl %q: CSP %q, want %q", tt.wsURL, csp, tt.want)
		}
	}
}
