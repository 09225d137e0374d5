package sip

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// ErrCallState: the call cannot do that now (it ended, or is not yet
// answered).
var ErrCallState = errors.New("sip: the call cannot do that in its state")

// MaxCalls caps the phone's calls (ringing, up or on hold): an INVITE
// beyond it gets 486 Busy Here and creates nothing (no interaction,
// panel row or notification), so an INVITE flood costs one response
// each.
const MaxCalls = 6

// incoming takes an INVITE to the agent: 180 Ringing, then OnIncoming.
// An INVITE whose Call-ID is a live call's or the last ended call's (a
// retransmission) gets that call's last response again and creates
// nothing. Called with ua.mu held.
func (ua *UA) incoming(m *Message) {
	id := m.Get("Call-ID")
	c := ua.calls[id]
	if e := ua.ended; e != nil && e.callID == id {
		c = e
	}
	if c != nil {
		if c.last != nil {
			ua.sendMsg(c.last)
		}
		return
	}
	from, err := ParseAddr(m.Get("From"))
	f := ua.cfg.OnIncoming
	code, reason := 486, "Busy Here"
	if err != nil || f == nil || !ua.reg.registered {
		code, reason = 480, "Temporarily Unavailable"
	}
	if code == 480 || len(ua.calls) >= MaxCalls {
		ua.respond(m, code, reason)
		return
	}
	c = &Call{ua: ua, inv: m, callID: id, localTag: randomToken(10), offer: m.Body,
		state: CallProceeding, first: make(chan struct{})}
	c.dlg = dialog{callID: c.callID, local: m.Get("To") + ";tag=" + c.localTag, remote: m.Get("From"),
		remoteTag: from.Tag(), routes: m.Values("Record-Route")}
	if ct := m.Values("Contact"); len(ct) > 0 {
		if a, err := ParseAddr(ct[0]); err == nil {
			c.dlg.target = a.URI
		}
	}
	if c.dlg.target.Host == "" {
		ua.respond(m, 400, "Missing Contact")
		return
	}
	ua.calls[c.callID] = c
	c.reply(180, "Ringing", "")
	ua.post(func() {
		h := f(c, from)
		ua.lock()
		c.onEvent = h
		ua.unlock()
	})
}

// reply answers the inbound INVITE; a 2xx carries the Record-Route set,
// our Contact and the SDP answer. Called with ua.mu held.
func (c *Call) reply(code int, reason, sdp string) {
	r := c.ua.response(c.inv, code, reason)
	if code/100 == 2 {
		r.copyHeaders(c.inv, "|Record-Route|")
		c.ua.withSDP(r, sdp)
	}
	c.last = r
	c.ua.sendMsg(r)
}

// From is who called (inbound) or whom the agent called (outbound).
func (c *Call) From() Addr {
	a, _ := ParseAddr(c.dlg.remote)
	return a
}

// Accept answers a ringing inbound call with media's answer to the
// caller's offer (200). If the ACK does not come within 64*T1 the call
// ends with BYE.
func (c *Call) Accept(ctx context.Context, media Media) error {
	ua := c.ua
	ua.lock()
	ok := c.inv != nil && c.state == CallProceeding && c.media == nil
	if ok {
		c.media = media
	}
	ua.unlock()
	if !ok {
		media.Stop()
		return ErrCallState
	}
	sdp, err := media.CreateAnswer(ctx, c.offer)
	ua.lock()
	switch {
	case c.state != CallProceeding: // the caller gave up meanwhile
		err = ErrCallState
	case err != nil:
		c.reply(488, "Not Acceptable Here", "")
		c.terminate(CallEvent{State: CallTerminated, Status: 488, Reason: err.Error()})
	default:
		c.reply(200, "OK", sdp)
		c.state = CallConfirmed
		c.stopAck = ua.afterFunc(TimerB, func() {
			if !c.acked && c.state == CallConfirmed {
				c.bye()
				c.terminate(CallEvent{State: CallTerminated, Status: 408, Reason: "No ACK"})
			}
		})
	}
	ua.unlock()
	return err
}

// Reject refuses a ringing inbound call with status (486 Busy Here, 480
// Temporarily Unavailable, 603 Decline). No event follows.
func (c *Call) Reject(status int) error {
	ua := c.ua
	ua.lock()
	var err error
	if c.inv == nil || c.state != CallProceeding {
		err = ErrCallState
	} else {
		reason := "Decline"
		switch status {
		case 486:
			reason = "Busy Here"
		case 480:
			reason = "Temporarily Unavailable"
		}
		c.reply(status, reason, "")
		c.gaveUp = true
		c.terminate(CallEvent{})
	}
	ua.unlock()
	return err
}

// cancelled takes a CANCEL: 200 for it, and a ringing inbound call ends
// with 487 (an event with Status 487, ByRemote). Called with ua.mu held.
func (ua *UA) cancelled(m *Message) {
	c := ua.calls[m.Get("Call-ID")]
	branch, _ := topBranch(m)
	if c == nil || c.inv == nil {
		ua.respond(m, 481, "Call/Transaction Does Not Exist")
		return
	}
	if b, _ := topBranch(c.inv); b != branch {
		ua.respond(m, 481, "Call/Transaction Does Not Exist")
		return
	}
	ua.respond(m, 200, "OK")
	if c.state == CallProceeding {
		c.reply(487, "Request Terminated", "")
		c.terminate(CallEvent{State: CallTerminated, Status: 487, Reason: "Request Terminated", ByRemote: true})
	}
}

// reInvited answers the far end's re-INVITE (their hold or resume) with
// the media's answer, or, when it has no SDP (a session refresh, a B2BUA
// moving the media), with an offer whose answer comes in the ACK. While
// another re-INVITE is in progress it gets 491 (RFC 3261 14.2). Called
// with ua.mu held.
func (c *Call) reInvited(m *Message) {
	switch {
	case c.reinvite:
		c.ua.respond(m, 491, "Request Pending")
		return
	case c.state != CallConfirmed:
		c.ua.respond(m, 488, "Not Acceptable Here")
		return
	}
	if ct := m.Values("Contact"); len(ct) > 0 { // a target refresh
		if a, err := ParseAddr(ct[0]); err == nil {
			c.dlg.target = a.URI
		}
	}
	c.reinvite = true
	held := c.held
	ua := c.ua
	ua.post(func() {
		var sdp string
		var err error
		if m.Body == "" {
			sdp, err = c.media.HoldOffer(context.Background(), held)
		} else {
			sdp, err = c.media.CreateAnswer(context.Background(), m.Body)
		}
		ua.lock()
		c.reinvite = err == nil && m.Body == "" // the ACK brings the answer
		if c.reinvite {
			c.offered, _, _ = m.CSeq()
		}
		if err != nil {
			ua.respond(m, 488, "Not Acceptable Here")
		} else {
			r := ua.response(m, 200, "OK")
			ua.withSDP(r, sdp)
			ua.sendMsg(r)
		}
		ua.unlock()
	})
}

// ackAnswer takes the ACK of our 200 to the far end's offerless
// re-INVITE: its SDP is the answer to our offer. Called with ua.mu held.
func (c *Call) ackAnswer(m *Message) {
	c.reinvite, c.offered = false, 0
	c.ua.post(func() {
		if m.Body == "" || c.media.SetAnswer(m.Body) != nil {
			c.media.Rollback()
		}
	})
}

// Hold puts the call on hold (on) or resumes it by re-INVITE with the
// media's new offer; it returns when the far end has answered. Glare
// (491, or the far end's re-INVITE in progress) is tried again once after
// RFC 3261 14.1's wait: 2.1-4 s when the Call-ID is ours, else 0-2 s.
func (c *Call) Hold(ctx context.Context, on bool) error {
	ua := c.ua
	for try := 0; ; try++ {
		ua.lock()
		busy, ok := c.reinvite, c.state == CallConfirmed
		c.reinvite = ok
		ua.unlock()
		if !ok {
			return ErrCallState
		}
		err := error(&StatusError{Code: 491, Reason: "Request Pending"})
		if !busy {
			err = c.hold(ctx, on)
			ua.lock()
			c.reinvite = false
			ua.unlock()
		}
		if se, _ := err.(*StatusError); try > 0 || se == nil || se.Code != 491 {
			return err
		}
		d := time.Duration(rand.Uint64()%191) * 10 * time.Millisecond
		if c.inv == nil {
			d += 2100 * time.Millisecond
		}
		wait := make(chan struct{})
		ua.lock()
		stop := ua.afterFunc(d, func() { close(wait) })
		ua.unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			stop()
			return ctx.Err()
		}
	}
}

// hold sends one re-INVITE with the media's hold (or resume) offer and
// applies the answer; an offer that is not answered is rolled back.
func (c *Call) hold(ctx context.Context, on bool) error {
	h, ua := c.media, c.ua
	offer, err := h.HoldOffer(ctx, on)
	if err != nil {
		return err
	}
	done := make(chan *Message, 1)
	ua.lock()
	err = ErrCallState
	if c.state == CallConfirmed {
		c.cseq++
		n := c.cseq
		m := ua.inDialog(&c.dlg, "INVITE", n)
		ua.withSDP(m, offer)
		err = ua.request(m, "", func(r *Message) {
			if r.StatusCode/100 == 2 {
				ua.sendNew(ua.inDialog(&c.dlg, "ACK", n))
			}
			if r.StatusCode >= 200 {
				select {
				case done <- r:
				default:
				}
			}
		})
	}
	ua.unlock()
	if err == nil {
		select {
		case r := <-done:
			if r.StatusCode/100 == 2 {
				if err = h.SetAnswer(r.Body); err == nil {
					ua.lock()
					c.held = on
					ua.unlock()
				}
				return err
			}
			err = &StatusError{Code: r.StatusCode, Reason: r.Reason}
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	h.Rollback()
	return err
}
