package browsertest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/adapi-go/adapi-go/server"
)

// sipICEServers is the bed's desktop's sip.iceServers: TURN over TCP at a
// port where nothing listens (refused at once: no candidate, no wait; a
// STUN server there would hold each offer for the 1 s gathering cap).
func sipICEServers(downWS string) []server.ICEServer {
	u, _ := url.Parse(downWS)
	turn := "turn:" + u.Host + "?transport=tcp"
	return []server.ICEServer{
		{URLs: []string{turn, "turns:" + u.Host + "?transport=tcp"}, Username: "agent", Credential: "s3cret"},
		{URLs: []string{turn}, Username: "b", Credential: "c"},
	}
}

// A call's RTCPeerConnection gets the config's iceServers as they are
// (adapi-config.json's sip.iceServers, through Go to adapi-sip.js).
func TestSIPICEServers(t *testing.T) {
	tb := signedInWith(t, recordEvents+`
window.__pcConfigs = []
{
	const PC = RTCPeerConnection
	window.RTCPeerConnection = class extends PC { constructor (c, ...a) { __pcConfigs.push(JSON.stringify(c)); super(c, ...a) } }
}`)
	id, _ := connectedEcho(tb)
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
	got := evalJS[[]string](tb, `__pcConfigs`)
	var want []string
	for _, s := range sipEnv.ice {
		o := fmt.Sprintf(`{"urls":["%s"]`, strings.Join(s.URLs, `","`))
		if s.Username != "" {
			o += fmt.Sprintf(`,"username":%q,"credential":%q`, s.Username, s.Credential)
		}
		want = append(want, o+"}")
	}
	if w := `{"iceServers":[` + strings.Join(want, ",") + `]}`; len(got) != 1 || got[0] != w {
		t.Errorf("the call's RTCPeerConnection configs %q, want one: %s", got, w)
	}
}

// What the panel offers of the browser's list (enumerateDevices stands in
// for the hardware: Chromium's fake devices, then more): the devices with
// an id, in the browser's order, at most 32; a device without a name by its
// id; a name cut to 256 characters (not inside a surrogate pair); an
// absurd id (300 characters) and the anonymous entries a browser lists
// before the microphone permission left out; cameras not offered.
func TestSIPAudioDeviceOffers(t *testing.T) {
	long := strings.Repeat("a", 255) + "😀" + "tail" // the pair at 255-256
	tb := signedInWith(t, recordAudio+fmt.Sprintf(`
{
	const md = navigator.mediaDevices, real = md.enumerateDevices.bind(md)
	const dev = (kind, deviceId, label) => ({kind, deviceId, label, groupId: ''})
	const more = [dev('audioinput', '', ''), dev('videoinput', 'cam', 'Camera'), dev('audioinput', 'x'.repeat(300), 'Absurd'),
		dev('audioinput', 'nameless', ''), dev('audioinput', 'long', %q)]
	for (let i = 0; i < 40; i++) more.push(dev('audioinput', 'extra-' + i, 'Extra ' + i))
	md.enumerateDevices = () => real().then(l => [...l, ...more])
}`, long))
	tb.listed()
	mics, v := tb.options("micSelect")
	want := []string{fakeMic, "Fake Audio Input 1", "Fake Audio Input 2", "nameless", string(utf16.Decode(utf16.Encode([]rune(long))[:255]))}
	for i := 0; len(want) < 32; i++ {
		want = append(want, fmt.Sprintf("Extra %d", i))
	}
	if !slices.Equal(mics, want) || v != "default" {
		t.Errorf("microphones %q (%q), want %q (default)", mics, v, want)
	}
	if speakers, _ := tb.options("speakerSelect"); len(speakers) != 3 {
		t.Errorf("speakers %q, want Chromium's three", speakers)
	}
}
