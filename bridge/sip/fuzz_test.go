package sip

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
)

// discard is a Transport that drops what the UA sends.
type discard struct{ sent int }

func (d *discard) Connect(context.Context, func(string), func(error)) error { return nil }
func (d *discard) Send(string) error                                        { d.sent++; return nil }
func (d *discard) Disconnect()                                              {}

// fuzzMedia answers, holds and plays early media, and never waits.
type fuzzMedia struct{}

func (fuzzMedia) CreateOffer(context.Context) (string, error)          { return "v=0\r\n", nil }
func (fuzzMedia) CreateAnswer(context.Context, string) (string, error) { return "v=0\r\n", nil }
func (fuzzMedia) HoldOffer(context.Context, bool) (string, error)      { return "v=0\r\n", nil }
func (fuzzMedia) SetAnswer(string) error                               { return nil }
func (fuzzMedia) SetEarlyAnswer(string) error                          { return nil }
func (fuzzMedia) Rollback()                                            {}
func (fuzzMedia) Stop()                                                {}
func (fuzzMedia) SetMuted(bool)                                        {}
func (fuzzMedia) InsertDTMF(string) error                              { return nil }

// FuzzHandleFrame: whatever the server sends (responses to a live INVITE
// and REGISTER, requests in and out of its dialog) never panics or
// blocks the UA, and the next call still works. In the input, BRANCH,
// CALLID and TAG stand for the live INVITE's branch, Call-ID and From tag.
func FuzzHandleFrame(f *testing.F) {
	resp := "SIP/2.0 200 OK\r\nVia: SIP/2.0/WS x.invalid;branch=BRANCH\r\nFrom: <sip:1001@example.com>;tag=TAG\r\n" +
		"To: <sip:5000@example.com>;tag=far\r\nCall-ID: CALLID\r\nCSeq: 1 INVITE\r\n" +
		"Contact: <sip:far@10.0.0.9>\r\nRecord-Route: <sip:p1;lr>, <sip:p2>\r\n\r\nv=0\r\n"
	f.Add(resp)
	f.Add(strings.Replace(resp, "200 OK", "180 Ringing", 1))
	f.Add(strings.Replace(resp, "200 OK", "407 Proxy Authentication Required", 1) + "Proxy-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth\"\r\n")
	f.Add(strings.Replace(resp, "200 OK", "486 Busy Here", 1))
	f.Add("BYE sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:5000@example.com>;tag=far\r\n" +
		"To: <sip:1001@example.com>;tag=TAG\r\nCall-ID: CALLID\r\nCSeq: 2 BYE\r\n\r\n")
	f.Add(inboundInvite("f1"))
	// Early media; then, answered, the far end's offerless re-INVITE, its
	// ACK with the answer, a request out of CSeq order, and a 491.
	f.Add(strings.Replace(resp, "200 OK", "183 Session Progress", 1))
	f.Add(strings.Replace(resp, "\r\n\r\nv=0\r\n", "\r\nContent-Type: multipart/mixed;boundary=b\r\n\r\n--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--b--\r\n", 1))
	reinvite := "INVITE sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\r\nFrom: <sip:5000@example.com>;tag=far\r\n" +
		"To: <sip:1001@example.com>;tag=TAG\r\nCall-ID: CALLID\r\nCSeq: 5 INVITE\r\nContact: <sip:far@10.0.0.9>\r\n\r\n"
	f.Add(resp + "\x00" + reinvite + "\x00" + strings.Replace(strings.Replace(reinvite, "INVITE", "ACK", 2), "\r\n\r\n", "\r\n\r\nv=0\r\n", 1) +
		"\x00" + strings.Replace(reinvite, "5 INVITE", "4 INVITE", 1) + "\x00" + strings.Replace(resp, "200 OK", "491 Request Pending", 1))
	f.Add("CANCEL sip:1001@x.invalid SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKf1\r\nFrom: " + inboundFrom +
		"\r\nTo: <sip:1001@example.com>\r\nCall-ID: in-1\r\nCSeq: 10 CANCEL\r\n\r\n")
	f.Fuzz(func(t *testing.T, frame string) {
		clock := bridge.NewFakeClock(time.Unix(1e9, 0))
		tr := &discard{}
		ua, err := NewUA(Config{URL: "ws://x", Domain: "example.com", User: "1001", Password: "p",
			OnIncoming: func(c *Call, from Addr) func(CallEvent) {
				go c.Accept(context.Background(), fuzzMedia{})
				return nil
			}}, tr, clock)
		if err != nil {
			t.Fatal(err)
		}
		ua.connected, ua.reg.registered = true, true
		c := &Call{ua: ua, media: fuzzMedia{}, callID: "c" + randomToken(8), localTag: randomToken(10),
			ruri: "sip:5000@example.com", offer: "v=0\r\n", first: make(chan struct{})}
		from := Addr{URI: ua.AOR(), Params: ";tag=" + c.localTag}
		c.from, c.to = from.String(), "<"+c.ruri+">"
		ua.lock()
		if err := c.sendInvite(Header{}); err != nil {
			t.Fatal(err)
		}
		ua.calls[c.callID] = c
		v, _ := c.invite.TopVia()
		ua.unlock()
		r := strings.NewReplacer("BRANCH", v.Branch(), "CALLID", c.callID, "TAG", c.localTag)
		for _, part := range strings.Split(r.Replace(frame), "\x00") { // several frames in one input
			ua.HandleFrame(part)
		}
		c.Hangup()
		clock.Advance(2 * TimerB)
		// The UA still answers.
		ua.HandleFrame("OPTIONS sip:1001@x SIP/2.0\r\nVia: SIP/2.0/WS h;branch=z9hG4bKo\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:1001@example.com>\r\nCall-ID: o\r\nCSeq: 1 OPTIONS\r\n\r\n")
		ua.lock()
		sent := tr.sent
		ua.unlock()
		if sent == 0 {
			t.Fatal("UA sent nothing")
		}
	})
}
