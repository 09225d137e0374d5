package bridge

import "strconv"

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
func DecodeResult(v Value) (string, error) {
	bad := Errorf(InvalidRequest, "malformed START_CALL_RESPONSE")
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
