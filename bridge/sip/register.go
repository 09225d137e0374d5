package sip

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// registration is the UA's binding at the registrar: one Call-ID and a
// growing CSeq for all its REGISTERs (RFC 3261 10.2).
type registration struct {
	callID, fromTag string
	cseq            uint32
	registered      bool
	want            bool // Register succeeded and Unregister was not called: come back after a drop
	backoff         time.Duration
	min             time.Duration // the registrar's Min-Expires (423)
	retryAfter      time.Duration // the registrar's Retry-After with its last failure
	stop            func() bool   // the refresh or retry timer
}

func (r *registration) stopTimer() {
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
}

// ErrNotRegistered: a call was asked for while the phone is not
// registered.
var ErrNotRegistered = errors.New("sip: phone not registered")

// Registered reports whether the registrar holds a binding for the UA.
func (ua *UA) Registered() bool {
	ua.lock()
	up := ua.reg.registered
	ua.unlock()
	return up
}

// Register connects (if needed) and registers, answering a digest
// challenge; it returns when the registrar has answered, or ctx is done.
// The UA refreshes the registration before it expires, and after a
// dropped connection reconnects with backoff and registers again
// (Config.OnRegistration hears each change).
//
// Errors: ErrUnreachable (connection failed), ErrUnauthorized (the
// credentials were refused), a *StatusError for another failure.
func (ua *UA) Register(ctx context.Context) error {
	ua.lock()
	up, closed := ua.connected, ua.closed
	ua.unlock()
	if !up && !closed { // connect
		if err := ua.tr.Connect(ctx, ua.HandleFrame, ua.handleClose); err != nil {
			return unreachable(err)
		}
		ua.lock()
		ua.connected = true
		closed = ua.closed
		ua.unlock()
		if closed { // Close came while connecting (a reconnect racing a sign-out)
			ua.tr.Disconnect()
		}
	}
	if closed {
		return ErrClosed
	}
	return ua.sendRegister(ctx, ua.cfg.Expires)
}

// Unregister removes the binding (Expires: 0) and stops refreshing.
func (ua *UA) Unregister(ctx context.Context) error {
	ua.lock()
	ua.reg.want = false
	ua.reg.stopTimer()
	ua.unlock()
	return ua.sendRegister(ctx, 0)
}

func (ua *UA) sendRegister(ctx context.Context, expires time.Duration) error {
	done := make(chan error, 1)
	ua.lock()
	ua.register(expires, 0, Header{}, func(err error) { done <- err })
	ua.unlock()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// register sends one REGISTER (with credentials when auth is set) and
// follows it to the end: a challenge is answered once (again when the
// server says the nonce was stale), a 2xx sets the refresh timer.
// done gets the outcome. Called with ua.mu held.
func (ua *UA) register(expires time.Duration, tries int, auth Header, done func(error)) {
	r := &ua.reg
	if r.callID == "" {
		r.callID, r.fromTag = randomToken(20), randomToken(10)
	}
	r.cseq++
	if expires > 0 {
		expires = max(expires, r.min)
	}
	secs := itoa(int(expires / time.Second))
	aor, ruri := "<sip:"+ua.cfg.User+"@"+ua.cfg.Domain+">", "sip:"+ua.cfg.Domain
	m := ua.newRequest("REGISTER", ruri, aor+";tag="+r.fromTag, aor, r.callID, r.cseq, nil)
	m.Add("Contact", ua.contact()+";expires="+secs)
	m.Add("Expires", secs)
	m.Add("Allow", allow)
	if auth.Name != "" {
		m.Headers = append(m.Headers, auth)
	}
	err := ua.request(m, "", func(resp *Message) {
		var err error
		switch code, least := resp.StatusCode, secsHeader(resp, "Min-Expires"); {
		case code < 200:
			return
		case code < 300:
			r.backoff = 0
			if expires == 0 {
				r.registered = false
				break
			}
			got := ua.grantedExpires(resp, expires)
			r.stopTimer()
			// Refresh well before the binding expires: at half its life
			// for a short one, a minute before for a long one.
			r.stop = ua.afterFunc(max(got/2, got-time.Minute), ua.refresh)
			r.want = true
			if !r.registered {
				r.registered = true
				ua.tell(true, nil)
			}
		case code == 401 || code == 407:
			// Once, and again (twice at most) when the nonce was stale.
			if a, stale, ok := ua.authorize(resp, "REGISTER", ruri); ok && (tries == 0 || stale && tries <= 2) {
				ua.register(expires, tries+1, a, done)
				return
			}
			err = ErrUnauthorized
		case code == 403:
			err = ErrUnauthorized
		case code == 423 && least > max(expires, r.min): // Interval Too Brief
			r.min = least
			ua.register(expires, 0, Header{}, done)
			return
		case code == 503 && !ua.connected: // the UA's stand-in: the connection dropped
			err = ErrUnreachable
		default:
			r.retryAfter = secsHeader(resp, "Retry-After")
			err = &StatusError{Code: code, Reason: resp.Reason}
		}
		done(err)
	})
	if err != nil {
		done(unreachable(err))
	}
}

// authorize answers a 401's or 407's first Digest challenge the UA can
// answer (a server may offer SHA-256 first and MD5 after it, RFC 8760)
// for a request of method to uri: the header to send the request again
// with, and whether the server said the nonce was stale; ok is false
// when there is no such challenge.
func (ua *UA) authorize(resp *Message, method, uri string) (auth Header, stale, ok bool) {
	name := "WWW-Authenticate"
	auth.Name = "Authorization"
	if resp.StatusCode == 407 {
		name, auth.Name = "Proxy-Authenticate", "Proxy-Authorization"
	}
	for _, h := range resp.Headers {
		if eqFold(h.Name, name) {
			if ch, err := ParseChallenge(h.Value); err == nil {
				auth.Value = ch.Authorization(ua.cfg.User, ua.cfg.Password, method, uri, randomToken(12))
				return auth, ch.Stale, true
			}
		}
	}
	return auth, false, false
}

// secsHeader is a header's leading seconds (Retry-After: 120 (why)), at
// most a day; 0 if none.
func secsHeader(m *Message, name string) time.Duration {
	v := m.Get(name)
	n := 0
	for i := 0; i < len(v) && v[i] >= '0' && v[i] <= '9' && n <= 86400; i++ {
		n = n*10 + int(v[i]-'0')
	}
	return time.Duration(min(n, 86400)) * time.Second
}

// grantedExpires is the registrar's answer: our Contact's expires
// parameter (the only Contact's, when a server in the way rewrote it),
// else the Expires header, else what we asked for.
func (ua *UA) grantedExpires(resp *Message, asked time.Duration) time.Duration {
	cs := resp.Values("Contact")
	for i := 0; i <= len(cs); i++ {
		v := resp.Get("Expires") // after the Contacts
		if i < len(cs) {
			a, err := ParseAddr(cs[i])
			if err != nil || a.URI.Host != ua.host && len(cs) > 1 {
				continue
			}
			v, _ = param(a.Params, "expires")
		}
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return asked
}

// tell posts a change of the registration to OnRegistration. Called
// with ua.mu held.
func (ua *UA) tell(up bool, err error) {
	if f := ua.cfg.OnRegistration; f != nil {
		ua.post(func() { f(up, err) })
	}
}

// refresh re-registers before expiry; a failure takes the registration
// down and retries. Called with ua.mu held.
func (ua *UA) refresh() {
	ua.reg.stop = nil
	ua.register(ua.cfg.Expires, 0, Header{}, ua.lost)
}

// lost takes the registration down (err says why; nil: nothing was
// lost), tells OnRegistration, and (when the agent is still signed in)
// tries again with backoff: 1 s, doubling to 30 s. A refused password
// stops the retries. Called with ua.mu held.
func (ua *UA) lost(err error) {
	r := &ua.reg
	if err == nil {
		return
	}
	r.stopTimer()
	if r.registered {
		r.registered = false
		ua.tell(false, err)
	}
	if !r.want || ua.closed || errors.Is(err, ErrUnauthorized) {
		return
	}
	r.backoff = min(max(2*r.backoff, time.Second), 30*time.Second)
	wait := max(r.backoff, r.retryAfter)
	r.retryAfter = 0
	r.stop = ua.afterFunc(wait, func() {
		ua.reg.stop = nil
		go ua.reconnect()
	})
}

// reconnect registers again, the connection bounded by Timer B; a
// failure is lost again.
func (ua *UA) reconnect() {
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := ua.clock.AfterFunc(TimerB, func() { cancel(unreachable(nil)) })
	err := ua.Register(ctx)
	stop()
	cancel(nil)
	ua.lock()
	if !ua.reg.registered {
		ua.lost(err)
	}
	ua.unlock()
}
