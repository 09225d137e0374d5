package bridge

import (
	"encoding/json"
	"reflect"
	"testing"
)

// sameJSON checks that AppendJSON(x) decodes to what json.Marshal(x) does.
func sameJSON(t testing.TB, x any) {
	t.Helper()
	want, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	got := AppendJSON(nil, x)
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("AppendJSON(%#v) = %s: %v", x, got, err)
	}
	json.Unmarshal(want, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("AppendJSON(%#v)\n got %s\nwant %s", x, got, want)
	}
}

func TestAppendJSON(t *testing.T) {
	sel := "c-1"
	id := "ia-1"
	d := &InteractionData{
		InteractionID: "ia-1", State: StateDelivered, Type: "voice", Subject: "Call to +1",
		AssociatedObjects: AssociatedObjects{List: []AssociatedObjectEntry{{AssociatedObject: AssociatedObject{
			ID: "c-1", Type: "contact", DisplayName: "<img src=x onerror=alert(1)> \u2028 \"q\" \x01 \xff", DisplayType: "Contact",
			CustomFields: map[string]string{"__proto__": "x", "b": "2", "a": "1"}}, Source: "integration-api"}}, Selected: []string{sel}},
		CallParties:  []CallParty{{ID: "p", Name: "Ada", Phone: "+1"}, {ID: "q", Name: "B", Phone: "2", UserID: "u"}},
		AttachedData: map[string]string{}, PhoneNumber: "+1", CallDirection: "outbound", Origination: ByAPI,
		StartTime: 1764064800000, EndTime: 1764064810000, Duration: 10000,
	}
	for _, x := range []any{
		nil, "", "héllo \\ \n \t \u2029 😀", true, 3, int64(-7), 1.5, 1e21, 1e-7, 0.0, 123456789.0,
		[]any{"a", nil, 2.0, map[string]any{"z": 1.0, "a": []any{}}}, []string{"x", "y"},
		map[string]string(nil), (*string)(nil), &id,
		d, *d, []InteractionData{*d, {}}, &InteractionData{}, (*InteractionData)(nil),
		ResultOf("ia-1", nil), ResultOf("", nil), ResultOf("", ErrTimeout), ResultOf("", Errorf(InvalidArgs, "x: \"y\"")),
		DefaultSettings().View(),
	} {
		sameJSON(t, x)
	}
	v := ValueOf(map[string]any{"a": []any{1.0, "x", nil, true}, "n": map[string]any{}})
	sameJSON(t, v.Any())
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("Ada", "c-1", "k", "v", int64(5))
	f.Add("\x00\xff\u2028\"\\", "", "__proto__", "\n", int64(-1))
	f.Fuzz(func(t *testing.T, name, id, k, v string, n int64) {
		d := &InteractionData{InteractionID: id, Subject: name, Duration: n, AttachedData: map[string]string{k: v},
			AssociatedObjects: AssociatedObjects{List: []AssociatedObjectEntry{{AssociatedObject: AssociatedObject{ID: id, DisplayName: name, CustomFields: map[string]string{k: v}}}}}}
		sameJSON(t, d)
	})
}
