//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"context"
	"errors"
	"sync"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
)

// The browser side of the SIP phone (bridge/sip): the page's WebSocket as
// its Transport and RTCPeerConnection as each call's Media, through
// web/adapi-sip.js, which this loads (sipGlue): there each is a few lines
// of JavaScript where Go paid dozens of crossings and kilobytes of module
// for them. What Go gets back is strings, numbers and promises of them: a
// frame's text, an SDP, four values of getStats.
//
// Event handlers never block: they copy and queue, and one goroutine per
// connection delivers in order (a handler that waited on Go would stall
// the page's event loop, and could deadlock the module).

// sipGlue is web/adapi-sip.js's functions, taken from its script element
// (no global) once it has loaded; ready closes then, or when it failed.
// With no sip section ready is nil: nothing is loaded.
var sipGlue struct {
	ready chan struct{}
	api   js.Value
	err   error
}

// loadSipGlue adds adapi-sip.js (beside adapi.js: the loader's sipScript)
// to the page; it runs once, at start (newSIPPhone).
func loadSipGlue() {
	g := js.Global()
	sipGlue.ready = make(chan struct{})
	src := loader.Get("sipScript")
	if src.Type() != js.TypeString {
		sipGlue.err = glueErr("the loader does not name it")
		close(sipGlue.ready)
		return
	}
	doc := g.Get("document")
	el := doc.Call("createElement", "script")
	var fn js.Func
	fn = js.FuncOf(func(js.Value, []js.Value) any {
		fn.Release()
		if sipGlue.api = el.Get("adapiSip"); sipGlue.api.Type() != js.TypeObject {
			sipGlue.err = glueErr("check the network, or the desktop's server")
		}
		close(sipGlue.ready)
		return nil
	})
	el.Set("onload", fn)
	el.Set("onerror", fn)
	el.Set("src", src)
	doc.Get("head").Call("appendChild", el)
}

// glueErr says adapi-sip.js could not load, and why.
func glueErr(why string) error {
	return &bridge.Error{Code: bridge.UnknownError, Message: "the phone's script (adapi-sip.js) could not load: " + why}
}

// glueNow is adapi-sip.js's functions if they have loaded.
func glueNow() (js.Value, bool) {
	select {
	case <-sipGlue.ready:
		return sipGlue.api, sipGlue.err == nil
	default:
		return js.Undefined(), false
	}
}

// glue is adapi-sip.js's functions, once loaded.
func glue(ctx context.Context) (js.Value, error) {
	select {
	case <-sipGlue.ready:
		return sipGlue.api, sipGlue.err
	case <-ctx.Done():
		return js.Undefined(), context.Cause(ctx)
	}
}

// wsTransport is bridge/sip's Transport over the page's WebSocket
// (subprotocol "sip", RFC 7118), opened by adapi-sip.js, which queues its
// events: one goroutine per connection takes them in order (await: no
// JavaScript handler ever waits on Go).
type wsTransport struct {
	url string

	mu sync.Mutex
	ws js.Value // adapi-sip.js's {next, send, close}, while open
}

// Connect opens the WebSocket and returns when it is open, or fails
// (naming the URL) when it cannot open or ctx ends first.
func (t *wsTransport) Connect(ctx context.Context, onFrame func(string), onClose func(error)) error {
	g, err := glue(ctx)
	if err != nil {
		return errors.New("cannot connect to " + t.url + ": " + err.Error())
	}
	if !t.socket().IsUndefined() {
		return errors.New("already connected")
	}
	ws := g.Call("ws", t.url)
	if ws.Type() == js.TypeString { // no WebSocket, or new WebSocket threw (a bad URL)
		return errors.New(ws.String())
	}
	t.set(ws) // Close closes it while it opens
	kind, _, err := next(ctx, ws)
	if err != nil || kind != 'o' {
		ws.Call("close")
		t.set(js.Undefined())
		if err != nil {
			return errors.New("cannot connect to " + t.url + ": " + err.Error())
		}
		return errors.New("cannot connect to " + t.url)
	}
	go func() {
		for {
			kind, text, _ := next(context.Background(), ws)
			if kind == 'f' {
				onFrame(text)
				continue
			}
			t.set(js.Undefined())
			onClose(errors.New("websocket " + t.url + " closed (" + text + ")"))
			return
		}
	}()
	return nil
}

// next is the socket's next event: 'o' open, 'f' a frame, 'c' closed
// after it opened, 'x' it never opened.
func next(ctx context.Context, ws js.Value) (byte, string, error) {
	v, err := await(ctx, ws.Call("next"))
	if err != nil {
		return 0, "", err
	}
	s := v.String()
	return s[0], s[1:], nil
}

// socket is adapi-sip.js's socket while it is open, else undefined.
//
//go:noinline
func (t *wsTransport) socket() js.Value {
	t.mu.Lock()
	ws := t.ws
	t.mu.Unlock()
	return ws
}

func (t *wsTransport) set(ws js.Value) {
	t.mu.Lock()
	t.ws = ws
	t.mu.Unlock()
}

// Send sends one frame (text). It does not wait.
func (t *wsTransport) Send(frame string) error {
	ws := t.socket()
	if ws.IsUndefined() || !ws.Call("send", frame).Bool() {
		return errors.New("websocket " + t.url + " not open")
	}
	return nil
}

// Close closes the WebSocket; onClose follows when the browser has closed it.
func (t *wsTransport) Disconnect() {
	if ws := t.socket(); !ws.IsUndefined() {
		ws.Call("close", 1000)
	}
}

// await waits for a promise made by adapi-sip.js (its wait settles it:
// the value, or the reason as "Name: message"). It must not run on the
// JavaScript event loop's goroutine (a js.Func handler).
func await(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		ok bool
		v  js.Value
	}
	ch := make(chan result, 1)
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{args[0].Bool(), args[1]}
		return nil
	})
	sipGlue.api.Call("wait", p, fn)
	select {
	case r := <-ch:
		fn.Release()
		if !r.ok {
			return js.Undefined(), errors.New(r.v.String())
		}
		return r.v, nil
	case <-ctx.Done():
		// The promise may still settle: release the function then.
		go func() {
			<-ch
			fn.Release()
		}()
		return js.Undefined(), context.Cause(ctx)
	}
}

// within awaits a promise of adapi-sip.js for at most secs seconds.
func within(p js.Value, secs int) (js.Value, error) {
	return await(context.Background(), sipGlue.api.Call("within", p, secs))
}

// rtcMedia is one call's audio: bridge/sip's Media over an
// RTCPeerConnection that adapi-sip.js makes and drives (offers and
// answers go with the ICE candidates gathered within 1 s: no trickle over
// SIP, and a STUN server that does not answer cannot eat the placement
// deadline). The remote audio plays in an <audio> element added to the
// page while the call lasts.
type rtcMedia struct {
	ice string // the config's iceServers (sipphone.go's iceJSON), or ""

	mu     sync.Mutex
	o      js.Value // adapi-sip.js's media object
	closed bool
}

// peer is the call's media object, made at first use with the
// microphone's track.
func (m *rtcMedia) peer(ctx context.Context) (o js.Value, err error) {
	m.mu.Lock()
	o = m.o
	m.mu.Unlock()
	if !o.IsUndefined() {
		return o, nil
	}
	g, err := glue(ctx)
	if err != nil {
		return o, err
	}
	o = g.Call("media", m.ice)
	if o.Type() == js.TypeString { // no RTCPeerConnection, no microphone, refused
		return js.Undefined(), errors.New(o.String())
	}
	m.mu.Lock()
	closed := m.closed
	if !closed {
		m.o = o
	}
	m.mu.Unlock()
	if closed { // the call ended meanwhile
		o.Call("close")
		return js.Undefined(), errors.New("the call has ended")
	}
	return o, nil
}

// sdp awaits a promise of an SDP.
func sdp(ctx context.Context, p js.Value) (string, error) {
	v, err := await(ctx, p)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// CreateOffer makes the SDP offer.
func (m *rtcMedia) CreateOffer(ctx context.Context) (string, error) {
	o, err := m.peer(ctx)
	if err != nil {
		return "", err
	}
	return sdp(ctx, o.Call("offer"))
}

// CreateAnswer answers an offer (an inbound call, or the far end's
// re-INVITE).
func (m *rtcMedia) CreateAnswer(ctx context.Context, offer string) (string, error) {
	o, err := m.peer(ctx)
	if err != nil {
		return "", err
	}
	return sdp(ctx, o.Call("answer", offer))
}

// made is the media object, or an error before the first offer.
//
//go:noinline
func (m *rtcMedia) made() (js.Value, error) {
	m.mu.Lock()
	o := m.o
	m.mu.Unlock()
	if o.IsUndefined() {
		return o, errors.New("no peer connection")
	}
	return o, nil
}

// HoldOffer re-offers with the agent's audio on hold (sendonly: the far
// end hears nothing new, the agent's side sends hold) or resumed
// (sendrecv).
func (m *rtcMedia) HoldOffer(ctx context.Context, hold bool) (string, error) {
	o, err := m.made()
	if err != nil {
		return "", err
	}
	return sdp(ctx, o.Call("offer", hold))
}

// Rollback drops an offer the far end refused.
func (m *rtcMedia) Rollback() {
	if o, err := m.made(); err == nil {
		within(o.Call("rollback"), 5)
	}
}

// SetAnswer applies the far end's answer.
func (m *rtcMedia) SetAnswer(sdp string) error { return m.setAnswer(sdp, false) }

// SetEarlyAnswer applies the SDP of a 180/183 as a provisional answer
// (pranswer): the carrier's ringback or announcement plays.
func (m *rtcMedia) SetEarlyAnswer(sdp string) error { return m.setAnswer(sdp, true) }

func (m *rtcMedia) setAnswer(sdp string, early bool) error {
	o, err := m.made()
	if err != nil {
		return err
	}
	_, err = within(o.Call("setAnswer", sdp, early), 10)
	return err
}

// SetMuted turns the agent's audio off (a disabled track sends silence)
// or back on; no signalling.
func (m *rtcMedia) SetMuted(on bool) {
	if o, err := m.made(); err == nil {
		o.Call("mute", on)
	}
}

// InsertDTMF sends digits as RFC 4733 telephone-events.
func (m *rtcMedia) InsertDTMF(digits string) error {
	o, err := m.made()
	if err == nil {
		if why := o.Call("dtmf", digits).String(); why != "" {
			err = errors.New(why)
		}
	}
	return err
}

// Close stops the call's audio: the peer connection closes, the <audio>
// element goes; the microphone stays for the next call.
func (m *rtcMedia) Stop() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	o := m.o
	m.mu.Unlock()
	if !o.IsUndefined() {
		o.Call("close")
	}
}

// mediaJSON is adApiDesktop.media(): the newest open call's audio
// counters and whether it sends the microphone (its track enabled: not
// muted), as adapi-sip.js reads them twice a second; null without a call
// or before its first reading.
func mediaJSON() string {
	if g, ok := glueNow(); ok {
		return g.Call("json").String()
	}
	return "null"
}
