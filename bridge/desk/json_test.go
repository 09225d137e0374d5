package desk

import (
	"testing"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/internal/jsontest"
)

func TestAppendJSON(t *testing.T) {
	sel := "c-1"
	d := &InteractionData{
		InteractionID: "ia-1", State: StateDelivered, Type: "voice", Subject: "Call to +1",
		AssociatedObjects: AssociatedObjects{List: []AssociatedObjectEntry{{AssociatedObject: bridge.AssociatedObject{
			ID: "c-1", Type: "contact", DisplayName: "<img src=x onerror=alert(1)> \u2028 \"q\" \x01 \xff", DisplayType: "Contact",
			CustomFields: map[string]string{"__proto__": "x", "b": "2", "a": "1"}}, Source: "integration-api"}}, Selected: []string{sel}},
		CallParties:  []CallParty{{ID: "p", Name: "Ada", Phone: "+1"}, {ID: "q", Name: "B", Phone: "2", UserID: "u"}},
		AttachedData: map[string]string{}, PhoneNumber: "+1", CallDirection: "outbound", Origination: bridge.ByAPI,
		StartTime: 1764064800000, EndTime: 1764064810000, Duration: 10000,
	}
	for _, x := range []any{
		d, *d, Interactions{*d, {}}, Interactions{}, &InteractionData{},
		bridge.ResultOf("ia-1", nil), bridge.ResultOf("", nil), bridge.ResultOf("", bridge.ErrTimeout), bridge.ResultOf("", bridge.Errorf(bridge.InvalidArgs, "x: \"y\"")),
		DefaultSettings().View(), StateHold, AgentNotReady, bridge.ByDialpad, bridge.InvalidArgs,
		Records{{ID: "ia-1", Digits: "12#", Disposition: "done", Note: "n"}},
		&bridge.AssociatedObject{ID: "c-1", CustomFields: map[string]string{"a": "1"}}, (*bridge.AssociatedObject)(nil),
	} {
		jsontest.Same(t, x, jsonw.Append)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("Ada", "c-1", "k", "v", int64(5))
	f.Add("\x00\xff\u2028\"\\", "", "__proto__", "\n", int64(-1))
	f.Fuzz(func(t *testing.T, name, id, k, v string, n int64) {
		d := &InteractionData{InteractionID: id, Subject: name, Duration: n, AttachedData: map[string]string{k: v},
			AssociatedObjects: AssociatedObjects{List: []AssociatedObjectEntry{{AssociatedObject: bridge.AssociatedObject{ID: id, DisplayName: name, CustomFields: map[string]string{k: v}}}}}}
		jsontest.Same(t, d, jsonw.Append)
	})
}

// AppendParams writes what Params would, for every kind of event.
func TestAppendParams(t *testing.T) {
	id := "ia-1"
	d := &InteractionData{InteractionID: id, State: StateHold, CallParties: []CallParty{{ID: "p", Phone: "+1"}}}
	for _, e := range []Event{
		{Name: OnNewInteraction, Data: d},
		{Name: OnInteractionStateChange, Data: &InteractionData{}},
		{Name: OnActiveInteractionSwitch, ActiveID: &id},
		{Name: OnActiveInteractionSwitch},
		{Name: OnAgentStateChange, Args: []any{"not_ready", "Lunch \"break\""}},
		{Name: OnAgentStateChange, Args: []any{}},
		{Name: OnLogout},
	} {
		want := string(jsonw.Append(nil, e.Params()))
		if got := string(e.AppendParams([]byte("x"))); got != "x"+want {
			t.Errorf("%s: AppendParams = %s, want x%s", e, got, want)
		}
	}
}
