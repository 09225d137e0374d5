package sip

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge/phone"
)

// T1 is RFC 3261's round-trip estimate. Over a reliable transport nothing
// is retransmitted; T1 only sets how long a transaction waits for its
// final answer: Timer B (INVITE) and Timer F (others) are 64*T1.
const T1 = 500 * time.Millisecond

// TimerB is how long an INVITE waits for any response, and a request
// other than INVITE for its final one (Timer F).
const TimerB = 64 * T1

// Clock is the time the UA's timers run on: the project's Clock (the wall
// clock in the page, a FakeClock in tests) satisfies it.
type Clock interface {
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// Transport is the connection to the SIP server: the page's WebSocket
// (subprotocol "sip") in the browser, a native WebSocket or a script in
// tests. One frame is one SIP message.
type Transport interface {
	// Connect opens the connection. Each frame received is handed to
	// onFrame, in order; onClose is called once when the connection
	// closes after Connect returned nil. Neither may be called from
	// inside Send.
	Connect(ctx context.Context, onFrame func(string), onClose func(error)) error
	// Send sends one frame. It must not wait for a reply.
	Send(frame string) error
	// Disconnect closes the connection (onClose is still called). (Not
	// Close: an interface's Close keeps reflect.Value.Close in the module.)
	Disconnect()
}

// Media is one call's audio: the page's RTCPeerConnection. Its methods
// are never called while the UA holds its lock or from inside the
// Transport's onFrame, so they may wait for the page. (One interface, not
// optional ones found by type assertion: each assertion cost the module.)
type Media interface {
	// CreateOffer makes the SDP offer, ICE fully gathered (no trickle
	// over SIP).
	CreateOffer(ctx context.Context) (string, error)
	// CreateAnswer answers an offer: an inbound call's, or the far end's
	// re-INVITE (hold from their side).
	CreateAnswer(ctx context.Context, offer string) (string, error)
	// SetEarlyAnswer applies the SDP of a 180/183 as a provisional answer
	// (WebRTC's pranswer): early media, a carrier's ringback or
	// announcement. The 200's SDP comes later to SetAnswer.
	SetEarlyAnswer(sdp string) error
	// SetAnswer applies the far end's SDP answer.
	SetAnswer(sdp string) error
	// HoldOffer re-offers with the audio on hold (a=sendonly) or resumed
	// (a=sendrecv); Rollback drops that offer when the far end refused it.
	HoldOffer(ctx context.Context, hold bool) (string, error)
	Rollback()
	// SetMuted turns the microphone off or on (no signalling).
	SetMuted(on bool)
	// InsertDTMF sends RFC 4733 telephone-events.
	InsertDTMF(digits string) error
	// Stop stops the audio and frees the connection.
	Stop()
}

// Config is who the UA is and where it registers.
type Config struct {
	URL         string // the WebSocket URL (ws:// or wss://), named in errors
	Domain      string // the SIP domain: sip:User@Domain is the agent's address
	User        string
	Password    string
	DisplayName string
	Expires     time.Duration // the registration asked for; default 10 minutes
	UserAgent   string        // default "adApi-go"

	// OnRegistration is told each time the registration comes up or goes
	// down (err says why). It runs on the UA's event goroutine.
	OnRegistration func(registered bool, err error)

	// OnIncoming is told of an inbound call, ringing (180 sent): the
	// caller's From, and the Call, to Accept or Reject. It returns the
	// function that hears the call's events (the caller's CANCEL, a BYE).
	// It runs on the UA's event goroutine. Without it, or while not
	// registered, inbound calls get 480.
	OnIncoming func(c *Call, from Addr) func(CallEvent)
}

// Errors of Register.
var (
	// ErrUnauthorized: the server refused the credentials.
	ErrUnauthorized = errors.New("sip: invalid credentials")
	// ErrUnreachable: the connection to the server failed or closed.
	ErrUnreachable = errors.New("sip: server unreachable")
)

// classErr is an error of a class (errors.Is(err, class)) with its own
// message and maybe a cause: a malformed message (ErrMessage), or
// ErrUnreachable with what failed (errors.Join would cost the module
// 4 KB; one type for both, not one each, saves it 1).
type classErr struct {
	_     [0]func() // not comparable: no equality function in the module
	class error
	msg   string
	cause error
}

func (e *classErr) Error() string        { return e.msg }
func (e *classErr) Is(target error) bool { return target == e.class }
func (e *classErr) Unwrap() error        { return e.cause }

// unreachable is ErrUnreachable with its cause (nil: none known).
func unreachable(err error) error {
	msg := ErrUnreachable.Error()
	if err != nil {
		msg += ": " + err.Error()
	}
	return &classErr{class: ErrUnreachable, msg: msg, cause: err}
}

// StatusError is a final failure response (or one the UA stands in for:
// 408 when Timer B/F fires, 503 when the transport fails).
type StatusError struct {
	_      [0]func() // not comparable: no equality function in the module
	Code   int
	Reason string
}

func (e *StatusError) Error() string { return "sip: " + itoa(e.Code) + " " + e.Reason }

// UA is the SIP user agent. Its state is guarded by one lock; every
// callback it makes (registration, call events, Media) runs on its event
// goroutine, in order, without the lock.
type UA struct {
	cfg   Config
	tr    Transport
	clock Clock
	host  string // our Via and Contact host: a random name in .invalid (RFC 7118)
	via   string // "SIP/2.0/WS" or "SIP/2.0/WSS"

	mu        sync.Mutex
	connected bool
	txs       map[string]*clientTx
	calls     map[string]*Call // by Call-ID
	ended     *Call            // the last call ended, for its INVITE's retransmissions
	reg       registration
	queue     []func()
	draining  bool
	closed    bool
}

// NewUA makes a UA. Nothing is sent until Register.
func NewUA(cfg Config, tr Transport, clock Clock) (*UA, error) {
	if clock == nil {
		clock = phone.RealClock{} // the desktop's: in the module already
	}
	if cfg.Expires <= 0 {
		cfg.Expires = 10 * time.Minute
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "adApi-go"
	}
	// RFC 3261's user characters, unescaped (no '%', no '"' or '@', which
	// would change the message around them).
	bad := cfg.User == "" || len(cfg.User) > 64
	for i := 0; i < len(cfg.User); i++ {
		bad = bad || !isUserByte(cfg.User[i])
	}
	if bad {
		return nil, errors.New("sip: username " + quote(cfg.User) + ": letters, digits and -_.!~*'()&=+$,;?/ only")
	}
	if cfg.Domain == "" || strings.ContainsAny(cfg.Domain, " \t\r\n<>\";@") {
		return nil, errors.New("sip: domain " + quote(cfg.Domain) + " is not a host")
	}
	via := "SIP/2.0/WS"
	if len(cfg.URL) > 4 && eqFold(cfg.URL[:4], "wss:") {
		via = "SIP/2.0/WSS"
	}
	return &UA{
		cfg: cfg, tr: tr, clock: clock, via: via,
		host:  randomToken(12) + ".invalid",
		txs:   map[string]*clientTx{},
		calls: map[string]*Call{},
	}, nil
}

func isUserByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!~*'()&=+$,;?/", c) >= 0
}

// AOR is the agent's address of record, sip:user@domain.
func (ua *UA) AOR() URI { return URI{Scheme: "sip", User: ua.cfg.User, Host: ua.cfg.Domain} }

//go:noinline
func (ua *UA) contact() string {
	return "<sip:" + ua.cfg.User + "@" + ua.host + ";transport=ws>"
}

// withSDP gives m, an INVITE or a 2xx to one, our Contact and sdp as its
// body.
func (ua *UA) withSDP(m *Message, sdp string) {
	m.Add("Contact", ua.contact())
	m.Add("Content-Type", "application/sdp")
	m.Body = sdp
}

// lock and unlock are ua.mu's, not inlined: inlined, the module paid
// for each of some seventy call sites.
//
//go:noinline
func (ua *UA) lock() { ua.mu.Lock() }

//go:noinline
func (ua *UA) unlock() { ua.mu.Unlock() }

// post queues f for the event goroutine. Called with ua.mu held. One
// goroutine at a time drains the queue, so callbacks run in order; it
// exits when the queue is empty.
func (ua *UA) post(f func()) {
	ua.queue = append(ua.queue, f)
	if !ua.draining {
		ua.draining = true
		go ua.drain()
	}
}

func (ua *UA) drain() {
	for {
		ua.lock()
		q := ua.queue
		ua.queue = nil
		if len(q) == 0 {
			ua.draining = false
			ua.unlock()
			return
		}
		ua.unlock()
		for _, f := range q {
			contain(f)
		}
	}
}

// contain runs f, one of the UA's callbacks into the page's glue (media,
// events), or the handling of one frame. A panic there, a bug, is
// contained: later callbacks still run and the desktop's module lives on
// (in a goroutine, a panic would end it for every later call).
func contain(f func()) {
	defer func() {
		if r := recover(); r != nil {
			why := "?"
			switch v := r.(type) {
			case error:
				why = v.Error()
			case string:
				why = v
			}
			println("adapi: sip: contained a panic:", why)
		}
	}()
	f()
}

// afterFunc runs f with ua.mu held after d.
//
//go:noinline
func (ua *UA) afterFunc(d time.Duration, f func()) func() bool {
	return ua.clock.AfterFunc(d, func() {
		ua.lock()
		f()
		ua.unlock()
	})
}

// ErrClosed: the UA was closed.
var ErrClosed = errors.New("sip: closed")

// handleClose fails every pending transaction (as 503) and takes the
// registration down. Calls that are up keep their audio.
func (ua *UA) handleClose(err error) {
	ua.lock()
	ua.connected = false
	for _, tx := range ua.txs {
		tx.fail(503, "Service Unavailable")
	}
	ua.lost(unreachable(err))
	ua.unlock()
}

// HandleFrame takes one frame from the transport. A malformed frame is
// dropped (a reliable transport has no one to tell).
func (ua *UA) HandleFrame(frame string) {
	m, err := Parse(frame)
	if err != nil {
		return
	}
	// The body the UA reads is the SDP: the application/sdp part of a
	// multipart body (a SIP-I carrier's 183 or 200 carries ISUP beside
	// it), or "" when a multipart body has none.
	t, params, _ := cut(m.Get("Content-Type"), ";")
	b, _ := param(params, "boundary")
	if t = strings.TrimSpace(t); len(t) >= 10 && eqFold(t[:10], "multipart/") && b != "" {
		rest := m.Body
		m.Body = ""
	parts:
		for rest != "" {
			var part string
			part, rest, _ = cut(rest, "--"+b)
			head, body, _ := cut(part, "\r\n\r\n")
			for i := 0; i+15 <= len(head); i++ {
				if eqFold(head[i:i+15], "application/sdp") {
					m.Body = strings.TrimSuffix(body, "\r\n")
					break parts
				}
			}
		}
	}
	ua.lock()
	contain(func() {
		switch {
		case ua.closed:
		case m.IsRequest():
			ua.handleRequest(m)
		default:
			ua.handleResponse(m)
		}
	})
	ua.unlock()
}

func (ua *UA) handleResponse(m *Message) {
	branch, err := topBranch(m)
	if err != nil {
		return
	}
	_, method, _ := m.CSeq()
	if tx := ua.txs[branch+" "+method]; tx != nil {
		tx.receive(m)
		return
	}
	// A 2xx to an INVITE whose transaction is gone: a retransmission, a
	// second fork, or a late answer to a call given up.
	if method == "INVITE" && m.StatusCode/100 == 2 {
		ua.stray2xx(ua.calls[m.Get("Call-ID")], m)
	}
}

func (ua *UA) handleRequest(m *Message) {
	to, err := ParseAddr(m.Get("To"))
	if err != nil {
		ua.respond(m, 400, "Bad To")
		return
	}
	// RFC 3261 8.2.1: a method the UA does not know gets 501, a SIP
	// method it does not take 405; 8.2.2.3: a Require it cannot meet
	// (any: it supports no extension) 420, but in ACK and CANCEL.
	code, reason, name, value := 0, "", "Allow", allow
	ext := strings.Join(m.Values("Require"), ", ")
	i := strings.Index(methods, " "+m.Method+" ")
	switch {
	case i < 0:
		code, reason = 501, "Not Implemented"
	case i >= len(taken):
		code, reason = 405, "Method Not Allowed"
	case ext != "" && i > len(" ACK"): // not ACK, not CANCEL
		code, reason, name, value = 420, "Bad Extension", "Unsupported", ext
	}
	if code != 0 {
		r := ua.response(m, code, reason)
		r.Add(name, value)
		ua.sendMsg(r)
		return
	}
	c := ua.calls[m.Get("Call-ID")]
	from, _ := ParseAddr(m.Get("From"))
	if c != nil && (to.Tag() != c.localTag || c.dlg.remoteTag != "" && from.Tag() != c.dlg.remoteTag) {
		c = nil // another dialog: a fork we hung up shares the Call-ID and our tag
	}
	n, _, _ := m.CSeq()
	if c != nil && i > len(" ACK") { // not ACK, not CANCEL
		if n < c.rcseq { // out of order (RFC 3261 12.2.2)
			ua.respond(m, 500, "Server Internal Error")
			return
		}
		c.rcseq = n
	}
	switch m.Method[0] { // one of taken: their first letters differ
	case 'A': // ACK
		switch {
		case c == nil:
		case c.offered != 0 && n == c.offered: // its SDP answers the offer in our 200
			c.ackAnswer(m)
		case c.stopAck != nil: // the ACK of our 200 to an inbound INVITE
			c.acked = true
			c.stopAck()
		}
	case 'B': // BYE
		if c == nil {
			ua.respond(m, 481, "Call/Transaction Does Not Exist")
			return
		}
		ua.respond(m, 200, "OK")
		if c.inv != nil && c.state == CallProceeding { // the caller's, before our answer (RFC 3261 15.1.2)
			c.reply(487, "Request Terminated", "")
		}
		c.remoteBye()
	case 'O': // OPTIONS
		r := ua.response(m, 200, "OK")
		r.Add("Allow", allow)
		r.Add("Accept", "application/sdp")
		ua.sendMsg(r)
	case 'I': // INVITE
		switch {
		case to.Tag() == "":
			ua.incoming(m)
		case c == nil:
			ua.respond(m, 481, "Call/Transaction Does Not Exist")
		default:
			c.reInvited(m)
		}
	case 'C': // CANCEL
		ua.cancelled(m)
	}
}

const allow = "INVITE, ACK, CANCEL, BYE, OPTIONS"

// methods are the SIP methods the UA knows: those it takes (allow's;
// ACK and CANCEL first), then those it refuses.
const (
	taken   = " ACK CANCEL INVITE BYE OPTIONS"
	methods = taken + " INFO MESSAGE NOTIFY PRACK PUBLISH REFER REGISTER SUBSCRIBE UPDATE "
)

// response builds a response to req (RFC 3261 8.2.6): the same Vias,
// From, Call-ID and CSeq; To with a tag of ours added.
func (ua *UA) response(req *Message, code int, reason string) *Message {
	r := &Message{StatusCode: code, Reason: reason}
	r.copyHeaders(req, "|Via|From|Call-ID|CSeq|")
	to := req.Get("To")
	if a, err := ParseAddr(to); err == nil && a.Tag() == "" && code > 100 {
		tag := randomToken(10)
		if c := ua.calls[req.Get("Call-ID")]; c != nil {
			tag = c.localTag
		}
		to += ";tag=" + tag
	}
	r.Add("To", to)
	return r
}

func (ua *UA) respond(req *Message, code int, reason string) {
	ua.sendMsg(ua.response(req, code, reason))
}

func (ua *UA) sendMsg(m *Message) error {
	if !ua.connected {
		return ErrUnreachable
	}
	return ua.tr.Send(m.String())
}

// newRequest builds a request's common headers (in a dialog, with its
// route set); the caller adds From/To tags, Contact and the body. Its
// first header is the Via, filled in with a branch (newBranch) when the
// request is sent.
func (ua *UA) newRequest(method, ruri, from, to, callID string, cseq uint32, routes []string) *Message {
	m := &Message{Method: method, RequestURI: ruri}
	m.Add("Via", "")
	m.Add("Max-Forwards", "70")
	m.Add("From", from)
	m.Add("To", to)
	m.Add("Call-ID", callID)
	m.Add("CSeq", itoa(int(cseq))+" "+method)
	for _, r := range routes {
		m.Add("Route", r)
	}
	m.Add("User-Agent", ua.cfg.UserAgent)
	return m
}

// Close stops the UA: registration timers, pending transactions (failed
// as 503: what waits for them returns), and the transport. Calls are not
// hung up (the caller does that first).
func (ua *UA) Close() {
	ua.lock()
	ua.closed = true
	ua.reg.stopTimer()
	for _, tx := range ua.txs {
		tx.fail(503, "Service Unavailable")
	}
	ua.unlock()
	ua.tr.Disconnect()
}

const tokenChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomToken makes branches, tags, Call-IDs and cnonces. They need to be
// unique, not secret (the digest's secret is the password), so
// math/rand/v2 does (crypto/rand would add to the module; so would
// rand.IntN, 1 KB: the modulo's bias is below 2^-58).
func randomToken(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = tokenChars[rand.Uint64()%uint64(len(tokenChars))]
	}
	return string(b)
}
