package bridge

import (
	"fmt"
	"strconv"
	"unicode"

	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Checking an argument: what the checks of every method share (startCall's
// here, and those of bridge/api, bridge/desk and bridge/frames): an error
// names the argument's path first, and quotes what the page sent only in
// a form that cannot forge the rest of the message.

const (
	// MaxStringLength is the longest string argument, in characters as
	// JavaScript counts them: every string of an associated object and a
	// login's username (StringField), a note or a name (bridge/api,
	// bridge/desk). Far above any real value, low enough that a hostile
	// page cannot make the desktop hold megabytes.
	MaxStringLength = 4096
	// MaxKeyInMessages is how much of a bad key, or of a string shown
	// back, an error message quotes.
	MaxKeyInMessages = 40
)

// StringField validates a string field; its path (base+field, or base
// alone when field is "") is only built for an error: this runs on every
// call.
func StringField(base, field string, v jsval.Value, required bool) (string, error) {
	switch {
	case v.Missing() && required:
		return "", Errorf(InvalidArgs, "%s: required, got %s", base+field, TypeName(v))
	case v.Missing():
		return "", nil
	case v.Type != jsval.TypeString:
		return "", WrongType(base+field, "string", v)
	case v.Len > MaxStringLength:
		return "", Errorf(InvalidArgs, "%s: too long (%d characters, at most %d)", base+field, v.Len, MaxStringLength)
	case required && v.Str == "":
		return "", Errorf(InvalidArgs, "%s: must not be empty", base+field)
	}
	return v.Str, nil
}

// WrongType is invalid_args for an argument at path that is not of the
// type wanted (or could not be read at all).
func WrongType(path, want string, v jsval.Value) error {
	if v.Type == jsval.TypeError {
		return Errorf(InvalidArgs, "%s: could not be read: %s", path, v.Str)
	}
	return Errorf(InvalidArgs, "%s: want %s, got %s", path, want, TypeName(v))
}

// TypeName is v's JavaScript type for an error message.
func TypeName(v jsval.Value) string {
	if v.Type == "" {
		return jsval.TypeUndefined
	}
	return v.Type
}

// KeyPath renders a property name for an error message: as it is when it
// looks like an identifier, quoted (and shortened) otherwise, so that a
// hostile key cannot forge the rest of the message.
func KeyPath(k string) string {
	plain := k != ""
	for i, r := range k {
		if !(r == '_' || r == '$' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			plain = false
			break
		}
	}
	if plain && len(k) <= MaxKeyInMessages {
		return k
	}
	r := []rune(k)
	if len(r) > MaxKeyInMessages {
		return fmt.Sprintf("[%s…]", strconv.QuoteToASCII(string(r[:MaxKeyInMessages])))
	}
	return "[" + strconv.QuoteToASCII(k) + "]"
}

// StringInMessage is a string value as an error message shows it: plain
// when it is a word (asleep), "an empty string", or else quoted in ASCII
// and cut at MaxKeyInMessages characters ("a b", "\u2028…").
func StringInMessage(s string) string {
	if s == "" {
		return "an empty string"
	}
	if k := KeyPath(s); k == s {
		return s
	}
	if r := []rune(s); len(r) > MaxKeyInMessages {
		return strconv.QuoteToASCII(string(r[:MaxKeyInMessages])) + "…"
	}
	return strconv.QuoteToASCII(s)
}

// stringFieldErr is StringField's error for a field whose path is path.
func stringFieldErr(path string, v jsval.Value) error {
	_, err := StringField(path, "", v, false)
	return err
}

// QuoteRune quotes r for an error message, escaped when it is not
// printable.
func QuoteRune(r rune) string {
	if unicode.IsPrint(r) {
		return strconv.QuoteRune(r)
	}
	return strconv.QuoteRuneToASCII(r)
}
