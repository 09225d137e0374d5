package sip

import (
	"context"
	"errors"
	"strconv"
)

// CallState is where an outbound call is, as SIP sees it.
type CallState int

const (
	CallCalling    CallState = iota // INVITE sent, no response yet
	CallProceeding                  // a provisional response: 100 dialling, 180/183 ringing
	CallConfirmed                   // answered (200, ACK sent) and the answer applied to the media
	CallTerminated                  // over: failed, cancelled, or hung up by either side
)

// CallEvent is a change of a call's state. Status and Reason are the SIP
// response that caused it (0 and "" for the UA's own or the far end's
// BYE, which sets ByRemote).
type CallEvent struct {
	_        [0]func() // not comparable: no equality function in the module
	State    CallState
	Status   int
	Reason   string
	ByRemote bool
}

// Call is an outbound call (UAC INVITE) and, once answered, its dialog.
type Call struct {
	ua      *UA
	media   Media
	onEvent func(CallEvent)

	// Guarded by ua.mu.
	callID, localTag string
	from, to, ruri   string // the INVITE's From (with our tag), To and Request-URI
	offer            string
	cseq             uint32
	invite           *Message // the INVITE in flight
	state            CallState
	dlg              dialog
	ack              *Message // the ACK of the 2xx, sent again for a retransmitted 2xx
	hangup           bool     // leave asked for: CANCEL at the first provisional, BYE a 2xx
	gaveUp           bool     // the caller stopped waiting: as hangup, and no more events
	cancelled        bool     // CANCEL sent
	authTries        int
	early            string        // the SDP of a provisional response, applied as early media
	reinvite         bool          // a re-INVITE in progress, either way: another gets 491
	held             bool          // the agent's hold is on
	rcseq            uint32        // the far end's last CSeq in the dialog
	offered          uint32        // the CSeq of their offerless re-INVITE whose ACK brings the answer
	first            chan struct{} // closed at the first response that is not a challenge
	stopCancel       func() bool

	// Inbound calls.
	inv     *Message // the INVITE received
	last    *Message // the last response to it, sent again for a retransmission
	acked   bool     // the ACK of our 2xx came
	stopAck func() bool
}

// dialog is what in-dialog requests are built from (RFC 3261 12).
type dialog struct {
	callID        string
	local, remote string // From and To, with their tags
	remoteTag     string
	target        URI      // the far end's Contact
	routes        []string // the route set, in the order of Route headers
}

// uacDialog builds the dialog a 2xx to our INVITE creates (12.1.2): the
// route set is the Record-Route list reversed.
func uacDialog(resp *Message) (dialog, error) {
	d := dialog{callID: resp.Get("Call-ID"), local: resp.Get("From"), remote: resp.Get("To")}
	to, err := ParseAddr(resp.Get("To"))
	if err != nil {
		return d, err
	}
	d.remoteTag = to.Tag()
	c := resp.Values("Contact")
	if len(c) == 0 {
		return d, parseErr("2xx without a Contact")
	}
	a, err := ParseAddr(c[0])
	if err != nil {
		return d, err
	}
	d.target = a.URI
	rr := resp.Values("Record-Route")
	for i := len(rr) - 1; i >= 0; i-- {
		d.routes = append(d.routes, rr[i])
	}
	return d, nil
}

// request builds an in-dialog request (12.2.1.1): Request-URI the remote
// target and Route the route set, or, when the first route is a strict
// router (no lr), Request-URI that route and the target last.
func (ua *UA) inDialog(d *dialog, method string, cseq uint32) *Message {
	ruri, routes := d.target.String(), d.routes
	if len(routes) > 0 {
		if a, err := ParseAddr(routes[0]); err == nil {
			if _, lr := a.URI.Param("lr"); !lr {
				ruri = a.URI.String()
				routes = append(routes[1:len(routes):len(routes)], "<"+d.target.String()+">")
			}
		}
	}
	return ua.newRequest(method, ruri, d.local, d.remote, d.callID, cseq, routes)
}

// sendNew sends a request outside any transaction (an ACK for a 2xx)
// with a new branch.
func (ua *UA) sendNew(m *Message) {
	ua.newBranch(m)
	ua.sendMsg(m)
}

// Invite places a call to number (sip:number@domain) with media's offer.
// It returns the Call when the server has taken the INVITE: its first
// response, provisional or final (a final failure then arrives as a
// CallTerminated event). If ctx ends first, it returns ctx's error and
// the UA makes sure nothing stays up: a provisional response that comes
// later is answered with CANCEL, a 200 with ACK then BYE, and the call's
// events are not delivered. onEvent hears every change, in order, on the
// UA's event goroutine; it may be called before Invite returns.
func (ua *UA) Invite(ctx context.Context, number string, media Media, onEvent func(CallEvent)) (*Call, error) {
	// The Request-URI: sip:<number>@<domain>, '#' escaped.
	user := ""
	for i := 0; i < len(number); i++ {
		switch c := number[i]; {
		case c == '#':
			user += "%23"
		case isUserByte(c):
			user += number[i : i+1]
		default:
			user = ""
			i = len(number)
		}
	}
	if user == "" || len(number) > 64 {
		return nil, errors.New("sip: cannot dial " + quote(number))
	}
	ruri := "sip:" + user + "@" + ua.cfg.Domain
	if !ua.Registered() {
		return nil, ErrNotRegistered
	}
	offer, err := media.CreateOffer(ctx)
	if err != nil {
		media.Stop()
		return nil, err
	}
	c := &Call{
		ua: ua, media: media, onEvent: onEvent,
		callID: randomToken(20), localTag: randomToken(10),
		ruri: ruri, offer: offer, first: make(chan struct{}),
	}
	c.from, c.to = "<sip:"+ua.cfg.User+"@"+ua.cfg.Domain+">;tag="+c.localTag, "<"+c.ruri+">"
	if d := quoteDisplay(ua.cfg.DisplayName); d != "" {
		c.from = d + " " + c.from
	}
	ua.lock()
	if !ua.reg.registered {
		err = ErrNotRegistered
	} else {
		err = c.sendInvite(Header{})
	}
	if err == nil {
		ua.calls[c.callID] = c
	}
	ua.unlock()
	if err != nil {
		media.Stop()
		return nil, err
	}
	select {
	case <-c.first:
		return c, nil
	case <-ctx.Done():
		ua.lock()
		c.gaveUp = true
		c.leave()
		ua.unlock()
		return nil, ctx.Err()
	}
}

// quoteDisplay makes a display name an RFC 3261 quoted-string (25.1):
// `"` and `\` escaped with a backslash, every other byte as it is but
// control characters, which become spaces: a CR or LF there would end
// the header and start one the name wrote.
func quoteDisplay(s string) string {
	if s == "" {
		return ""
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < ' ' || c == 0x7f:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(append(b, '"'))
}

func (c *Call) sendInvite(auth Header) error {
	c.cseq++
	m := c.ua.newRequest("INVITE", c.ruri, c.from, c.to, c.callID, c.cseq, nil)
	m.Add("Allow", allow)
	if auth.Name != "" {
		m.Headers = append(m.Headers, auth)
	}
	c.ua.withSDP(m, c.offer)
	c.invite = m
	return c.ua.request(m, "", c.onInviteResponse)
}

//go:noinline
func (c *Call) markFirst() {
	select {
	case <-c.first:
	default:
		close(c.first)
	}
}

// emit hands ev to onEvent on the event goroutine, unless the caller gave
// up on the call. Called with ua.mu held.
//
//go:noinline
func (c *Call) emit(ev CallEvent) {
	if !c.gaveUp {
		c.ua.post(func() {
			c.ua.lock()
			f := c.onEvent // an inbound call's is set by OnIncoming, on this goroutine
			c.ua.unlock()
			if f != nil {
				f(ev)
			}
		})
	}
}

func (c *Call) onInviteResponse(m *Message) {
	code := m.StatusCode
	switch {
	case code < 200:
		if c.state > CallProceeding {
			return
		}
		c.state = CallProceeding
		c.markFirst()
		if c.hangup {
			c.sendCancel()
			return
		}
		c.emit(CallEvent{State: CallProceeding, Status: code, Reason: m.Reason})
		if code > 100 && m.Body != "" && m.Body != c.early {
			c.early = m.Body
			c.ua.post(func() { c.media.SetEarlyAnswer(m.Body) })
		}
	case code < 300:
		c.markFirst()
		if c.state >= CallConfirmed || c.ack != nil {
			c.ua.stray2xx(c, m)
			return
		}
		d, err := uacDialog(m)
		if err != nil {
			c.ua.stray2xx(nil, m)
			c.terminate(CallEvent{State: CallTerminated, Status: 502, Reason: "Bad 2xx: " + err.Error()})
			return
		}
		c.dlg = d
		n, _, _ := m.CSeq()
		c.ack = c.ua.inDialog(&d, "ACK", n)
		c.ua.sendNew(c.ack)
		if c.hangup {
			c.bye()
			c.terminate(CallEvent{State: CallTerminated})
			return
		}
		// The answer goes to the media on the event goroutine (it may
		// wait for the page); the call is confirmed once it is applied.
		sdp := m.Body
		if sdp == "" { // a gateway that said its answer only in the 183
			sdp = c.early
		}
		c.ua.post(func() {
			err := c.media.SetAnswer(sdp)
			ua := c.ua
			ua.lock()
			switch {
			case c.state == CallTerminated:
			case err != nil:
				c.bye()
				c.terminate(CallEvent{State: CallTerminated, Status: 488, Reason: "Not Acceptable Here: " + err.Error()})
			default:
				c.state = CallConfirmed
				c.emit(CallEvent{State: CallConfirmed, Status: code, Reason: m.Reason})
			}
			ua.unlock()
		})
	default:
		if (code == 401 || code == 407) && !c.hangup && c.authTries < 2 {
			c.authTries++
			if a, stale, ok := c.ua.authorize(m, "INVITE", c.ruri); ok && (c.authTries == 1 || stale) {
				if c.sendInvite(a) == nil {
					return
				}
			}
		}
		c.markFirst()
		c.terminate(CallEvent{State: CallTerminated, Status: code, Reason: m.Reason})
	}
}


// maxTxs bounds the client transactions a stray 2xx may add to: beyond
// it the 2xx is dropped (the far end times out), so a flood of them grows
// neither memory nor traffic. The UA's own requests are never refused.
const maxTxs = 32

// stray2xx answers a 2xx that is not call c's first (c nil: no call has
// its Call-ID): the same dialog's retransmission gets the ACK again; a
// dialog nobody wants (a 2xx that came after the call was given up or
// ended, a second fork's, a bad one) gets ACK then BYE. Called with ua.mu
// held.
func (ua *UA) stray2xx(c *Call, m *Message) {
	if to, err := ParseAddr(m.Get("To")); c != nil && err == nil && c.ack != nil && to.Tag() == c.dlg.remoteTag {
		ua.sendMsg(c.ack)
		return
	}
	d, err := uacDialog(m)
	if err != nil || len(ua.txs) >= maxTxs {
		return
	}
	n, _, _ := m.CSeq()
	ua.sendNew(ua.inDialog(&d, "ACK", n))
	ua.request(ua.inDialog(&d, "BYE", n+1), "", nil)
}

// Hangup ends the call as the agent's leave: CANCEL before the answer
// (at once if the server has answered provisionally, else at its first
// provisional response), BYE after. The call ends with a CallTerminated
// event.
func (c *Call) Hangup() {
	ua := c.ua
	ua.lock()
	c.leave()
	ua.unlock()
}

func (c *Call) leave() {
	c.hangup = true
	switch {
	case c.state == CallTerminated:
	case c.inv != nil && c.state == CallProceeding: // inbound, still ringing
		c.reply(486, "Busy Here", "")
		c.terminate(CallEvent{State: CallTerminated})
	case c.state == CallConfirmed || c.ack != nil: // answered (maybe not yet applied to the media)
		c.bye()
		c.terminate(CallEvent{State: CallTerminated})
	case c.state == CallProceeding:
		c.sendCancel()
	}
}

// sendCancel cancels the INVITE in flight (9.1): the same Request-URI,
// top Via, From, To, Call-ID and Route, CSeq with method CANCEL. If no
// final response follows within 64*T1 the call ends anyway.
func (c *Call) sendCancel() {
	if c.cancelled {
		return
	}
	c.cancelled = true
	inv := c.invite
	branch, _ := topBranch(inv)
	c.ua.request(inInviteTx(inv, "CANCEL", inv.Get("To")), branch, nil)
	c.stopCancel = c.ua.afterFunc(TimerB, func() {
		if tx := c.ua.txs[branch+" INVITE"]; tx != nil {
			tx.end()
		}
		c.terminate(CallEvent{State: CallTerminated, Status: 408, Reason: "Request Timeout"})
	})
}

func (c *Call) bye() { c.byeAuth(Header{}) }

// byeAuth sends BYE; one a proxy challenges goes again once with
// credentials, or the far end would stay on the call.
func (c *Call) byeAuth(auth Header) {
	c.cseq++
	m := c.ua.inDialog(&c.dlg, "BYE", c.cseq)
	if auth.Name != "" {
		m.Headers = append(m.Headers, auth)
	}
	c.ua.request(m, "", func(r *Message) {
		if code := r.StatusCode; (code == 401 || code == 407) && auth.Name == "" {
			if a, _, ok := c.ua.authorize(r, "BYE", m.RequestURI); ok {
				c.byeAuth(a)
			}
		}
	})
}

// remoteBye is the far end hanging up (its BYE was answered 200).
func (c *Call) remoteBye() {
	c.terminate(CallEvent{State: CallTerminated, ByRemote: true})
}

// terminate ends the call once: the media is closed and onEvent told.
func (c *Call) terminate(ev CallEvent) {
	if c.state == CallTerminated {
		return
	}
	c.state = CallTerminated
	if c.stopCancel != nil {
		c.stopCancel()
	}
	delete(c.ua.calls, c.callID)
	c.ua.ended = c // an inbound call's INVITE again gets c.last
	c.emit(ev)
	if media := c.media; media != nil {
		c.ua.post(media.Stop)
	}
}

// State is the call's state now.
func (c *Call) State() CallState {
	ua := c.ua
	ua.lock()
	s := c.state
	ua.unlock()
	return s
}

// Media is the call's media (for mute and DTMF, which need no SIP).
func (c *Call) Media() Media { return c.media }

// CallID is the call's SIP Call-ID.
func (c *Call) CallID() string { return c.callID }

//go:noinline
func itoa(n int) string { return strconv.Itoa(n) }
