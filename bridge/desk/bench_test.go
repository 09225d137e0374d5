package desk

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// benchStartCall is one startCall as the wasm glue drives it (wasm/
// desktop.go begin and emit): the loader's snapshots decoded and
// validated, the call placed on a healthy softphone, each event's JSON
// appended to the batch, the result string; then the call hung up and
// completed so the next one can be placed (their events encoded too).
func benchStartCall(b *testing.B, obj jsval.Value) {
	snap, err := json.Marshal([]any{jsval.String("+1 (415) 555-0123"), obj, nil})
	if err != nil {
		b.Fatal(err)
	}
	var batch []byte
	sp := NewSoftphone(bridge.NewFakeClock(epoch), func(e Event) {
		if e.Name == OnDesktopChange {
			return
		}
		batch = append(batch, `["`...)
		batch = append(batch, e.Name...)
		batch = append(batch, `",`...)
		batch = e.AppendParams(batch)
		batch = append(batch, ']')
	})
	sp.Update(func(s *Settings) { s.AnswerDelay = 0 })
	br := &bridge.Bridge{Desktop: sp, Clock: bridge.NewFakeClock(epoch)}
	b.ReportAllocs()
	for b.Loop() {
		batch = batch[:0]
		vs, err := jsval.DecodeSnapshots(snap)
		if err != nil || len(vs) < 3 {
			b.Fatal(err)
		}
		call, err := bridge.ParseCall(vs[0], vs[1])
		if err != nil {
			b.Fatal(err)
		}
		key, err := bridge.ParseIdempotencyKey(vs[2])
		if err != nil {
			b.Fatal(err)
		}
		id, err, wait := br.Start(context.Background(), key, call)
		if err != nil || wait != nil {
			b.Fatal(err, wait != nil)
		}
		if r := "s" + id; len(r) < 2 {
			b.Fatal(r)
		}
		sp.HangUp(id)
		sp.Complete(id)
	}
}

func BenchmarkStartCallWithObject(b *testing.B) {
	benchStartCall(b, contact("customFields", map[string]any{"tier": "gold"}))
}

func BenchmarkStartCallWithoutObject(b *testing.B) {
	benchStartCall(b, jsval.Undefined)
}
