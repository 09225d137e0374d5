package frames

import (
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/api"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// The client's time limits (SPEC.md, "Time").
const (
	// HelloTimeout: a request queued this long with no hello from the
	// desktop is api_not_answer, and is never sent.
	HelloTimeout = 10 * time.Second
	// AnswerGrace: a sent request gets the desktop's placement deadline
	// and this much more before it is api_not_answer (the desktop answers
	// first, with Timeout error, when dialling is slow).
	AnswerGrace = 2 * time.Second
)

// Client is the CRM page's end of the cross-frame protocol, for one
// desktop frame: it queues requests until the desktop says hello, matches
// answers to requests by uid, hands events on, and makes sure every
// request settles exactly once, in bounded time, and is sent at most once
// (a call is never dialled twice, even if the desktop frame reloads).
type Client struct {
	clock bridge.Clock
	key   string           // integrationKey, sent in hi
	send  func(OutMessage) // posts to the desktop frame
	event func(Message)    // an ON_… event from the desktop
	mu    sync.Mutex
	ready bool                     // hello seen since the frame last loaded
	wait  time.Duration            // the desktop's placement deadline, from hello
	waits map[string]time.Duration // the desktop's deadline per request type, from hello
	queue []*request               // not yet sent, oldest first
	sent  map[string]*request      // sent, by uid
}

type request struct {
	msg     OutMessage
	done    func(result jsval.Value, err error) // the OperationResult as it came, or err
	stop    func() bool
	settled bool
}

// NewClient makes a client that posts with send and hands events to event.
func NewClient(clock bridge.Clock, integrationKey string, send func(OutMessage), event func(Message)) *Client {
	if clock == nil {
		clock = bridge.RealClock{}
	}
	return &Client{clock: clock, key: integrationKey, send: send, event: event, wait: bridge.DefaultPlacementTimeout, sent: map[string]*request{}}
}

// StartCall asks the desktop to place c; done is called exactly once.
// opts, when not nil, travels as the third param (idempotencyKey).
func (c *Client) StartCall(call bridge.Call, opts map[string]any, done func(id string, err error)) (uid string) {
	var obj any
	if call.Object != nil {
		obj = call.Object
	}
	if len(call.More) > 0 {
		os := make([]any, 0, 1+len(call.More))
		for _, o := range call.Objects() {
			os = append(os, &o)
		}
		obj = os
	}
	params := []any{call.PhoneNumber, obj}
	if opts != nil {
		params = append(params, opts)
	}
	return c.Request(OutMessage{UID: NewUID(), Type: MsgStartCall, Params: params}, func(v jsval.Value, err error) {
		if err == nil {
			var id string
			id, err = bridge.DecodeResult(v)
			done(id, err)
			return
		}
		done("", err)
	})
}

// Call asks the desktop for a call-control method (its request message
// m.Request, params its arguments); done is called exactly once, with the
// data or the error.
func (c *Client) Call(m *api.Method, params []any, done func(data any, err error)) (uid string) {
	return c.Request(OutMessage{UID: NewUID(), Type: m.Request, Params: params}, func(v jsval.Value, err error) {
		if err == nil {
			var data any
			data, err = bridge.DecodeMethodResult(v)
			done(data, err)
			return
		}
		done(nil, err)
	})
}

// Request sends m (now, or once the desktop is ready) and calls done with
// the answer's OperationResult, or with api_not_answer when none comes in
// time.
func (c *Client) Request(m OutMessage, done func(result jsval.Value, err error)) string {
	r := &request{msg: m, done: done}
	c.mu.Lock()
	if c.ready {
		c.sendLocked(r)
	} else {
		c.queue = append(c.queue, r)
		r.stop = c.clock.AfterFunc(HelloTimeout, func() {
			c.expire(r, "the agent desktop did not say hello within 10 s; the request was not sent")
		})
	}
	c.mu.Unlock()
	return m.UID
}

// Cancel drops a request: if it was not sent it never will be; if it was,
// the desktop is asked to drop it (best effort). done is called with err.
func (c *Client) Cancel(uid string, err error) {
	c.mu.Lock()
	var r *request
	if x, ok := c.sent[uid]; ok {
		r = x
		delete(c.sent, uid)
		c.send(OutMessage{UID: NewUID(), Type: MsgCancelStartCall, Params: []any{uid}})
	}
	for i, x := range c.queue {
		if x.msg.UID == uid {
			r = x
			c.queue = append(c.queue[:i:i], c.queue[i+1:]...)
			break
		}
	}
	c.mu.Unlock()
	if r != nil {
		c.settle(r, jsval.Undefined, err)
	}
}

// sendLocked posts r and starts its answer deadline.
func (c *Client) sendLocked(r *request) {
	if r.stop != nil {
		r.stop()
	}
	c.sent[r.msg.UID] = r
	// Each request type waits the desktop's deadline for it (from hello).
	wait := c.wait
	if r.msg.Type != MsgStartCall {
		wait = api.MethodTimeout
		if w, ok := c.waits[r.msg.Type]; ok {
			wait = w
		} else if m := api.ForRequest(r.msg.Type); m != nil {
			wait = m.Timeout()
		}
	}
	// The desktop never acts on the request past this (SPEC.md, "Stale
	// requests"): the client settles it api_not_answer then.
	r.msg.Deadline = c.clock.Now().Add(wait + AnswerGrace).UnixMilli()
	c.send(r.msg)
	r.stop = c.clock.AfterFunc(wait+AnswerGrace, func() {
		c.expire(r, "the agent desktop did not answer")
	})
}

func (c *Client) expire(r *request, why string) {
	c.mu.Lock()
	delete(c.sent, r.msg.UID)
	for i, x := range c.queue {
		if x == r {
			c.queue = append(c.queue[:i:i], c.queue[i+1:]...)
			break
		}
	}
	c.mu.Unlock()
	c.settle(r, jsval.Undefined, bridge.Errorf(bridge.APINotAnswer, "%s", why))
}

func (c *Client) settle(r *request, result jsval.Value, err error) {
	c.mu.Lock()
	if r.settled {
		c.mu.Unlock()
		return
	}
	r.settled = true
	if r.stop != nil {
		r.stop()
	}
	c.mu.Unlock()
	r.done(result, err)
}

// FrameLoaded is the desktop frame's load event: a new document, which
// will say hello when it is up. Until then requests queue.
func (c *Client) FrameLoaded() {
	c.mu.Lock()
	c.ready = false
	c.mu.Unlock()
}

// Receive handles a message from the desktop frame (the loader has checked
// that it came from that frame and from the desktop's origin).
func (c *Client) Receive(m Message) {
	switch {
	case m.Type == MsgHello:
		c.hello(m)
	case isResponse(m.Type):
		c.mu.Lock()
		r := c.sent[m.UID]
		delete(c.sent, m.UID)
		c.mu.Unlock()
		if r == nil {
			return // not ours, or already settled: a forged uid changes nothing
		}
		c.settle(r, m.Param(0), nil)
	case len(m.Type) > 3 && m.Type[:3] == "ON_":
		if c.event != nil {
			c.event(m)
		}
	}
}

// hello is the desktop being up: a first one, or after the frame reloaded.
// Requests sent to the old document will never be answered: they settle
// api_not_answer now and are not sent again. Queued ones go out.
func (c *Client) hello(m Message) {
	c.mu.Lock()
	if ms := m.Param(0).Get("placementTimeoutMs"); ms.Type == jsval.TypeNumber {
		if d, ok := parseMillis(ms.Str); ok {
			c.wait = d
		}
	}
	if ds := m.Param(0).Get("deadlines"); ds.Type == jsval.TypeObject {
		c.waits = map[string]time.Duration{}
		for i, k := range ds.Keys {
			if i < len(ds.Vals) && ds.Vals[i].Type == jsval.TypeNumber {
				if d, ok := parseMillis(ds.Vals[i].Str); ok && api.ForRequest(k) != nil {
					c.waits[k] = d
				}
			}
		}
	}
	var lost []*request
	for uid, r := range c.sent {
		lost = append(lost, r)
		delete(c.sent, uid)
	}
	c.ready = true
	c.send(OutMessage{UID: NewUID(), Type: MsgHi, Params: []any{c.key}})
	queued := c.queue
	c.queue = nil
	for _, r := range queued {
		c.sendLocked(r)
	}
	c.mu.Unlock()
	for _, r := range lost {
		c.settle(r, jsval.Undefined, bridge.Errorf(bridge.APINotAnswer, "the agent desktop reloaded before answering; the request was not sent again"))
	}
}

func parseMillis(s string) (time.Duration, bool) {
	var ms int64
	for _, r := range s {
		if r < '0' || r > '9' || ms > 1e9 {
			return 0, false
		}
		ms = ms*10 + int64(r-'0')
	}
	return time.Duration(ms) * time.Millisecond, s != ""
}

// Pending is the number of requests not yet settled.
func (c *Client) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue) + len(c.sent)
}
