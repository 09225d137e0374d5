// Package farend is the test bed's far end: the PSTN side of a contact
// centre, reached through the SIP server as a trunk. It answers the test
// numbers each in its own way, with real WebRTC audio (DTLS-SRTP, pion):
// it echoes what it hears, counts the RTP it receives, reads RFC 4733
// telephone-events as digits, and tells what it saw over a small HTTP
// control API (Handler). It can also call the agent (Dial).
//
// Everything it sends stays on 127.0.0.1: its ICE agent offers one UDP
// socket on 127.0.0.1 and ignores the browser's candidates on other
// addresses, and mDNS is off.
package farend

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
)

// The test numbers (canonical, as the desktop dials them) and what each does.
const (
	Echo     = "+12025550100" // rings AnswerDelay, answers, echoes the audio back
	Busy     = "+12025550101" // 486 Busy Here
	NoAnswer = "+12025550102" // rings until the caller gives up (CANCEL → 487)
	Reject   = "+12025550103" // 603 Decline
	HangUp   = "+12025550104" // answers, echoes, hangs up after HangupAfter
	// Silent never reaches the far end: the SIP server drops its INVITE
	// without a word (testbed/kamailio.cfg), for the placement deadline.
	Silent = "+12025550199"
)

// Numbers lists the test numbers with what each does, for people.
var Numbers = []struct{ Number, Does string }{
	{Echo, "answers and echoes your voice back"},
	{Busy, "busy (486 Busy Here)"},
	{NoAnswer, "rings and never answers"},
	{Reject, "rejects the call (603 Decline)"},
	{HangUp, "answers, echoes, and hangs up after a few seconds"},
	{Silent, "never answered by the SIP server itself (the placement deadline: Timeout error)"},
}

// Config is how the far end behaves.
type Config struct {
	AnswerDelay time.Duration // how long Echo and HangUp ring (default 300 ms)
	HangupAfter time.Duration // how long HangUp stays up (default 3 s)
	Log         *slog.Logger  // nil: discard
}

// Call is what the far end saw of one call.
type Call struct {
	ID     int    `json:"id"`
	CallID string `json:"callId"`
	// Inbound: the agent called the far end; outbound: the far end called the agent.
	Direction string `json:"direction"`
	Number    string `json:"number"` // the test number
	From      string `json:"from"`   // the From URI's user
	// State: ringing, answered, ended.
	State  string `json:"state"`
	Status int    `json:"status"` // the final response of the INVITE (sent or received), 0 before
	// Cancelled: the caller cancelled before the answer.
	Cancelled bool `json:"cancelled"`
	// EndedBy: "agent" (BYE from the agent), "far end" (our BYE), "" while live.
	EndedBy string `json:"endedBy"`
	// Directions: the audio direction attribute of each (re-)INVITE's offer
	// from the agent's side, in order.
	Directions   []string `json:"directions"`
	ICEConnected bool     `json:"iceConnected"`
	RTPReceived  int      `json:"rtpReceived"` // audio packets (not telephone-events)
	RTPSent      int      `json:"rtpSent"`
	DTMF         string   `json:"dtmf"` // RFC 4733 digits received
}

// FarEnd is a running far end.
type FarEnd struct {
	cfg    Config
	log    *slog.Logger
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client
	dlgs   *sipgo.DialogServerCache
	ln     net.Listener
	media  *webrtc.API
	mux    ice.UDPMux
	udp    net.PacketConn
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	calls   []*Call
	version int
	changed chan struct{} // closed and replaced on every change
	proxy   string        // the SIP server, host:port over TCP, for Dial
	domain  string
	pcs     map[string]*webrtc.PeerConnection // by Call-ID
	cdlgs   map[string]*sipgo.DialogClientSession
	ringing map[int]context.CancelFunc // the far end's calls not yet answered: cancelling sends CANCEL
}

// Start listens on 127.0.0.1 (an ephemeral TCP port for SIP, an
// ephemeral UDP port for media) and serves until Close.
func Start(cfg Config) (*FarEnd, error) {
	if cfg.AnswerDelay == 0 {
		cfg.AnswerDelay = 300 * time.Millisecond
	}
	if cfg.HangupAfter == 0 {
		cfg.HangupAfter = 3 * time.Second
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &FarEnd{cfg: cfg, log: log, changed: make(chan struct{}), pcs: map[string]*webrtc.PeerConnection{}, cdlgs: map[string]*sipgo.DialogClientSession{}, ringing: map[int]context.CancelFunc{}}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	var err error
	if f.ln, err = net.Listen("tcp4", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	if f.udp, err = net.ListenPacket("udp4", "127.0.0.1:0"); err != nil {
		f.ln.Close()
		return nil, err
	}
	if err := f.setupMedia(); err != nil {
		f.ln.Close()
		f.udp.Close()
		return nil, err
	}
	if f.ua, err = sipgo.NewUA(sipgo.WithUserAgent("adapi-farend"), sipgo.WithUserAgentHostname("127.0.0.1")); err != nil {
		return nil, err
	}
	if f.srv, err = sipgo.NewServer(f.ua, sipgo.WithServerLogger(log)); err != nil {
		return nil, err
	}
	if f.client, err = sipgo.NewClient(f.ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientLogger(log)); err != nil {
		return nil, err
	}
	contact := sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "farend", Host: "127.0.0.1", Port: f.Port(), UriParams: sip.NewParams()}}
	contact.Address.UriParams.Add("transport", "tcp")
	f.dlgs = sipgo.NewDialogServerCache(f.client, contact)
	f.srv.OnInvite(f.onInvite)
	f.srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) { f.dlgs.ReadAck(req, tx) })
	f.srv.OnBye(f.onBye)
	f.srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		f.srv.ServeTCP(f.ln)
	}()
	return f, nil
}

// Port is the far end's SIP port (TCP, 127.0.0.1).
func (f *FarEnd) Port() int { return f.ln.Addr().(*net.TCPAddr).Port }

// SetProxy tells the far end where the SIP server takes its calls to the
// agent (host:port, TCP) and the agents' domain.
func (f *FarEnd) SetProxy(hostport, domain string) {
	f.mu.Lock()
	f.proxy, f.domain = hostport, domain
	f.mu.Unlock()
}

// Close ends every call and stops serving.
func (f *FarEnd) Close() error {
	f.cancel()
	f.mu.Lock()
	for _, pc := range f.pcs {
		pc.Close()
	}
	f.mu.Unlock()
	f.srv.Close()
	f.client.Close()
	f.ua.Close()
	f.ln.Close()
	f.mux.Close()
	f.udp.Close()
	return nil
}

func (f *FarEnd) setupMedia() error {
	api, mux, err := LoopbackAPI(f.udp)
	if err != nil {
		return err
	}
	f.media, f.mux = api, mux
	return nil
}

// LoopbackAPI is a WebRTC API whose peer connections use udp (a socket
// on 127.0.0.1) for ICE, shared by all of them, and speak only to
// candidates on 127.0.0.1: no mDNS, no other interface. Opus and RFC 4733
// telephone-events (at 48 and 8 kHz) are among its codecs.
func LoopbackAPI(udp net.PacketConn) (*webrtc.API, ice.UDPMux, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, nil, err
	}
	for _, c := range []struct {
		rate uint32
		pt   webrtc.PayloadType
	}{{48000, 110}, {8000, 126}} {
		if err := m.RegisterCodec(webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "audio/telephone-event", ClockRate: c.rate},
			PayloadType:        c.pt,
		}, webrtc.RTPCodecTypeAudio); err != nil {
			return nil, nil, err
		}
	}
	se := webrtc.SettingEngine{}
	mux := webrtc.NewICEUDPMux(nil, udp)
	se.SetICEUDPMux(mux)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetRemoteIPFilter(func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) })
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)), mux, nil
}

// update changes a call under the lock and wakes whoever waits.
func (f *FarEnd) update(c *Call, fn func(c *Call)) {
	f.mu.Lock()
	fn(c)
	f.version++
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()
}

func (f *FarEnd) newCall(c *Call) *Call {
	f.mu.Lock()
	c.ID = len(f.calls) + 1
	f.calls = append(f.calls, c)
	f.version++
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()
	return c
}

// Calls returns a copy of every call seen so far, oldest first, and the
// version of that view.
func (f *FarEnd) Calls() ([]Call, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Call, len(f.calls))
	for i, c := range f.calls {
		out[i] = *c
		out[i].Directions = append([]string(nil), c.Directions...)
	}
	return out, f.version
}

// WaitChange returns when the version is past after, or ctx ends.
func (f *FarEnd) WaitChange(ctx context.Context, after int) int {
	for {
		f.mu.Lock()
		v, ch := f.version, f.changed
		f.mu.Unlock()
		if v > after {
			return v
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return v
		}
	}
}

// TB is what WaitCall needs of a test (a *testing.T).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// WaitCall waits until the far end has a call n (1-based: Dial's id) for
// which ok is true, and returns it. When ctx ends first it fails t, saying
// that call n never did what, with every call the far end saw.
func (f *FarEnd) WaitCall(ctx context.Context, t TB, n int, what string, ok func(Call) bool) Call {
	t.Helper()
	for {
		calls, v := f.Calls()
		if len(calls) >= n && ok(calls[n-1]) {
			return calls[n-1]
		}
		if ctx.Err() != nil {
			t.Fatalf("far end's call %d: never %s (%v); calls: %+v", n, what, context.Cause(ctx), calls)
			return Call{}
		}
		f.WaitChange(ctx, v)
	}
}

var directionRE = regexp.MustCompile(`(?m)^a=(sendrecv|sendonly|recvonly|inactive)\r?$`)

// direction is the audio direction attribute of an SDP (sendrecv if none).
func direction(sdp string) string {
	if i := strings.Index(sdp, "m=audio"); i >= 0 {
		sdp = sdp[i:]
		if j := strings.Index(sdp[1:], "\nm="); j >= 0 {
			sdp = sdp[:j+1]
		}
	}
	if m := directionRE.FindStringSubmatch(sdp); m != nil {
		return m[1]
	}
	return "sendrecv"
}

func (f *FarEnd) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if to := req.To(); to != nil && to.Params.Has("tag") {
		f.onReInvite(req, tx)
		return
	}
	from := ""
	if h := req.From(); h != nil {
		from = h.Address.User
	}
	c := f.newCall(&Call{CallID: req.CallID().Value(), Direction: "inbound", Number: req.Recipient.User, From: from,
		State: "ringing", Directions: []string{direction(string(req.Body()))}})
	end := func(status int, cancelled bool, by string) {
		f.update(c, func(c *Call) {
			c.State = "ended"
			if status != 0 {
				c.Status = status
			}
			c.Cancelled = c.Cancelled || cancelled
			if c.EndedBy == "" {
				c.EndedBy = by
			}
		})
	}
	dlg, err := f.dlgs.ReadInvite(req, tx)
	if err != nil {
		f.log.Warn("farend: invite", "err", err)
		end(0, false, "")
		return
	}
	defer dlg.Close()
	refuse := func(code int, reason string) {
		dlg.Respond(code, reason, nil)
		end(code, false, "")
	}
	switch c.Number {
	case Busy:
		refuse(486, "Busy Here")
		return
	case Reject:
		refuse(603, "Decline")
		return
	case Echo, HangUp, NoAnswer:
	default:
		refuse(404, "Not Found")
		return
	}
	if err := dlg.Respond(180, "Ringing", nil); err != nil {
		end(0, true, "")
		return
	}
	wait := f.cfg.AnswerDelay
	if c.Number == NoAnswer {
		wait = 24 * time.Hour
	}
	select {
	case <-time.After(wait):
	case <-dlg.Context().Done():
		end(487, true, "")
		return
	case <-f.ctx.Done():
		refuse(480, "Temporarily Unavailable")
		return
	}
	pc, answer, err := f.answer(c, string(req.Body()))
	if err != nil {
		f.log.Warn("farend: media", "err", err)
		refuse(488, "Not Acceptable Here")
		return
	}
	defer pc.Close()
	f.mu.Lock()
	f.pcs[c.CallID] = pc
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.pcs, c.CallID)
		f.mu.Unlock()
	}()
	f.update(c, func(c *Call) { c.Status = 200 })
	if err := dlg.RespondSDP([]byte(answer)); err != nil {
		if dlg.Context().Err() != nil {
			end(487, true, "")
		} else {
			f.log.Warn("farend: 200", "err", err)
			end(0, false, "")
		}
		return
	}
	f.update(c, func(c *Call) {
		if c.State == "ringing" {
			c.State = "answered"
		}
	})
	var hangup <-chan time.Time
	if c.Number == HangUp {
		hangup = time.After(f.cfg.HangupAfter)
	}
	select {
	case <-dlg.Context().Done():
		end(0, false, "agent")
	case <-hangup:
		f.update(c, func(c *Call) { c.EndedBy = "far end" })
		ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
		err := dlg.Bye(ctx)
		cancel()
		if err != nil {
			f.log.Warn("farend: bye", "err", err)
		}
		end(0, false, "far end")
	case <-f.ctx.Done():
	}
}

// onReInvite answers an in-dialog INVITE (hold, resume) with a new answer
// from the same peer connection.
func (f *FarEnd) onReInvite(req *sip.Request, tx sip.ServerTransaction) {
	callID := req.CallID().Value()
	f.mu.Lock()
	pc := f.pcs[callID]
	var c *Call
	for _, x := range f.calls {
		if x.CallID == callID {
			c = x
		}
	}
	f.mu.Unlock()
	if pc == nil || c == nil {
		tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		return
	}
	f.update(c, func(c *Call) { c.Directions = append(c.Directions, direction(string(req.Body()))) })
	answer, err := f.negotiate(pc, string(req.Body()))
	if err != nil {
		tx.Respond(sip.NewResponseFromRequest(req, 488, "Not Acceptable Here", nil))
		return
	}
	res := sip.NewSDPResponseFromRequest(req, []byte(answer))
	res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "farend", Host: "127.0.0.1", Port: f.Port()}})
	tx.Respond(res)
	select {
	case <-tx.Acks():
	case <-tx.Done():
	case <-time.After(32 * time.Second):
	}
}

func (f *FarEnd) onBye(req *sip.Request, tx sip.ServerTransaction) {
	callID := req.CallID().Value()
	f.mu.Lock()
	var c *Call
	for _, x := range f.calls {
		if x.CallID == callID {
			c = x
		}
	}
	cd := f.cdlgs[callID]
	f.mu.Unlock()
	if c != nil {
		f.update(c, func(c *Call) {
			if c.EndedBy == "" {
				c.EndedBy = "agent"
			}
		})
	}
	if cd != nil {
		cd.ReadBye(req, tx)
		return
	}
	if err := f.dlgs.ReadBye(req, tx); err != nil {
		tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
	}
}

// answer makes the peer connection for a call and its SDP answer to offer.
func (f *FarEnd) answer(c *Call, offer string) (*webrtc.PeerConnection, string, error) {
	pc, err := f.peer(c)
	if err != nil {
		return nil, "", err
	}
	answer, err := f.negotiate(pc, offer)
	if err != nil {
		pc.Close()
		return nil, "", err
	}
	return pc, answer, nil
}

// peer makes a peer connection that echoes the audio it receives and
// counts it.
func (f *FarEnd) peer(c *Call) (*webrtc.PeerConnection, error) {
	pc, err := f.media.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	echo, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "farend")
	if err != nil {
		pc.Close()
		return nil, err
	}
	if _, err := pc.AddTrack(echo); err != nil {
		pc.Close()
		return nil, err
	}
	pc.OnICEConnectionStateChange(func(s webrtc.ICEConnectionState) {
		if s == webrtc.ICEConnectionStateConnected {
			f.update(c, func(c *Call) { c.ICEConnected = true })
		}
	})
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		var lastEvent uint32
		seenEvent := false
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			if isTelephoneEvent(pc, pkt.PayloadType) {
				// RFC 4733: event, E bit; the end packet is sent three times.
				if len(pkt.Payload) >= 4 && pkt.Payload[1]&0x80 != 0 && (!seenEvent || pkt.Timestamp != lastEvent) {
					seenEvent, lastEvent = true, pkt.Timestamp
					if d := digit(pkt.Payload[0]); d != 0 {
						f.update(c, func(c *Call) { c.DTMF += string(d) })
					}
				}
				continue
			}
			f.update(c, func(c *Call) { c.RTPReceived++ })
			if echo.WriteRTP(pkt) == nil {
				f.update(c, func(c *Call) { c.RTPSent++ })
			}
		}
	})
	return pc, nil
}

func isTelephoneEvent(pc *webrtc.PeerConnection, pt uint8) bool {
	for _, tr := range pc.GetTransceivers() {
		if r := tr.Receiver(); r != nil {
			for _, codec := range r.GetParameters().Codecs {
				if uint8(codec.PayloadType) == pt {
					return strings.EqualFold(codec.MimeType, "audio/telephone-event")
				}
			}
		}
	}
	return false
}

func digit(event byte) byte {
	switch {
	case event <= 9:
		return '0' + event
	case event == 10:
		return '*'
	case event == 11:
		return '#'
	case event >= 12 && event <= 15:
		return 'A' + event - 12
	}
	return 0
}

// negotiate sets offer as the remote description and returns the full
// answer (ICE gathered: no trickle over SIP).
func (f *FarEnd) negotiate(pc *webrtc.PeerConnection, offer string) (string, error) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", err
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return "", err
	}
	select {
	case <-gathered:
	case <-time.After(5 * time.Second):
		return "", errors.New("ICE gathering did not complete")
	}
	return answerDirection(pc.LocalDescription().SDP, direction(offer)), nil
}

// answerDirection makes the answer's audio direction the one RFC 3264
// pairs with the offer's: sendonly → recvonly, recvonly → sendonly,
// inactive → inactive (pion answers a sendonly offer with sendrecv, which
// a browser refuses: "Incompatible receive direction").
func answerDirection(sdp, offered string) string {
	want := map[string]string{"sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive"}[offered]
	if want == "" {
		return sdp
	}
	return directionRE.ReplaceAllStringFunc(sdp, func(line string) string {
		if strings.HasSuffix(line, "\r") {
			return "a=" + want + "\r"
		}
		return "a=" + want
	})
}

// Dial calls user (an agent) through the SIP server from the number from,
// with an offer, and stays on the call until the agent hangs up or
// refuses; it returns the call's id at once.
func (f *FarEnd) Dial(user, from string) (int, error) {
	f.mu.Lock()
	proxy, domain := f.proxy, f.domain
	f.mu.Unlock()
	if proxy == "" {
		return 0, errors.New("no SIP server set")
	}
	host, portS, err := net.SplitHostPort(proxy)
	if err != nil {
		return 0, err
	}
	port, _ := strconv.Atoi(portS)
	c := f.newCall(&Call{Direction: "outbound", Number: user, From: from, State: "ringing"})
	pc, err := f.peer(c)
	if err != nil {
		return 0, err
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		pc.Close()
		return 0, err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		pc.Close()
		return 0, err
	}
	<-gathered
	sdp := pc.LocalDescription().SDP
	f.update(c, func(c *Call) { c.Directions = append(c.Directions, direction(sdp)) })

	contact := sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: strings.TrimPrefix(from, "+"), Host: "127.0.0.1", Port: f.Port(), UriParams: sip.NewParams()}}
	contact.Address.UriParams.Add("transport", "tcp")
	dua := sipgo.DialogUA{Client: f.client, ContactHDR: contact}
	req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", User: user, Host: host, Port: port, UriParams: sip.NewParams()})
	req.Recipient.UriParams.Add("transport", "tcp")
	req.SetTransport("TCP")
	req.SetBody([]byte(sdp))
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.AppendHeader(&sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: from, Host: domain}, Params: sip.NewParams()})
	req.From().Params.Add("tag", fmt.Sprintf("fe%d%d", c.ID, time.Now().UnixNano()%1e6))
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: domain}, Params: sip.NewParams()})
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer pc.Close()
		end := func(status int, by string) {
			f.update(c, func(c *Call) {
				c.State = "ended"
				if status != 0 {
					c.Status = status
				}
				if c.EndedBy == "" {
					c.EndedBy = by
				}
			})
		}
		ctx, cancel := context.WithTimeout(f.ctx, 2*time.Minute)
		defer cancel()
		dlg, err := dua.WriteInvite(ctx, req)
		if err != nil {
			f.log.Warn("farend: dial", "err", err)
			end(0, "")
			return
		}
		callID := req.CallID().Value()
		ring, stopRinging := context.WithCancel(ctx)
		// Hangup finds the call (ringing, dialog) before its Call-ID is
		// shown: a test that waits for the Call-ID may hang up at once.
		f.mu.Lock()
		f.cdlgs[callID] = dlg
		f.pcs[callID] = pc
		f.ringing[c.ID] = stopRinging
		f.mu.Unlock()
		f.update(c, func(c *Call) { c.CallID = callID })
		defer func() {
			f.mu.Lock()
			delete(f.cdlgs, callID)
			delete(f.pcs, callID)
			f.mu.Unlock()
			dlg.Close()
		}()
		err = dlg.WaitAnswer(ring, sipgo.AnswerOptions{})
		f.mu.Lock()
		delete(f.ringing, c.ID)
		f.mu.Unlock()
		stopRinging()
		if err != nil {
			var de *sipgo.ErrDialogResponse
			switch {
			case errors.As(err, &de):
				end(de.Res.StatusCode, "")
			case ring.Err() != nil && ctx.Err() == nil: // Hangup before the answer: CANCEL sent
				status := 0
				if r := dlg.InviteResponse; r != nil && r.StatusCode >= 300 {
					status = r.StatusCode
				}
				f.update(c, func(c *Call) { c.Cancelled = true })
				end(status, "far end")
			default:
				end(0, "")
			}
			return
		}
		if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(dlg.InviteResponse.Body())}); err != nil {
			f.log.Warn("farend: answer sdp", "err", err)
		}
		if err := dlg.Ack(ctx); err != nil {
			f.log.Warn("farend: ack", "err", err)
		}
		// Answered once the dialog is confirmed: a Hangup from then on
		// sends BYE (sipgo refuses a BYE before the ACK).
		f.update(c, func(c *Call) { c.Status = 200; c.State = "answered" })
		select {
		case <-dlg.Context().Done():
			end(0, "agent")
		case <-f.ctx.Done():
		}
	}()
	return c.ID, nil
}

// Hangup ends the far end's call id to the agent: CANCEL while it rings,
// BYE once answered.
func (f *FarEnd) Hangup(id int) error {
	f.mu.Lock()
	if stop := f.ringing[id]; stop != nil {
		f.mu.Unlock()
		stop()
		return nil
	}
	var cd *sipgo.DialogClientSession
	var c *Call
	for _, x := range f.calls {
		if x.ID == id {
			c = x
			cd = f.cdlgs[x.CallID]
		}
	}
	f.mu.Unlock()
	if c == nil || cd == nil {
		return errors.New("no such live call")
	}
	f.update(c, func(c *Call) { c.EndedBy = "far end" })
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	return cd.Bye(ctx)
}
