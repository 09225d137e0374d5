// Package frames is Bright Pattern's postMessage protocol between a CRM
// page and the agent desktop's frame (SPEC.md, "Across frames"): the
// envelopes and their decoding, the CRM page's Client, and the desktop's
// end (DesktopEnd) that answers other frames with a bridge.Bridge. It
// imports bridge, never the reverse, and no syscall/js: wasm/ posts and
// receives the messages.
package frames

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Bright Pattern's cross-frame messages (SPEC.md, "Across frames"): the CRM
// page and the agent desktop's frame talk with postMessage, each message an
// envelope {uid, type, params}.
const (
	MsgHello             = "hello" // desktop → CRM page: the desktop is up
	MsgHi                = "hi"    // CRM page → desktop: handshake done, params [integrationKey]
	MsgStartCall         = "START_CALL"
	MsgStartCallResponse = "START_CALL_RESPONSE"
	// MsgCancelStartCall asks the desktop to drop a START_CALL not yet
	// dialled (ours, for AbortSignal; params [uid of the START_CALL]).
	MsgCancelStartCall = "CANCEL_START_CALL"

	responseSuffix = "_RESPONSE"
	maxUIDLength   = 128
	maxTypeLength  = 64
)

// Message is one envelope.
type Message struct {
	UID    string        `json:"uid,omitempty"`
	Type   string        `json:"type"`
	Params []jsval.Value `json:"-"`
	// Deadline (ours, optional, top-level "deadline": epoch ms on the
	// client's clock) is when the client gives up on the request and
	// resolves it api_not_answer; zero when absent (SPEC.md, "Stale
	// requests").
	Deadline time.Time `json:"-"`
}

// OutMessage is an envelope to send; Params is encoded as JSON as it is.
type OutMessage struct {
	UID      string `json:"uid,omitempty"`
	Type     string `json:"type"`
	Deadline int64  `json:"deadline,omitempty"` // epoch ms; 0: none
	Params   any    `json:"params,omitempty"`
}

// Out is m ready to send again, its params as plain data.
func (m Message) Out() OutMessage {
	o := OutMessage{UID: m.UID, Type: m.Type}
	if !m.Deadline.IsZero() {
		o.Deadline = m.Deadline.UnixMilli()
	}
	if m.Params != nil {
		p := make([]any, len(m.Params))
		for i, v := range m.Params {
			p[i] = v.Any()
		}
		o.Params = p
	}
	return o
}

// DecodeMessage reads an envelope from a received message. A message that
// is not an object, or has no usable uid, cannot be answered: the error is
// then ErrUnanswerable and the message is to be ignored. Any other problem
// is an invalid_request error to answer to m.UID.
func DecodeMessage(v jsval.Value) (m Message, err error) {
	if v.Type != jsval.TypeObject {
		return m, ErrUnanswerable
	}
	typ := v.Get("type")
	uid := v.Get("uid")
	if typ.Type == jsval.TypeString && typ.Str == MsgHello && uid.Missing() {
		return Message{Type: MsgHello, Params: paramsOf(v.Get("params"))}, nil
	}
	if uid.Type != jsval.TypeString || uid.Str == "" || uid.Len > maxUIDLength {
		return m, ErrUnanswerable
	}
	m.UID = uid.Str
	switch {
	case typ.Type != jsval.TypeString:
		return m, bridge.Errorf(bridge.InvalidRequest, "type: want string, got %s", bridge.TypeName(typ))
	case typ.Str == "" || typ.Len > maxTypeLength || strings.TrimFunc(typ.Str, isTypeRune) != "":
		return m, bridge.Errorf(bridge.InvalidRequest, "type: not a message type: %s", bridge.KeyPath(typ.Str))
	}
	m.Type = typ.Str
	if dl := v.Get("deadline"); !dl.Missing() {
		ms, err := strconv.ParseFloat(dl.Str, 64)
		if dl.Type != jsval.TypeNumber || err != nil || !(ms >= 0 && ms < 1e15) {
			return m, bridge.Errorf(bridge.InvalidRequest, "deadline: want epoch milliseconds, got %s", bridge.TypeName(dl))
		}
		m.Deadline = time.UnixMilli(int64(ms))
	}
	p := v.Get("params")
	switch p.Type {
	case jsval.TypeArray:
		m.Params = paramsOf(p)
	case jsval.TypeUndefined, jsval.TypeNull, "":
	default:
		if !strings.HasSuffix(m.Type, responseSuffix) {
			return m, bridge.Errorf(bridge.InvalidRequest, "params: want array, got %s", bridge.TypeName(p))
		}
		m.Params = []jsval.Value{p} // a response's params is the result itself
	}
	return m, nil
}

func paramsOf(p jsval.Value) []jsval.Value {
	if p.Type != jsval.TypeArray {
		return nil
	}
	out := make([]jsval.Value, len(p.Vals))
	copy(out, p.Vals)
	for i := range out {
		if out[i].Type == "" {
			out[i] = jsval.Undefined
		}
	}
	return out
}

func isTypeRune(r rune) bool {
	return r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
}

// ErrUnanswerable is a message that cannot be answered: it is ignored.
var ErrUnanswerable = &bridge.Error{Code: bridge.InvalidRequest, Message: "not a message this protocol can answer"}

// Param returns the i-th param, or Undefined.
func (m Message) Param(i int) jsval.Value {
	if i < len(m.Params) {
		return m.Params[i]
	}
	return jsval.Undefined
}

// ResponseType is the type of the answer to a request of type t.
func ResponseType(t string) string { return t + responseSuffix }

// NewUID makes a message uid: random hex, as Bright Pattern's client does
// (Math.random().toString(16)). Uids only match answers to requests;
// forging one gains nothing, so they need not be cryptographic (and
// crypto/rand would add 44 KB brotli to the module).
func NewUID() string {
	return strconv.FormatUint(rand.Uint64(), 16)
}

// AppendJSON appends m as JSON (jsonw.Append's Appender).
func (m OutMessage) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	if m.UID != "" {
		b = append(b, `"uid":`...)
		b = jsonw.Append(b, m.UID)
		b = append(b, ',')
	}
	b = append(b, `"type":`...)
	b = jsonw.Append(b, m.Type)
	if m.Deadline != 0 {
		b = append(b, `,"deadline":`...)
		b = strconv.AppendInt(b, m.Deadline, 10)
	}
	if m.Params != nil {
		b = append(b, `,"params":`...)
		b = jsonw.Append(b, m.Params)
	}
	return append(b, '}')
}
