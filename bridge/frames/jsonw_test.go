package frames

import (
	"testing"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/internal/jsontest"
)

// TestAppendJSON: envelopes, written by jsonw.Append through their
// AppendJSON method.
func TestAppendJSON(t *testing.T) {
	sel := "c-1"
	d := &desk.InteractionData{
		InteractionID: "ia-1", State: desk.StateDelivered, Type: "voice", Subject: "Call to +1",
		AssociatedObjects: desk.AssociatedObjects{List: []desk.AssociatedObjectEntry{{AssociatedObject: bridge.AssociatedObject{
			ID: "c-1", Type: "contact", DisplayName: "<img src=x onerror=alert(1)> \u2028 \"q\" \x01 \xff", DisplayType: "Contact",
			CustomFields: map[string]string{"__proto__": "x", "b": "2", "a": "1"}}, Source: "integration-api"}}, Selected: []string{sel}},
		CallParties:  []desk.CallParty{{ID: "p", Name: "Ada", Phone: "+1"}, {ID: "q", Name: "B", Phone: "2", UserID: "u"}},
		AttachedData: map[string]string{}, PhoneNumber: "+1", CallDirection: "outbound", Origination: bridge.ByAPI,
		StartTime: 1764064800000, EndTime: 1764064810000, Duration: 10000,
	}
	for _, x := range []any{
		OutMessage{UID: "u", Type: MsgStartCallResponse, Params: bridge.ResultOf("ia-1", nil)},
		OutMessage{Type: MsgHello, Params: []any{map[string]any{"placementTimeoutMs": int64(5000)}}},
		OutMessage{UID: "u", Type: desk.OnNewInteraction, Params: []any{d}},
		OutMessage{UID: "u", Type: MsgStartCall, Params: []any{"+1", &bridge.AssociatedObject{ID: "c", Type: "t"}, map[string]any{"idempotencyKey": "k"}}},
		OutMessage{UID: "u", Type: MsgStartCall, Params: []any{"+1", nil}},
	} {
		jsontest.Same(t, x, jsonw.Append)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("Ada", "c-1", "k", "v", int64(5))
	f.Add("\x00\xff\u2028\"\\", "", "__proto__", "\n", int64(-1))
	f.Fuzz(func(t *testing.T, name, id, k, v string, n int64) {
		jsontest.Same(t, OutMessage{UID: id, Type: name, Params: []any{name, float64(n), map[string]any{k: v}}}, jsonw.Append)
	})
}
