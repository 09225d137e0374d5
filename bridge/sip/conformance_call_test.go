package sip

import (
	"context"
	"strings"
	"testing"

	"github.com/adapi-go/adapi-go/bridge/phone"
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
	h.reply(inv, 183, "Session Progress", []Header{{"Content-Type", "application/sdp"}}, "v=0\r\nearly\r\n")
	for _, want := range []int{100, 180, 183} {
		if ev := l.next(t); ev.State != CallProceeding || ev.Status != want {
			t.Errorf("event: %+v, want %d", ev, want)
		}
	}
	if sdp := recv(t, m.early); sdp != "v=0\r\nearly\r\n" {
		t.Errorf("early answer: %q", sdp)
	}
	h.reply(inv, 183, "Session Progress", []Header{{"Content-Type", "application/sdp"}}, "v=0\r\nearly\r\n") // the same again: nothing new
	l.next(t)
	h.reply(inv, 200, "OK", answer, "v=0\r\nearly\r\n")
	h.expect("ACK")
	if sdp := recv(t, m.answers); sdp != "v=0\r\nearly\r\n" {
		t.Errorf("final answer: %q", sdp)
	}
	if ev := l.next(t); ev.State != CallConfirmed {
		t.Errorf("event: %+v", ev)
	}
	select {
	case sdp := <-m.early:
		t.Errorf("second early answer %q", sdp)
	default:
	}
}

// A gateway that sends its answer in the 183 only and a 200 without SDP:
// the 183's SDP is the answer.
func TestEarlyAnswerOnly(t *testing.T) {
	h := newHarness(t)
	h.register()
	m := newEarlyMedia()
	inv, l, calls, _ := h.dial(context.Background(), m)
	h.reply(inv, 183, "Session Progress", []Header{{"Content-Type", "application/sdp"}}, "v=0\r\nearly\r\n")
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
	h.reply(inv, 302, "Moved Temporarily", []Header{{"Contact", "<sip:5001@example.com>"}}, "")
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
	h.reply(inv, 401, "Unauthorized", challenge, "")
	h.expect("ACK")
	inv2 := h.expect("INVITE")
	f1, _ := inv.From()
	f2, _ := inv2.From()
	if !checkDigest(inv2.Get("Authorization"), "1001", "secret", "INVITE") || inv2.Get("CSeq") != "2 INVITE" ||
		inv2.CallID() != inv.CallID() || f1.Tag() != f2.Tag() {
		t.Fatalf("INVITE with credentials:\n%s", inv2)
	}
	// Refused again (no stale): the call fails with the 401.
	h.reply(inv2, 401, "Unauthorized", challenge, "")
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
	recv(t, calls)
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
	select {
	case sdp := <-m.answers:
		t.Errorf("second fork's answer applied: %q", sdp)
	default:
	}
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
