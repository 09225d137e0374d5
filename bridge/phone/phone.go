// Package phone is the seam between the agent desktop and the phone behind
// it. The desktop (package bridge: the agent, the interactions, Bright
// Pattern's methods, their validation and error order) drives a Phone; two
// phones implement it: the reference model (package model, a test double
// with knobs) and a SIP user agent over WebSocket and WebRTC (package sip).
//
// A Phone knows calls, not interactions: it places, answers, refuses, holds,
// mutes, sends digits and hangs up, and reports what the network did
// (answered, ended, an inbound call ringing, registration lost) as Events.
// Interaction states, agent states, Bright Pattern's error codes and
// events are the desktop's business, written once for both phones.
//
// This package imports nothing of the project, so that the desktop, the
// model and the SIP user agent can all import it. It never imports
// syscall/js.
package phone

import (
	"context"
	"errors"
)

// CallID names one call on a phone. The desktop chooses it for an
// outbound call (Dial's id: the interaction's id); the phone chooses it for
// an inbound one (EventIncoming), unique among the phone's calls.
type CallID string

// Credentials are what the agent signs in with (Bright Pattern's
// LoginData). The password is kept in memory only: a Phone never stores,
// logs or sends it anywhere but in its own authentication (SIP digest
// responses carry a hash, never the password). String redacts it.
type Credentials struct {
	Username string
	Password string
	Tenant   string // optional
}

// String shows the credentials with the password as '***'.
func (c Credentials) String() string {
	s := "{username: " + c.Username + ", password: ***"
	if c.Tenant != "" {
		s += ", tenant: " + c.Tenant
	}
	return s + "}"
}

// GoString keeps %#v from printing the password too.
func (c Credentials) GoString() string { return "phone.Credentials" + c.String() }

// Phone is the agent's phone device, as the desktop drives it.
//
// Every method may block (a SIP phone waits for the server), bounded by
// ctx: when ctx is done the method returns context.Cause(ctx) and leaves
// nothing half done that the desktop does not know about. The desktop
// never holds its own lock while it calls a Phone, so a Phone may call its
// Handler at any time, from any goroutine, even from inside one of its
// methods. A Phone that never waits on the network also implements
// Instant, and the desktop then answers in the same JavaScript task.
//
// Errors: return ErrInvalidCredentials, ErrNotRegistered, ErrNoSuchCall
// or ErrBadState (wrapped, with detail, if you like: the desktop uses
// errors.Is) where they apply; any other error becomes Bright Pattern's
// unknown_error (99) carrying its text, so make it name what failed (the
// URL, the SIP status).
type Phone interface {
	// SetHandler sets the function that receives the phone's events. The
	// desktop calls it once, before any other method.
	SetHandler(h Handler)

	// Register signs the phone in for the agent (SIP: REGISTER with digest
	// authentication; success is the server's 200). Wrong credentials:
	// ErrInvalidCredentials, after sending EventServerError 109. Server
	// unreachable: an error naming the URL, after EventServerError 200.
	// Success sends EventStatus{Ready: true}. Registering again while
	// registered replaces the registration (login with force).
	Register(ctx context.Context, cred Credentials) error
	// Unregister signs the phone out (SIP: REGISTER with Expires: 0) and
	// forgets the credentials. The desktop calls it only with no live
	// call. It sends EventStatus{Ready: false}.
	Unregister(ctx context.Context) error

	// Dial places an outbound call to number, already canonical (E.164
	// "+15551230000", or an extension "1001", or a service code) and
	// allowed by the dial policy, under the id the desktop chose. It
	// returns once dialling has started (SIP: the first provisional
	// response, 100 Trying included). If ctx is done first, Dial returns
	// context.Cause(ctx) and no call stays up: nothing was sent, or what
	// was sent is cancelled (a later provisional → CANCEL, a later 200 →
	// ACK then BYE), and no event for id follows. Not registered:
	// ErrNotRegistered.
	Dial(ctx context.Context, id CallID, number string) error
	// Hangup ends a call the agent is in: before the answer it cancels
	// (SIP: CANCEL), after it hangs up (BYE). No EventEnded follows for
	// a hang-up the desktop asked for.
	Hangup(ctx context.Context, id CallID) error
	// Accept answers a ringing inbound call (SIP: 200 with the WebRTC
	// answer). Audio flows both ways when it returns.
	Accept(ctx context.Context, id CallID) error
	// Reject refuses a ringing inbound call with a SIP status: 486 (Busy
	// Here) when the agent rejects it, 480 (Temporarily Unavailable) when
	// the agent is not ready. No EventEnded follows.
	Reject(ctx context.Context, id CallID, status int) error
	// Hold puts a connected call on hold (on) or takes it off (SIP:
	// re-INVITE with a=sendonly, then a=sendrecv). It returns when the far
	// end agreed.
	Hold(ctx context.Context, id CallID, on bool) error
	// Mute turns the agent's microphone off (on) or back on for a call:
	// the local audio track disabled, no signalling.
	Mute(ctx context.Context, id CallID, on bool) error
	// SendDTMF sends digits (already checked: 0-9 * # A-D, at most 32) on
	// a connected call (RFC 4733 telephone-events).
	SendDTMF(ctx context.Context, id CallID, digits string) error

	// Capabilities says what the phone can do now.
	Capabilities() Capabilities
}

// Instant is a Phone whose methods never wait on the network: each returns
// at once (Dial included, or it implements TryDialer). The desktop calls an
// Instant phone in the page's own task, so the result is there before any
// event about it.
type Instant interface {
	Phone
	Instant()
}

// TryDialer is a Phone that can often start dialling without waiting.
// TryDial either starts the call at once (started, with no error), fails at
// once (an error), or does nothing at all and says so (not started, no
// error): the desktop then calls Dial from a goroutine.
type TryDialer interface {
	TryDial(id CallID, number string) (started bool, err error)
}

// Capabilities are Bright Pattern's PhoneCapabilities.
type Capabilities struct {
	CanDial     bool `json:"canDial"`
	CanAnswer   bool `json:"canAnswer"`
	CanHold     bool `json:"canHold"`
	CanRetrieve bool `json:"canRetrieve"`
}

// Errors a Phone returns where they apply (wrapped or as they are).
var (
	// ErrInvalidCredentials: the server refused the credentials (SIP 401
	// or 403 after a digest answer). The desktop answers
	// not_enough_privileges, "invalid credentials".
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrNotRegistered: the phone cannot place or take calls now (never
	// registered, or reconnecting). The desktop answers
	// logged_without_phone, "phone not registered".
	ErrNotRegistered = errors.New("phone not registered")
	// ErrNoSuchCall: the phone has no call with that id (it ended
	// meanwhile). The desktop answers no_interaction.
	ErrNoSuchCall = errors.New("no such call")
	// ErrBadState: the call cannot do that now (hold while ringing). The
	// desktop answers not_suitable_state.
	ErrBadState = errors.New("the call cannot do that in its state")
)

// Handler receives a phone's events. Events about one call arrive in
// order; the desktop may receive them from several goroutines and
// serialises them itself. A Handler never calls back into the Phone
// synchronously.
type Handler func(Event)

// Kind says what an Event reports.
type Kind int

const (
	// EventIncoming: an inbound call is ringing (SIP: an INVITE to the
	// agent). Call is its new id; From the caller's number (canonical if
	// it can be), FromName their display name if the network gave one.
	EventIncoming Kind = iota + 1
	// EventRinging: the far end of an outbound call is ringing (SIP:
	// 180/183). Informational; the interaction stays delivery_pending.
	EventRinging
	// EventAnswered: the far end answered an outbound call (SIP: 200,
	// ACKed). Audio flows both ways.
	EventAnswered
	// EventEnded: a call ended without the agent asking: the far end hung
	// up (BYE), an outbound call failed (Status: 486, 404, 480, 603, 487…;
	// Reason: the response's reason phrase), or an inbound caller gave up
	// before it was answered (CANCEL: Status 487).
	EventEnded
	// EventStatus: the phone became ready (registered) or not (Ready
	// false, Error why: "websocket closed", "registration expired"). Bright
	// Pattern's ON_SOFTPHONE_STATUS_CHANGE.
	EventStatus
	// EventServerError: the server reported a problem, with Bright
	// Pattern's server error code (ServerCode: 103 phone_not_registered,
	// 109 invalid_credentials, 200 sip_server_error, 300 unknown_error…).
	EventServerError
	// EventCapabilities: what the phone can do changed (Caps).
	EventCapabilities
)

// Event is one report from a Phone. Only the fields of its Kind are set.
type Event struct {
	Kind Kind
	Call CallID

	From     string // EventIncoming
	FromName string // EventIncoming

	Status int    // EventEnded: the SIP status, 0 for a plain hang-up (BYE)
	Reason string // EventEnded: the reason phrase

	Ready bool   // EventStatus
	Error string // EventStatus: why not ready

	ServerCode int    // EventServerError
	ServerName string // EventServerError: Bright Pattern's name, "invalid_credentials"
	Message    string // EventServerError

	Caps Capabilities // EventCapabilities
}

// Bright Pattern's server error codes (ServerErrorData.code) that phones
// report.
const (
	ServerPhoneNotRegistered = 103
	ServerInvalidCredentials = 109
	ServerSIPServerError     = 200
	ServerUnknownError       = 300
)

// ServerErrorNames are Bright Pattern's names for the codes above.
var ServerErrorNames = map[int]string{
	ServerPhoneNotRegistered: "phone_not_registered",
	ServerInvalidCredentials: "invalid_credentials",
	ServerSIPServerError:     "sip_server_error",
	ServerUnknownError:       "unknown_error",
}

// ServerError makes an EventServerError with Bright Pattern's name for code.
func ServerError(code int, message string) Event {
	return Event{Kind: EventServerError, ServerCode: code, ServerName: ServerErrorNames[code], Message: message}
}
