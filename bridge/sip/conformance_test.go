package sip

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/internal/testwait"
)

// What real SIP servers and carriers send that the test bed does not:
// each case checks the outcome the desktop sees and what goes on the wire.

// startRegister runs Register in the background.
func (h *harness) startRegister() chan error {
	done := make(chan error, 1)
	go func() { done <- h.ua.Register(context.Background()) }()
	return done
}

var challengeHdr = []Header{{Name: "WWW-Authenticate", Value: `Digest realm="example.com", nonce="n1", qop="auth,auth-int"`}}

// A refresh the server challenges twice (the second time stale=true) is
// answered with the new nonce, and the registration never goes down.
func TestRegisterRefreshStaleNonce(t *testing.T) {
	h := newHarness(t)
	h.register() // granted 3600 s (the Contact's expires): refresh a minute before
	h.clock.Advance(3540 * time.Second)
	req := h.expect("REGISTER")
	h.reply(req, 401, "Unauthorized", challengeHdr, "")
	req = h.expect("REGISTER")
	// qop="auth,auth-int": the UA picks auth.
	if !checkDigest(req.Get("Authorization"), "1001", "secret", "REGISTER") {
		t.Fatalf("credentials: %s", req.Get("Authorization"))
	}
	h.reply(req, 401, "Unauthorized", []Header{{Name: "WWW-Authenticate", Value: `Digest realm="example.com", nonce="n2", qop="auth", stale=true`}}, "")
	req = h.expect("REGISTER")
	if !strings.Contains(req.Get("Authorization"), `nonce="n2"`) || !checkDigest(req.Get("Authorization"), "1001", "secret", "REGISTER") {
		t.Fatalf("after stale: %s", req.Get("Authorization"))
	}
	h.reply(req, 200, "OK", []Header{{Name: "Expires", Value: "600"}}, "")
	if !h.ua.Registered() {
		t.Fatal("the refresh took the registration down")
	}
	testwait.None(t, h.regs, "registration changed")
}

// 423 Interval Too Brief: REGISTER again with the server's Min-Expires,
// and refresh on that interval.
func TestRegisterIntervalTooBrief(t *testing.T) {
	h := newHarness(t) // asks for 60 s
	done := h.startRegister()
	req := h.expect("REGISTER")
	h.reply(req, 401, "Unauthorized", challengeHdr, "")
	req = h.expect("REGISTER")
	h.reply(req, 423, "Interval Too Brief", []Header{{Name: "Min-Expires", Value: "3600"}}, "")
	req = h.expect("REGISTER")
	if req.Get("Expires") != "3600" || !strings.HasSuffix(req.Get("Contact"), ";expires=3600") {
		t.Fatalf("after 423:\n%s", req)
	}
	if req.Get("Authorization") == "" { // answered as a new challenge, the server's choice
		h.reply(req, 401, "Unauthorized", challengeHdr, "")
		req = h.expect("REGISTER")
	}
	h.reply(req, 200, "OK", []Header{{Name: "Expires", Value: "3600"}}, "")
	if err := recv(t, done); err != nil {
		t.Fatalf("Register: %v", err)
	}
	recv(t, h.regs)
	h.clock.Advance(3539 * time.Second)
	h.quiet()
	h.clock.Advance(time.Second)
	if ref := h.expect("REGISTER"); ref.Get("Expires") != "3600" {
		t.Errorf("refresh asks for %s s (the server's minimum is 3600)", ref.Get("Expires"))
	}
}

// 403 Forbidden is the credentials refused: no retry.
func TestRegisterForbidden(t *testing.T) {
	h := newHarness(t)
	done := h.startRegister()
	h.reply(h.expect("REGISTER"), 403, "Forbidden", nil, "")
	if err := recv(t, done); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("got %v", err)
	}
	h.clock.Advance(time.Hour)
	h.quiet()
}

// A refresh answered 503 with Retry-After: the registration goes down,
// and the UA does not REGISTER again before the server said.
func TestRegisterRetryAfter(t *testing.T) {
	h := newHarness(t)
	h.register()
	h.clock.Advance(3540 * time.Second)
	h.reply(h.expect("REGISTER"), 503, "Service Unavailable", []Header{{Name: "Retry-After", Value: "120 (maintenance)"}}, "")
	if recv(t, h.regs) {
		t.Fatal("still registered")
	}
	// Past the first backoff (1 s): the retry timer must still wait. (Its
	// firing clears it at once; the REGISTER it starts comes later, from
	// a goroutine, so the timer is what the test can see.)
	h.clock.Advance(2 * time.Second)
	h.ua.lock()
	waiting := h.ua.reg.stop != nil
	h.ua.unlock()
	if !waiting {
		t.Fatal("REGISTER again before the server's Retry-After")
	}
	h.quiet()
	h.clock.Advance(118 * time.Second)
	h.reply(h.expect("REGISTER"), 200, "OK", nil, "")
	if !recv(t, h.regs) {
		t.Fatal("not back")
	}
}

// A registrar (or an SBC before it) that rewrites our Contact in the 200:
// its expires is still the binding's life, so the refresh comes in time.
func TestRegisterContactRewritten(t *testing.T) {
	h := newHarness(t)
	h.ua.cfg.Expires = 600 * time.Second
	done := h.startRegister()
	h.reply(h.expect("REGISTER"), 200, "OK", []Header{{Name: "Contact", Value: "<sip:1001@203.0.113.7:5060;transport=tcp>;expires=60"}}, "")
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	recv(t, h.regs)
	h.clock.Advance(30 * time.Second)
	h.expect("REGISTER")
}

// A server that offers SHA-256 before MD5 (RFC 8760): the UA answers the
// MD5 challenge, on REGISTER and on INVITE.
func TestChallengeSHA256First(t *testing.T) {
	h := newHarness(t)
	done := h.startRegister()
	two := []Header{
		{Name: "WWW-Authenticate", Value: `Digest realm="example.com", nonce="s1", algorithm=SHA-256, qop="auth"`},
		{Name: "WWW-Authenticate", Value: `Digest realm="example.com", nonce="m1", algorithm=MD5, qop="auth"`},
	}
	h.reply(h.expect("REGISTER"), 401, "Unauthorized", two, "")
	req := h.expect("REGISTER")
	if a := req.Get("Authorization"); !strings.Contains(a, `nonce="m1"`) || !checkDigest(a, "1001", "secret", "REGISTER") {
		t.Fatalf("credentials: %q", a)
	}
	h.reply(req, 200, "OK", nil, "")
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	recv(t, h.regs)
	inv, _, _, _ := h.dial(context.Background(), newMedia())
	h.reply(inv, 407, "Proxy Authentication Required", []Header{
		{Name: "Proxy-Authenticate", Value: `Digest realm="example.com", nonce="s2", algorithm=SHA-256`},
		{Name: "Proxy-Authenticate", Value: `Digest realm="example.com", nonce="m2", qop="auth"`},
	}, "")
	h.expect("ACK")
	if a := h.expect("INVITE").Get("Proxy-Authorization"); !strings.Contains(a, `nonce="m2"`) || !checkDigest(a, "1001", "secret", "INVITE") {
		t.Fatalf("INVITE credentials: %q", a)
	}
}
