package dialplan

import "testing"

func TestFormat(t *testing.T) {
	for _, c := range []struct{ in, country, want string }{
		{"+14155550123", "US", "(415) 555-0123"},
		{"+14155550123", "", "+1 415-555-0123"},
		{"+14155550123", "GB", "+1 415-555-0123"},
		{"+442079460958", "GB", "0207 946 0958"},
		{"+442079460958", "US", "+44 207 946 0958"},
		{"+4930123456", "", "+49 301 23 456"},
		{"+33142685300", "fr", "0142 685 300"},
		{"+8613800138000", "", "+86 138 001 38 000"},
		{"+35312345678", "IE", "0123 45 678"},
		{"1001", "US", "1001"},
		{"*67", "US", "*67"},
		{"+1234", "US", "+1234"},
		{"5551234", "", "5551234"},
		{"+1415555012#", "US", "+1415555012#"},
	} {
		if got := Format(c.in, c.country); got != c.want {
			t.Errorf("Format(%q, %q) = %q, want %q", c.in, c.country, got, c.want)
		}
	}
}

func FuzzFormat(f *testing.F) {
	f.Add("+14155550123", "US")
	f.Fuzz(func(t *testing.T, n, country string) {
		Format(n, country) // never panics
	})
}
