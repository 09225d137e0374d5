//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"syscall/js"
	"time"
)

// The browser side of the SIP phone (bridge/sip): the page's WebSocket as
// its Transport and RTCPeerConnection as each call's Media. Everything the
// network sends arrives here as event objects the browser made (not the
// page's values); what Go keeps of them is copied at once: the frame's
// text, an SDP string, a few numbers of getStats.
//
// Event handlers never block: they copy and queue, and one goroutine per
// connection delivers in order (a handler that waited on Go would stall
// the page's event loop, and could deadlock the module).

// sipJS is what the glue uses of the browser, read once at start
// (initSipJS, when the config has a sip section): after load the page's
// globals are never read again.
var sipJS struct {
	once         sync.Once
	WebSocket    js.Value
	PeerConn     js.Value
	Uint8Array   js.Value
	Object       js.Value
	Array        js.Value
	console      js.Value
	mediaDevs    js.Value
	document     js.Value
	setTimeout   js.Value
	AudioContext js.Value // the ringtone's (sipring.go)
	Notification js.Value
	hasMedia     bool
	hasWS        bool
	hasPeerConn  bool
}

// initSipJS is not inlined: each of its call sites copied the whole
// function (3 KB of the module each).
//
//go:noinline
func initSipJS() {
	sipJS.once.Do(func() {
		g := js.Global()
		sipJS.WebSocket = g.Get("WebSocket")
		sipJS.PeerConn = g.Get("RTCPeerConnection")
		sipJS.Uint8Array = g.Get("Uint8Array")
		sipJS.Object = g.Get("Object")
		sipJS.Array = g.Get("Array")
		sipJS.console = g.Get("console")
		sipJS.document = g.Get("document")
		sipJS.AudioContext = g.Get("AudioContext")
		sipJS.Notification = g.Get("Notification")
		if nav := g.Get("navigator"); nav.Type() == js.TypeObject {
			sipJS.mediaDevs = nav.Get("mediaDevices")
		}
		sipJS.hasWS = sipJS.WebSocket.Type() == js.TypeFunction
		sipJS.hasPeerConn = sipJS.PeerConn.Type() == js.TypeFunction
		sipJS.hasMedia = sipJS.mediaDevs.Type() == js.TypeObject && sipJS.mediaDevs.Get("getUserMedia").Type() == js.TypeFunction
	})
}

// maxFrame bounds one SIP message from the server; a larger frame is
// dropped (a WebRTC INVITE is about 2-4 KB).
const maxFrame = 64 << 10

// wsTransport is bridge/sip's Transport over the page's WebSocket
// (subprotocol "sip", RFC 7118).
type wsTransport struct {
	url string

	mu      sync.Mutex
	ws      js.Value
	funcs   []js.Func
	queue   []func()
	wake    chan struct{}
	closed  bool
	onClose func(error)
}

func newWSTransport(url string) *wsTransport { return &wsTransport{url: url} }

// Connect opens the WebSocket and returns when it is open, or fails
// (naming the URL) when it cannot open or ctx ends first.
func (t *wsTransport) Connect(ctx context.Context, onFrame func(string), onClose func(error)) (err error) {
	initSipJS()
	if !sipJS.hasWS {
		return errors.New("this browser has no WebSocket")
	}
	t.mu.Lock()
	if t.ws.Truthy() {
		t.mu.Unlock()
		return errors.New("already connected")
	}
	t.mu.Unlock()
	var ws js.Value
	func() {
		defer func() {
			if r := recover(); r != nil { // new WebSocket throws on a bad URL
				err = errors.New("cannot open " + t.url + ": " + fmtPanic(r))
			}
		}()
		ws = sipJS.WebSocket.New(t.url, "sip")
	}()
	if err != nil {
		return err
	}
	ws.Set("binaryType", "arraybuffer")
	opened := make(chan error, 1)
	wake := make(chan struct{}, 1)
	isOpen := false // set and read on the event loop only
	t.mu.Lock()
	t.ws, t.wake, t.closed, t.onClose, t.queue = ws, wake, false, onClose, nil
	t.mu.Unlock()
	// post queues f for the delivery goroutine, in order; never blocks.
	post := func(f func()) {
		t.mu.Lock()
		t.queue = append(t.queue, f)
		t.mu.Unlock()
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	on := func(name string, f func(ev js.Value)) {
		fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
			defer func() {
				if r := recover(); r != nil {
					sipJS.console.Call("error", "adApi: websocket "+name+":", fmtPanic(r))
				}
			}()
			var ev js.Value
			if len(args) > 0 {
				ev = args[0]
			}
			f(ev)
			return nil
		})
		t.mu.Lock()
		t.funcs = append(t.funcs, fn)
		t.mu.Unlock()
		ws.Set("on"+name, fn)
	}
	on("open", func(js.Value) {
		isOpen = true
		select {
		case opened <- nil:
		default:
		}
	})
	on("message", func(ev js.Value) {
		data := ev.Get("data")
		var s string
		switch data.Type() {
		case js.TypeString:
			// (Value.Length panics on a string: the bound is checked
			// after the copy.)
			if s = data.String(); len(s) > maxFrame {
				return
			}
		case js.TypeObject: // an ArrayBuffer (binaryType)
			n := data.Get("byteLength").Int()
			if n > maxFrame {
				return
			}
			b := make([]byte, n)
			js.CopyBytesToGo(b, sipJS.Uint8Array.New(data))
			s = string(b)
		default:
			return
		}
		post(func() { onFrame(s) })
	})
	on("close", func(ev js.Value) {
		code, reason := 0, ""
		if ev.Type() == js.TypeObject {
			code = ev.Get("code").Int()
			if r := ev.Get("reason"); r.Type() == js.TypeString {
				reason = clip(r.String(), 256)
			}
		}
		cerr := errors.New("websocket " + t.url + " closed (" + strconv.Itoa(code) + ")")
		if reason != "" {
			cerr = errors.New("websocket " + t.url + " closed (" + strconv.Itoa(code) + " " + reason + ")")
		}
		if !isOpen {
			select {
			case opened <- errors.New("cannot connect to " + t.url):
			default:
			}
			t.release()
			return
		}
		post(func() {
			t.mu.Lock()
			cb := t.onClose
			t.onClose = nil
			t.mu.Unlock()
			if cb != nil {
				cb(cerr)
			}
		})
		post(t.release)
	})
	// onerror is always followed by onclose, which says what happened.
	go func() {
		for range wake {
			for {
				t.mu.Lock()
				q := t.queue
				t.queue = nil
				t.mu.Unlock()
				if len(q) == 0 {
					break
				}
				for _, f := range q {
					f()
				}
			}
			t.mu.Lock()
			done := t.ws.IsUndefined() && len(t.queue) == 0 && t.funcs == nil
			t.mu.Unlock()
			if done {
				return
			}
		}
	}()
	select {
	case err = <-opened:
	case <-ctx.Done():
		err = errors.New("cannot connect to " + t.url + ": " + context.Cause(ctx).Error())
	}
	if err != nil {
		t.mu.Lock()
		t.onClose = nil // Connect failed: onClose is not called
		t.mu.Unlock()
		ws.Call("close")
		return err
	}
	return nil
}

// release drops the handlers once the socket has closed.
func (t *wsTransport) release() {
	t.mu.Lock()
	ws, funcs := t.ws, t.funcs
	t.ws, t.funcs = js.Undefined(), nil
	wake := t.wake
	t.mu.Unlock()
	if ws.Truthy() {
		for _, name := range []string{"onopen", "onmessage", "onclose", "onerror"} {
			ws.Set(name, js.Null())
		}
	}
	for _, f := range funcs {
		f.Release()
	}
	if wake != nil {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}

// Send sends one frame (text). It does not wait.
func (t *wsTransport) Send(frame string) error {
	t.mu.Lock()
	ws := t.ws
	t.mu.Unlock()
	if !ws.Truthy() || ws.Get("readyState").Int() != 1 {
		return errors.New("websocket " + t.url + " not open")
	}
	ws.Call("send", frame)
	return nil
}

// Close closes the WebSocket; onClose follows when the browser has closed it.
func (t *wsTransport) Close() {
	t.mu.Lock()
	ws := t.ws
	t.mu.Unlock()
	if ws.Truthy() {
		ws.Call("close", 1000)
	}
}

// clip cuts s to at most n bytes.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// await waits for a promise made by the browser. It must not run on the
// JavaScript event loop's goroutine (a js.Func handler).
func await(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var then, catch js.Func
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		var v js.Value
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	catch = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "failed"
		if len(args) > 0 && args[0].Type() == js.TypeObject {
			if m := args[0].Get("message"); m.Type() == js.TypeString {
				msg = clip(m.String(), 1024)
			}
			if n := args[0].Get("name"); n.Type() == js.TypeString {
				msg = clip(n.String(), 64) + ": " + msg
			}
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	p.Call("then", then, catch)
	select {
	case r := <-ch:
		then.Release()
		catch.Release()
		return r.v, r.err
	case <-ctx.Done():
		// The promise may still settle: release the functions then.
		go func() {
			<-ch
			then.Release()
			catch.Release()
		}()
		return js.Undefined(), context.Cause(ctx)
	}
}

// timeout is a context that ends after d. (context.WithTimeout would
// bring the module context's deadline machinery, 3 KB, for SIP alone.)
func timeout(d time.Duration) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	t := time.AfterFunc(d, func() { cancel(context.DeadlineExceeded) })
	return ctx, func() { t.Stop(); cancel(nil) }
}

// microphone is the agent's audio, asked for at login (getUserMedia) and
// kept for every call.
type microphone struct {
	mu     sync.Mutex
	stream js.Value
}

var mic microphone

// Ask asks for the microphone if the page has none yet.
func (m *microphone) Ask(ctx context.Context) error {
	initSipJS()
	m.mu.Lock()
	have := m.stream.Truthy()
	m.mu.Unlock()
	if have {
		return nil
	}
	s, err := userMic(ctx, loginMic()) // sipdevices.go: the remembered microphone
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.stream = s
	m.mu.Unlock()
	refreshAudio(true) // sipdevices.go
	return nil
}

// Stream is the microphone's stream, or undefined before Ask succeeded.
func (m *microphone) Stream() js.Value {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stream
}

// iceGatherCap bounds ICE gathering, so that an unreachable STUN server
// cannot eat the placement deadline: the offer goes with the candidates
// found by then.
const iceGatherCap = time.Second

// rtcMedia is one call's audio: bridge/sip's Media over RTCPeerConnection.
// The remote audio plays in an <audio> element it adds to the page while
// the call lasts.
type rtcMedia struct {
	iceServers js.Value // the config's iceServers, as an array, or undefined

	mu     sync.Mutex
	pc     js.Value
	audio  js.Value
	sender js.Value
	funcs  []js.Func
	muted  bool
	closed bool
}

func newRTCMedia(iceServers js.Value) *rtcMedia { return &rtcMedia{iceServers: iceServers} }

func (m *rtcMedia) fn(f func(args []js.Value)) js.Func {
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer func() {
			if r := recover(); r != nil {
				sipJS.console.Call("error", "adApi: media:", fmtPanic(r))
			}
		}()
		f(args)
		return nil
	})
	m.funcs = append(m.funcs, fn)
	return fn
}

// open makes the peer connection with the microphone's track.
func (m *rtcMedia) open() (err error) {
	initSipJS()
	if !sipJS.hasPeerConn {
		return errors.New("this browser has no RTCPeerConnection")
	}
	stream := mic.Stream()
	if !stream.Truthy() {
		return errors.New("no microphone (it is asked for at login)")
	}
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("RTCPeerConnection: " + fmtPanic(r))
		}
	}()
	cfg := sipJS.Object.New()
	if m.iceServers.Truthy() {
		cfg.Set("iceServers", m.iceServers)
	}
	pc := sipJS.PeerConn.New(cfg)
	tracks := stream.Call("getAudioTracks")
	for i := 0; i < tracks.Length(); i++ {
		// A clone per call: muting one call leaves the microphone (and
		// the next call) as they are; stopped when the call ends.
		tr := tracks.Index(i).Call("clone")
		m.sender = pc.Call("addTrack", tr, stream)
		break
	}
	trackMedia(m, true)
	audio := sipJS.document.Call("createElement", "audio")
	audio.Set("autoplay", true)
	audio.Call("setAttribute", "data-adapi", "remote-audio")
	playOn(audio) // the chosen speaker (sipdevices.go)
	sipJS.document.Get("body").Call("appendChild", audio)
	m.mu.Lock()
	m.pc, m.audio = pc, audio
	m.mu.Unlock()
	pc.Set("ontrack", m.fn(func(args []js.Value) {
		if len(args) == 0 {
			return
		}
		if ss := args[0].Get("streams"); ss.Length() > 0 {
			audio.Set("srcObject", ss.Index(0))
		}
	}))
	return nil
}

// CreateOffer makes the SDP offer with the candidates gathered within
// iceGatherCap (no trickle over SIP).
func (m *rtcMedia) CreateOffer(ctx context.Context) (string, error) {
	pc, err := m.peer()
	if err != nil {
		return "", err
	}
	opts := sipJS.Object.New()
	opts.Set("offerToReceiveAudio", true)
	offer, err := await(ctx, pc.Call("createOffer", opts))
	if err != nil {
		return "", errors.New("createOffer: " + err.Error())
	}
	return m.setLocal(ctx, pc, offer)
}

// CreateAnswer answers an offer (an inbound call, or the far end's
// re-INVITE) with the candidates gathered within iceGatherCap.
func (m *rtcMedia) CreateAnswer(ctx context.Context, offer string) (string, error) {
	pc, err := m.peer()
	if err != nil {
		return "", err
	}
	desc := sipJS.Object.New()
	desc.Set("type", "offer")
	desc.Set("sdp", offer)
	if _, err := await(ctx, pc.Call("setRemoteDescription", desc)); err != nil {
		return "", errors.New("setRemoteDescription: " + err.Error())
	}
	answer, err := await(ctx, pc.Call("createAnswer"))
	if err != nil {
		return "", errors.New("createAnswer: " + err.Error())
	}
	return m.setLocal(ctx, pc, answer)
}

// HoldOffer re-offers with the agent's audio on hold (sendonly: the far
// end hears nothing new, the agent's side sends hold) or resumed
// (sendrecv).
func (m *rtcMedia) HoldOffer(ctx context.Context, hold bool) (string, error) {
	m.mu.Lock()
	pc := m.pc
	m.mu.Unlock()
	if !pc.Truthy() {
		return "", errors.New("no peer connection")
	}
	dir := "sendrecv"
	if hold {
		dir = "sendonly"
	}
	trs := pc.Call("getTransceivers")
	for i := 0; i < trs.Length(); i++ {
		trs.Index(i).Set("direction", dir)
	}
	offer, err := await(ctx, pc.Call("createOffer"))
	if err != nil {
		return "", errors.New("createOffer: " + err.Error())
	}
	return m.setLocal(ctx, pc, offer)
}

// Rollback drops an offer the far end refused.
func (m *rtcMedia) Rollback() {
	m.mu.Lock()
	pc := m.pc
	m.mu.Unlock()
	if !pc.Truthy() {
		return
	}
	desc := sipJS.Object.New()
	desc.Set("type", "rollback")
	ctx, cancel := timeout(5*time.Second)
	defer cancel()
	await(ctx, pc.Call("setLocalDescription", desc))
}

// peer is the call's peer connection, made at first use.
func (m *rtcMedia) peer() (js.Value, error) {
	m.mu.Lock()
	pc := m.pc
	m.mu.Unlock()
	if pc.Truthy() {
		return pc, nil
	}
	if err := m.open(); err != nil {
		return js.Undefined(), err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pc, nil
}

// setLocal applies a description made by the page and returns it with
// the candidates gathered within iceGatherCap.
func (m *rtcMedia) setLocal(ctx context.Context, pc, desc js.Value) (string, error) {
	gathered := make(chan struct{})
	var once sync.Once
	done := func() { once.Do(func() { close(gathered) }) }
	m.mu.Lock()
	pc.Set("onicegatheringstatechange", m.fn(func([]js.Value) {
		if pc.Get("iceGatheringState").String() == "complete" {
			done()
		}
	}))
	pc.Set("onicecandidate", m.fn(func(args []js.Value) {
		if len(args) > 0 && args[0].Get("candidate").IsNull() {
			done()
		}
	}))
	m.mu.Unlock()
	if _, err := await(ctx, pc.Call("setLocalDescription", desc)); err != nil {
		return "", errors.New("setLocalDescription: " + err.Error())
	}
	if pc.Get("iceGatheringState").String() == "complete" {
		done()
	}
	capT := time.NewTimer(iceGatherCap)
	select {
	case <-gathered:
	case <-capT.C:
	case <-ctx.Done():
		capT.Stop()
		return "", context.Cause(ctx)
	}
	capT.Stop()
	sdp := pc.Get("localDescription").Get("sdp")
	if sdp.Type() != js.TypeString {
		return "", errors.New("no local description")
	}
	return sdp.String(), nil
}

// SetAnswer applies the far end's answer.
func (m *rtcMedia) SetAnswer(sdp string) error {
	m.mu.Lock()
	pc := m.pc
	m.mu.Unlock()
	if !pc.Truthy() {
		return errors.New("no peer connection")
	}
	desc := sipJS.Object.New()
	desc.Set("type", "answer")
	desc.Set("sdp", sdp)
	ctx, cancel := timeout(10*time.Second)
	defer cancel()
	if _, err := await(ctx, pc.Call("setRemoteDescription", desc)); err != nil {
		return errors.New("setRemoteDescription: " + err.Error())
	}
	return nil
}

// SetMuted turns the agent's audio off (a disabled track sends silence)
// or back on; no signalling.
func (m *rtcMedia) SetMuted(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.muted = on
	if m.sender.Truthy() {
		if tr := m.sender.Get("track"); tr.Truthy() {
			tr.Set("enabled", !on)
		}
	}
}

// InsertDTMF sends digits as RFC 4733 telephone-events.
func (m *rtcMedia) InsertDTMF(digits string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.sender.Truthy() {
		return errors.New("no audio sender")
	}
	dtmf := m.sender.Get("dtmf")
	if !dtmf.Truthy() || !dtmf.Get("canInsertDTMF").Bool() {
		return errors.New("this call cannot send DTMF now")
	}
	dtmf.Call("insertDTMF", digits, 100, 70)
	return nil
}

// MediaStats is what the panel shows of a call's audio (getStats).
type MediaStats struct {
	PacketsReceived int
	PacketsSent     int
	PacketsLost     int
	ICEState        string
}

// Stats reads the peer connection's audio counters.
func (m *rtcMedia) Stats(ctx context.Context) (MediaStats, error) {
	m.mu.Lock()
	pc := m.pc
	m.mu.Unlock()
	var st MediaStats
	if !pc.Truthy() {
		return st, errors.New("no peer connection")
	}
	st.ICEState = pc.Get("iceConnectionState").String()
	report, err := await(ctx, pc.Call("getStats"))
	if err != nil {
		return st, err
	}
	each := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 0 {
			return nil
		}
		s := args[0]
		if s.Get("kind").Type() == js.TypeString && s.Get("kind").String() != "audio" {
			return nil
		}
		num := func(name string) int {
			if v := s.Get(name); v.Type() == js.TypeNumber {
				return v.Int()
			}
			return 0
		}
		switch s.Get("type").String() {
		case "inbound-rtp":
			st.PacketsReceived += num("packetsReceived")
			st.PacketsLost += num("packetsLost")
		case "outbound-rtp":
			st.PacketsSent += num("packetsSent")
		}
		return nil
	})
	report.Call("forEach", each)
	each.Release()
	return st, nil
}

// Close stops the call's audio: the peer connection closes, the <audio>
// element goes; the microphone stays for the next call.
func (m *rtcMedia) Close() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	pc, audio, funcs, sender := m.pc, m.audio, m.funcs, m.sender
	m.funcs = nil
	m.mu.Unlock()
	trackMedia(m, false)
	if sender.Truthy() {
		if tr := sender.Get("track"); tr.Truthy() {
			tr.Call("stop")
		}
	}
	if pc.Truthy() {
		for _, name := range []string{"ontrack", "onicecandidate", "onicegatheringstatechange"} {
			pc.Set(name, js.Null())
		}
		pc.Call("close")
	}
	if audio.Truthy() {
		audio.Set("srcObject", js.Null())
		audio.Call("remove")
	}
	for _, f := range funcs {
		f.Release()
	}
}

// liveMedia are the calls' media now open, newest last, with their
// latest getStats (read every statsEvery while any is open): the panel
// and adApiDesktop.media() show them without waiting on a promise.
var liveMedia struct {
	mu      sync.Mutex
	open    []*rtcMedia
	stats   map[*rtcMedia]MediaStats
	polling bool
}

const statsEvery = 500 * time.Millisecond

func trackMedia(m *rtcMedia, open bool) {
	liveMedia.mu.Lock()
	defer liveMedia.mu.Unlock()
	if liveMedia.stats == nil {
		liveMedia.stats = map[*rtcMedia]MediaStats{}
	}
	if !open {
		for i, x := range liveMedia.open {
			if x == m {
				liveMedia.open = append(liveMedia.open[:i], liveMedia.open[i+1:]...)
				break
			}
		}
		delete(liveMedia.stats, m)
		return
	}
	liveMedia.open = append(liveMedia.open, m)
	if !liveMedia.polling {
		liveMedia.polling = true
		go pollStats()
	}
}

func pollStats() {
	for {
		liveMedia.mu.Lock()
		open := append([]*rtcMedia(nil), liveMedia.open...)
		if len(open) == 0 {
			liveMedia.polling = false
			liveMedia.mu.Unlock()
			return
		}
		liveMedia.mu.Unlock()
		for _, m := range open {
			ctx, cancel := timeout(2*time.Second)
			st, err := m.Stats(ctx)
			cancel()
			if err != nil {
				continue
			}
			liveMedia.mu.Lock()
			if containsMedia(liveMedia.open, m) {
				liveMedia.stats[m] = st
			}
			liveMedia.mu.Unlock()
		}
		time.Sleep(statsEvery)
	}
}

func containsMedia(list []*rtcMedia, m *rtcMedia) bool {
	for _, x := range list {
		if x == m {
			return true
		}
	}
	return false
}

// latestMediaStats is the newest open call's audio counters, whether it
// sends the microphone (its track enabled: not muted), and whether there
// is one.
func latestMediaStats() (MediaStats, bool, bool) {
	liveMedia.mu.Lock()
	if len(liveMedia.open) == 0 {
		liveMedia.mu.Unlock()
		return MediaStats{}, false, false
	}
	m := liveMedia.open[len(liveMedia.open)-1]
	st, ok := liveMedia.stats[m]
	liveMedia.mu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	mic := false
	if m.sender.Truthy() {
		if tr := m.sender.Get("track"); tr.Truthy() {
			mic = tr.Get("enabled").Truthy()
		}
	}
	return st, mic, ok
}

// mediaJSON is latestMediaStats for adApiDesktop.media(): null without a
// call or before its first reading.
func mediaJSON() string {
	st, mic, ok := latestMediaStats()
	if !ok {
		return "null"
	}
	return `{"packetsReceived":` + strconv.Itoa(st.PacketsReceived) + `,"packetsSent":` + strconv.Itoa(st.PacketsSent) +
		`,"packetsLost":` + strconv.Itoa(st.PacketsLost) + `,"iceState":` + strconv.Quote(st.ICEState) +
		`,"micEnabled":` + strconv.FormatBool(mic) + `}`
}
