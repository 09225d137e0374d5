package sip

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge/phone"
	"github.com/adapi-go/adapi-go/internal/testwait"
)

// A carrier's 183 with SDP is early media (ringback, announcements): the
// answer goes to the media as provisional, the 200's as final.
func TestEarlyMedia(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newEarlyMedia()
	inv, l, calls, _ := h.dial(context.Background(), m)
	h.reply(inv, 100, "Trying", nil, "")
	recv(t, calls)
	h.reply(inv, 180, "Ringing", nil, "")
	h.reply(inv, 183, "Session Progress", []Header{{Name: "Content-Type", Value: "application/sdp"}}, "v=0\r\nearly\r\n")
	for _, want := range []int{100, 180, 183} {
		if ev := l.next(t); ev.State != CallProceeding || ev.Status != want {
			t.Errorf("event: %+v, want %d", ev, want)
		}
	}
	if sdp := recv(t, m.early); sdp != "v=0\r\nearly\r\n" {
		t.Errorf("early answer: %q", sdp)
	}
	h.reply(inv, 183, "Session Progress", []Header{{Name: "Content-Type", Value: "application/sdp"}}, "v=0\r\nearly\r\n") // the same again: nothing new
	l.next(t)
	h.reply(inv, 200, "OK", answer, "v=0\r\nearly\r\n")
	h.expect("ACK")
	if sdp := recv(t, m.answers); sdp != "v=0\r\nearly\r\n" {
		t.Errorf("final answer: %q", sdp)
	}
	if ev := l.next(t); ev.State != CallConfirmed {
		t.Errorf("event: %+v", ev)
	}
	testwait.None(t, m.early, "second early answer")
}

// A gateway that sends its answer in the 183 only and a 200 without SDP:
// the 183's SDP is the answer.
func TestEarlyAnswerOnly(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newEarlyMedia()
	inv, l, calls, _ := h.dial(context.Background(), m)
	h.reply(inv, 183, "Session Progress", []Header{{Name: "Content-Type", Value: "application/sdp"}}, "v=0\r\nearly\r\n")
	recv(t, calls)
	l.next(t)
	recv(t, m.early)
	h.reply(inv, 200, "OK", answer[:2], "")
	h.expect("ACK")
	if sdp := recv(t, m.answers); sdp != "v=0\r\nearly\r\n" {
		t.Errorf("final answer: %q", sdp)
	}
	if ev := l.next(t); ev.State != CallConfirmed {
		t.Errorf("event: %+v", ev)
	}
}

type earlyMedia struct {
	*media
	early chan string
}

func newEarlyMedia() *earlyMedia { return &earlyMedia{newMedia(), make(chan string, 4)} }

func (m *earlyMedia) SetEarlyAnswer(sdp string) error { m.early <- sdp; return nil }

// A redirect is a final answer for the desktop: the call ends with the
// status, and the 3xx is ACKed.
func TestRedirectEndsCall(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newMedia()
	inv, l, calls, _ := h.dial(context.Background(), m)
	h.reply(inv, 302, "Moved Temporarily", []Header{{Name: "Contact", Value: "<sip:5001@example.com>"}}, "")
	recv(t, calls)
	if ack := h.expect("ACK"); ack.Get("CSeq") != "1 ACK" {
		t.Errorf("ACK:\n%s", ack)
	}
	if ev := l.next(t); ev.State != CallTerminated || ev.Status != 302 {
		t.Errorf("event: %+v", ev)
	}
	recv(t, m.closed)
}

// A 401 (not 407) to the INVITE: INVITE again with Authorization, the
// same Call-ID and From tag, CSeq+1.
func TestInvite401(t *testing.T) {
	h := newHarness(t)
	h.register()
	inv, _, calls, _ := h.dial(context.Background(), newMedia())
	h.reply(inv, 401, "Unauthorized", challengeHdr, "")
	h.expect("ACK")
	inv2 := h.expect("INVITE")
	f1, _ := inv.From()
	f2, _ := inv2.From()
	if !checkDigest(inv2.Get("Authorization"), "1001", "secret", "INVITE") || inv2.Get("CSeq") != "2 INVITE" ||
		inv2.CallID() != inv.CallID() || f1.Tag() != f2.Tag() {
		t.Fatalf("INVITE with credentials:\n%s", inv2)
	}
	// Refused again (no stale): the call fails with the 401.
	h.reply(inv2, 401, "Unauthorized", challengeHdr, "")
	h.expect("ACK")
	if c := recv(t, calls); c == nil {
		t.Fatal("no call")
	}
	h.quiet()
}

// Two forks answer: the first is the call, the second is ACKed and hung
// up in its own dialog.
func TestForked200s(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newMedia()
	inv, l, calls, _ := h.dial(context.Background(), m)
	h.reply(inv, 180, "Ringing", nil, "")
	c := recv(t, calls)
	l.next(t)
	h.reply(inv, 200, "OK", answer, "v=0\r\nA\r\n")
	ack1 := h.expect("ACK")
	second := strings.Replace(inv.Get("To"), ">", ">;tag=fork2", 1)
	r := &Message{StatusCode: 200, Reason: "OK", Body: "v=0\r\nB\r\n"}
	r.copyHeaders(inv, "|Via|From|Call-ID|CSeq|")
	r.Add("To", second)
	r.Add("Contact", "<sip:5000@10.0.0.10>")
	h.ua.HandleFrame(r.String())
	ack2 := h.expect("ACK")
	bye := h.expect("BYE")
	if ack2.Get("To") != second || bye.Get("To") != second || ack2.RequestURI != "sip:5000@10.0.0.10" || ack1.Get("To") == second {
		t.Errorf("second fork:\n%s\n%s", ack2, bye)
	}
	if sdp := recv(t, m.answers); sdp != "v=0\r\nA\r\n" {
		t.Errorf("answer: %q", sdp)
	}
	if ev := l.next(t); ev.State != CallConfirmed {
		t.Errorf("event: %+v", ev)
	}
	// The second fork's own BYE (crossing ours) is not the call's.
	h.ua.HandleFrame(strings.Replace(inDialogRequest("BYE", inv, 1), "tag=srv", "tag=fork2", 1))
	if r := h.next(); r.StatusCode != 481 {
		t.Errorf("the second fork's BYE:\n%s", r)
	}
	if s := c.State(); s != CallConfirmed {
		t.Errorf("the second fork's BYE ended the call: %v", s)
	}
	testwait.None(t, m.answers, "second fork's answer applied")
}

// Final failures reach the desktop as SPEC's sipStatus and sipReason:
// the status and the reason as sent; Timer B (no response at all) is 408.
func TestPhoneFailureStatuses(t *testing.T) {
	h := newPhoneHarness(t)
	h.loginOK()
	for i, c := range []struct {
		code   int
		reason string
	}{
		{408, "Request Timeout"}, {480, "Temporarily Unavailable"}, {486, "Busy Here"},
		{503, "Service Unavailable"}, {603, "Decline"}, {404, "Not Found"},
	} {
		id := phone.CallID("f" + itoa(i))
		done := make(chan error, 1)
		go func() { done <- h.p.Dial(context.Background(), id, "5000") }()
		inv := h.expect("INVITE")
		h.reply(inv, 100, "Trying", nil, "")
		if err := recv(t, done); err != nil {
			t.Fatal(err)
		}
		h.reply(inv, c.code, c.reason, nil, "")
		h.expect("ACK")
		if e := h.event(); e.Kind != phone.EventEnded || e.Call != id || e.Status != c.code || e.Reason != c.reason {
			t.Errorf("%d: %+v", c.code, e)
		}
	}
	// No response at all: Timer B ends the call as 408.
	done := make(chan error, 1)
	go func() { done <- h.p.Dial(context.Background(), "tb", "5000") }()
	h.expect("INVITE")
	h.clock.Advance(TimerB)
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	if e := h.event(); e.Kind != phone.EventEnded || e.Call != "tb" || e.Status != 408 || e.Reason != "Request Timeout" {
		t.Errorf("Timer B: %+v", e)
	}
	h.quiet()
}

// connected places a call and answers it; the media answers and holds.
func (h *harness) connected() (*Call, *answeringMedia, *Message, *callLog) {
	h.t.Helper()
	m := newAnsweringMedia()
	inv, l, calls, _ := h.dial(context.Background(), m)
	h.reply(inv, 200, "OK", answer, "v=0\r\n")
	c := recv(h.t, calls)
	h.expect("ACK")
	recv(h.t, m.answers)
	l.next(h.t)
	return c, m, inv, l
}

// 491 Request Pending to the agent's hold (glare): the UA waits and tries
// again (RFC 3261 14.1: 2.1-4 s, the Call-ID being ours), and the hold
// succeeds.
func TestHold491Retried(t *testing.T) {
	h := newHarness(t)
	h.register()
	c, m, _, _ := h.connected()
	held := make(chan error, 1)
	go func() { held <- c.Hold(context.Background(), true) }()
	re := h.expect("INVITE")
	recv(t, m.holds)
	n := h.clock.Pending() // the refresh and this re-INVITE's Timer B
	h.reply(re, 491, "Request Pending", nil, "")
	h.expect("ACK")
	recv(t, m.rollbacks)
	waiting := make(chan struct{})
	go func() { h.clock.WaitTimers(n); close(waiting) }() // Timer B is gone; the retry's wait is set
	select {
	case err := <-held:
		t.Fatalf("hold ended without trying again: %v", err)
	case <-waiting:
	}
	h.clock.Advance(2099 * time.Millisecond)
	h.quiet()
	h.clock.Advance(1901 * time.Millisecond)
	re2 := h.expect("INVITE")
	if !recv(t, m.holds) || re2.Get("CSeq") != "3 INVITE" || re2.Body != "v=0\r\na=sendonly\r\n" {
		t.Fatalf("retry:\n%s", re2)
	}
	h.reply(re2, 200, "OK", nil, "v=0\r\na=recvonly\r\n")
	h.expect("ACK")
	if err := recv(t, held); err != nil {
		t.Fatalf("hold: %v", err)
	}
}

// The far end re-INVITEs while the agent's re-INVITE is pending: 491.
func TestReInviteGlare(t *testing.T) {
	h := newHarness(t)
	h.register()
	c, m, inv, _ := h.connected()
	held := make(chan error, 1)
	go func() { held <- c.Hold(context.Background(), true) }()
	re := h.expect("INVITE")
	h.ua.HandleFrame(farReInvite(inv, 5, "v=0\r\nfar\r\n"))
	if r := h.next(); r.StatusCode != 491 || r.Get("CSeq") != "5 INVITE" {
		t.Fatalf("far end's re-INVITE during ours:\n%s", r)
	}
	testwait.None(t, m.offers, "the far end's offer went to the media")
	h.reply(re, 200, "OK", nil, "v=0\r\n")
	h.expect("ACK")
	if err := recv(t, held); err != nil {
		t.Fatal(err)
	}
	// Once ours is done, theirs is answered.
	h.ua.HandleFrame(farReInvite(inv, 6, "v=0\r\nfar\r\n"))
	if r := h.next(); r.StatusCode != 200 {
		t.Fatalf("re-INVITE:\n%s", r)
	}
}

// farReInvite is a re-INVITE from the far end in the dialog inv made.
func farReInvite(inv *Message, cseq int, sdp string) string {
	s := inDialogRequest("INVITE", inv, cseq)
	s = strings.Replace(s, "\r\n\r\n", "\r\nContact: <sip:5000@10.0.0.9:5070;transport=tcp>\r\n\r\n", 1)
	if sdp != "" {
		s = strings.Replace(s, "\r\n\r\n", "\r\nContent-Type: application/sdp\r\n\r\n", 1) + sdp
	}
	return s
}

// A re-INVITE without SDP (a session refresh, a B2BUA moving the media):
// the 200 carries our offer, the ACK the far end's answer.
func TestOfferlessReInvite(t *testing.T) {
	h := newHarness(t)
	h.register()
	_, m, inv, l := h.connected()
	h.ua.HandleFrame(farReInvite(inv, 5, ""))
	r := h.next()
	if r.StatusCode != 200 || r.Body != "v=0\r\na=sendrecv\r\n" || r.Get("Content-Type") != "application/sdp" {
		t.Fatalf("answer to an offerless re-INVITE:\n%s", r)
	}
	if hold := recv(t, m.holds); hold {
		t.Error("offered on hold")
	}
	ack := strings.Replace(inDialogRequest("ACK", inv, 5), "\r\n\r\n", "\r\nContent-Type: application/sdp\r\n\r\n", 1) + "v=0\r\nfar answer\r\n"
	h.ua.HandleFrame(ack)
	if a := recv(t, m.answers); a != "v=0\r\nfar answer\r\n" {
		t.Errorf("answer applied: %q", a)
	}
	testwait.None(t, l.events, "event")
}

// In-dialog requests: the far end's BYE through its proxies (Route,
// several Vias), OPTIONS, methods the UA does not take (405) or know
// (501), and a CSeq lower than the last one (500, RFC 3261 12.2.2).
func TestInDialogRequests(t *testing.T) {
	h := newHarness(t)
	h.register()
	_, m, inv, l := h.connected()
	for _, c := range []struct {
		method string
		cseq   int
		code   int
	}{
		{"OPTIONS", 10, 200},
		{"INFO", 11, 405},
		{"UPDATE", 12, 405},
		{"FOO", 13, 501}, // a method the UA does not know (RFC 3261 21.5.2)
		{"OPTIONS", 9, 500},
	} {
		h.ua.HandleFrame(inDialogRequest(c.method, inv, c.cseq))
		r := h.next()
		if r.StatusCode != c.code || r.Get("CSeq") != itoa(c.cseq)+" "+c.method {
			t.Errorf("%s %d: got\n%s", c.method, c.cseq, r)
		}
		if c.code == 405 && r.Get("Allow") == "" {
			t.Errorf("405 without Allow")
		}
	}
	bye := strings.Replace(inDialogRequest("BYE", inv, 14), "Via:", "Route: <sip:127.0.0.1:8080;transport=ws;lr>\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKp1\r\nVia:", 1)
	h.ua.HandleFrame(bye)
	r := h.next()
	if r.StatusCode != 200 || len(r.Values("Via")) != 2 {
		t.Fatalf("BYE answer:\n%s", r)
	}
	if ev := l.next(t); ev.State != CallTerminated || !ev.ByRemote {
		t.Errorf("event: %+v", ev)
	}
	recv(t, m.closed)
}

// A SIP-I carrier's answer: a multipart body with ISUP beside the SDP.
// The SDP part is the answer.
func TestMultipartAnswer(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newEarlyMedia()
	inv, l, calls, _ := h.dial(context.Background(), m)
	mp := []Header{{Name: "Content-Type", Value: `multipart/mixed; boundary="b1"`}, answer[0], answer[1]}
	body := "--b1\r\nContent-Type: application/SDP\r\n\r\nv=0\r\nm=audio 9 RTP/AVP 0\r\n\r\n" +
		"--b1\r\nContent-Type: application/ISUP;version=itu-t92+\r\nContent-Disposition: signal;handling=optional\r\n\r\n\x01\x00\x49\x00\r\n--b1--\r\n"
	h.reply(inv, 183, "Session Progress", mp, body)
	recv(t, calls)
	l.next(t)
	if sdp := recv(t, m.early); sdp != "v=0\r\nm=audio 9 RTP/AVP 0\r\n" {
		t.Errorf("early answer: %q", sdp)
	}
	h.reply(inv, 200, "OK", mp, body)
	h.expect("ACK")
	if sdp := recv(t, m.answers); sdp != "v=0\r\nm=audio 9 RTP/AVP 0\r\n" {
		t.Errorf("answer: %q", sdp)
	}
	if ev := l.next(t); ev.State != CallConfirmed {
		t.Errorf("event: %+v", ev)
	}
}

// A proxy that challenges the agent's BYE: BYE again with credentials
// (CSeq+1), once; else the far end stays on the call.
func TestByeChallenged(t *testing.T) {
	h := newHarness(t)
	h.register()
	c, _, _, l := h.connected()
	c.Hangup()
	bye := h.expect("BYE")
	l.next(t) // terminated
	h.reply(bye, 407, "Proxy Authentication Required", []Header{{Name: "Proxy-Authenticate", Value: `Digest realm="example.com", nonce="b1", qop="auth"`}}, "")
	bye2 := h.expect("BYE")
	n1, _, _ := bye.CSeq()
	n2, _, _ := bye2.CSeq()
	if !checkDigest(bye2.Get("Proxy-Authorization"), "1001", "secret", "BYE") || n2 != n1+1 || bye2.CallID() != bye.CallID() || bye2.RequestURI != bye.RequestURI {
		t.Fatalf("BYE with credentials:\n%s", bye2)
	}
	h.reply(bye2, 407, "Proxy Authentication Required", []Header{{Name: "Proxy-Authenticate", Value: `Digest realm="example.com", nonce="b2", qop="auth"`}}, "")
	h.quiet()
}
