package phone

import "strings"

// The agent's microphone and speaker (the browser phone's audio devices):
// what the panel offers, which device to use, and what is remembered of
// the agent's choice. The browser's side (enumerateDevices, getUserMedia,
// setSinkId) is in wasm/sipdevices.go; the decisions are here.

// AudioDevice is a microphone (Kind "audioinput") or a speaker
// ("audiooutput") as the browser lists it. ID "default" is the browser's
// own default device (Chromium lists it; Firefox does not).
type AudioDevice struct {
	_               [0]func() // not comparable: the module needs no equality for it (first: no padding)
	Kind, ID, Label string
}

const (
	maxAudioDevices = 32  // per kind: more are not offered
	maxAudioText    = 256 // bytes of an id or a label kept
)

// AudioOptions are the devices of one kind the agent may choose from, in
// the browser's order: those with an id (before the microphone permission
// a browser lists one anonymous device per kind), at most 32, each with a
// name (its id when the browser gives none). None listed: one option, the
// default.
func AudioOptions(all []AudioDevice, kind string) []AudioDevice {
	var out []AudioDevice
	for _, d := range all {
		if d.Kind != kind || d.ID == "" || len(d.ID) > maxAudioText || len(out) == maxAudioDevices {
			continue
		}
		if d.Label == "" {
			d.Label = d.ID
		}
		d.Label = clipText(d.Label)
		out = append(out, d)
	}
	if len(out) == 0 {
		out = []AudioDevice{{Kind: kind, ID: "default", Label: "Default"}}
	}
	return out
}

// ChooseAudio decides which of options (AudioOptions) to use, given the
// device the agent chose (want: an id, "" for the default) and the one in
// use now (inUse: an id):
//   - the chosen device when it is listed;
//   - else, the chosen one being gone, the one in use while it is listed
//     (no switch for nothing);
//   - else the default (the browser's "default", else the first).
//
// change says use is not the device in use (switch to it); fellBack says
// the chosen device is not listed (gone, unplugged): the desktop says so.
func ChooseAudio(options []AudioDevice, want, inUse string) (use AudioDevice, change, fellBack bool) {
	if want == "" {
		want = "default"
	}
	// The chosen one, else the one in use, else the default, else the first.
	for i, id := range [...]string{want, inUse, "default"} {
		for _, d := range options {
			if d.ID == id {
				return d, d.ID != inUse, i > 0 && want != "default"
			}
		}
	}
	if len(options) > 0 {
		use = options[0]
	}
	return use, use.ID != inUse, want != "default"
}

// RememberAudio is what the desktop keeps (per desktop origin) of the
// agent's choice: its id and label ("" to forget: the default).
func RememberAudio(d AudioDevice) string {
	if d.ID == "default" {
		return ""
	}
	return d.ID + "\n" + d.Label
}

// RecalledAudio reads what RememberAudio kept; anything else is the
// default (no choice).
func RecalledAudio(s string) AudioDevice {
	id, label, _ := strings.Cut(s, "\n")
	if len(id) > maxAudioText || len(label) > maxAudioText {
		return AudioDevice{}
	}
	return AudioDevice{ID: id, Label: label}
}

// clipText cuts s to at most maxAudioText bytes, on a rune boundary.
func clipText(s string) string {
	if len(s) <= maxAudioText {
		return s
	}
	n := maxAudioText
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// ParseAudioList reads the browser's devices as web/adapi-sip.js lists
// them: a line each, "kind\tid\tlabel".
func ParseAudioList(s string) []AudioDevice {
	var all []AudioDevice
	for s != "" {
		// (strings.Cut: strings.Split would link 3 KB more into the module.)
		var line, id, label string
		var ok bool
		line, s, _ = strings.Cut(s, "\n")
		kind, rest, _ := strings.Cut(line, "\t")
		if id, label, ok = strings.Cut(rest, "\t"); ok {
			all = append(all, AudioDevice{Kind: kind, ID: id, Label: label})
		}
	}
	return all
}
