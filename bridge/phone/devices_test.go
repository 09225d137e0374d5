package phone

import (
	"strings"
	"testing"
)

func dev(kind, id, label string) AudioDevice { return AudioDevice{Kind: kind, ID: id, Label: label} }

var chromium = []AudioDevice{
	dev("audioinput", "default", "Default - Headset"),
	dev("audioinput", "mic1", "Headset"),
	dev("audioinput", "mic2", ""),
	dev("videoinput", "cam", "Camera"),
	dev("audiooutput", "default", "Default - Speakers"),
	dev("audiooutput", "spk1", "Speakers"),
}

func TestAudioOptions(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	many := make([]AudioDevice, 40)
	for i := range many {
		many[i] = dev("audioinput", "m"+string(rune('A'+i)), "x")
	}
	for _, c := range []struct {
		name string
		all  []AudioDevice
		kind string
		want string // ids and labels
	}{
		{"microphones", chromium, "audioinput", "default=Default - Headset mic1=Headset mic2=mic2"},
		{"speakers", chromium, "audiooutput", "default=Default - Speakers spk1=Speakers"},
		{"before the permission: anonymous", []AudioDevice{dev("audioinput", "", "")}, "audioinput", "default=Default"},
		{"none", nil, "audiooutput", "default=Default"},
		{"an absurd id is dropped", []AudioDevice{dev("audioinput", strings.Repeat("i", 300), "x")}, "audioinput", "default=Default"},
	} {
		var got []string
		for _, d := range AudioOptions(c.all, c.kind) {
			if d.Kind != c.kind {
				t.Errorf("%s: kind %q", c.name, d.Kind)
			}
			got = append(got, d.ID+"="+d.Label)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%s: %q, want %q", c.name, g, c.want)
		}
	}
	if n := len(AudioOptions(many, "audioinput")); n != maxAudioDevices {
		t.Errorf("%d options of 40, want %d", n, maxAudioDevices)
	}
	l := AudioOptions([]AudioDevice{dev("audioinput", "x", long)}, "audioinput")[0].Label
	if len(l) > maxAudioText || !strings.HasPrefix(long, l) || len(l) < maxAudioText-1 {
		t.Errorf("a long label clipped to %d bytes", len(l))
	}
}

func TestChooseAudio(t *testing.T) {
	mics := AudioOptions(chromium, "audioinput")
	firefox := []AudioDevice{dev("audioinput", "ff1", "Built-in"), dev("audioinput", "ff2", "USB")}
	for _, c := range []struct {
		name             string
		options          []AudioDevice
		want, inUse      string
		use              string
		change, fellBack bool
	}{
		{"no choice, on the default", mics, "", "default", "default", false, false},
		{"the chosen one is in use", mics, "mic1", "mic1", "mic1", false, false},
		{"the agent chooses another", mics, "mic2", "mic1", "mic2", true, false},
		{"the agent chooses the default", mics, "default", "mic2", "default", true, false},
		{"the default chosen (forgotten) while another is in use", mics, "", "mic2", "default", true, false},
		{"remembered, gone, at login (on the default)", mics, "gone", "default", "default", false, true},
		{"the one in use unplugged", mics, "gone", "gone", "default", true, true},
		{"remembered gone, another in use stays", mics, "gone", "mic2", "mic2", false, true},
		{"remembered back", mics, "mic1", "default", "mic1", true, false},
		{"no default listed (Firefox): the first", firefox, "gone", "gone", "ff1", true, true},
		{"no choice (Firefox, no default listed): the one in use", firefox, "", "ff2", "ff2", false, false},
		{"nothing listed", nil, "x", "x", "", true, true},
	} {
		use, change, fellBack := ChooseAudio(c.options, c.want, c.inUse)
		if use.ID != c.use || change != c.change || fellBack != c.fellBack {
			t.Errorf("%s: %q change %v fellBack %v, want %q %v %v", c.name, use.ID, change, fellBack, c.use, c.change, c.fellBack)
		}
	}
}

func TestRememberAudio(t *testing.T) {
	for _, c := range []struct {
		name            string
		d               AudioDevice
		kept            string
		backID, backLbl string
	}{
		{"a device", dev("audioinput", "mic1", "Headset"), "mic1\nHeadset", "mic1", "Headset"},
		{"the default is forgotten", dev("audioinput", "default", "Default"), "", "", ""},
		{"a newline in the label", dev("audioinput", "m", "a\nb"), "m\na\nb", "m", "a\nb"},
	} {
		kept := RememberAudio(c.d)
		if kept != c.kept {
			t.Errorf("%s: kept %q, want %q", c.name, kept, c.kept)
		}
		if back := RecalledAudio(kept); back.ID != c.backID || back.Label != c.backLbl {
			t.Errorf("%s: recalled %+v, want %q %q", c.name, back, c.backID, c.backLbl)
		}
	}
	for _, s := range []string{"", strings.Repeat("x", 300) + "\nl", "id\n" + strings.Repeat("x", 300)} {
		if d := RecalledAudio(s); d.ID != "" || d.Label != "" {
			t.Errorf("recalled %q as %+v, want the default", s, d)
		}
	}
}

func TestParseAudioList(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"audioinput\tdefault\tDefault\naudiooutput\ts1\tSpeakers", "audioinput/default/Default audiooutput/s1/Speakers"},
		{"audioinput\tm\ta\tlabel with a tab", "audioinput/m/a\tlabel with a tab"},
		{"", ""},
		{"garbage\nvideoinput\tc", ""},
		{"audioinput\t\t", "audioinput//"},
	} {
		var got []string
		for _, d := range ParseAudioList(c.in) {
			got = append(got, d.Kind+"/"+d.ID+"/"+d.Label)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%q: %q, want %q", c.in, g, c.want)
		}
	}
}
