package sip

import (
	"strings"
)

// URI is a sip: or sips: URI: sip:user@host:port;params?headers. Params
// and Headers are kept as written (with their leading ';' or '?').
type URI struct {
	_       [0]func() // not comparable: no equality function in the module
	Scheme  string    // "sip" or "sips"
	User    string    // may be empty
	Host    string    // host, or host:port; an IPv6 host keeps its brackets
	Params  string    // ";lr;transport=ws", or ""
	Headers string    // "?subject=x", or ""
}

// ParseURI parses a sip or sips URI.
func ParseURI(s string) (URI, error) {
	var u URI
	scheme, rest, ok := cut(s, ":")
	switch {
	case ok && eqFold(scheme, "sip"):
		u.Scheme = "sip"
	case ok && eqFold(scheme, "sips"):
		u.Scheme = "sips"
	default:
		return u, parseErr("not a sip URI")
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, u.Headers = rest[:i], rest[i:]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		u.User, rest = rest[:i], rest[i+1:]
	}
	if i := strings.IndexByte(rest, ';'); i >= 0 {
		rest, u.Params = rest[:i], rest[i:]
	}
	if rest == "" || strings.ContainsAny(rest, " \t<>\"") {
		return u, parseErr("bad host in URI")
	}
	u.Host = rest
	return u, nil
}

//go:noinline
func (u *URI) String() string {
	s := u.Scheme + ":"
	if u.User != "" {
		s += u.User + "@"
	}
	return s + u.Host + u.Params + u.Headers
}

// Param returns a URI parameter's value; ok reports whether it is there
// (a flag such as lr has the value "").
func (u *URI) Param(name string) (string, bool) { return param(u.Params, name) }

// Addr is a name-addr or addr-spec as From, To, Contact and Route carry
// it: an optional display name, a URI and the header's own parameters
// (tag, expires).
type Addr struct {
	_       [0]func() // not comparable: no equality function in the module
	Display string    // as written, quotes included
	URI     URI
	Params  string // ";tag=abc", or ""
}

// ParseAddr parses `"Name" <sip:u@h;uri-params>;params` or
// `sip:u@h;params` (where, as RFC 3261 says, the parameters belong to the
// header, not the URI).
func ParseAddr(s string) (Addr, error) {
	var a Addr
	s = strings.TrimSpace(s)
	var uri string
	skip := 0 // past a quoted display name, which may hold '<'
	if strings.HasPrefix(s, `"`) {
		for skip = 1; skip < len(s) && s[skip] != '"'; skip++ {
			if s[skip] == '\\' {
				skip++
			}
		}
	}
	if i := strings.IndexByte(s[min(skip, len(s)):], '<'); i >= 0 {
		i += min(skip, len(s))
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return a, parseErr("no '>' in address")
		}
		a.Display = strings.TrimSpace(s[:i])
		uri, a.Params = s[i+1:i+j], strings.TrimSpace(s[i+j+1:])
	} else {
		uri = s
		if i := strings.IndexByte(s, ';'); i >= 0 {
			uri, a.Params = s[:i], s[i:]
		}
	}
	u, err := ParseURI(uri)
	if err != nil {
		return a, err
	}
	a.URI = u
	return a, nil
}

//go:noinline
func (a *Addr) String() string {
	s := "<" + a.URI.String() + ">" + a.Params
	if a.Display != "" {
		s = a.Display + " " + s
	}
	return s
}

// Tag is the tag parameter, or "".
//
//go:noinline
func (a *Addr) Tag() string { v, _ := param(a.Params, "tag"); return v }

// Param returns one of the header's parameters.
func (a *Addr) Param(name string) (string, bool) { return param(a.Params, name) }

// Via is one Via header value: SIP/2.0/WS host;branch=...;rport.
type Via struct {
	_         [0]func() // not comparable: no equality function in the module
	Transport string    // "WS", "WSS", "UDP", ...
	Host      string    // sent-by: host or host:port
	Params    string
}

// ParseVia parses one Via value.
func ParseVia(s string) (Via, error) {
	var v Via
	proto, rest, ok := cut(strings.TrimSpace(s), " ")
	if !ok || len(proto) <= 8 || !eqFold(proto[:8], "SIP/2.0/") {
		return v, parseErr("bad Via")
	}
	v.Transport = proto[8:]
	rest = strings.TrimSpace(rest)
	if i := strings.IndexByte(rest, ';'); i >= 0 {
		rest, v.Params = rest[:i], rest[i:]
	}
	v.Host = strings.TrimSpace(rest)
	if v.Host == "" {
		return v, parseErr("no sent-by in Via")
	}
	return v, nil
}

// Branch is the branch parameter.
//
//go:noinline
func (v *Via) Branch() string { b, _ := param(v.Params, "branch"); return b }

// param finds name in ";a=1;b;c=x" (names compare case-insensitively).
func param(params, name string) (string, bool) {
	for params != "" {
		var p string
		p, params, _ = cut(strings.TrimPrefix(params, ";"), ";")
		k, v, _ := cut(p, "=")
		if eqFold(strings.TrimSpace(k), name) {
			return unquote(strings.TrimSpace(v)), true
		}
	}
	return "", false
}
