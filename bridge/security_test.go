package bridge_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/desk"
	"github.com/adapi-go/adapi-go/bridge/jsval"
	"github.com/adapi-go/adapi-go/internal/testwait"
)

// lockedStore is a MemoryStore several documents (Bridges) share.
type lockedStore struct {
	mu sync.Mutex
	m  bridge.MemoryStore
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
	clock := bridge.NewFakeClock(epoch)
	store := &lockedStore{m: bridge.MemoryStore{}}
	doc := func() (*bridge.Bridge, *desk.Softphone) {
		sp := desk.NewSoftphone(clock, nil)
		sp.Update(func(s *desk.Settings) { s.AnswerDelay = 0 }) // no timers but the ones counted below
		return &bridge.Bridge{Desktop: sp, Clock: clock, Store: store, Policy: bridge.DialPolicy{MaxCallsPerMinute: 3}}, sp
	}
	const crm = "https://crm.example"
	a, spA := doc()
	for i := 0; i < 3; i++ {
		if _, err := a.StartCall(context.Background(), crm, jsval.String("100"), jsval.Undefined); err != nil {
			t.Fatal(err)
		}
	}
	b, spB := doc() // a second frame, or the first reloaded
	if _, err := b.StartCall(context.Background(), crm, jsval.String("100"), jsval.Undefined); code(err) != bridge.NotEnoughPrivileges {
		t.Fatalf("4th call in a minute from a new document: %v", err)
	}
	if _, err := b.StartCall(context.Background(), "https://other.example", jsval.String("100"), jsval.Undefined); err != nil {
		t.Fatalf("another origin: %v", err)
	}
	clock.Advance(time.Minute)
	// An idempotency key answered in one document is answered in the
	// next, which dials nothing.
	id, err := a.PlaceOnce(context.Background(), "k1", bridge.Call{PhoneNumber: "101", Origin: crm})
	if err != nil {
		t.Fatal(err)
	}
	c, spC := doc()
	if id2, err := c.PlaceOnce(context.Background(), "k1", bridge.Call{PhoneNumber: "101", Origin: crm}); err != nil || id2 != id {
		t.Fatalf("repeat in another document: %q %v, want %q", id2, err, id)
	}
	if len(spC.Interactions()) != 0 {
		t.Fatal("the repeat dialled")
	}
	// Another origin's key of the same name is its own.
	if id3, err := c.PlaceOnce(context.Background(), "k1", bridge.Call{PhoneNumber: "101", Origin: "https://other.example"}); err != nil || id3 == id {
		t.Fatalf("%q %v", id3, err)
	}
	// A first call still dialling in one document: the repeat in another
	// waits for its answer.
	spA.Update(func(s *desk.Settings) { s.Phone = desk.PhoneSlow; s.SlowDialDelay = time.Second })
	first := make(chan string, 1)
	go func() {
		id, _ := a.PlaceOnce(context.Background(), "k2", bridge.Call{PhoneNumber: "102", Origin: crm})
		first <- id
	}()
	clock.WaitTimers(2)
	second := make(chan string, 1)
	go func() {
		id, err := b.PlaceOnce(context.Background(), "k2", bridge.Call{PhoneNumber: "102", Origin: crm})
		if err != nil {
			id = err.Error()
		}
		second <- id
	}()
	clock.WaitTimers(3)
	clock.Advance(2 * time.Second)
	id1 := <-first
	// The first has answered; the repeat sees it at its next look at the
	// store: at once if it was running, or when its timer fires. The clock
	// moves only once that timer is set (its only timer now): moved while
	// the repeat runs, between a look that found the key pending and its
	// check of the time, it could pass the repeat's end.
	armed := make(chan struct{})
	go func() { clock.WaitTimers(1); close(armed) }()
	var id2 string
	select {
	case id2 = <-second:
	case <-armed:
		clock.Advance(bridge.SharedPoll)
		id2 = testwait.Recv(t, second)
	}
	clock.AfterFunc(time.Hour, func() {}) // lets the waiter above return
	<-armed
	if id1 == "" || id2 != id1 {
		t.Fatalf("first %q, repeat %q", id1, id2)
	}
	n := 0
	for _, sp := range []*desk.Softphone{spA, spB} {
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
