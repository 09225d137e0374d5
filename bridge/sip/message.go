// Package sip is the desktop's SIP user agent: SIP over WebSocket (RFC
// 7118) from the browser to a contact centre's SIP server. It holds the
// messages (parse and serialise), client transactions for a reliable
// transport, dialogs, digest authentication, REGISTER and INVITE as a
// UAC, and the answers a UA owes to in-dialog requests.
//
// It never touches JavaScript or the network itself: the wasm glue gives
// it a Transport (the page's WebSocket) and a Media (the page's
// RTCPeerConnection), and time comes from a bridge.Clock, so that all of
// it runs and is tested natively. Names follow emiago/sipgo's sip package
// where they overlap; the code is much smaller (no transports, no
// net/http, no TLS) to fit the browser module.
package sip

import (
	"errors"
	"strconv"
	"strings"
)

// MaxMessageSize bounds a frame the UA will parse. A WebRTC SDP makes
// INVITEs of about 2 KB; 64 KB leaves room and bounds the work.
const MaxMessageSize = 64 << 10

// maxHeaders bounds the header lines of one message.
const maxHeaders = 200

// Header is one header line: its canonical name and its value as sent.
type Header struct {
	_           [0]func() // not comparable: no equality function in the module
	Name, Value string
}

// Message is a SIP request or response. A request has Method and
// RequestURI; a response has StatusCode and Reason.
type Message struct {
	Method     string // request only: INVITE, ACK, ...
	RequestURI string // request only, as sent
	StatusCode int    // response only
	Reason     string // response only
	Headers    []Header
	Body       string
}

// IsRequest reports whether m is a request.
func (m *Message) IsRequest() bool { return m.Method != "" }

// canonical spells a header name the way the UA writes it, so that
// lookups can compare names with EqualFold only: RFC 3261's compact forms
// become full names.
func canonical(name string) string {
	if len(name) == 1 {
		for l := compactForms; l != ""; {
			var form string
			form, l, _ = cut(l, "\n")
			if form[0] == name[0]|0x20 {
				return form[1:]
			}
		}
	}
	if eqFold(name, "Call-Id") {
		return "Call-ID"
	}
	if eqFold(name, "Cseq") {
		return "CSeq"
	}
	return name
}

// compactForms are RFC 3261's compact header names (7.3.3), each before
// its full name.
const compactForms = "iCall-ID\nmContact\neContent-Encoding\nlContent-Length\ncContent-Type\nfFrom\nsSubject\nkSupported\ntTo\nvVia"

// eqFold is strings.EqualFold for ASCII: SIP's names, tokens and
// schemes are ASCII (RFC 3261 25.1), and strings.EqualFold's Unicode
// tables cost the module 3 KB for SIP alone. Not inlined (twenty call
// sites).
//
//go:noinline
func eqFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x != y && (x|0x20 != y|0x20 || x|0x20 < 'a' || x|0x20 > 'z') {
			return false
		}
	}
	return true
}

// cut is strings.Cut, not inlined (sixteen call sites).
//
//go:noinline
func cut(s, sep string) (before, after string, found bool) { return strings.Cut(s, sep) }

// Get returns the first value of the named header, or "".
//
//go:noinline
func (m *Message) Get(name string) string {
	for _, h := range m.Headers {
		if eqFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// Values returns every value of the named header, a header line holding a
// comma-separated list counting as one value per element (for Via, Route,
// Record-Route and Contact).
func (m *Message) Values(name string) []string {
	var out []string
	for _, h := range m.Headers {
		if eqFold(h.Name, name) {
			out = append(out, splitList(h.Value)...)
		}
	}
	return out
}

// Add appends a header. (Not inlined: each inlined call site cost the
// module half a kilobyte.)
//
//go:noinline
func (m *Message) Add(name, value string) {
	m.Headers = append(m.Headers, Header{Name: name, Value: value})
}

// Set replaces every header of that name with one, in the place of the
// first.
func (m *Message) Set(name, value string) {
	for i, h := range m.Headers {
		if eqFold(h.Name, name) {
			m.Headers[i].Value = value
			m.del(name, i+1)
			return
		}
	}
	m.Add(name, value)
}

// copyHeaders appends src's headers whose names are in names
// ("|Via|From|"), in src's order. Names are compared as the parser
// spells them (canonical).
func (m *Message) copyHeaders(src *Message, names string) {
	for _, h := range src.Headers {
		if strings.Contains(names, "|"+h.Name+"|") {
			m.Headers = append(m.Headers, h)
		}
	}
}

// Del removes every header of that name.
func (m *Message) Del(name string) { m.del(name, 0) }

func (m *Message) del(name string, from int) {
	out := m.Headers[:from]
	for _, h := range m.Headers[from:] {
		if !eqFold(h.Name, name) {
			out = append(out, h)
		}
	}
	m.Headers = out
}

// String serialises m, with a Content-Length that matches the body.
func (m *Message) String() string {
	s := m.Method + " " + m.RequestURI + " SIP/2.0"
	if !m.IsRequest() {
		s = "SIP/2.0 " + itoa(m.StatusCode) + " " + m.Reason
	}
	for _, h := range m.Headers {
		if !eqFold(h.Name, "Content-Length") {
			s += "\r\n" + h.Name + ": " + h.Value
		}
	}
	return s + "\r\nContent-Length: " + itoa(len(m.Body)) + "\r\n\r\n" + m.Body
}

// ErrMessage is the class of every parse error; errors.Is(err, ErrMessage)
// tells a malformed frame from other failures.
var ErrMessage = errors.New("sip: malformed message")

//go:noinline
func parseErr(what string) error {
	return &classErr{class: ErrMessage, msg: "sip: malformed message: " + what}
}

// Parse reads one SIP message from a WebSocket frame (RFC 7118: one
// message per frame). It checks what the UA relies on: a start line, the
// headers every message must carry (Via, From, To, Call-ID, CSeq) and a
// Content-Length, when present, that the frame holds.
func Parse(frame string) (*Message, error) {
	if len(frame) > MaxMessageSize {
		return nil, parseErr("larger than " + "65536" + " bytes")
	}
	head, body, ok := cut(frame, "\r\n\r\n")
	if !ok {
		// Tolerate bare LF line ends, as sipgo does.
		if head, body, ok = cut(frame, "\n\n"); !ok {
			return nil, parseErr("no empty line after the headers")
		}
	}
	// Unfold continuation lines, once for the whole head (adding each to
	// its header's value copied the value again per line: quadratic): a
	// line end and the whitespace after it become one space.
	b, n := []byte(head), 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\n' && i+1 < len(b) && (b[i+1] == ' ' || b[i+1] == '\t') {
			if n > 0 && b[n-1] == '\r' {
				n--
			}
			for c = ' '; i+1 < len(b) && (b[i+1] == ' ' || b[i+1] == '\t'); i++ {
			}
		}
		b[n] = c
		n++
	}
	head = string(b[:n])
	line, rest, _ := cut(head, "\n")
	line = strings.TrimSuffix(line, "\r")
	m := &Message{}
	if status, ok := strings.CutPrefix(line, "SIP/2.0 "); ok {
		code, reason, _ := cut(status, " ")
		n, err := strconv.Atoi(code)
		if err != nil || len(code) != 3 || n < 100 || n > 699 {
			return nil, parseErr("bad status code")
		}
		m.StatusCode, m.Reason = n, reason
	} else {
		method, rest, _ := cut(line, " ")
		uri, version, _ := cut(rest, " ")
		if version != "SIP/2.0" || !isToken(method) || uri == "" {
			return nil, parseErr("bad start line")
		}
		m.Method, m.RequestURI = method, uri
	}
	for rest != "" {
		line, rest, _ = cut(rest, "\n")
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		name, value, ok := cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || !isToken(name) {
			return nil, parseErr("bad header line")
		}
		if len(m.Headers) == maxHeaders {
			return nil, parseErr("more than " + "200" + " headers")
		}
		m.Headers = append(m.Headers, Header{Name: canonical(name), Value: strings.TrimSpace(value)})
	}
	for _, h := range []string{"Via", "From", "To", "Call-ID", "CSeq"} {
		if m.Get(h) == "" {
			return nil, parseErr("no " + h + " header")
		}
	}
	if _, _, err := m.CSeq(); err != nil {
		return nil, err
	}
	if cl := m.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 {
			return nil, parseErr("bad Content-Length")
		}
		if n > len(body) {
			return nil, parseErr("Content-Length beyond the frame")
		}
		body = body[:n]
	}
	m.Body = body
	return m, nil
}

// CSeq returns the sequence number and method of the CSeq header.
func (m *Message) CSeq() (uint32, string, error) {
	v := m.Get("CSeq")
	num, method, _ := cut(v, " ")
	n, err := strconv.ParseUint(num, 10, 32)
	method = strings.TrimSpace(method)
	if err != nil || !isToken(method) {
		return 0, "", parseErr("bad CSeq")
	}
	return uint32(n), method, nil
}

// CallID is the Call-ID header.
//
//go:noinline
func (m *Message) CallID() string { return m.Get("Call-ID") }

// From parses the From header.
func (m *Message) From() (Addr, error) { return ParseAddr(m.Get("From")) }

// To parses the To header.
func (m *Message) To() (Addr, error) { return ParseAddr(m.Get("To")) }

// topBranch is the branch parameter of the first Via (TopVia().Branch()
// in one function, for the module's size).
func topBranch(m *Message) (string, error) {
	vs := m.Values("Via")
	if len(vs) == 0 {
		return "", parseErr("no Via")
	}
	v, err := ParseVia(vs[0])
	b, _ := param(v.Params, "branch")
	return b, err
}

// TopVia parses the first Via.
func (m *Message) TopVia() (Via, error) {
	vs := m.Values("Via")
	if len(vs) == 0 {
		return Via{}, parseErr("no Via")
	}
	return ParseVia(vs[0])
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-.!%*_+`'~", c) >= 0) {
			return false
		}
	}
	return true
}

// quote shows untrusted text in an error, bounded.
//
//go:noinline
func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.Quote(s)
}

// splitList splits a header value at the commas that separate its
// elements, not those inside quotes or angle brackets.
func splitList(v string) []string {
	var out []string
	start, quoted, angle := 0, false, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case c == ',' && !angle:
			if s := strings.TrimSpace(v[start:i]); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(v[start:]); s != "" {
		out = append(out, s)
	}
	return out
}
