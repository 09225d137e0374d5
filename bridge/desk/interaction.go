package desk

import (
	"fmt"
	"strconv"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
)

// State is Bright Pattern's InteractionState.
type State string

// AppendJSON writes s as a JSON string (jsonw.Appender).
func (s State) AppendJSON(b []byte) []byte { return jsonw.String(b, string(s)) }

const (
	StateDeliveryPending State = "delivery_pending" // dialling
	StateDelivered       State = "delivered"        // connected
	StateHold            State = "hold"
	StateWrapUp          State = "wrap_up" // hung up, after-call work
	StateCompleted       State = "completed"
)

// transitions is a call's lifecycle; anything not here is refused. See the
// diagram in README.md. An inbound call rings in delivery_pending and, if
// refused or given up, goes straight to completed.
var transitions = map[State][]State{
	StateDeliveryPending: {StateDelivered, StateWrapUp, StateCompleted},
	StateDelivered:       {StateHold, StateWrapUp},
	StateHold:            {StateDelivered, StateWrapUp},
	StateWrapUp:          {StateCompleted},
}

// CanTransition reports whether an interaction may go from one state to
// the other.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

func transitionError(id string, from, to State) error {
	return bridge.Errorf(bridge.NotSuitableState, "interaction %s: cannot go from %s to %s", id, from, to)
}

// Event names, as Bright Pattern's client API spells them.
const (
	OnNewInteraction          = "ON_NEW_INTERACTION"
	OnInteractionStateChange  = "ON_INTERACTION_STATE_CHANGE"
	OnInteractionRemoved      = "ON_INTERACTION_REMOVED"
	OnActiveInteractionSwitch = "ON_ACTIVE_INTERACTION_SWITCHED"
	OnLogin                   = "ON_LOGIN"
	OnLogout                  = "ON_LOGOUT"
	OnAgentStateChange        = "ON_AGENT_STATE_CHANGE"
	OnSoftphoneStatusChange   = "ON_SOFTPHONE_STATUS_CHANGE"
	OnServerError             = "ON_SERVER_ERROR"
	OnPhoneCapabilitiesChange = "ON_PHONE_CAPABILITIES_CHANGE"
	OnAudioDeviceChange       = "ON_AUDIO_DEVICE_CHANGE" // with SIP, sent by the page's glue (wasm/sipdevices.go)
	OnDesktopChange           = "DESKTOP_CHANGE"         // ours: the panel redraws; not sent to widgets
)

// EventNames are the events a widget can subscribe to with adApi.on.
var EventNames = []string{OnNewInteraction, OnInteractionStateChange, OnInteractionRemoved, OnActiveInteractionSwitch,
	OnLogin, OnLogout, OnAgentStateChange, OnSoftphoneStatusChange, OnServerError, OnPhoneCapabilitiesChange, OnAudioDeviceChange}

// Event is one notification from the desktop. For the ON_…_INTERACTION
// events Data is set; for ON_ACTIVE_INTERACTION_SWITCHED, ActiveID (nil:
// no interaction is active); for the others, Args are the handler's
// arguments.
type Event struct {
	Name     string
	Data     *InteractionData
	ActiveID *string
	Args     []any
}

// Payload is what a handler receives first: InteractionData, or the
// activated id (or null), or the first of Args.
func (e Event) Payload() any {
	switch {
	case e.Name == OnActiveInteractionSwitch:
		return e.ActiveID
	case e.Data != nil:
		return e.Data
	case len(e.Args) > 0:
		return e.Args[0]
	}
	return nil
}

// Params are the handler's arguments, as an event message's params.
func (e Event) Params() []any {
	if e.Data != nil || e.Name == OnActiveInteractionSwitch {
		return []any{e.Payload()}
	}
	if e.Args == nil {
		return []any{}
	}
	return e.Args
}

// AppendParams appends Params as JSON, without building them.
func (e Event) AppendParams(b []byte) []byte {
	switch {
	case e.Name == OnActiveInteractionSwitch:
		b = append(b, '[')
		return append(jsonw.Append(b, e.ActiveID), ']')
	case e.Data != nil:
		b = append(b, '[')
		return append(e.Data.AppendJSON(b), ']')
	}
	return jsonw.Array(b, e.Args)
}

func (e Event) String() string {
	switch {
	case e.Data != nil:
		return fmt.Sprintf("%s %s %s", e.Name, e.Data.InteractionID, e.Data.State)
	case e.ActiveID != nil:
		return e.Name + " " + *e.ActiveID
	case e.Name == OnActiveInteractionSwitch:
		return e.Name + " null"
	}
	s := e.Name
	for _, a := range e.Args {
		s += " " + string(jsonw.Append(nil, a))
	}
	return s
}

// AssociatedObjectEntry is an associated object as InteractionData lists
// it: the object and where it came from.
type AssociatedObjectEntry struct {
	bridge.AssociatedObject

	Source string `json:"source"`
}

// AssociatedObjects is InteractionData.associatedObjects.
type AssociatedObjects struct {
	List []AssociatedObjectEntry `json:"list"`
	// Selected holds the ids of the selected objects (Bright Pattern's
	// current types: string[]; never null).
	Selected []string `json:"selected"`
}

// CallParty is one party of a voice interaction.
type CallParty struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	UserID string `json:"userId,omitempty"`
}

// InteractionData is Bright Pattern's InteractionData, as events carry it.
// Times are milliseconds since the epoch; duration is in milliseconds.
type InteractionData struct {
	InteractionID     string             `json:"interactionId"`
	State             State              `json:"state"`
	Type              string             `json:"type"`
	Subject           string             `json:"subject"`
	AssociatedObjects AssociatedObjects  `json:"associatedObjects"`
	CallParties       []CallParty        `json:"callParties"`
	CallMuted         bool               `json:"callMuted"`
	CallRecording     bool               `json:"callRecording"`
	AttachedData      map[string]string  `json:"attachedData"`
	ChatParties       NoChatParties      `json:"chatParties"`
	Internal          bool               `json:"internal"`
	PhoneNumber       string             `json:"phoneNumber,omitempty"`
	CallDirection     string             `json:"callDirection,omitempty"`
	Origination       bridge.Origination `json:"origination,omitempty"`
	StartTime         int64              `json:"startTime,omitempty"`
	EndTime           int64              `json:"endTime,omitempty"`
	Duration          int64              `json:"duration"`
}

// NoChatParties is InteractionData.chatParties, which Bright Pattern's
// types require: always empty here (voice only), [] and never null.
type NoChatParties struct{}

// MarshalJSON writes [].
func (NoChatParties) MarshalJSON() ([]byte, error) { return []byte("[]"), nil }

// AppendJSON writes d as events and results carry it (jsonw.Appender).
func (d InteractionData) AppendJSON(b []byte) []byte {
	b = append(b, `{"interactionId":`...)
	b = jsonw.String(b, d.InteractionID)
	b = append(b, `,"state":`...)
	b = jsonw.String(b, string(d.State))
	b = append(b, `,"type":`...)
	b = jsonw.String(b, d.Type)
	b = append(b, `,"subject":`...)
	b = jsonw.String(b, d.Subject)
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
			b = e.AssociatedObject.AppendEntry(b, &e.Source)
		}
		b = append(b, ']')
	}
	b = append(b, `,"selected":`...)
	b = jsonw.Strings(b, d.AssociatedObjects.Selected)
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
			b = jsonw.String(b, p.ID)
			b = append(b, `,"name":`...)
			b = jsonw.String(b, p.Name)
			b = append(b, `,"phone":`...)
			b = jsonw.String(b, p.Phone)
			if p.UserID != "" {
				b = append(b, `,"userId":`...)
				b = jsonw.String(b, p.UserID)
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
	b = jsonw.Append(b, d.AttachedData)
	b = append(b, `,"chatParties":[],"internal":`...)
	b = strconv.AppendBool(b, d.Internal)
	if d.PhoneNumber != "" {
		b = append(b, `,"phoneNumber":`...)
		b = jsonw.String(b, d.PhoneNumber)
	}
	if d.CallDirection != "" {
		b = append(b, `,"callDirection":`...)
		b = jsonw.String(b, d.CallDirection)
	}
	if d.Origination != "" {
		b = append(b, `,"origination":`...)
		b = jsonw.String(b, string(d.Origination))
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

// Interactions are a list of InteractionData, as the page's control API
// hands them out.
type Interactions []InteractionData

// AppendJSON writes the list (jsonw.Appender).
func (l Interactions) AppendJSON(b []byte) []byte { return jsonw.List(b, l) }
