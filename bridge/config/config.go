// Package config reads the desktop owner's adapi-config.json, strictly:
// one reader for adapi-serve and the module alike.
package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/dialplan"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// File is the desktop owner's adapi-config.json (SPEC.md, "The desktop
// owner's settings"), validated: Parse is the one reader, used by
// adapi-serve before it starts and by the module before it places a call.
type File struct {
	AllowedOrigins   []string
	PlacementTimeout time.Duration // 0: DefaultPlacementTimeout
	DialPlan         dialplan.Plan
	DialPolicy       bridge.DialPolicy
	SIP              *SIP // nil: the reference softphone
	// TestHooks lets the desktop page's control API make the desktop
	// panic (adApiDesktop.update({panic}), desk.Faults), for the guard
	// tests; never set in production.
	TestHooks bool
}

// SIP is adapi-config.json's sip section (its meaning is
// SPEC.md's "Real calls over SIP"; here only its shape is checked).
type SIP struct {
	WSURL      string      `json:"wsUrl"`
	Domain     string      `json:"domain"`
	ICEServers []ICEServer `json:"iceServers,omitempty"`
}

// ICEServer is one of sip.iceServers, as RTCPeerConnection takes it.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// Limits of adapi-config.json.
const (
	MaxBytes               = 1 << 20
	MaxPlacementTimeoutMs  = 600000 // ten minutes
	MaxCallsPerMinuteLimit = 100000
	maxListLength          = 1000
	maxStringLength        = 2048
)

const configFile = "adapi-config.json"

// Unusable is a config the desktop cannot use: every call is refused
// with it (unknown_error, naming the problem) until the config is fixed.
func Unusable(problem string) *bridge.Error {
	return bridge.Errorf(bridge.UnknownError, "%s; the desktop places no call until it has a valid adapi-config.json", problem)
}

// Parse reads adapi-config.json strictly: JSON (RFC 8259, no
// trailing commas or comments), only the keys SPEC.md names, each of its
// type and range; origins parsed as origins. The error names the key and
// the problem. A new key is added here first, or every config using it is
// refused.
func Parse(b []byte) (File, error) {
	var c File
	if len(b) > MaxBytes {
		return c, fmt.Errorf("%s: larger than %d bytes", configFile, MaxBytes)
	}
	if !utf8.Valid(b) {
		return c, fmt.Errorf("%s: not UTF-8", configFile)
	}
	v, err := jsval.ParseJSON(b)
	if err != nil {
		return c, fmt.Errorf("%s: %v", configFile, err)
	}
	r := reader{}
	r.object("", v, map[string]func(string, jsval.Value){
		"allowedOrigins": func(k string, v jsval.Value) {
			r.strings(k, v, func(k, s string) {
				o, err := ParseOrigin(s)
				if err != nil {
					r.fail(k, "%v", err)
				}
				c.AllowedOrigins = append(c.AllowedOrigins, o)
			})
		},
		"testHooks": func(k string, v jsval.Value) { c.TestHooks = r.boolean(k, v) },
		"placementTimeoutMs": func(k string, v jsval.Value) {
			c.PlacementTimeout = time.Duration(r.integer(k, v, 1, MaxPlacementTimeoutMs)) * time.Millisecond
		},
		"dialPlan": func(k string, v jsval.Value) {
			r.object(k, v, map[string]func(string, jsval.Value){
				"country": func(k string, v jsval.Value) {
					c.DialPlan.Country = r.string(k, v)
					if !dialplan.HasCountry(c.DialPlan.Country) {
						r.fail(k, "want one of %s, got %q", strings.Join(dialplan.Countries(), ", "), c.DialPlan.Country)
					}
				},
				"extensionDigits": func(k string, v jsval.Value) {
					c.DialPlan.ExtensionDigits = r.integer(k, v, 1, dialplan.MaxExtensionDigits)
				},
			})
		},
		"dialPolicy": func(k string, v jsval.Value) {
			prefix := func(k, s string) string {
				n, err := bridge.NormalizePhoneString(s)
				if err != nil {
					r.fail(k, "%q is not a number prefix: %s", s, bridge.AsError(err).Message)
				}
				return n
			}
			r.object(k, v, map[string]func(string, jsval.Value){
				"allow": func(k string, v jsval.Value) {
					c.DialPolicy.Allow = []string{}
					r.strings(k, v, func(k, s string) { c.DialPolicy.Allow = append(c.DialPolicy.Allow, prefix(k, s)) })
				},
				"deny": func(k string, v jsval.Value) {
					c.DialPolicy.Deny = []string{}
					r.strings(k, v, func(k, s string) { c.DialPolicy.Deny = append(c.DialPolicy.Deny, prefix(k, s)) })
				},
				"maxCallsPerMinute": func(k string, v jsval.Value) {
					c.DialPolicy.MaxCallsPerMinute = r.integer(k, v, 0, MaxCallsPerMinuteLimit)
				},
				"allowServiceCodes": func(k string, v jsval.Value) {
					c.DialPolicy.AllowServiceCodes = r.boolean(k, v)
				},
			})
		},
		"sip": func(k string, v jsval.Value) {
			s := &SIP{}
			c.SIP = s
			r.object(k, v, map[string]func(string, jsval.Value){
				"wsUrl": func(k string, v jsval.Value) {
					s.WSURL = r.string(k, v)
					if _, err := WSOrigin(s.WSURL); err != nil {
						r.fail(k, "%v", err)
					}
				},
				"domain": func(k string, v jsval.Value) { s.Domain = r.string(k, v) },
				"iceServers": func(k string, v jsval.Value) {
					r.list(k, v, func(k string, v jsval.Value) {
						var ice ICEServer
						r.object(k, v, map[string]func(string, jsval.Value){
							"urls": func(k string, v jsval.Value) {
								if v.Type == jsval.TypeString {
									ice.URLs = []string{r.string(k, v)}
									return
								}
								r.strings(k, v, func(_, u string) { ice.URLs = append(ice.URLs, u) })
							},
							"username":   func(k string, v jsval.Value) { ice.Username = r.string(k, v) },
							"credential": func(k string, v jsval.Value) { ice.Credential = r.string(k, v) },
						})
						s.ICEServers = append(s.ICEServers, ice)
					})
				},
			})
		},
	})
	if r.err != nil {
		return File{}, r.err
	}
	return c, nil
}

// reader walks a config Value, keeping the first problem.
type reader struct{ err error }

func (r *reader) fail(key, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: %s: %s", configFile, key, fmt.Sprintf(format, args...))
	}
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func (r *reader) object(k string, v jsval.Value, fields map[string]func(string, jsval.Value)) {
	if v.Type != jsval.TypeObject {
		if k == "" {
			r.err = fmt.Errorf("%s: want an object, got %s", configFile, jsonType(v))
			return
		}
		r.fail(k, "want an object, got %s", jsonType(v))
		return
	}
	for i, key := range v.Keys {
		f, ok := fields[key]
		if !ok {
			known := make([]string, 0, len(fields))
			for n := range fields {
				known = append(known, n)
			}
			sortStrings(known)
			where := "at the top level"
			if k != "" {
				where = "in " + k
			}
			if r.err == nil {
				r.err = fmt.Errorf("%s: unknown key %q %s (known: %s)", configFile, key, where, strings.Join(known, ", "))
			}
			return
		}
		f(join(k, key), v.Vals[i])
	}
}

func (r *reader) list(k string, v jsval.Value, each func(string, jsval.Value)) {
	if v.Type != jsval.TypeArray {
		r.fail(k, "want an array, got %s", jsonType(v))
		return
	}
	if len(v.Vals) > maxListLength {
		r.fail(k, "more than %d entries", maxListLength)
		return
	}
	for i, e := range v.Vals {
		each(k+"["+strconv.Itoa(i)+"]", e)
	}
}

func (r *reader) strings(k string, v jsval.Value, each func(string, string)) {
	r.list(k, v, func(k string, e jsval.Value) {
		if s := r.string(k, e); r.err == nil {
			each(k, s)
		}
	})
}

func (r *reader) string(k string, v jsval.Value) string {
	if v.Type != jsval.TypeString {
		r.fail(k, "want a string, got %s", jsonType(v))
		return ""
	}
	if len(v.Str) > maxStringLength {
		r.fail(k, "longer than %d bytes", maxStringLength)
	}
	return v.Str
}

func (r *reader) boolean(k string, v jsval.Value) bool {
	if v.Type != jsval.TypeBoolean {
		r.fail(k, "want true or false, got %s", jsonType(v))
	}
	return v.Str == "true"
}

func (r *reader) integer(k string, v jsval.Value, lo, hi int) int {
	if v.Type != jsval.TypeNumber {
		r.fail(k, "want a number, got %s", jsonType(v))
		return 0
	}
	f, err := strconv.ParseFloat(v.Str, 64)
	if err != nil || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		r.fail(k, "want a whole number from %d to %d, got %s", lo, hi, v.Str)
		return 0
	}
	return int(f)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// WSOrigin checks a sip.wsUrl: a ws:// or wss:// URL (lower case) with a
// host (a name or an IPv4 address; an IPv6 one is refused) and an
// optional port, no user, query or fragment, nothing but printable ASCII, and none
// of space ; , ' " * \ (which could end a Content-Security-Policy
// source). It returns the URL's origin (scheme://host[:port]): what
// adapi-serve allows in the desktop's connect-src. Parse and the server
// check a wsUrl with it alone. It is written out rather than calling
// net/url (about 180 KB more in the module); what it accepts, url.Parse
// reads as the same URL (fuzzed).
func WSOrigin(raw string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("want a ws:// or wss:// URL, got %q: %s", raw, why)
	}
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c <= ' ' || c >= 0x7f:
			return bad("spaces, control or non-ASCII characters")
		case strings.IndexByte(`;,'"*\`, c) >= 0:
			return bad(`one of ; , ' " * \`)
		case c == '?' || c == '#':
			return bad("a query or fragment")
		}
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme != "ws" && scheme != "wss" {
		return bad("want ws or wss, in lower case")
	}
	authority, path, _ := strings.Cut(rest, "/")
	for i := 0; i < len(path); i++ {
		if path[i] == '%' && (i+2 >= len(path) || !isHex(path[i+1]) || !isHex(path[i+2])) {
			return bad("a % that escapes nothing")
		}
	}
	if strings.IndexByte(authority, '@') >= 0 {
		return bad("a user name or password in the URL")
	}
	if strings.HasPrefix(authority, "[") {
		return bad("an IPv6 address: name the host")
	}
	host, port := authority, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host, port = authority[:i], authority[i:]
	}
	if host == "" {
		return bad("no host")
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-' || c == '_') {
			return bad("not a host name or address")
		}
	}
	if port != "" {
		n := 0
		for i := 1; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' || n > 65535 {
				n = -1
				break
			}
			n = n*10 + int(port[i]-'0')
		}
		if port[0] != ':' || len(port) < 2 || port[1] == '0' || n < 1 || n > 65535 {
			return bad("not a port")
		}
	}
	return scheme + "://" + authority, nil
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// ParseOrigin checks that s is an origin exactly as a browser reports it
// in event.origin (scheme://host[:port], lower case, no default port,
// nothing after), the only form that can ever match: "*", a path, a
// trailing slash, spaces, ";" are errors, not silent non-matches.
func ParseOrigin(s string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%q is not an origin (scheme://host[:port], as the browser reports it): %s", s, why)
	}
	scheme, rest, ok := strings.Cut(s, "://")
	switch {
	case s == "*":
		return bad("a wildcard allows nobody here; list each origin")
	case s == "null":
		return bad("an opaque origin cannot be allowed")
	case !ok:
		return bad("no scheme")
	case scheme != "http" && scheme != "https":
		if strings.ToLower(scheme) == "http" || strings.ToLower(scheme) == "https" {
			return bad("the scheme in lower case")
		}
		return bad("want http or https")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r > 0x7e {
			return bad("spaces, control or non-ASCII characters (write an internationalised name in punycode)")
		}
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		if rest[i:] == "/" {
			return bad("a trailing slash")
		}
		return bad("a path, query or fragment")
	}
	if strings.Contains(rest, "@") {
		return bad("user info")
	}
	host, port := rest, ""
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]")
		if end < 0 {
			return bad("an unclosed IPv6 address")
		}
		host = rest[:end+1]
		if strings.Trim(host[1:end], "0123456789abcdef:.") != "" || end == 1 {
			return bad("a malformed IPv6 address (lower case hex)")
		}
		if after := rest[end+1:]; after != "" {
			if !strings.HasPrefix(after, ":") {
				return bad("text after the IPv6 address")
			}
			port = after[1:]
		}
	} else if h, p, ok := strings.Cut(rest, ":"); ok {
		host, port = h, p
		if strings.Contains(p, ":") {
			return bad("more than one ':'")
		}
	}
	if host == "" {
		return bad("no host")
	}
	if !strings.HasPrefix(host, "[") {
		if strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789-.") != "" {
			if strings.ToLower(host) != host {
				return bad("the host in lower case")
			}
			return bad("a host has letters, digits, '-' and '.' only (no '*', ';', ',', quotes)")
		}
		if strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") || strings.Contains(host, "..") {
			return bad("a malformed host")
		}
	}
	if port != "" || strings.HasSuffix(rest, ":") {
		n, err := strconv.Atoi(port)
		switch {
		case err != nil || n < 1 || n > 65535 || port[0] == '0':
			return bad("a port is 1 to 65535")
		case scheme == "http" && n == 80, scheme == "https" && n == 443:
			return bad("the browser leaves out the default port " + port)
		}
	}
	return s, nil
}

// typeName for config errors: JSON's names.
func jsonType(v jsval.Value) string {
	switch v.Type {
	case jsval.TypeNull:
		return "null"
	case jsval.TypeArray:
		return "array"
	case jsval.TypeObject:
		return "object"
	}
	return strings.ToLower(v.Type)
}
