package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNoPathTraversal puts a secret beside the served folder and asks for
// it every way a raw request line can, over TCP (an http.Client would
// clean the path first): each answer is a 404 (or a 400 from net/http for
// a request line it will not parse), and the secret never comes back.
func TestNoPathTraversal(t *testing.T) {
	root := t.TempDir()
	const secret = "TOP-SECRET-4f9c2"
	web := filepath.Join(root, "web")
	if err := os.MkdirAll(filepath.Join(web, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		filepath.Join(root, "secret.txt"):         secret,
		filepath.Join(root, "secret.txt.br"):      secret,
		filepath.Join(web, "index.html"):          "<p>desktop</p>",
		filepath.Join(web, "crm.html"):            "<p>crm</p>",
		filepath.Join(web, "sub", "x.txt"):        "x",
		filepath.Join(root, "web-secret", "a.js"): secret,
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	paths := []string{
		"/../secret.txt", "/../../secret.txt", "/./../secret.txt", "/sub/../../secret.txt",
		"/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e%2e%2fsecret.txt",
		"/..%2fsecret.txt", "/..%2Fsecret.txt", "/sub%2f..%2f..%2fsecret.txt",
		"/..\\secret.txt", "/..%5csecret.txt", "/..%5Csecret.txt", "\\..\\secret.txt", "/sub\\..\\..\\secret.txt",
		"/%252e%252e/secret.txt", "/..%252fsecret.txt", "//../secret.txt", "/%2f..%2fsecret.txt",
		"/../web-secret/a.js", "/../secret.txt.br", "/%00/../secret.txt", "/..;/secret.txt",
		"../secret.txt", filepath.Join(root, "secret.txt"), "/" + filepath.Join(root, "secret.txt"),
		"http://127.0.0.1/../secret.txt",
	}
	for _, h := range []struct {
		name string
		h    http.Handler
	}{
		{"desktop", Handler(web, Config{AllowedOrigins: []string{"http://localhost:8081"}})},
		{"crm", CRMHandler(web, "http://127.0.0.1:1")},
	} {
		srv := httptest.NewServer(h.h)
		for _, p := range paths {
			status, body := rawGet(t, srv.Listener.Addr().String(), p)
			if strings.Contains(body, secret) {
				t.Errorf("%s %q: the secret came back (%d)", h.name, p, status)
			}
			if status != http.StatusNotFound && status != http.StatusBadRequest {
				t.Errorf("%s %q: status %d, want 404", h.name, p, status)
			}
		}
		// The control: a file that is there is served, so a 404 above
		// means "refused", not "this client cannot reach the server".
		if status, body := rawGet(t, srv.Listener.Addr().String(), "/"); status != 200 || !strings.Contains(body, "<p>") {
			t.Errorf("%s /: %d %q", h.name, status, body)
		}
		srv.Close()
	}
}

// rawGet sends "GET target HTTP/1.1" as it is, and returns the status and
// body.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: "+addr+"\r\nAccept-Encoding: br, gzip\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
