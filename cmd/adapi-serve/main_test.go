package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// start runs adapi-serve with args on ephemeral ports and returns it and
// what it printed.
func start(t *testing.T, args ...string) (*demo, string) {
	t.Helper()
	var out bytes.Buffer
	d, err := setup(append([]string{"-addr", "127.0.0.1:0", "-crm-addr", "localhost:0"}, args...), &out)
	if err != nil {
		t.Fatal(err)
	}
	go d.serve()
	t.Cleanup(func() {
		d.desktop.Close()
		if d.crm != nil {
			d.crm.Close()
		}
	})
	return d, out.String()
}

func webDir(t *testing.T) string {
	dir := t.TempDir()
	for name, body := range map[string]string{"index.html": "<p>desk</p>", "adapi.js": "// loader", "wasm_exec.js": "// go", "adapi-client.wasm": "\x00asm", "crm.html": "{{DESKTOP_ORIGIN}}"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	r, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

// TestTLSAndBrightPatternPaths: with -tls, a self-signed certificate is
// made once and reused, both servers speak HTTPS with it, and the client
// script is at Bright Pattern's paths with its files beside it.
func TestTLSAndBrightPatternPaths(t *testing.T) {
	web, tlsDir := webDir(t), filepath.Join(t.TempDir(), ".tls")
	d, out := start(t, "-dir", web, "-tls", "-tls-dir", tlsDir)
	if !strings.HasPrefix(d.desktopURL, "https://127.0.0.1:") || !strings.HasPrefix(d.crmURL, "https://localhost:") {
		t.Fatalf("urls %s %s", d.desktopURL, d.crmURL)
	}
	pemBytes, err := os.ReadFile(filepath.Join(tlsDir, "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for path, want := range map[string]string{
		"/adapi.js": "// loader", "/agent/communicator/adapters/api.js": "// loader", "/agent/crmembedded/adapters/api.js": "// loader",
		"/agent/communicator/adapters/wasm_exec.js": "// go", "/agent/crmembedded/adapters/adapi-client.wasm": "\x00asm",
	} {
		if code, body := get(t, c, d.desktopURL+path); code != 200 || body != want {
			t.Errorf("%s: %d %q", path, code, body)
		}
	}
	if code, body := get(t, c, d.crmURL+"/"); code != 200 || body != d.desktopURL {
		t.Errorf("CRM page: %d %q", code, body)
	}
	if !strings.Contains(out, "domain parameter is "+strings.TrimPrefix(d.desktopURL, "https://")) {
		t.Errorf("output does not give the domain parameter:\n%s", out)
	}
	// The CRM page's origin is not allowed here: said at start.
	if !strings.Contains(out, "warning: the desktop does not allow the CRM page's origin "+d.crmURL) {
		t.Errorf("no warning for a CRM page that is not allowed:\n%s", out)
	}

	// A second run reuses the certificate the browser was told to trust.
	start(t, "-dir", web, "-tls", "-tls-dir", tlsDir)
	if again, _ := os.ReadFile(filepath.Join(tlsDir, "cert.pem")); !bytes.Equal(again, pemBytes) {
		t.Fatal("a second run made a new certificate")
	}
}

// TestConfigFromMemory: two servers from one folder each serve their own
// config, from flags or from a file the operator names, and write nothing.
func TestConfigFromMemory(t *testing.T) {
	web := webDir(t)
	a, _ := start(t, "-dir", web, "-allow", "http://a.example")
	file := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(file, []byte(`{"allowedOrigins": ["http://b.example"], "placementTimeoutMs": 900}`), 0o644)
	b, _ := start(t, "-dir", web, "-config", file)
	if _, body := get(t, http.DefaultClient, a.desktopURL+"/adapi-config.json"); !strings.Contains(body, `"allowedOrigins":["http://a.example"]`) {
		t.Errorf("first server's config %s", body)
	}
	if _, body := get(t, http.DefaultClient, b.desktopURL+"/adapi-config.json"); body != `{"allowedOrigins":["http://b.example"],"placementTimeoutMs":900}` {
		t.Errorf("second server's config %s", body)
	}
	if _, err := os.Stat(filepath.Join(web, "adapi-config.json")); err == nil {
		t.Error("a config file was written into the served folder")
	}

	// A CRM page whose origin is allowed: no warning. Its port is found
	// free (listened on, closed) on 127.0.0.2: on 127.0.0.1, the desktop's
	// own ephemeral port, taken first, could be that one (1 run in 600).
	if ln, err := net.Listen("tcp4", "127.0.0.2:0"); err != nil {
		t.Logf("no 127.0.0.2 here (%v): the allowed CRM page is not checked", err)
	} else {
		crm := ln.Addr().String()
		ln.Close()
		var out bytes.Buffer
		d, err := setup([]string{"-dir", web, "-addr", "127.0.0.1:0", "-crm-addr", crm, "-allow", "http://" + crm}, &out)
		if err != nil {
			t.Fatal(err)
		}
		d.desktop.Close()
		d.crm.Close()
		if strings.Contains(out.String(), "warning") || !strings.Contains(out.String(), "CRM page") {
			t.Errorf("warned for an allowed CRM page: %s", out.String())
		}
	}

	// A file with an unknown key is refused at start.
	os.WriteFile(file, []byte(`{"allowedOrigin": ["http://b.example"]}`), 0o644)
	if _, err := setup([]string{"-dir", web, "-addr", "127.0.0.1:0", "-crm-addr", "", "-config", file}, io.Discard); err == nil || !strings.Contains(err.Error(), "allowedOrigin") {
		t.Errorf("unknown key: %v", err)
	}
}
