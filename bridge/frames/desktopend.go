package frames

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/api"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// PeerID names a window that sent the desktop a message (the loader keeps
// the windows; Go only sees their ids).
type PeerID int

// StaleMargin: the desktop acts on a request only until this long before
// its deadline, so that its answer reaches the client before the client
// gives up.
const StaleMargin = time.Second

// MaxInFlight bounds the requests the desktop holds (waiting for a slow
// phone); more are refused at once.
const MaxInFlight = 1000

// ErrStale is a request the desktop did not act on because its client had
// given up on it (or was about to).
var ErrStale = bridge.Errorf(bridge.APINotAnswer, "the request reached the agent desktop after its deadline; nothing was done")

// maxPeers bounds the windows of one origin the desktop sends events to:
// an origin's oldest is forgotten for a newer one of the same origin,
// never for another origin's.
const maxPeers = 16

// DesktopEnd is the agent desktop's end of the cross-frame protocol. It
// serves requests from allowed origins only, refuses the others
// (not_enough_privileges) and sends every event to each peer that said hi.
// Origins are as the browser reports them (event.origin), never as a
// message claims.
type DesktopEnd struct {
	Bridge *bridge.Bridge
	// Send posts msg to peer, with origin as the target origin.
	Send func(peer PeerID, origin string, msg OutMessage)
	// Note reports what happened, for the panel's log; may be nil.
	Note func(refused bool, text string)

	mu      sync.Mutex
	allowed map[string]bool
	peers   map[PeerID]string // said hi: peer → origin
	order   []PeerID          // peers, oldest first (all origins)
	calls   map[string]context.CancelCauseFunc
}

// NewDesktopEnd serves the allowed origins.
func NewDesktopEnd(b *bridge.Bridge, allowed []string, send func(PeerID, string, OutMessage)) *DesktopEnd {
	d := &DesktopEnd{Bridge: b, Send: send, allowed: map[string]bool{}, peers: map[PeerID]string{}, calls: map[string]context.CancelCauseFunc{}}
	for _, o := range allowed {
		d.allowed[o] = true
	}
	return d
}

// Allowed reports whether origin may use the desktop.
func (d *DesktopEnd) Allowed(origin string) bool {
	return origin != "" && origin != "null" && d.allowed[origin]
}

// Hello is the message the desktop posts to its parent, once per allowed
// origin, when it is up. params carries the placement deadline, which
// Bright Pattern's client ignores and ours waits by.
func (d *DesktopEnd) Hello() OutMessage {
	deadlines := map[string]any{MsgStartCall: d.Bridge.PlacementDeadline().Milliseconds()}
	for _, m := range api.Methods {
		deadlines[m.Request] = m.Timeout().Milliseconds()
	}
	return OutMessage{Type: MsgHello, Params: []any{map[string]any{"placementTimeoutMs": d.Bridge.PlacementDeadline().Milliseconds(), "deadlines": deadlines}}}
}

// Receive handles a message from peer at origin.
func (d *DesktopEnd) Receive(origin string, peer PeerID, data jsval.Value) {
	m, err := DecodeMessage(data)
	if err == ErrUnanswerable || m.Type == MsgHello {
		return
	}
	if !d.Allowed(origin) {
		// Refuse requests, so a developer sees why; never serve them, and
		// change nothing (no peer, no log line: a flood from an origin
		// that is not allowed must not push out anything).
		if m.Type != MsgHi && m.Type != "" && !isResponse(m.Type) {
			d.answer(peer, origin, m, "", bridge.Errorf(bridge.NotEnoughPrivileges, "origin %s is not allowed to use this agent desktop", origin))
		}
		return
	}
	if err != nil {
		d.answer(peer, origin, m, "", err)
		return
	}
	// Stale requests (any type): a client that has given up is never
	// acted for.
	if m.Type != MsgHi && !isResponse(m.Type) && !m.Deadline.IsZero() && !d.clock().Now().Before(m.Deadline.Add(-StaleMargin)) {
		d.note(true, m.Type+" from "+origin+": "+ErrStale.Message)
		d.answer(peer, origin, m, "", ErrStale)
		return
	}
	switch m.Type {
	case MsgHi:
		key := m.Param(0)
		d.hi(peer, origin)
		d.note(false, "CRM "+origin+" connected (integrationKey "+strconv.QuoteToASCII(truncate(key.Str, 64))+")")
	case MsgStartCall:
		// Only from a window that said hi to this document: a request
		// that reached a desktop frame as it reloaded was sent before the
		// client saw this document's hello, and the client has already
		// settled it (api_not_answer). Serving it would dial a call the
		// widget was told failed.
		d.mu.Lock()
		_, said := d.peers[peer]
		d.mu.Unlock()
		if !said {
			d.answer(peer, origin, m, "", bridge.Errorf(bridge.InvalidRequest, "send hi before START_CALL"))
			return
		}
		d.startCall(peer, origin, m)
	case MsgCancelStartCall:
		d.mu.Lock()
		cancel := d.calls[origin+" "+m.Param(0).Str]
		d.mu.Unlock()
		if cancel != nil {
			cancel(ErrAborted)
		}
	default:
		if meth := api.ForRequest(m.Type); meth != nil {
			d.mu.Lock()
			_, said := d.peers[peer]
			d.mu.Unlock()
			if !said {
				d.reply(peer, origin, m, nil, bridge.Errorf(bridge.InvalidRequest, "send hi before %s", m.Type))
				return
			}
			d.serve(peer, origin, m, meth)
			return
		}
		if !isResponse(m.Type) {
			d.answer(peer, origin, m, "", bridge.Errorf(bridge.InvalidRequest, "type: unknown request %s", bridge.KeyPath(m.Type)))
		}
	}
}

func (d *DesktopEnd) clock() bridge.Clock {
	return d.Bridge.ClockInUse()
}

// serve does a call-control method for a peer and answers
// <NAME>_RESPONSE: at once when the desktop can, else from a goroutine
// within the method's deadline.
func (d *DesktopEnd) serve(peer PeerID, origin string, m Message, meth *api.Method) {
	data, err, wait := api.Serve(context.Background(), d.Bridge, meth, m.Params)
	if wait == nil {
		d.reply(peer, origin, m, data, err)
		return
	}
	go func() {
		defer func() {
			if r := recover(); r != nil {
				d.reply(peer, origin, m, nil, bridge.Errorf(bridge.UnknownError, "the bridge failed: %v", r))
			}
		}()
		data, err := wait()
		d.reply(peer, origin, m, data, err)
	}()
}

// reply answers a call-control request; a refusal is noted for the panel
// by the method's name and the error only (login's params, which hold a
// password, are never shown).
func (d *DesktopEnd) reply(peer PeerID, origin string, m Message, data any, err error) {
	if err != nil {
		e := bridge.AsError(err)
		d.note(true, fmt.Sprintf("%s from %s: error %d %s: %s", m.Type, origin, e.Code, e.Name(), e.Message))
	}
	d.Send(peer, origin, OutMessage{UID: m.UID, Type: ResponseType(m.Type), Params: bridge.MethodResult(data, err)})
}

func isResponse(t string) bool {
	return len(t) > len(responseSuffix) && t[len(t)-len(responseSuffix):] == responseSuffix
}

// ErrAborted is a call dropped at the caller's request (an AbortSignal).
var ErrAborted = bridge.Errorf(bridge.UnknownError, "aborted by the caller")

func (d *DesktopEnd) hi(peer PeerID, origin string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if o, ok := d.peers[peer]; ok && o == origin {
		return
	} else if ok {
		d.forgetLocked(peer) // the window navigated to another allowed origin
	}
	n := 0
	for _, p := range d.order {
		if d.peers[p] == origin {
			n++
		}
	}
	if n >= maxPeers {
		for _, p := range d.order {
			if d.peers[p] == origin {
				d.forgetLocked(p)
				break
			}
		}
	}
	d.order = append(d.order, peer)
	d.peers[peer] = origin
}

func (d *DesktopEnd) forgetLocked(peer PeerID) {
	delete(d.peers, peer)
	for i, p := range d.order {
		if p == peer {
			d.order = append(d.order[:i:i], d.order[i+1:]...)
			break
		}
	}
}

func (d *DesktopEnd) startCall(peer PeerID, origin string, m Message) {
	// A panic while starting (the agent check, the policy) is this call's
	// unknown_error, answered now: nothing above would answer it, and the
	// client would wait for its deadline to say api_not_answer.
	defer func() {
		if r := recover(); r != nil {
			d.answer(peer, origin, m, "", bridge.Errorf(bridge.UnknownError, "the bridge failed: %v", r))
		}
	}()
	call, err := bridge.ParseCall(m.Param(0), m.Param(1))
	var key string
	if err == nil {
		if opts := m.Param(2); !opts.Missing() {
			if opts.Type != jsval.TypeObject {
				err = bridge.Errorf(bridge.InvalidArgs, "options: want object, got %s", bridge.TypeName(opts))
			} else {
				key, err = bridge.ParseIdempotencyKey(opts.Get("idempotencyKey"))
			}
		}
	}
	if err != nil {
		d.answer(peer, origin, m, "", err)
		return
	}
	call.Origin = origin
	d.mu.Lock()
	full := len(d.calls) >= MaxInFlight
	d.mu.Unlock()
	if full {
		d.answer(peer, origin, m, "", bridge.Errorf(bridge.UnknownError, "the agent desktop holds %d requests already; try again later", MaxInFlight))
		return
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	if !m.Deadline.IsZero() {
		// Nothing is dialled once the client's deadline is near: the
		// phone checks ctx under the lock that creates the interaction.
		stop := d.clock().AfterFunc(m.Deadline.Add(-StaleMargin).Sub(d.clock().Now()), func() { cancel(ErrStale) })
		inner := cancel
		cancel = func(err error) { stop(); inner(err) }
	}
	inflight := origin + " " + m.UID
	// Answer at once when the desktop can (the usual case): no goroutine,
	// so the answer leaves in the same task as the request arrived.
	id, err, wait := d.Bridge.Start(ctx, key, call)
	if wait == nil {
		cancel(nil)
		d.finish(peer, origin, m, id, err)
		return
	}
	d.mu.Lock()
	d.calls[inflight] = cancel
	d.mu.Unlock()
	go func() {
		defer func() {
			if r := recover(); r != nil {
				d.answer(peer, origin, m, "", bridge.Errorf(bridge.UnknownError, "the bridge failed: %v", r))
			}
		}()
		id, err := wait()
		d.mu.Lock()
		delete(d.calls, inflight)
		d.mu.Unlock()
		cancel(nil)
		d.finish(peer, origin, m, id, err)
	}()
}

func (d *DesktopEnd) finish(peer PeerID, origin string, m Message, id string, err error) {
	if err != nil {
		d.note(true, "START_CALL from "+origin+": "+bridge.AsError(err).Message)
	}
	d.answer(peer, origin, m, id, err)
}

func (d *DesktopEnd) answer(peer PeerID, origin string, m Message, id string, err error) {
	d.Send(peer, origin, OutMessage{UID: m.UID, Type: ResponseType(m.Type), Params: bridge.ResultOf(id, err)})
}

// HasPeers reports whether any window said hi.
func (d *DesktopEnd) HasPeers() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.order) > 0
}

// Peers are the origins of the windows that said hi, oldest first.
func (d *DesktopEnd) Peers() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, len(d.order))
	for i, p := range d.order {
		out[i] = d.peers[p]
	}
	return out
}

// Event sends a softphone event to every peer that said hi.
func (d *DesktopEnd) Event(e desk.Event) {
	if e.Name == desk.OnDesktopChange {
		return
	}
	d.mu.Lock()
	peers := make([]PeerID, len(d.order))
	copy(peers, d.order)
	origins := make([]string, len(peers))
	for i, p := range peers {
		origins[i] = d.peers[p]
	}
	d.mu.Unlock()
	for i, p := range peers {
		d.Send(p, origins[i], OutMessage{UID: NewUID(), Type: e.Name, Params: e.Params()})
	}
}

func (d *DesktopEnd) note(refused bool, text string) {
	if d.Note != nil {
		d.Note(refused, text)
	}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
