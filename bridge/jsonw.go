package bridge

import (
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Appender is a type that writes itself as JSON (bridge/frames' envelopes):
// AppendJSON hands it the buffer.
type Appender interface {
	AppendJSON(b []byte) []byte
}

// AppendJSON appends x as JSON, for the types the bridge sends to the page
// and to other frames: events (InteractionData), results, messages,
// settings, and plain data (nil, bool, numbers, strings, []any,
// map[string]any, Value). It is written out by hand so that the wasm
// module needs no encoding/json (about 120 KB brotli) and no reflection on
// the event path; its output decodes to what encoding/json's would
// (tested, fuzzed). Another type panics: a bug in the bridge, contained by
// the glue like any panic.
func AppendJSON(b []byte, x any) []byte {
	switch x := x.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return appendFloat(b, x)
	case Code:
		return strconv.AppendInt(b, int64(x), 10)
	case State:
		return appendString(b, string(x))
	case AgentState:
		return appendString(b, string(x))
	case PhoneMode:
		return appendString(b, string(x))
	case Origination:
		return appendString(b, string(x))
	case *string:
		if x == nil {
			return append(b, "null"...)
		}
		return appendString(b, *x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSON(b, e)
		}
		return append(b, ']')
	case []Record:
		out := make([]any, len(x))
		for i, r := range x {
			out[i] = map[string]any{"interactionId": r.ID, "dtmf": r.Digits, "disposition": r.Disposition, "note": r.Note}
		}
		return AppendJSON(b, out)
	case []string:
		if x == nil {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e)
		}
		return append(b, ']')
	case map[string]any:
		return appendObject(b, x, AppendJSON)
	case map[string]string:
		if x == nil {
			return append(b, "null"...)
		}
		return appendObject(b, x, appendString)
	case Value:
		return AppendJSON(b, x.Any())
	case Appender:
		return x.AppendJSON(b)
	case OperationResult:
		b = append(b, `{"status":`...)
		b = appendString(b, x.Status)
		if x.Error != nil {
			b = append(b, `,"error":{"code":`...)
			b = strconv.AppendInt(b, int64(x.Error.Code), 10)
			b = append(b, `,"name":`...)
			b = appendString(b, x.Error.Name)
			b = append(b, `,"message":`...)
			b = appendString(b, x.Error.Message)
			b = append(b, '}')
		}
		b = append(b, `,"data":{"id":`...)
		b = AppendJSON(b, x.Data.ID)
		if x.Data.Error != "" {
			b = append(b, `,"error":`...)
			b = appendString(b, x.Data.Error)
		}
		return append(b, "}}"...)
	case *InteractionData:
		if x == nil {
			return append(b, "null"...)
		}
		return x.appendJSON(b)
	case InteractionData:
		return x.appendJSON(b)
	case []InteractionData:
		b = append(b, '[')
		for i := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = x[i].appendJSON(b)
		}
		return append(b, ']')
	case *AssociatedObject:
		if x == nil {
			return append(b, "null"...)
		}
		return x.appendJSON(b, nil)
	case SettingsView:
		b = append(b, `{"loggedIn":`...)
		b = strconv.AppendBool(b, x.LoggedIn)
		b = append(b, `,"hasPhone":`...)
		b = strconv.AppendBool(b, x.HasPhone)
		b = append(b, `,"agentState":`...)
		b = appendString(b, string(x.AgentState))
		b = append(b, `,"notReadyReason":`...)
		b = appendString(b, x.NotReadyReason)
		b = append(b, `,"extension":`...)
		b = appendString(b, x.Extension)
		b = append(b, `,"deferredDial":`...)
		b = strconv.AppendBool(b, x.DeferredDial)
		b = append(b, `,"singleLine":`...)
		b = strconv.AppendBool(b, x.SingleLine)
		b = append(b, `,"phone":`...)
		b = appendString(b, string(x.Phone))
		b = append(b, `,"slowDialDelayMs":`...)
		b = strconv.AppendInt(b, x.SlowDialDelayMs, 10)
		b = append(b, `,"answerDelayMs":`...)
		b = strconv.AppendInt(b, x.AnswerDelayMs, 10)
		b = append(b, `,"rejectCredentials":`...)
		b = strconv.AppendBool(b, x.RejectCredentials)
		return append(b, '}')
	}
	panic("AppendJSON: no encoding for this type")
}

// appendJSON writes the object; with a source, as an entry of
// InteractionData.associatedObjects.list.
func (o *AssociatedObject) appendJSON(b []byte, source *string) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, o.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, o.Type)
	b = append(b, `,"displayName":`...)
	b = appendString(b, o.DisplayName)
	b = append(b, `,"displayType":`...)
	b = appendString(b, o.DisplayType)
	b = append(b, `,"customFields":`...)
	b = AppendJSON(b, o.CustomFields)
	if source != nil {
		b = append(b, `,"source":`...)
		b = appendString(b, *source)
	}
	return append(b, '}')
}

func (d *InteractionData) appendJSON(b []byte) []byte {
	b = append(b, `{"interactionId":`...)
	b = appendString(b, d.InteractionID)
	b = append(b, `,"state":`...)
	b = appendString(b, string(d.State))
	b = append(b, `,"type":`...)
	b = appendString(b, d.Type)
	b = append(b, `,"subject":`...)
	b = appendString(b, d.Subject)
	b = append(b, `,"associatedObjects":{"list":`...)
	if d.AssociatedObjects.List == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range d.AssociatedObjects.List {
			if i > 0 {
				b = append(b, ',')
			}
			e := &d.AssociatedObjects.List[i]
			b = e.AssociatedObject.appendJSON(b, &e.Source)
		}
		b = append(b, ']')
	}
	b = append(b, `,"selected":`...)
	b = AppendJSON(b, d.AssociatedObjects.Selected)
	b = append(b, `},"callParties":`...)
	if d.CallParties == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, p := range d.CallParties {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = appendString(b, p.ID)
			b = append(b, `,"name":`...)
			b = appendString(b, p.Name)
			b = append(b, `,"phone":`...)
			b = appendString(b, p.Phone)
			if p.UserID != "" {
				b = append(b, `,"userId":`...)
				b = appendString(b, p.UserID)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"callMuted":`...)
	b = strconv.AppendBool(b, d.CallMuted)
	b = append(b, `,"callRecording":`...)
	b = strconv.AppendBool(b, d.CallRecording)
	b = append(b, `,"attachedData":`...)
	b = AppendJSON(b, d.AttachedData)
	b = append(b, `,"chatParties":[],"internal":`...)
	b = strconv.AppendBool(b, d.Internal)
	if d.PhoneNumber != "" {
		b = append(b, `,"phoneNumber":`...)
		b = appendString(b, d.PhoneNumber)
	}
	if d.CallDirection != "" {
		b = append(b, `,"callDirection":`...)
		b = appendString(b, d.CallDirection)
	}
	if d.Origination != "" {
		b = append(b, `,"origination":`...)
		b = appendString(b, string(d.Origination))
	}
	if d.StartTime != 0 {
		b = append(b, `,"startTime":`...)
		b = strconv.AppendInt(b, d.StartTime, 10)
	}
	if d.EndTime != 0 {
		b = append(b, `,"endTime":`...)
		b = strconv.AppendInt(b, d.EndTime, 10)
	}
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, d.Duration, 10)
	return append(b, '}')
}

// appendObject writes m with its keys sorted, as encoding/json does.
func appendObject[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
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
		b = appendString(b, k)
		b = append(b, ':')
		b = value(b, m[k])
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string: invalid UTF-8 as U+FFFD, control
// characters and U+2028/U+2029 escaped.
func appendString(b []byte, s string) []byte {
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

// appendFloat writes f as encoding/json does; NaN and infinities, which
// JSON cannot hold, as null.
func appendFloat(b []byte, f float64) []byte {
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

// DecodeSnapshot reads one Value as the loader writes it (see
// DecodeSnapshots).
func DecodeSnapshot(b []byte) (Value, error) {
	p := snapParser{b: b}
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	return v, p.end()
}
