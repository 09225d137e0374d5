package bridge_test

import (
	"context"
	"testing"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

func BenchmarkNormalizePhone(b *testing.B) {
	v := jsval.String("+1 (415) 555-0123")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bridge.NormalizePhone(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCallWithObject(b *testing.B) {
	phone, obj := jsval.String("+1 (415) 555-0123"), bridge.Contact("customFields", map[string]any{"tier": "gold"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bridge.ParseCall(phone, obj); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlace(b *testing.B) {
	br, sp, _, _ := newTestDesktop()
	sp.Update(func(s *desk.Settings) { s.AnswerDelay = 0 })
	call, _ := bridge.ParseCall(jsval.String("+14155550123"), bridge.Contact())
	b.ReportAllocs()
	for b.Loop() {
		id, err := br.Place(context.Background(), call)
		if err != nil {
			b.Fatal(err)
		}
		sp.HangUp(id)
		sp.Complete(id)
	}
}
