package farend

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// Peer is the agent's side of a call's audio in native tests (the
// browser's RTCPeerConnection, played by pion): one Opus track that,
// once started, sends 20 ms of Opus silence at a time as a microphone
// would, and a count of the audio packets it receives. Tests wait on the
// count (WaitReceived); nothing polls it.
type Peer struct {
	PC    *webrtc.PeerConnection
	track *webrtc.TrackLocalStaticSample

	mu       sync.Mutex
	received int
	changed  chan struct{} // closed and replaced at every packet received

	sending atomic.Bool
	closed  chan struct{}
	once    sync.Once
}

// PeerAPI is LoopbackAPI on a new UDP socket on 127.0.0.1, for Peers;
// close frees the socket.
func PeerAPI() (api *webrtc.API, close func(), err error) {
	udp, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	api, mux, err := LoopbackAPI(udp)
	if err != nil {
		udp.Close()
		return nil, nil, err
	}
	return api, func() { mux.Close(); udp.Close() }, nil
}

// NewPeer is a Peer on api (LoopbackAPI's, for ICE on 127.0.0.1 only).
func NewPeer(api *webrtc.API) (*Peer, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "agent")
	if err == nil {
		_, err = pc.AddTrack(track)
	}
	if err != nil {
		pc.Close()
		return nil, err
	}
	p := &Peer{PC: pc, track: track, changed: make(chan struct{}), closed: make(chan struct{})}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
			p.mu.Lock()
			p.received++
			close(p.changed)
			p.changed = make(chan struct{})
			p.mu.Unlock()
		}
	})
	return p, nil
}

// Offer is a new offer, set as the local description, with every ICE
// candidate gathered (SIP has no trickle).
func (p *Peer) Offer(ctx context.Context) (string, error) {
	offer, err := p.PC.CreateOffer(nil)
	if err != nil {
		return "", err
	}
	return p.setLocal(ctx, offer)
}

// SetAnswer takes the far end's answer to Offer and starts sending.
func (p *Peer) SetAnswer(sdp string) error {
	if err := p.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		return err
	}
	p.Send()
	return nil
}

// Answer answers the far end's offer (an inbound call, a re-INVITE),
// candidates gathered, and starts sending.
func (p *Peer) Answer(ctx context.Context, offer string) (string, error) {
	if err := p.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", err
	}
	answer, err := p.PC.CreateAnswer(nil)
	if err != nil {
		return "", err
	}
	sdp, err := p.setLocal(ctx, answer)
	if err == nil {
		p.Send()
	}
	return sdp, err
}

func (p *Peer) setLocal(ctx context.Context, d webrtc.SessionDescription) (string, error) {
	gathered := webrtc.GatheringCompletePromise(p.PC)
	if err := p.PC.SetLocalDescription(d); err != nil {
		return "", err
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
	return p.PC.LocalDescription().SDP, nil
}

// Send starts the microphone's 20 ms packets (once; until Close).
func (p *Peer) Send() {
	if p.sending.Swap(true) {
		return
	}
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.closed:
				return
			case <-tick.C:
				p.track.WriteSample(media.Sample{Data: []byte{0xf8, 0xff, 0xfe}, Duration: 20 * time.Millisecond})
			}
		}
	}()
}

// Received is how many audio packets came so far.
func (p *Peer) Received() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.received
}

// WaitReceived returns when n audio packets have come (with the count),
// or when ctx ends first (with the count so far and ctx's cause).
func (p *Peer) WaitReceived(ctx context.Context, n int) (int, error) {
	for {
		p.mu.Lock()
		got, ch := p.received, p.changed
		p.mu.Unlock()
		if got >= n {
			return got, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return got, context.Cause(ctx)
		}
	}
}

// Closed is closed by Close.
func (p *Peer) Closed() <-chan struct{} { return p.closed }

// Close stops sending and closes the peer connection (once).
func (p *Peer) Close() {
	p.once.Do(func() {
		close(p.closed)
		p.PC.Close()
	})
}
