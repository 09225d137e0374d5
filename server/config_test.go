package server

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/adapi-go/adapi-go/bridge/config"
)

// TestLoadConfigServesWhatTheDesktopReads: a file config.Parse accepts is
// served so that the desktop reads the same config from it (iceServers'
// urls as one string, no allowedOrigins, an empty deny list, every key).
func TestLoadConfigServesWhatTheDesktopReads(t *testing.T) {
	var all config.File
	for _, body := range []string{
		`{}`,
		`{"placementTimeoutMs": 900, "dialPolicy": {"deny": []}}`,
		`{"allowedOrigins": ["https://crm.example"], "placementTimeoutMs": 2500,
		  "dialPlan": {"country": "GB", "extensionDigits": 4},
		  "dialPolicy": {"allow": ["+44"], "deny": ["+449"], "maxCallsPerMinute": 5, "allowServiceCodes": true},
		  "sip": {"wsUrl": "wss://sip.example.com/ws", "domain": "example.com",
		          "iceServers": [{"urls": "stun:stun.example.com"}, {"urls": ["turn:turn.example.com"], "username": "u", "credential": "c"}]},
		  "testHooks": true}`,
	} {
		file := filepath.Join(t.TempDir(), "adapi-config.json")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(file)
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		w := httptest.NewRecorder()
		Handler(t.TempDir(), c).ServeHTTP(w, httptest.NewRequest("GET", "/adapi-config.json", nil))
		served, err := config.Parse(w.Body.Bytes())
		if err != nil {
			t.Errorf("%s: served %s, which the desktop refuses: %v", body, w.Body, err)
			continue
		}
		want, _ := config.Parse([]byte(body))
		if len(want.DialPolicy.Deny) == 0 {
			want.DialPolicy.Deny = nil // [] and no list are the same policy
		}
		if !reflect.DeepEqual(served, want) {
			t.Errorf("%s: served %s, read as %+v, want %+v", body, w.Body, served, want)
		}
		all = want
	}
	// The last config sets every key: a new one is added to it (and to
	// fromFile), or this fails.
	v := reflect.ValueOf(all)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("the last config leaves %s out", v.Type().Field(i).Name)
		}
	}
}
