package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// SelfSigned returns the certificate in dir (cert.pem, key.pem), making it
// first when there is none or it has expired: a self-signed certificate
// for localhost, 127.0.0.1, ::1 and hosts, made once and reused on later
// runs, so that a browser told to trust it stays trusting it. It is its
// own authority (a browser or system trust store takes it as one). missing
// lists the hosts the certificate in dir does not name: remove dir to make
// a new one that does.
func SelfSigned(dir string, hosts []string) (cert tls.Certificate, certFile string, missing []string, err error) {
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	names := []string{"localhost", "127.0.0.1", "::1"}
	for _, h := range hosts {
		if h != "" && !slices.Contains(names, h) {
			names = append(names, h)
		}
	}
	if cert, err = tls.LoadX509KeyPair(certFile, keyFile); err == nil {
		if leaf, perr := x509.ParseCertificate(cert.Certificate[0]); perr == nil && time.Now().Before(leaf.NotAfter.Add(-24*time.Hour)) {
			for _, h := range names {
				if leaf.VerifyHostname(h) != nil {
					missing = append(missing, h)
				}
			}
			return cert, certFile, missing, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return cert, certFile, nil, fmt.Errorf("%s: %w (remove %s to make a new certificate)", dir, err, dir)
	}
	certPEM, keyPEM, err := makeSelfSigned(names)
	if err != nil {
		return cert, certFile, nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return cert, certFile, nil, err
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return cert, certFile, nil, err
	}
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		return cert, certFile, nil, err
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	return cert, certFile, nil, err
}

func makeSelfSigned(names []string) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "adApi-go local development", Organization: []string{"adApi-go"}},
		NotBefore:    now.Add(-time.Hour),
		// Within the 825 days some systems allow a server certificate
		// that a person trusted by hand.
		NotAfter:              now.Add(820 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), nil
}
