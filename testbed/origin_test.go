package testbed

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// Only the desktop's origin may open the SIP WebSocket: a page on another
// site cannot talk SIP from an agent's browser.
func TestOnlyTheDesktopsOrigin(t *testing.T) {
	if _, err := os.Stat(Kamailio); err != nil {
		t.Skip("kamailio not installed (make test installs it)")
	}
	bed, err := Start(Options{Origin: "http://127.0.0.1:9"})
	if err != nil {
		t.Fatal(err)
	}
	defer bed.Close()
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
