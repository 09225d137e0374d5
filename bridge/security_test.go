package bridge

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

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

// lockedStore is a MemoryStore several documents (Bridges) share.
type lockedStore struct {
	mu sync.Mutex
	m  MemoryStore
}

func (s *lockedStore) Load(k string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.Load(k)
}
func (s *lockedStore) Save(k, v string) { s.mu.Lock(); defer s.mu.Unlock(); s.m.Save(k, v) }

// Finding 7: the rate limit and idempotency keys held per document, so a
// new frame or a reload started from zero. Documents sharing a Store
// (localStorage) share them.
func TestGuardsHoldAcrossDocuments(t *testing.T) {
	clock := NewFakeClock(epoch)
	store := &lockedStore{m: MemoryStore{}}
	doc := func() (*Bridge, *Softphone) {
		sp := NewSoftphone(clock, nil)
		sp.Update(func(s *Settings) { s.AnswerDelay = 0 }) // no timers but the ones counted below
		return &Bridge{Desktop: sp, Clock: clock, Store: store, Policy: DialPolicy{MaxCallsPerMinute: 3}}, sp
	}
	const crm = "https://crm.example"
	a, spA := doc()
	for i := 0; i < 3; i++ {
		if _, err := a.StartCall(context.Background(), crm, String("100"), Undefined); err != nil {
			t.Fatal(err)
		}
	}
	b, spB := doc() // a second frame, or the first reloaded
	if _, err := b.StartCall(context.Background(), crm, String("100"), Undefined); code(err) != NotEnoughPrivileges {
		t.Fatalf("4th call in a minute from a new document: %v", err)
	}
	if _, err := b.StartCall(context.Background(), "https://other.example", String("100"), Undefined); err != nil {
		t.Fatalf("another origin: %v", err)
	}
	clock.Advance(time.Minute)
	// An idempotency key answered in one document is answered in the
	// next, which dials nothing.
	id, err := a.PlaceOnce(context.Background(), "k1", Call{PhoneNumber: "101", Origin: crm})
	if err != nil {
		t.Fatal(err)
	}
	c, spC := doc()
	if id2, err := c.PlaceOnce(context.Background(), "k1", Call{PhoneNumber: "101", Origin: crm}); err != nil || id2 != id {
		t.Fatalf("repeat in another document: %q %v, want %q", id2, err, id)
	}
	if len(spC.Interactions()) != 0 {
		t.Fatal("the repeat dialled")
	}
	// Another origin's key of the same name is its own.
	if id3, err := c.PlaceOnce(context.Background(), "k1", Call{PhoneNumber: "101", Origin: "https://other.example"}); err != nil || id3 == id {
		t.Fatalf("%q %v", id3, err)
	}
	// A first call still dialling in one document: the repeat in another
	// waits for its answer.
	spA.Update(func(s *Settings) { s.Phone = PhoneSlow; s.SlowDialDelay = time.Second })
	first := make(chan string, 1)
	go func() {
		id, _ := a.PlaceOnce(context.Background(), "k2", Call{PhoneNumber: "102", Origin: crm})
		first <- id
	}()
	clock.WaitTimers(2)
	second := make(chan string, 1)
	go func() {
		id, err := b.PlaceOnce(context.Background(), "k2", Call{PhoneNumber: "102", Origin: crm})
		if err != nil {
			id = err.Error()
		}
		second <- id
	}()
	clock.WaitTimers(3)
	clock.Advance(2 * time.Second)
	id1 := <-first
	var id2 string
	for i := 0; id2 == ""; i++ {
		select {
		case id2 = <-second:
		default:
			if i > 10000 {
				t.Fatal("the repeat never answered")
			}
			clock.Advance(sharedPoll) // its next look at the store
			runtime.Gosched()
		}
	}
	if id1 == "" || id2 != id1 {
		t.Fatalf("first %q, repeat %q", id1, id2)
	}
	n := 0
	for _, sp := range []*Softphone{spA, spB} {
		for _, ia := range sp.Interactions() {
			if ia.PhoneNumber == "102" {
				n++
			}
		}
	}
	if n != 1 {
		t.Fatalf("dialled %d times", n)
	}
}
