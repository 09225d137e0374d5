package server

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSelfSignedMadeOnceAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".tls")
	cert, file, missing, err := SelfSigned(dir, []string{"desk.test"})
	if err != nil || len(missing) != 0 {
		t.Fatal(err, missing)
	}
	first, _ := os.ReadFile(file)
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1", "desk.test"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	if !leaf.IsCA || !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageServerAuth) {
		t.Errorf("not usable as its own authority for a server: CA %v, EKU %v", leaf.IsCA, leaf.ExtKeyUsage)
	}
	if fi, err := os.Stat(filepath.Join(dir, "key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", fi, err)
	}

	// A later run reuses it, and says which hosts it does not name.
	_, _, missing, err = SelfSigned(dir, []string{"other.test"})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(file); !bytes.Equal(first, again) {
		t.Fatal("the certificate was made again")
	}
	if !slices.Equal(missing, []string{"other.test"}) {
		t.Fatalf("missing %v", missing)
	}

	// A broken one is an error naming the folder, not silently replaced.
	os.WriteFile(file, []byte("junk"), 0o644)
	if _, _, _, err := SelfSigned(dir, nil); err == nil {
		t.Fatal("a broken certificate was accepted")
	}
}
