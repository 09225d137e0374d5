package bridge

import (
	"errors"
	"strings"
	"testing"

	"github.com/adapi-go/adapi-go/bridge/dialplan"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name string
		in   jsval.Value
		want string
		code Code   // 0: valid
		msg  string // a part of the message
	}{
		{"plain digits", jsval.String("5551234"), "5551234", 0, ""},
		{"e164", jsval.String("+14155550123"), "+14155550123", 0, ""},
		{"formatted", jsval.String(" +1 (415) 555-0123 "), "+14155550123", 0, ""},
		{"dots", jsval.String("415.555.0123"), "4155550123", 0, ""},
		{"star and hash", jsval.String("*72#"), "*72#", 0, ""},
		{"tabs and newlines trimmed", jsval.String("\t 100\n"), "100", 0, ""},
		{"bom trimmed", jsval.String("\uFEFF100"), "100", 0, ""},
		{"one digit", jsval.String("7"), "7", 0, ""},
		{"15 digit e164", jsval.String("+123456789012345"), "+123456789012345", 0, ""},
		{"64 characters", jsval.String(strings.Repeat("1", 64)), strings.Repeat("1", 64), 0, ""},

		{"empty", jsval.String(""), "", EmptyNumber, "phoneNumber: empty"},
		{"blank", jsval.String("   "), "", EmptyNumber, "phoneNumber: empty"},
		{"undefined", jsval.Undefined, "", EmptyNumber, "phoneNumber: empty"},
		{"null", jsval.Value{Type: jsval.TypeNull}, "", EmptyNumber, "phoneNumber: empty"},
		{"number", jsval.Value{Type: jsval.TypeNumber, Str: "5551234"}, "", InvalidArgs, "phoneNumber: want string, got number"},
		{"object", jsval.Object("a", "b"), "", InvalidArgs, "phoneNumber: want string, got object"},
		{"array", jsval.Value{Type: jsval.TypeArray, Len: 1}, "", InvalidArgs, "want string, got array"},
		{"symbol", jsval.Value{Type: jsval.TypeSymbol}, "", InvalidArgs, "want string, got symbol"},
		{"bigint", jsval.Value{Type: jsval.TypeBigInt}, "", InvalidArgs, "want string, got bigint"},
		{"function", jsval.Value{Type: jsval.TypeFunction}, "", InvalidArgs, "want string, got function"},
		{"boolean", jsval.Value{Type: jsval.TypeBoolean, Str: "true"}, "", InvalidArgs, "want string, got boolean"},
		{"getter threw", jsval.Value{Type: jsval.TypeError, Str: "boom"}, "", InvalidArgs, "phoneNumber: could not be read: boom"},
		{"letters", jsval.String("555-CALL"), "", InvalidArgs, `phoneNumber: invalid character 'C'`},
		{"nul", jsval.String("555\x00"), "", InvalidArgs, `invalid character '\x00'`},
		{"only formatting", jsval.String("(-)"), "", InvalidArgs, "phoneNumber: no digits"},
		{"only plus", jsval.String("+"), "", InvalidArgs, "no digits after '+'"},
		{"plus inside", jsval.String("1+2"), "", InvalidArgs, "'+' is allowed only at the start"},
		{"plus twice", jsval.String("++1"), "", InvalidArgs, "'+' is allowed only at the start"},
		{"plus with star", jsval.String("+1*2"), "", InvalidArgs, "digits only"},
		{"16 digit e164", jsval.String("+1234567890123456"), "", InvalidArgs, "at most 15 digits (E.164), got 16"},
		{"65 characters", jsval.String(strings.Repeat("1", 65)), "", InvalidArgs, "too long (65 characters, at most 64)"},
		{"huge, as the loader copies it", jsval.Value{Type: jsval.TypeString, Str: "1", Len: 10 << 20}, "", InvalidArgs, "too long (10485760 characters"},
		{"astral characters count twice", jsval.String(strings.Repeat("😀", 33)), "", InvalidArgs, "too long (66 characters"},
		{"unicode digits", jsval.String("١٢٣"), "", InvalidArgs, "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if tt.code == 0 {
				if err != nil || got != tt.want {
					t.Fatalf("NormalizePhone(%+v) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("NormalizePhone(%+v) = %q, %v; want code %d", tt.in, got, err, tt.code)
			}
			if e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("NormalizePhone(%+v): %d %q; want %d containing %q", tt.in, e.Code, e.Message, tt.code, tt.msg)
			}
			if got != "" {
				t.Fatalf("returned %q with an error", got)
			}
		})
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"5551234", " +1 (415) 555-0123 ", "*72#", "+", "", "555-CALL", "+1234567890123456", "1+2", "\uFEFF 1", "١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizePhoneString(s)
		if err != nil {
			e := AsError(err)
			if e.Code != InvalidArgs && e.Code != EmptyNumber || !strings.HasPrefix(e.Message, "phoneNumber: ") {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		// Normalising twice equals normalising once.
		again, err := NormalizePhoneString(n)
		if err != nil || again != n {
			t.Fatalf("%q -> %q -> %q, %v", s, n, again, err)
		}
		// What is accepted is what placement accepts: an optional + then
		// digits, * and #, within the limits.
		body := strings.TrimPrefix(n, "+")
		if body == "" || strings.Trim(body, "0123456789*#") != "" || jsval.JSLength(n) > MaxPhoneLength {
			t.Fatalf("%q normalised to %q", s, n)
		}
		if body != n && (len(body) > dialplan.MaxE164Digits || strings.ContainsAny(body, "*#")) {
			t.Fatalf("%q normalised to a bad E.164 %q", s, n)
		}
		// The placement path accepts it.
		if _, err := ParseCall(jsval.String(n), jsval.Undefined); err != nil {
			t.Fatalf("ParseCall(%q): %v", n, err)
		}
	})
}
