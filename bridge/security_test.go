package bridge

import (
	"fmt"
	"testing"
	"time"
)

// Finding 3: messages from origins that are not allowed change nothing,
// and an allowed origin's peers are never pushed out by another origin's
// windows.
func TestDesktopEndWhoMayChangeState(t *testing.T) {
	b, _, _, _ := newTestDesktop()
	w := &wire{}
	const crm, other = "https://crm.example", "https://other.example"
	d := NewDesktopEnd(b, []string{crm, other}, w.sendTo)
	var notes []string
	d.Note = func(_ bool, s string) { notes = append(notes, s) }
	hi := decodeJSON(t, `{"uid":"h","type":"hi","params":["k"]}`)
	d.Receive(crm, 1, hi)
	notes = nil
	// A flood from windows of an origin that is not allowed: hi, calls,
	// junk. No peer, no log line.
	for i := 0; i < 1000; i++ {
		d.Receive("https://evil.example", PeerID(100+i), hi)
		d.Receive("https://evil.example", PeerID(100+i), decodeJSON(t, fmt.Sprintf(`{"uid":"u%d","type":"START_CALL","params":["100"]}`, i)))
		d.Receive("null", PeerID(100+i), hi)
	}
	if got := d.Peers(); len(got) != 1 || got[0] != crm {
		t.Fatalf("peers %v", got)
	}
	if len(notes) != 0 {
		t.Fatalf("a refused origin wrote %d log lines, e.g. %q", len(notes), notes[0])
	}
	// Many windows of another allowed origin: its own oldest go, never
	// the CRM's window.
	for i := 0; i < 100; i++ {
		d.Receive(other, PeerID(2000+i), hi)
	}
	peers := d.Peers()
	n := 0
	for _, o := range peers {
		if o == other {
			n++
		}
	}
	if peers[0] != crm || n != maxPeers {
		t.Fatalf("peers %v", peers)
	}
	// The CRM's window still gets its calls served and events.
	before := len(w.all())
	d.Receive(crm, 1, decodeJSON(t, `{"uid":"c1","type":"START_CALL","params":["100"]}`))
	got := w.all()[before:]
	if len(got) != 1 || got[0].Params.(OperationResult).Status != "success" {
		t.Fatalf("the CRM's call: %+v", got)
	}
}

// Finding 8: a key whose first call waited past the window was kept
// forever (dropped from the order list, not from the map): the key kept
// its old id, and the map grew without bound.
func TestIdempotencyKeyPendingPastTheWindowIsForgotten(t *testing.T) {
	clock := NewFakeClock(epoch)
	d := newDedup(clock)
	e, first := d.claim("k")
	if !first {
		t.Fatal("not first")
	}
	clock.Advance(IdempotencyWindow + time.Second)
	d.finish("k", e, "old-id", nil) // the first call answers, late
	clock.Advance(time.Hour)
	if e2, first := d.claim("k"); !first || e2 == e {
		t.Fatalf("an hour later the key still answers %q", e2.id)
	}
	// Many keys whose calls never finish: the map does not grow past what
	// the window holds.
	for i := 0; i < 5000; i++ {
		d.claim(fmt.Sprint("p", i))
		clock.Advance(time.Second)
	}
	d.mu.Lock()
	n, o := len(d.entries), len(d.order)
	d.mu.Unlock()
	if n > 61 || o > 2*n+64 {
		t.Fatalf("%d keys held, %d in order", n, o)
	}
	// Keys released by failed calls do not pile up either.
	for i := 0; i < 5000; i++ {
		e, _ := d.claim("fails")
		d.finish("fails", e, "", Errorf(NotSuitableState, "no"))
	}
	d.mu.Lock()
	n, o = len(d.entries), len(d.order)
	d.mu.Unlock()
	if o > 2*n+70 {
		t.Fatalf("%d keys held, %d in order", n, o)
	}
}
