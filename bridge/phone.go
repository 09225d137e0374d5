package bridge

import (
	"strings"
	"unicode"

	"github.com/adapi-go/adapi-go/bridge/dialplan"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// MaxPhoneLength is the longest phoneNumber, in characters as JavaScript
// counts them (SPEC.md, "Phone numbers"); a '+' number has at most
// dialplan.MaxE164Digits digits.
const MaxPhoneLength = 64

// NormalizePhone validates a phoneNumber argument and returns it
// normalised: trimmed, formatting (spaces, - . ( )) dropped, leaving an
// optional leading + and then digits, * and #. A + number is E.164: digits
// only, at most 15. null and undefined are empty_number; other non-strings
// are invalid_args.
func NormalizePhone(v jsval.Value) (string, error) {
	return NormalizePhoneField("phoneNumber", v)
}

// NormalizePhoneString is NormalizePhone for a Go string.
func NormalizePhoneString(s string) (string, error) {
	return NormalizePhone(jsval.String(s))
}

// NormalizePhoneField is NormalizePhone for an argument called field (a
// number to transfer to, say): its errors name field.
func NormalizePhoneField(field string, v jsval.Value) (string, error) {
	switch v.Type {
	case jsval.TypeString:
	case jsval.TypeUndefined, jsval.TypeNull, "":
		return "", Errorf(EmptyNumber, "%s: empty (got %s)", field, v.Type)
	case jsval.TypeError:
		return "", Errorf(InvalidArgs, "%s: could not be read: %s", field, v.Str)
	default:
		return "", Errorf(InvalidArgs, "%s: want string, got %s", field, v.Type)
	}
	if v.Len > MaxPhoneLength {
		// Checked before trimming: the loader copies only the start of a
		// long string, and a 10 MB "number" is not worth a closer look.
		return "", Errorf(InvalidArgs, "%s: too long (%d characters, at most %d)", field, v.Len, MaxPhoneLength)
	}
	s := strings.TrimFunc(v.Str, isJSSpace)
	if s == "" {
		return "", Errorf(EmptyNumber, "%s: empty", field)
	}
	var b strings.Builder
	b.Grow(len(s))
	plus := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9' || r == '*' || r == '#':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
			// formatting
		case r == '+' && i == 0:
			plus = true
		case r == '+':
			return "", Errorf(InvalidArgs, "%s: '+' is allowed only at the start", field)
		default:
			return "", Errorf(InvalidArgs, "%s: invalid character %s (allowed: digits, * and #, an optional leading +, and the formatting characters space - . ( ))", field, QuoteRune(r))
		}
	}
	n := b.String()
	switch {
	case n == "" && plus:
		return "", Errorf(InvalidArgs, "%s: no digits after '+'", field)
	case n == "":
		return "", Errorf(InvalidArgs, "%s: no digits", field)
	case plus && strings.ContainsAny(n, "*#"):
		return "", Errorf(InvalidArgs, "%s: a '+' number has digits only (E.164), no * or #", field)
	case plus && n[0] == '0':
		return "", Errorf(InvalidArgs, "%s: +%s: no country code starts with 0", field, n)
	case plus && len(n) > dialplan.MaxE164Digits:
		return "", Errorf(InvalidArgs, "%s: a '+' number has at most %d digits (E.164), got %d", field, dialplan.MaxE164Digits, len(n))
	}
	if plus {
		return "+" + n, nil
	}
	return n, nil
}

// isJSSpace is what String.prototype.trim removes: white space and line
// terminators, BOM included.
func isJSSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF'
}
