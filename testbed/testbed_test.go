package testbed

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/testbed/farend"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/pion/webrtc/v4"
)

// The test bed as a browser agent sees it, with sipgo as the agent over a
// native WebSocket: register (digest), call the far end through Kamailio
// with real DTLS-SRTP audio both ways, hang up; busy and refused calls;
// wrong password.
func TestBed(t *testing.T) {
	bed := StartTest(t, Options{FarEnd: farend.Config{AnswerDelay: 100 * time.Millisecond, HangupAfter: time.Second}})
	wsAddr := strings.TrimSuffix(strings.TrimPrefix(bed.WSURL, "ws://"), "/ws")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	ua, err := sipgo.NewUA(sipgo.WithUserAgent("agent"), sipgo.WithUserAgentHostname("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	// In-dialog requests from the far end (its BYE) come back over our
	// WebSocket.
	byes := make(chan *sip.Request, 4)
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
		byes <- req
	})

	register := func(user, password string) *sip.Response {
		t.Helper()
		req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: bed.Domain})
		req.SetDestination(wsAddr)
		req.SetTransport("WS")
		req.AppendHeader(&sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: bed.Domain}, Params: sip.NewParams()})
		req.From().Params.Add("tag", sip.GenerateTagN(8))
		req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: bed.Domain}, Params: sip.NewParams()})
		req.AppendHeader(sip.NewHeader("Contact", "<sip:"+user+"@abcdef.invalid;transport=ws>"))
		req.AppendHeader(sip.NewHeader("Expires", "300"))
		res, err := client.Do(ctx, req, sipgo.ClientRequestRegisterBuild)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 401 {
			t.Fatalf("REGISTER without credentials: %d %s, want 401", res.StatusCode, res.Reason)
		}
		res, err = client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: user, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := register("agent", "wrong"); res.StatusCode != 401 && res.StatusCode != 403 {
		t.Fatalf("REGISTER, wrong password: %d %s, want 401 or 403", res.StatusCode, res.Reason)
	}
	if res := register("agent", bed.Passwords["agent"]); res.StatusCode != 200 {
		t.Fatalf("REGISTER: %d %s, want 200", res.StatusCode, res.Reason)
	}

	api, closeAPI, err := farend.PeerAPI()
	if err != nil {
		t.Fatal(err)
	}
	defer closeAPI()

	dua := sipgo.DialogUA{Client: client, ContactHDR: sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "agent", Host: "abcdef.invalid", UriParams: sip.NewParams()}}}
	dua.ContactHDR.Address.UriParams.Add("transport", "ws")
	// call places a call to number and returns its dialog and the
	// agent's audio (nil and the final response when it failed).
	call := func(number string) (*sipgo.DialogClientSession, *farend.Peer, error) {
		t.Helper()
		peer, err := farend.NewPeer(api)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(peer.Close)
		offer, err := peer.Offer(ctx)
		if err != nil {
			t.Fatal(err)
		}
		req := sip.NewRequest(sip.INVITE, sip.Uri{Scheme: "sip", User: number, Host: bed.Domain})
		req.SetDestination(wsAddr)
		req.SetTransport("WS")
		req.SetBody([]byte(offer))
		req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		req.AppendHeader(&sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "agent", Host: bed.Domain}, Params: sip.NewParams()})
		req.From().Params.Add("tag", sip.GenerateTagN(8))
		dlg, err := dua.WriteInvite(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if err := dlg.WaitAnswer(ctx, sipgo.AnswerOptions{Username: "agent", Password: bed.Passwords["agent"]}); err != nil {
			peer.Close()
			return nil, nil, err
		}
		if err := peer.SetAnswer(string(dlg.InviteResponse.Body())); err != nil {
			t.Fatal(err)
		}
		if err := dlg.Ack(ctx); err != nil {
			t.Fatal(err)
		}
		return dlg, peer, nil
	}

	// 1. The echo number: audio both ways, the agent hangs up.
	dlg, peer, err := call(farend.Echo)
	if err != nil {
		t.Fatalf("call %s: %v", farend.Echo, err)
	}
	c := bed.FarEnd.WaitCall(ctx, t, 1, "received 25 RTP packets", func(c farend.Call) bool { return c.RTPReceived >= 25 && c.RTPSent >= 25 })
	if c.Number != farend.Echo || c.Direction != "inbound" || c.State != "answered" || len(c.Directions) != 1 || c.Directions[0] != "sendrecv" {
		t.Errorf("far end saw %+v", c)
	}
	if n, err := peer.WaitReceived(ctx, 20); err != nil {
		t.Errorf("agent received %d RTP packets from the echo, want at least 20: %v", n, err)
	}
	// Hold: a re-INVITE with a=sendonly, answered by the far end.
	// (pion has no way to set a transceiver's direction: the offer says
	// sendonly, the answer's recvonly is a legal answer to sendrecv.)
	for _, dir := range []string{"sendonly", "sendrecv"} {
		offer, err := peer.PC.CreateOffer(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := peer.PC.SetLocalDescription(offer); err != nil {
			t.Fatal(err)
		}
		reinvite := sip.NewRequest(sip.INVITE, dlg.InviteResponse.Contact().Address)
		reinvite.SetBody([]byte(strings.Replace(peer.PC.LocalDescription().SDP, "a=sendrecv", "a="+dir, 1)))
		reinvite.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		reinvite.AppendHeader(&dua.ContactHDR)
		res, err := dlg.Do(ctx, reinvite)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("re-INVITE %s: %v %v", dir, res, err)
		}
		if err := peer.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(res.Body())}); err != nil {
			t.Fatal(err)
		}
		ack := sip.NewRequest(sip.ACK, dlg.InviteResponse.Contact().Address)
		ack.AppendHeader(sip.NewHeader("CSeq", fmt.Sprintf("%d ACK", res.CSeq().SeqNo)))
		if err := dlg.WriteRequest(ack); err != nil {
			t.Fatal(err)
		}
	}
	c = bed.FarEnd.WaitCall(ctx, t, 1, "saw the hold", func(c farend.Call) bool { return len(c.Directions) == 3 })
	if c.Directions[1] != "sendonly" || c.Directions[2] != "sendrecv" {
		t.Errorf("far end saw directions %v, want sendrecv, sendonly, sendrecv", c.Directions)
	}
	if err := dlg.Bye(ctx); err != nil {
		t.Fatalf("BYE: %v", err)
	}
	peer.Close()
	bed.FarEnd.WaitCall(ctx, t, 1, "ended by the agent", func(c farend.Call) bool { return c.State == "ended" && c.EndedBy == "agent" })

	// 2. Busy and rejected: the far end's status reaches the agent.
	for i, want := range []struct {
		number string
		status int
	}{{farend.Busy, 486}, {farend.Reject, 603}, {"+12025559999", 404}} {
		_, _, err := call(want.number)
		var de *sipgo.ErrDialogResponse
		if !errors.As(err, &de) || de.Res.StatusCode != want.status {
			t.Errorf("call %s: %v, want %d", want.number, err, want.status)
		}
		bed.FarEnd.WaitCall(ctx, t, 2+i, "ended", func(c farend.Call) bool { return c.State == "ended" && c.Status == want.status })
	}

	// 3. The far end hangs up: its BYE reaches the agent over the
	// WebSocket (record-routed, the alias of the agent's connection).
	dlg, peer, err = call(farend.HangUp)
	if err != nil {
		t.Fatalf("call %s: %v", farend.HangUp, err)
	}
	select {
	case bye := <-byes:
		if bye.CallID().Value() != dlg.InviteRequest.CallID().Value() {
			t.Errorf("BYE for another call: %s", bye.CallID().Value())
		}
	case <-ctx.Done():
		t.Fatal("the far end's BYE never reached the agent")
	}
	peer.Close()
	bed.FarEnd.WaitCall(ctx, t, 5, "ended by the far end", func(c farend.Call) bool { return c.State == "ended" && c.EndedBy == "far end" })

	// 4. The far end calls the agent: Kamailio finds the agent's
	// registration and sends the INVITE over its WebSocket; the agent
	// answers with audio; the far end's ACK and BYE find their way back
	// (the alias of the agent's connection in its 200's Contact).
	invites := make(chan *sip.Request, 1)
	srv.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		peer, err := farend.NewPeer(api)
		if err != nil {
			tx.Respond(sip.NewResponseFromRequest(req, 500, "Server Error", nil))
			return
		}
		defer peer.Close()
		answer, err := peer.Answer(ctx, string(req.Body()))
		if err != nil {
			tx.Respond(sip.NewResponseFromRequest(req, 488, "Not Acceptable Here", nil))
			return
		}
		res := sip.NewSDPResponseFromRequest(req, []byte(answer))
		res.AppendHeader(sip.NewHeader("Contact", "<sip:agent@abcdef.invalid;transport=ws>"))
		res.To().Params.Add("tag", sip.GenerateTagN(8))
		invites <- req
		tx.Respond(res)
		select {
		case <-byes:
		case <-ctx.Done():
		}
	})
	id, err := bed.FarEnd.Dial("agent", farend.Echo)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case req := <-invites:
		if req.From().Address.User != farend.Echo {
			t.Errorf("INVITE from %s", req.From().Address.User)
		}
	case <-ctx.Done():
		t.Fatal("the far end's INVITE never reached the agent")
	}
	c = bed.FarEnd.WaitCall(ctx, t, id, "answered with audio", func(c farend.Call) bool { return c.State == "answered" && c.RTPReceived >= 10 })
	if c.Direction != "outbound" || c.Number != "agent" {
		t.Errorf("far end's call to the agent: %+v", c)
	}
	if err := bed.FarEnd.Hangup(id); err != nil {
		t.Fatalf("far end's BYE: %v", err)
	}
	bed.FarEnd.WaitCall(ctx, t, id, "ended", func(c farend.Call) bool { return c.State == "ended" && c.EndedBy == "far end" })

	// The far end gives up while the agent's phone rings: CANCEL.
	cancelled := make(chan bool, 1)
	srv.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		tx.Respond(sip.NewResponseFromRequest(req, 180, "Ringing", nil))
		rang := make(chan bool, 1)
		tx.OnCancel(func(*sip.Request) { rang <- true })
		select {
		case <-rang:
			cancelled <- true
		case <-ctx.Done():
		}
	})
	if id, err = bed.FarEnd.Dial("agent", farend.Echo); err != nil {
		t.Fatal(err)
	}
	bed.FarEnd.WaitCall(ctx, t, id, "ringing", func(c farend.Call) bool { return c.CallID != "" })
	// (sipgo sends the CANCEL once a provisional response came.)
	if err := bed.FarEnd.Hangup(id); err != nil {
		t.Fatal(err)
	}
	select {
	case <-cancelled:
	case <-ctx.Done():
		t.Fatal("the far end's CANCEL never reached the agent")
	}
	bed.FarEnd.WaitCall(ctx, t, id, "cancelled", func(c farend.Call) bool { return c.State == "ended" && c.Cancelled && c.Status == 487 })

	// 5. Kamailio restarted (part 2's reconnection test): same ports,
	// registrations gone, a new WebSocket registers again.
	bed.StopKamailio()
	if err := bed.StartKamailio(); err != nil {
		t.Fatal(err)
	}
	if res := register("agent", bed.Passwords["agent"]); res.StatusCode != 200 {
		t.Fatalf("REGISTER after a restart: %d %s, want 200", res.StatusCode, res.Reason)
	}
}
