package bridge

import "fmt"

// State is Bright Pattern's InteractionState.
type State string

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
	return Errorf(NotSuitableState, "interaction %s: cannot go from %s to %s", id, from, to)
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
	OnDesktopChange           = "DESKTOP_CHANGE" // ours: the panel redraws; not sent to widgets
)

// EventNames are the events a widget can subscribe to with adApi.on.
var EventNames = []string{OnNewInteraction, OnInteractionStateChange, OnInteractionRemoved, OnActiveInteractionSwitch,
	OnLogin, OnLogout, OnAgentStateChange, OnSoftphoneStatusChange, OnServerError, OnPhoneCapabilitiesChange}

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
		s += " " + string(AppendJSON(nil, a))
	}
	return s
}

// AssociatedObjectEntry is an associated object as InteractionData lists
// it: the object and where it came from.
type AssociatedObjectEntry struct {
	AssociatedObject
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
	InteractionID     string            `json:"interactionId"`
	State             State             `json:"state"`
	Type              string            `json:"type"`
	Subject           string            `json:"subject"`
	AssociatedObjects AssociatedObjects `json:"associatedObjects"`
	CallParties       []CallParty       `json:"callParties"`
	CallMuted         bool              `json:"callMuted"`
	CallRecording     bool              `json:"callRecording"`
	AttachedData      map[string]string `json:"attachedData"`
	ChatParties       NoChatParties     `json:"chatParties"`
	Internal          bool              `json:"internal"`
	PhoneNumber       string            `json:"phoneNumber,omitempty"`
	CallDirection     string            `json:"callDirection,omitempty"`
	Origination       Origination       `json:"origination,omitempty"`
	StartTime         int64             `json:"startTime,omitempty"`
	EndTime           int64             `json:"endTime,omitempty"`
	Duration          int64             `json:"duration"`
}

// NoChatParties is InteractionData.chatParties, which Bright Pattern's
// types require: always empty here (voice only), [] and never null.
type NoChatParties struct{}

// MarshalJSON writes [].
func (NoChatParties) MarshalJSON() ([]byte, error) { return []byte("[]"), nil }
