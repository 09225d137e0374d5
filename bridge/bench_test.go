package bridge

import (
	"context"
	"testing"
)

func BenchmarkNormalizePhone(b *testing.B) {
	v := String("+1 (415) 555-0123")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NormalizePhone(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCallWithObject(b *testing.B) {
	phone, obj := String("+1 (415) 555-0123"), contact("customFields", map[string]any{"tier": "gold"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCall(phone, obj); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlace(b *testing.B) {
	br, sp, _, _ := newTestDesktop()
	sp.Update(func(s *Settings) { s.AnswerDelay = 0 })
	call, _ := ParseCall(String("+14155550123"), contact())
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
