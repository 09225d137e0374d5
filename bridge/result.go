package bridge

import (
	"fmt"
	"strconv"

	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Results: what an operation answers the page and other frames with
// (Bright Pattern's OperationResult), shared by the bridge and bridge/frames.

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
func DecodeResult(v jsval.Value) (string, error) {
	bad := Errorf(InvalidRequest, "malformed START_CALL_RESPONSE")
	if v.Type != jsval.TypeObject {
		return "", bad
	}
	switch v.Get("status").Str {
	case "success":
		id := v.Get("data").Get("id")
		switch id.Type {
		case jsval.TypeString:
			return id.Str, nil
		case jsval.TypeNull, jsval.TypeUndefined, "":
			return "", nil
		}
		return "", bad
	case "error":
		e := v.Get("error")
		c := e.Get("code")
		if e.Type != jsval.TypeObject || c.Type != jsval.TypeNumber {
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

// AppendJSON writes r as JSON (jsonw.Appender).
func (r OperationResult) AppendJSON(b []byte) []byte {
	b = append(b, `{"status":`...)
	b = jsonw.String(b, r.Status)
	if r.Error != nil {
		b = append(b, `,"error":{"code":`...)
		b = strconv.AppendInt(b, int64(r.Error.Code), 10)
		b = append(b, `,"name":`...)
		b = jsonw.String(b, r.Error.Name)
		b = append(b, `,"message":`...)
		b = jsonw.String(b, r.Error.Message)
		b = append(b, '}')
	}
	b = append(b, `,"data":{"id":`...)
	b = jsonw.Append(b, r.Data.ID)
	if r.Data.Error != "" {
		b = append(b, `,"error":`...)
		b = jsonw.String(b, r.Data.Error)
	}
	return append(b, "}}"...)
}

// MethodResult is Bright Pattern's OperationResult<T> for a call-control
// method: {status: 'success', data} or {status: 'error', error}.
func MethodResult(data any, err error) map[string]any {
	if err != nil {
		e := AsError(err)
		return map[string]any{"status": "error", "error": map[string]any{"code": int64(e.Code), "name": e.Name(), "message": e.Message}}
	}
	return map[string]any{"status": "success", "data": data}
}

// DecodeMethodResult reads a call-control method's OperationResult that
// came in a response: the data as plain values, or the error.
func DecodeMethodResult(v jsval.Value) (any, error) {
	bad := Errorf(InvalidRequest, "malformed response")
	if v.Type != jsval.TypeObject {
		return nil, bad
	}
	switch v.Get("status").Str {
	case "success":
		return v.Get("data").Any(), nil
	case "error":
		e := v.Get("error")
		c := e.Get("code")
		if e.Type != jsval.TypeObject || c.Type != jsval.TypeNumber {
			return nil, bad
		}
		code := UnknownError
		for k := range codeNames {
			if c.Str == fmt.Sprint(int(k)) {
				code = k
			}
		}
		return nil, &Error{Code: code, Message: e.Get("message").Str}
	}
	return nil, bad
}
