package frames

import (
	"encoding/json"
	"testing"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

func BenchmarkDecodeMessage(b *testing.B) {
	raw := []byte(`{"uid":"a1b2c3","type":"START_CALL","params":["+1 (415) 555-0123",{"id":"c-1","type":"contact","displayName":"Ada","displayType":"Contact","customFields":{"tier":"gold"}}]}`)
	b.ReportAllocs()
	for b.Loop() {
		var x any
		if err := json.Unmarshal(raw, &x); err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeMessage(jsval.ValueOf(x)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResponse(b *testing.B) {
	m := OutMessage{UID: "a1b2c3", Type: MsgStartCallResponse, Params: bridge.ResultOf("ia-1", nil)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}
