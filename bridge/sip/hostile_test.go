package sip

import (
	"context"
	"strings"
	"testing"

	"github.com/adapi-go/adapi-go/internal/testwait"
)

// A header folded over thousands of continuation lines (64 KB of " x"
// lines) parses in work linear in the frame: the value is built once,
// not copied again for each line (which made some 16,000 copies of up to
// 32 KB, half a gigabyte of garbage per frame).
func TestParseFoldedFlood(t *testing.T) {
	base := "BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/WS x;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: 1\r\nCSeq: 1 BYE\r\nSubject: a"
	n := (MaxMessageSize - len(base) - 4) / 4
	frame := base + strings.Repeat("\r\n x", n) + "\r\n\r\n"
	var m *Message
	var err error
	allocs := testing.AllocsPerRun(1, func() { m, err = Parse(frame) })
	if err != nil {
		t.Fatal(err)
	}
	if v := m.Get("Subject"); len(v) != 1+2*n || !strings.HasPrefix(v, "a x x") {
		t.Errorf("folded value: %d bytes, want %d", len(v), 1+2*n)
	}
	if allocs > 200 {
		t.Errorf("%v allocations to parse one frame of %d continuation lines", allocs, n)
	}
}

// inviteAs is inboundInvite with its own Call-ID (and branch).
func inviteAs(callID string) string {
	return strings.Replace(inboundInvite(callID), "Call-ID: in-1", "Call-ID: "+callID, 1)
}

// An INVITE flood: beyond MaxCalls calls ringing at once, each INVITE
// gets 486 Busy Here and makes no call (no OnIncoming: no interaction,
// panel row or notification). A call that stops ringing frees its place.
func TestInviteFlood(t *testing.T) {
	h := newHarness(t)
	incoming := h.withIncoming()
	h.register()
	var ringing []incomingCall
	for i := 0; i < MaxCalls+20; i++ {
		id := "flood-" + itoa(i)
		h.ua.HandleFrame(inviteAs(id))
		r := h.next()
		want := 180
		if i >= MaxCalls {
			want = 486
		}
		if r.StatusCode != want || r.CallID() != id {
			t.Fatalf("INVITE %d: got\n%s", i, r)
		}
		if i < MaxCalls {
			ringing = append(ringing, recv(t, incoming))
		}
	}
	testwait.None(t, incoming, "a call beyond the cap")
	h.ua.lock()
	n := len(h.ua.calls)
	h.ua.unlock()
	if n != MaxCalls {
		t.Errorf("%d calls kept, want %d", n, MaxCalls)
	}
	// One rejected: the next INVITE rings.
	if err := ringing[0].c.Reject(486); err != nil {
		t.Fatal(err)
	}
	h.next()
	h.ua.HandleFrame(inviteAs("after"))
	if r := h.next(); r.StatusCode != 180 {
		t.Fatalf("after a reject: got\n%s", r)
	}
	recv(t, incoming)
}

// An INVITE again for a call that rang and ended (a retransmission, or a
// peer replaying it) gets that call's final response again and makes no
// call; so does one for a call still ringing (its 180).
func TestInviteRetransmittedAfterEnd(t *testing.T) {
	h := newHarness(t)
	incoming := h.withIncoming()
	h.register()
	h.ua.HandleFrame(inviteAs("r1"))
	h.next()
	in := recv(t, incoming)
	h.ua.HandleFrame(inviteAs("r1"))
	if r := h.next(); r.StatusCode != 180 {
		t.Errorf("while ringing: got\n%s", r)
	}
	if err := in.c.Reject(603); err != nil {
		t.Fatal(err)
	}
	final := h.next()
	for i := 0; i < 3; i++ {
		h.ua.HandleFrame(inviteAs("r1"))
		if r := h.next(); r.String() != final.String() {
			t.Errorf("after the reject: got\n%s\nwant\n%s", r, final)
		}
	}
	testwait.None(t, incoming, "a second call for the same Call-ID")
}

// A stray 2xx (no transaction, no call: a late answer) is ACKed and hung
// up; a flood of them stops at maxTxs pending BYEs, and once those end
// the next is hung up again.
func TestStray2xxFlood(t *testing.T) {
	h := newHarness(t)
	h.register()
	stray := func(id string) {
		h.ua.HandleFrame("SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS " + h.ua.host + ";branch=z9hG4bKgone" + id + "\r\n" +
			"From: <sip:1001@example.com>;tag=me\r\nTo: <sip:5000@example.com>;tag=far" + id + "\r\nCall-ID: stray-" + id + "\r\n" +
			"CSeq: 1 INVITE\r\nContact: <sip:5000@10.0.0.9>\r\n\r\n")
	}
	for i := 0; i < maxTxs+8; i++ { // 2 frames each at most: within the pipe's 100
		stray(itoa(i))
	}
	if n := len(h.pipe.sent); n != 2*maxTxs {
		t.Errorf("%d frames sent for %d stray 2xxs, want %d (ACK and BYE for %d)", n, maxTxs+8, 2*maxTxs, maxTxs)
	}
	for len(h.pipe.sent) > 0 {
		<-h.pipe.sent
	}
	h.clock.Advance(TimerB) // the BYEs time out
	stray("again")
	h.expect("ACK")
	h.expect("BYE")
}

// RFC 3261 8.2.1: a method the UA does not know gets 501 Not Implemented,
// a SIP method it does not take 405 Method Not Allowed, both with Allow
// (methods are case-sensitive: "invite" is not INVITE).
func TestUnknownMethods(t *testing.T) {
	h := newHarness(t)
	incoming := h.withIncoming()
	h.register()
	for _, c := range []struct {
		method string
		code   int
	}{{"FOO", 501}, {"invite", 501}, {"MESSAGE", 405}, {"SUBSCRIBE", 405}, {"REGISTER", 405}, {"INF", 501}} {
		h.ua.HandleFrame(strings.ReplaceAll(inviteAs("m-"+c.method), "INVITE", c.method))
		r := h.next()
		if r.StatusCode != c.code || r.Get("Allow") != allow || r.Get("CSeq") != "10 "+c.method {
			t.Errorf("%s: got\n%s", c.method, r)
		}
	}
	testwait.None(t, incoming, "a call")
}

// RFC 3261 8.2.2.3: a request that requires an extension the UA does not
// support (it supports none: no 100rel, no timer) gets 420 Bad Extension
// with Unsupported listing them, and is not acted on; ACK and CANCEL
// ignore Require.
func TestRequireUnsupported(t *testing.T) {
	h := newHarness(t)
	incoming := h.withIncoming()
	h.register()
	req := func(s string) string {
		return strings.Replace(s, "Call-ID:", "Require: 100rel\r\nRequire: timer, foo\r\nCall-ID:", 1)
	}
	h.ua.HandleFrame(req(inviteAs("x1")))
	if r := h.next(); r.StatusCode != 420 || r.Reason != "Bad Extension" || r.Get("Unsupported") != "100rel, timer, foo" {
		t.Fatalf("INVITE requiring 100rel: got\n%s", r)
	}
	testwait.None(t, incoming, "a call")
	// A CANCEL that carries Require still cancels.
	h.ua.HandleFrame(inviteAs("x2"))
	h.next()
	in := recv(t, incoming)
	h.ua.HandleFrame(req("CANCEL sip:1001@x.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKx2\r\n" +
		"From: " + inboundFrom + "\r\nTo: <sip:1001@example.com>\r\nCall-ID: x2\r\nCSeq: 10 CANCEL\r\n\r\n"))
	if r := h.next(); r.StatusCode != 200 {
		t.Errorf("CANCEL: got\n%s", r)
	}
	if r := h.next(); r.StatusCode != 487 {
		t.Errorf("INVITE after CANCEL: got\n%s", r)
	}
	if ev := in.log.next(t); ev.State != CallTerminated {
		t.Errorf("event: %+v", ev)
	}
	// An ACK that carries Require is still the ACK of our 200: no BYE
	// for a missing one.
	h.ua.HandleFrame(inviteAs("x3"))
	h.next()
	in = recv(t, incoming)
	if err := in.c.Accept(context.Background(), newAnsweringMedia()); err != nil {
		t.Fatal(err)
	}
	ok := h.next()
	h.ua.HandleFrame(req("ACK sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKack\r\n" +
		"From: " + inboundFrom + "\r\nTo: " + ok.Get("To") + "\r\nCall-ID: x3\r\nCSeq: 10 ACK\r\n\r\n"))
	h.clock.Advance(TimerB)
	h.quiet()
	// In a dialog: a BYE requiring an extension is refused and the call
	// stays; the BYE without it ends the call.
	_, m, inv, l := h.connected()
	h.ua.HandleFrame(req(inDialogRequest("BYE", inv, 5)))
	if r := h.next(); r.StatusCode != 420 {
		t.Fatalf("BYE requiring 100rel: got\n%s", r)
	}
	testwait.None(t, l.events, "the call ended")
	h.ua.HandleFrame(inDialogRequest("BYE", inv, 6))
	if r := h.next(); r.StatusCode != 200 {
		t.Errorf("BYE: got\n%s", r)
	}
	l.next(t)
	recv(t, m.closed)
}

// Close (the agent signs out) while requests wait for their answers:
// a hold from the panel (no deadline) and a call placed without one
// return (503), rather than wait for ever (Close stopped their timers).
func TestCloseEndsPendingRequests(t *testing.T) {
	h := newHarness(t)
	h.register()
	c, _, _, _ := h.connected()
	held := make(chan error, 1)
	go func() { held <- c.Hold(context.Background(), true) }()
	h.expect("INVITE")
	_, _, calls, errs := h.dial(context.Background(), newMedia())
	h.ua.Close()
	if err := recv(t, held); err == nil {
		t.Error("the hold succeeded")
	}
	recv(t, calls) // the call's first response: the 503 Close stands in
	recv(t, errs)
}

// The caller hangs up with BYE before the answer (RFC 3261 15 lets a
// caller end an early dialog so): 200 for the BYE, 487 for its INVITE
// (15.1.2; else the proxy's INVITE transaction waits for its timer), and
// the call ends by the far end.
func TestInboundByeBeforeAnswer(t *testing.T) {
	h := newHarness(t)
	incoming := h.withIncoming()
	h.register()
	h.ua.HandleFrame(inviteAs("e1"))
	ringing := h.next()
	in := recv(t, incoming)
	h.ua.HandleFrame("BYE sip:1001@x.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKbye\r\n" +
		"From: " + inboundFrom + "\r\nTo: " + ringing.Get("To") + "\r\nCall-ID: e1\r\nCSeq: 11 BYE\r\n\r\n")
	if r := h.next(); r.StatusCode != 200 || r.Get("CSeq") != "11 BYE" {
		t.Errorf("BYE answer:\n%s", r)
	}
	if r := h.next(); r.StatusCode != 487 || r.Get("CSeq") != "10 INVITE" {
		t.Errorf("INVITE answer:\n%s", r)
	}
	if ev := in.log.next(t); ev.State != CallTerminated || !ev.ByRemote {
		t.Errorf("event: %+v", ev)
	}
	h.quiet()
}
