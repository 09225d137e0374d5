package sip

import "strings"

// Challenge is a Digest challenge from WWW-Authenticate (401) or
// Proxy-Authenticate (407).
type Challenge struct {
	Realm, Nonce, Opaque, Algorithm string
	QOPAuth                         bool // the server offers qop=auth
	Stale                           bool
}

// ParseChallenge reads a Digest challenge. Only MD5 (the algorithm
// every SIP server offers) is answered.
func ParseChallenge(v string) (Challenge, error) {
	var c Challenge
	scheme, rest, _ := cut(strings.TrimSpace(v), " ")
	if !eqFold(scheme, "Digest") {
		return c, parseErr("not a Digest challenge")
	}
	for _, p := range splitList(rest) {
		k, val, _ := cut(p, "=")
		val = unquote(strings.TrimSpace(val))
		switch k = strings.TrimSpace(k); {
		case eqFold(k, "realm"):
			c.Realm = val
		case eqFold(k, "nonce"):
			c.Nonce = val
		case eqFold(k, "opaque"):
			c.Opaque = val
		case eqFold(k, "algorithm"):
			c.Algorithm = val
		case eqFold(k, "stale"):
			c.Stale = eqFold(val, "true")
		case eqFold(k, "qop"):
			for val != "" {
				var q string
				q, val, _ = cut(val, ",")
				if eqFold(strings.TrimSpace(q), "auth") {
					c.QOPAuth = true
				}
			}
		}
	}
	if c.Nonce == "" {
		return c, parseErr("Digest challenge without a nonce")
	}
	if c.Algorithm != "" && !eqFold(c.Algorithm, "MD5") {
		return c, parseErr("Digest algorithm other than MD5")
	}
	return c, nil
}

func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	s = s[1 : len(s)-1]
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b = append(b, s[i])
	}
	return string(b)
}

// Authorization is the credentials answering c (RFC 2617 / 3261 22.4):
// the value of an Authorization or Proxy-Authorization header. cnonce is
// the client's own nonce, used when the server offers qop=auth; the UA
// makes one request per nonce (nc=00000001): a new challenge brings a
// new nonce.
func (c Challenge) Authorization(user, password, method, uri, cnonce string) string {
	ha1 := md5hex(user + ":" + c.Realm + ":" + password)
	ha2 := md5hex(method + ":" + uri)
	qop, opaque := "", ""
	if c.QOPAuth {
		qop = `", qop=auth, nc=00000001, cnonce="` + cnonce
		ha2 = "00000001:" + cnonce + ":auth:" + ha2
	}
	if c.Opaque != "" {
		opaque = `, opaque="` + c.Opaque + `"`
	}
	return `Digest username="` + user + `", realm="` + c.Realm + `", nonce="` + c.Nonce + `", uri="` + uri +
		`", response="` + md5hex(ha1+":"+c.Nonce+":"+ha2) + qop + `", algorithm=MD5` + opaque
}
