package sip

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

const invite = "INVITE sip:5000@example.com SIP/2.0\r\n" +
	"Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK776asdhds;rport\r\n" +
	"v: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKx, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKy\r\n" +
	"Max-Forwards: 70\r\n" +
	"To: <sip:5000@example.com>\r\n" +
	"f: \"Ada, L\" <sip:ada@example.com>;tag=1928301774\r\n" +
	"i: a84b4c76e66710\r\n" +
	"CSeq: 314159 INVITE\r\n" +
	"Contact: <sip:ada@abc.invalid;transport=ws>\r\n" +
	"Subject: a long\r\n  folded line\r\n" +
	"c: application/sdp\r\n" +
	"l: 4\r\n\r\nv=0\r\nextra"

func TestParse(t *testing.T) {
	m, err := Parse(invite)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"method", m.Method, "INVITE"},
		{"uri", m.RequestURI, "sip:5000@example.com"},
		{"call-id (compact i)", m.CallID(), "a84b4c76e66710"},
		{"content-type (compact c)", m.Get("content-type"), "application/sdp"},
		{"folded", m.Get("Subject"), "a long folded line"},
		{"body cut at Content-Length", m.Body, "v=0\r"},
		{"vias", strings.Join(m.Values("Via"), "|"), "SIP/2.0/WSS abc.invalid;branch=z9hG4bK776asdhds;rport|SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKx|SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKy"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	from, err := m.From()
	if err != nil || from.Tag() != "1928301774" || from.Display != `"Ada, L"` || from.URI.User != "ada" {
		t.Errorf("From: %+v %v", from, err)
	}
	n, method, err := m.CSeq()
	if n != 314159 || method != "INVITE" || err != nil {
		t.Errorf("CSeq: %d %q %v", n, method, err)
	}
	v, err := m.TopVia()
	if err != nil || v.Transport != "WSS" || v.Branch() != "z9hG4bK776asdhds" || v.Host != "abc.invalid" {
		t.Errorf("Via: %+v %v", v, err)
	}
	// Round trip: what String writes parses to the same message.
	m2, err := Parse(m.String())
	if err != nil || m2.String() != m.String() {
		t.Errorf("round trip: %v\n%s\n---\n%s", err, m.String(), m2)
	}
}

func TestParseResponse(t *testing.T) {
	r := "SIP/2.0 180 Ringing Now\n" +
		"Via: SIP/2.0/WS x.invalid;branch=z9hG4bK1\n" +
		"To: <sip:5000@example.com>;tag=ab\nFrom: <sip:ada@example.com>;tag=cd\n" +
		"Call-ID: 1\nCSeq: 2 INVITE\n\n"
	m, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if m.IsRequest() || m.StatusCode != 180 || m.Reason != "Ringing Now" || m.Body != "" {
		t.Errorf("got %+v", m)
	}
}

func TestParseErrors(t *testing.T) {
	base := "Via: SIP/2.0/WS x;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\n"
	cases := []struct{ name, frame, want string }{
		{"empty", "", "no empty line"},
		{"no blank line", "INVITE sip:a@b SIP/2.0\r\n" + base, "no empty line"},
		{"bad version", "INVITE sip:a@b SIP/3.0\r\n" + base + "\r\n", "bad start line"},
		{"bad method", "IN VITE sip:a@b SIP/2.0\r\n" + base + "\r\n", "bad start line"},
		{"bad status", "SIP/2.0 99 Odd\r\n" + base + "\r\n", "bad status code"},
		{"status text", "SIP/2.0 abc Odd\r\n" + base + "\r\n", "bad status code"},
		{"no colon", "BYE sip:a@b SIP/2.0\r\nVia\r\n" + base + "\r\n", "bad header line"},
		{"continuation first", "BYE sip:a@b SIP/2.0\r\n x\r\n" + base + "\r\n", "bad start line"}, // unfolded into it
		{"no call-id", "BYE sip:a@b SIP/2.0\r\n" + strings.Replace(base, "Call-ID: 1\r\n", "", 1) + "\r\n", "no Call-ID"},
		{"bad cseq", "BYE sip:a@b SIP/2.0\r\n" + strings.Replace(base, "1 INVITE", "x INVITE", 1) + "\r\n", "bad CSeq"},
		{"cseq overflow", "BYE sip:a@b SIP/2.0\r\n" + strings.Replace(base, "1 INVITE", "4294967296 INVITE", 1) + "\r\n", "bad CSeq"},
		{"length beyond", "BYE sip:a@b SIP/2.0\r\n" + base + "Content-Length: 10\r\n\r\nabc", "beyond the frame"},
		{"negative length", "BYE sip:a@b SIP/2.0\r\n" + base + "Content-Length: -1\r\n\r\n", "bad Content-Length"},
		{"too large", "BYE sip:a@b SIP/2.0\r\n" + base + "\r\n" + strings.Repeat("x", MaxMessageSize), "larger than"},
		{"too many headers", "BYE sip:a@b SIP/2.0\r\n" + base + strings.Repeat("X: 1\r\n", maxHeaders) + "\r\n", "more than"},
	}
	for _, c := range cases {
		_, err := Parse(c.frame)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrMessage) {
			t.Errorf("%s: got %v, want an ErrMessage with %q", c.name, err, c.want)
		}
	}
}

func TestURIAndAddr(t *testing.T) {
	cases := []struct{ in, user, host, params string }{
		{"sip:ada@example.com", "ada", "example.com", ""},
		{"SIP:ada@example.com:5060;transport=ws;lr", "ada", "example.com:5060", ";transport=ws;lr"},
		{"sips:[::1]:5061;lr", "", "[::1]:5061", ";lr"},
		{"sip:+1555%23@h?subject=x", "+1555%23", "h", ""},
	}
	for _, c := range cases {
		u, err := ParseURI(c.in)
		if err != nil || u.User != c.user || u.Host != c.host || u.Params != c.params {
			t.Errorf("%s: %+v %v", c.in, u, err)
		}
	}
	for _, bad := range []string{"tel:+1555", "sip:", "sip:a@", "sip:a@b c", "http://x"} {
		if _, err := ParseURI(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	// In an addr-spec without <>, the parameters are the header's.
	a, err := ParseAddr("sip:ada@example.com;tag=xyz")
	if err != nil || a.Tag() != "xyz" || a.URI.Params != "" {
		t.Errorf("addr-spec: %+v %v", a, err)
	}
	a, err = ParseAddr(`"A <b>" <sip:ada@example.com;lr>;tag=1;expires=60`)
	if err != nil || a.Display != `"A <b>"` || a.URI.Params != ";lr" || a.Tag() != "1" {
		t.Errorf("quoted display name: %+v %v", a, err)
	}
	a, err = ParseAddr(`<sip:k@127.0.0.1;lr;r2=on>;expires=60`)
	if _, lr := a.URI.Param("lr"); err != nil || !lr {
		t.Errorf("lr: %+v %v", a, err)
	}
	if v, _ := a.Param("expires"); v != "60" {
		t.Errorf("expires: %q", v)
	}
	if _, err := ParseAddr("<sip:a@b"); err == nil {
		t.Error("unclosed < parsed")
	}
}

func TestSplitList(t *testing.T) {
	got := splitList(`"a, b" <sip:x@y;p=1,2>, <sip:z@w>,,sip:q@r`)
	want := []string{`"a, b" <sip:x@y;p=1,2>`, "<sip:z@w>", "sip:q@r"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", got)
	}
}

func TestSetDel(t *testing.T) {
	m := &Message{Method: "BYE", RequestURI: "sip:a@b"}
	m.Add("Route", "<sip:1>")
	m.Add("X", "1")
	m.Add("Route", "<sip:2>")
	m.Set("route", "<sip:3>")
	if got := m.Values("Route"); len(got) != 1 || got[0] != "<sip:3>" || m.Headers[1].Name != "X" {
		t.Errorf("Set: %+v", m.Headers)
	}
	m.Del("X")
	if len(m.Headers) != 1 {
		t.Errorf("Del: %+v", m.Headers)
	}
}

// FuzzParse: no frame crashes the parser, and what parses serialises to
// a message that parses the same.
func FuzzParse(f *testing.F) {
	f.Add(invite)
	f.Add("SIP/2.0 200 OK\r\nVia: SIP/2.0/WS x;branch=1\r\nTo: <sip:a@b>;tag=2\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: 1\r\nCSeq: 1 REGISTER\r\nContact: <sip:a@x.invalid>;expires=60\r\n\r\n")
	f.Add("SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/WS x;branch=1\r\nTo: <sip:a@b>;tag=2\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: 1\r\nCSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth\"\r\n\r\n")
	f.Fuzz(func(t *testing.T, frame string) {
		m, err := Parse(frame)
		if err != nil {
			if !errors.Is(err, ErrMessage) {
				t.Fatalf("error not ErrMessage: %v", err)
			}
			return
		}
		// Every accessor copes with whatever parsed.
		m.From()
		m.To()
		m.TopVia()
		m.Values("Contact")
		ParseChallenge(m.Get("WWW-Authenticate"))
		s := m.String()
		m2, err := Parse(s)
		if err != nil {
			t.Fatalf("serialised message does not parse: %v\n%q", err, s)
		}
		if m2.String() != s {
			t.Fatalf("round trip differs:\n%q\n%q", s, m2.String())
		}
	})
}

func TestMD5(t *testing.T) {
	for _, s := range []string{"", "a", "abc", "message digest", strings.Repeat("x", 55), strings.Repeat("y", 56), strings.Repeat("z", 64), strings.Repeat("0123456789", 100)} {
		want := md5.Sum([]byte(s))
		if got := md5hex(s); got != hex.EncodeToString(want[:]) {
			t.Errorf("md5(%q) = %s, want %x", s, got, want)
		}
	}
}

func FuzzMD5(f *testing.F) {
	f.Add("abc")
	f.Fuzz(func(t *testing.T, s string) {
		want := md5.Sum([]byte(s))
		if got := md5hex(s); got != hex.EncodeToString(want[:]) {
			t.Fatalf("md5(%q) = %s, want %x", s, got, want)
		}
	})
}

// quoteDisplay writes an RFC 3261 quoted-string: only `"` and `\` are
// escaped; control characters (CR and LF above all) become spaces.
func TestQuoteDisplay(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Ada", `"Ada"`},
		{`Ada "the" Lovelace`, `"Ada \"the\" Lovelace"`},
		{`back\slash\`, `"back\\slash\\"`},
		{"evil\r\nVia: SIP/2.0/WS x", `"evil  Via: SIP/2.0/WS x"`},
		{"tab\there\x00\x7f", `"tab here  "`},
		{"Zoë <sip:x@y>", `"Zoë <sip:x@y>"`},
	} {
		if got := quoteDisplay(tt.in); got != tt.want {
			t.Errorf("quoteDisplay(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzQuoteDisplay: whatever the display name, the From header it makes
// stays one header: the message parses with the headers it was given,
// and the name reads back (controls as spaces).
func FuzzQuoteDisplay(f *testing.F) {
	for _, s := range []string{"Ada", "a\"b\\c", "x\r\nVia: SIP/2.0/WS evil", "<sip:a@b>, \"", "\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		q := quoteDisplay(name)
		if name == "" {
			if q != "" {
				t.Fatalf("empty name quoted as %s", q)
			}
			return
		}
		if strings.ContainsAny(q, "\r\n") {
			t.Fatalf("CR or LF in %q", q)
		}
		from := Addr{Display: q, URI: URI{Scheme: "sip", User: "1001", Host: "example.com"}, Params: ";tag=t"}
		m := &Message{Method: "INVITE", RequestURI: "sip:5000@example.com"}
		m.Add("Via", "SIP/2.0/WS x.invalid;branch=z9hG4bK1")
		m.Add("From", from.String())
		m.Add("To", "<sip:5000@example.com>")
		m.Add("Call-ID", "c")
		m.Add("CSeq", "1 INVITE")
		p, err := Parse(m.String())
		if err != nil {
			t.Fatalf("%v\n%s", err, m)
		}
		if len(p.Headers) != len(m.Headers)+1 { // + Content-Length
			t.Fatalf("%d headers, want %d:\n%s", len(p.Headers), len(m.Headers)+1, m)
		}
		a, err := p.From()
		if err != nil || a.Display != q || a.Tag() != "t" || a.URI.User != "1001" {
			t.Fatalf("From %+v, %v", a, err)
		}
		want := []byte(name)
		for i, c := range want {
			if c < ' ' || c == 0x7f {
				want[i] = ' '
			}
		}
		if got := unquote(a.Display); got != string(want) {
			t.Fatalf("name reads back as %q, want %q", got, want)
		}
	})
}
