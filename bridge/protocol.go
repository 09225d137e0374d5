package bridge

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
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
	UID    string  `json:"uid,omitempty"`
	Type   string  `json:"type"`
	Params []Value `json:"-"`
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
func DecodeMessage(v Value) (m Message, err error) {
	if v.Type != TypeObject {
		return m, ErrUnanswerable
	}
	typ := v.Get("type")
	uid := v.Get("uid")
	if typ.Type == TypeString && typ.Str == MsgHello && uid.Missing() {
		return Message{Type: MsgHello, Params: paramsOf(v.Get("params"))}, nil
	}
	if uid.Type != TypeString || uid.Str == "" || uid.Len > maxUIDLength {
		return m, ErrUnanswerable
	}
	m.UID = uid.Str
	switch {
	case typ.Type != TypeString:
		return m, Errorf(InvalidRequest, "type: want string, got %s", typeName(typ))
	case typ.Str == "" || typ.Len > maxTypeLength || strings.TrimFunc(typ.Str, isTypeRune) != "":
		return m, Errorf(InvalidRequest, "type: not a message type: %s", keyPath(typ.Str))
	}
	m.Type = typ.Str
	if dl := v.Get("deadline"); !dl.Missing() {
		ms, err := strconv.ParseFloat(dl.Str, 64)
		if dl.Type != TypeNumber || err != nil || !(ms >= 0 && ms < 1e15) {
			return m, Errorf(InvalidRequest, "deadline: want epoch milliseconds, got %s", typeName(dl))
		}
		m.Deadline = time.UnixMilli(int64(ms))
	}
	p := v.Get("params")
	switch p.Type {
	case TypeArray:
		m.Params = paramsOf(p)
	case TypeUndefined, TypeNull, "":
	default:
		if !strings.HasSuffix(m.Type, responseSuffix) {
			return m, Errorf(InvalidRequest, "params: want array, got %s", typeName(p))
		}
		m.Params = []Value{p} // a response's params is the result itself
	}
	return m, nil
}

func paramsOf(p Value) []Value {
	if p.Type != TypeArray {
		return nil
	}
	out := make([]Value, len(p.Vals))
	copy(out, p.Vals)
	for i := range out {
		if out[i].Type == "" {
			out[i] = Undefined
		}
	}
	return out
}

func isTypeRune(r rune) bool {
	return r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
}

// ErrUnanswerable is a message that cannot be answered: it is ignored.
var ErrUnanswerable = &Error{Code: InvalidRequest, Message: "not a message this protocol can answer"}

// Param returns the i-th param, or Undefined.
func (m Message) Param(i int) Value {
	if i < len(m.Params) {
		return m.Params[i]
	}
	return Undefined
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

// OperationResult is Bright Pattern's OperationResult<InitiateResult>.
type OperationResult struct {
	Status string         `json:"status"`
	Error  *ResultError   `json:"error,omitempty"`
	Data   InitiateResult `json:"data"`
}

// InitiateResult is startCall's data: the id (null when no call was
// started), and the error message on failure.
type InitiateResult struct {
	ID    *string `json:"id"`
	Error string  `json:"error,omitempty"`
}

// ResultError is Bright Pattern's ResultError.
type ResultError struct {
	Code    Code   `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// ResultOf is the OperationResult for Go's (id, err).
func ResultOf(id string, err error) OperationResult {
	if err != nil {
		e := AsError(err)
		return OperationResult{Status: "error", Error: &ResultError{e.Code, e.Name(), e.Message}, Data: InitiateResult{Error: e.Message}}
	}
	r := OperationResult{Status: "success"}
	if id != "" {
		r.Data.ID = &id
	}
	return r
}

// DecodeResult reads an OperationResult<InitiateResult> that came in a
// response, back into Go's (id, err).
func DecodeResult(v Value) (string, error) {
	bad := Errorf(InvalidRequest, "malformed %s", MsgStartCallResponse)
	if v.Type != TypeObject {
		return "", bad
	}
	switch v.Get("status").Str {
	case "success":
		id := v.Get("data").Get("id")
		switch id.Type {
		case TypeString:
			return id.Str, nil
		case TypeNull, TypeUndefined, "":
			return "", nil
		}
		return "", bad
	case "error":
		e := v.Get("error")
		c := e.Get("code")
		if e.Type != TypeObject || c.Type != TypeNumber {
			return "", bad
		}
		code := UnknownError
		for k := range codeNames {
			if c.Str == strconv.Itoa(int(k)) {
				code = k
			}
		}
		msg := e.Get("message").Str
		if code == Timeout && msg == TimeoutMessage {
			return "", ErrTimeout
		}
		return "", &Error{Code: code, Message: msg}
	}
	return "", bad
}
