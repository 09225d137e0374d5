// Package jsonw writes JSON by hand, for the types the bridge sends to the
// page and to other frames, so that the wasm module needs no encoding/json
// (about 120 KB brotli) and no reflection on the event path. Its output
// decodes to what encoding/json's would (tested, fuzzed). A type of the
// product writes itself (Appender) with the helpers here.
package jsonw

import (
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Appender is a type that writes itself as JSON: Append hands it the
// buffer.
type Appender interface {
	AppendJSON(b []byte) []byte
}

// Append appends x as JSON: plain data (nil, bool, numbers, strings,
// *string, []any, []string, map[string]any, map[string]string) and any
// Appender. Another type panics: a bug in the bridge, contained by the
// glue like any panic.
func Append(b []byte, x any) []byte {
	switch x := x.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return String(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return Float(b, x)
	case *string:
		if x == nil {
			return append(b, "null"...)
		}
		return String(b, *x)
	case []any:
		return Array(b, x)
	case []string:
		return Strings(b, x)
	case map[string]any:
		return Object(b, x, Append)
	case map[string]string:
		if x == nil {
			return append(b, "null"...)
		}
		return Object(b, x, String)
	case Appender:
		return x.AppendJSON(b)
	}
	panic("jsonw.Append: no encoding for this type")
}

// Array writes xs as a JSON array ([] when xs is nil), each element with
// Append.
func Array(b []byte, xs []any) []byte {
	b = append(b, '[')
	for i, e := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = Append(b, e)
	}
	return append(b, ']')
}

// Strings writes xs as a JSON array of strings (null when xs is nil).
func Strings(b []byte, xs []string) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, e := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = String(b, e)
	}
	return append(b, ']')
}

// List writes xs as a JSON array (null when xs is nil), each element
// writing itself.
func List[T Appender](b []byte, xs []T) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = xs[i].AppendJSON(b)
	}
	return append(b, ']')
}

// Object writes m with its keys sorted, as encoding/json does, each
// value by value.
func Object[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = String(b, k)
		b = append(b, ':')
		b = value(b, m[k])
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// String writes s as a JSON string: invalid UTF-8 as U+FFFD, control
// characters and U+2028/U+2029 escaped.
func String(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Float writes f as encoding/json does; NaN and infinities, which
// JSON cannot hold, as null.
func Float(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(b, f, format, -1, 64)
}
