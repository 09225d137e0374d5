package phone

import (
	"strings"
	"testing"
)

var chromium = []AudioDevice{
	{"audioinput", "default", "Default - Headset"},
	{"audioinput", "mic1", "Headset"},
	{"audioinput", "mic2", ""},
	{"videoinput", "cam", "Camera"},
	{"audiooutput", "default", "Default - Speakers"},
	{"audiooutput", "spk1", "Speakers"},
}

func TestAudioOptions(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	many := make([]AudioDevice, 40)
	for i := range many {
		many[i] = AudioDevice{"audioinput", "m" + string(rune('A'+i)), "x"}
	}
	for _, c := range []struct {
		name string
		all  []AudioDevice
		kind string
		want string // ids and labels
	}{
		{"microphones", chromium, "audioinput", "default=Default - Headset mic1=Headset mic2=Microphone 3"},
		{"speakers", chromium, "audiooutput", "default=Default - Speakers spk1=Speakers"},
		{"before the permission: anonymous", []AudioDevice{{"audioinput", "", ""}}, "audioinput", "default=Default"},
		{"none", nil, "audiooutput", "default=Default"},
		{"unnamed speaker", []AudioDevice{{"audiooutput", "s", ""}}, "audiooutput", "s=Speaker 1"},
		{"an absurd id is dropped", []AudioDevice{{"audioinput", strings.Repeat("i", 300), "x"}}, "audioinput", "default=Default"},
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
	l := AudioOptions([]AudioDevice{{"audioinput", "x", long}}, "audioinput")[0].Label
	if len(l) > maxAudioText || !strings.HasPrefix(long, l) || len(l) < maxAudioText-1 {
		t.Errorf("a long label clipped to %d bytes", len(l))
	}
}

func TestChooseAudio(t *testing.T) {
	mics := AudioOptions(chromium, "audioinput")
	firefox := []AudioDevice{{"audioinput", "ff1", "Built-in"}, {"audioinput", "ff2", "USB"}}
	for _, c := range []struct {
		name             string
		options          []AudioDevice
		want, inUse      string
		use              string
		change, fellBack bool
	}{
		{"no choice, at login", mics, "", "", "default", true, false},
		{"no choice, on the default", mics, "", "default", "default", false, false},
		{"the chosen one is in use", mics, "mic1", "mic1", "mic1", false, false},
		{"the agent chooses another", mics, "mic2", "mic1", "mic2", true, false},
		{"the agent chooses the default", mics, "default", "mic2", "default", true, false},
		{"remembered, gone, at login (on the default)", mics, "gone", "default", "default", false, true},
		{"the one in use unplugged", mics, "gone", "gone", "default", true, true},
		{"remembered gone, another in use stays", mics, "gone", "mic2", "mic2", false, true},
		{"remembered back", mics, "mic1", "default", "mic1", true, false},
		{"no default listed (Firefox): the first", firefox, "gone", "gone", "ff1", true, true},
		{"no choice, Firefox's own in use", firefox, "", "ff2", "ff2", false, false},
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
		name string
		d    AudioDevice
		kept string
		back AudioDevice
	}{
		{"a device", AudioDevice{"audioinput", "mic1", "Headset"}, "mic1\nHeadset", AudioDevice{ID: "mic1", Label: "Headset"}},
		{"the default is forgotten", AudioDevice{"audioinput", "default", "Default"}, "", AudioDevice{}},
		{"no id", AudioDevice{"audioinput", "", "x"}, "", AudioDevice{}},
		{"a newline in the label", AudioDevice{"audioinput", "m", "a\nb"}, "m\na b", AudioDevice{ID: "m", Label: "a b"}},
		{"a newline in the id", AudioDevice{"audioinput", "m\nx", "a"}, "", AudioDevice{}},
	} {
		kept := RememberAudio(c.d)
		if kept != c.kept {
			t.Errorf("%s: kept %q, want %q", c.name, kept, c.kept)
		}
		if back := RecalledAudio(kept); back != c.back {
			t.Errorf("%s: recalled %+v, want %+v", c.name, back, c.back)
		}
	}
	for _, s := range []string{"", "noseparator", "\nlabel", strings.Repeat("x", 300) + "\nl", "id\n" + strings.Repeat("x", 300)} {
		if d := RecalledAudio(s); d != (AudioDevice{}) {
			t.Errorf("recalled %q as %+v, want the default", s, d)
		}
	}
}
