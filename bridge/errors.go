package bridge

import (
	"errors"
	"fmt"
	"strconv"
)

// Code is Bright Pattern's numeric ResultError code.
type Code int

// The codes the bridge produces, with Bright Pattern's numbering
// (SPEC.md, "Error codes").
const (
	NotEnoughPrivileges Code = 1
	NotLoggedIn         Code = 2
	InvalidArgs         Code = 3
	LoggedWithoutPhone  Code = 4
	APINotAnswer        Code = 6
	InvalidRequest      Code = 7
	Timeout             Code = 8
	EmptyNumber         Code = 10
	SelfCall            Code = 12
	NoInteraction       Code = 13
	APINotImplemented   Code = 14
	NotSuitableState    Code = 15
	UnknownError        Code = 99
)

var codeNames = map[Code]string{
	NotEnoughPrivileges: "not_enough_privileges",
	NotLoggedIn:         "not_logged_in",
	InvalidArgs:         "invalid_args",
	LoggedWithoutPhone:  "logged_without_phone",
	APINotAnswer:        "api_not_answer",
	InvalidRequest:      "invalid_request",
	Timeout:             "timeout",
	EmptyNumber:         "empty_number",
	SelfCall:            "self_call",
	NoInteraction:       "no_interaction",
	APINotImplemented:   "api_method_not_implemented",
	NotSuitableState:    "not_suitable_state",
	UnknownError:        "unknown_error",
}

// Name is the code's name in Bright Pattern's table ("invalid_args").
func (c Code) Name() string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return codeNames[UnknownError]
}

// TimeoutMessage is the one error message the 5.19 page documents.
const TimeoutMessage = "Timeout error"

// Error is Bright Pattern's ResultError: {code, name, message}.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Code.Name() + ": " + e.Message }

// Name is the code's name, as ResultError.name carries it.
func (e *Error) Name() string { return e.Code.Name() }

// Errorf makes an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AsError turns any error into Bright Pattern's ResultError; an error that
// is not already one is an unknown_error carrying its text.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: UnknownError, Message: err.Error()}
}

// ErrTimeout is the placement deadline passing before dialling started.
var ErrTimeout = &Error{Code: Timeout, Message: TimeoutMessage}

// AppendJSON writes the code as its number (jsonw.Appender).
func (c Code) AppendJSON(b []byte) []byte { return strconv.AppendInt(b, int64(c), 10) }
