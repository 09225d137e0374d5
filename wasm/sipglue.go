//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge"
)

// The browser side of the SIP phone (bridge/sip): the page's WebSocket as
// its Transport and RTCPeerConnection as each call's Media, through
// web/adapi-sip.js, which this loads (sipGlue): there each is a few lines
// of JavaScript where Go paid dozens of crossings and kilobytes of module
// for them. What Go gets back is strings and promises of them: a frame's
// text, an SDP, the audio's counters as JSON.
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
	ice   js.Value // the config's iceServers, for adapi-sip.js's init
}

// loadSipGlue adds adapi-sip.js (beside adapi.js: the loader's sipScript)
// to the page, once, at start, and gives it the loader (its store keeps
// the chosen devices), the ICE servers and tell (sipphone.go).
func loadSipGlue(d *desktop) {
	doc := js.Global().Get("document")
	el := doc.Call("createElement", "script")
	var fn js.Func
	fn = guard("adapi-sip.js", func([]js.Value) any {
		fn.Release()
		g := el.Get("adapiSip")
		if g.Type() != js.TypeObject {
			sipGlue.err = &bridge.Error{Code: bridge.UnknownError, Message: "the phone's script (adapi-sip.js) could not load: check the network, or the desktop's server"}
			close(sipGlue.ready)
			return nil
		}
		sipGlue.api = g
		close(sipGlue.ready)
		g.Call("init", d.loader, sipGlue.ice, guard("tell", d.told))
		return nil
	})
	el.Set("onload", fn)
	el.Set("onerror", fn)
	el.Set("src", d.loader.Get("sipScript"))
	doc.Get("head").Call("appendChild", el)
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

// await waits for a promise made by adapi-sip.js (its wait settles it:
// the value, or the reason as "Name: message"). It must not run on the
// JavaScript event loop's goroutine (a js.Func handler). The function
// releases itself when the promise settles, which it always does
// (adapi-sip.js bounds its waits), even after ctx ended.
func await(ctx context.Context, p js.Value) (js.Value, error) {
	ch := make(chan []js.Value, 1)
	var fn js.Func
	fn = guard("wait", func(a []js.Value) any {
		fn.Release()
		ch <- a
		return nil
	})
	sipGlue.api.Call("wait", p, fn)
	select {
	case a := <-ch:
		if e := a[0].String(); e != "" {
			return js.Undefined(), errors.New(e)
		}
		return a[1], nil
	case <-ctx.Done():
		return js.Undefined(), context.Cause(ctx)
	}
}

// wsTransport is bridge/sip's Transport over the page's WebSocket
// (subprotocol "sip", RFC 7118), opened by adapi-sip.js, which queues its
// frames: one goroutine per connection takes them in order (no
// JavaScript handler ever waits on Go).
type wsTransport struct {
	url string

	mu sync.Mutex
	ws js.Value // adapi-sip.js's {open, next, send, close}, while open
}

// Connect opens the WebSocket and returns when it is open, or fails
// (naming the URL) when it cannot open or ctx ends first.
func (t *wsTransport) Connect(ctx context.Context, onFrame func(string), onClose func(error)) error {
	g, err := glue(ctx)
	if err == nil {
		ws := g.Call("ws", t.url)
		t.set(ws) // Disconnect closes it while it opens
		if _, err = await(ctx, ws.Get("open")); err == nil {
			go func() {
				for {
					f, err := await(context.Background(), ws.Call("next"))
					if err != nil { // closed, and why
						t.set(js.Undefined())
						onClose(err)
						return
					}
					onFrame(f.String())
				}
			}()
			return nil
		}
		ws.Call("close")
		t.set(js.Undefined())
	}
	return errors.New("cannot connect to " + t.url + ": " + err.Error())
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
	if ws := t.socket(); !ws.IsUndefined() {
		if e := ws.Call("send", frame).String(); e != "" {
			return errors.New(e)
		}
		return nil
	}
	return errors.New("websocket " + t.url + " not open")
}

// Disconnect closes the WebSocket; onClose follows when the browser has
// closed it.
func (t *wsTransport) Disconnect() {
	if ws := t.socket(); !ws.IsUndefined() {
		ws.Call("close", 1000)
	}
}

// rtcMedia is one call's audio: bridge/sip's Media over an
// RTCPeerConnection that adapi-sip.js makes at the call's first offer or
// answer and drives (offers and answers go with the ICE candidates
// gathered within 1 s: no trickle over SIP, and a STUN server that does
// not answer cannot eat the placement deadline). The remote audio plays in
// an <audio> element added to the page while the call lasts.
type rtcMedia struct {
	id int // adapi-sip.js's call

	mu      sync.Mutex
	stopped bool
}

var mediaIDs atomic.Int32

func newMedia() *rtcMedia { return &rtcMedia{id: int(mediaIDs.Add(1))} }

// media runs op on the call's audio in adapi-sip.js: what it returns, a
// promise for the ops that wait. Once stopped, nothing more is made.
func (m *rtcMedia) media(op string, arg any) (js.Value, error) {
	g, ok := glueNow()
	m.mu.Lock()
	if !ok || m.stopped {
		m.mu.Unlock()
		return g, errors.New("the call has ended")
	}
	m.stopped = op == "close"
	v := g.Call("media", op, m.id, arg)
	m.mu.Unlock()
	return v, nil
}

// wait runs op and awaits it: an SDP, or nothing.
func (m *rtcMedia) wait(ctx context.Context, op string, arg any) (string, error) {
	p, err := m.media(op, arg)
	if err == nil {
		if p, err = await(ctx, p); err == nil {
			return p.String(), nil
		}
	}
	return "", err
}

// CreateOffer makes the SDP offer.
func (m *rtcMedia) CreateOffer(ctx context.Context) (string, error) {
	return m.wait(ctx, "offer", nil)
}

// CreateAnswer answers an offer (an inbound call, or the far end's
// re-INVITE).
func (m *rtcMedia) CreateAnswer(ctx context.Context, offer string) (string, error) {
	return m.wait(ctx, "answer", offer)
}

// HoldOffer re-offers with the agent's audio on hold (sendonly: the far
// end hears nothing new, the agent's side sends hold) or resumed
// (sendrecv).
func (m *rtcMedia) HoldOffer(ctx context.Context, hold bool) (string, error) {
	return m.wait(ctx, "hold", hold)
}

// Rollback drops an offer the far end refused.
func (m *rtcMedia) Rollback() { m.wait(context.Background(), "rollback", nil) }

// SetAnswer applies the far end's answer.
func (m *rtcMedia) SetAnswer(sdp string) error {
	_, err := m.wait(context.Background(), "remote", sdp)
	return err
}

// SetEarlyAnswer applies the SDP of a 180/183 as a provisional answer
// (pranswer): the carrier's ringback or announcement plays.
func (m *rtcMedia) SetEarlyAnswer(sdp string) error {
	_, err := m.wait(context.Background(), "early", sdp)
	return err
}

// SetMuted turns the agent's audio off (a disabled track sends silence)
// or back on; no signalling.
func (m *rtcMedia) SetMuted(on bool) { m.media("mute", on) }

// InsertDTMF sends digits as RFC 4733 telephone-events.
func (m *rtcMedia) InsertDTMF(digits string) error {
	v, err := m.media("dtmf", digits)
	if err == nil {
		if e := v.String(); e != "" {
			err = errors.New(e)
		}
	}
	return err
}

// Stop stops the call's audio: the peer connection closes, the <audio>
// element goes; the microphone stays for the next call.
func (m *rtcMedia) Stop() { m.media("close", nil) }
