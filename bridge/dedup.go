package bridge

import (
	"sync"
	"time"

	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Idempotency keys (beyond Bright Pattern's API, opt-in): startCall(phone,
// obj, {idempotencyKey}) repeated with the same key within the window
// returns the first call's result and dials nothing. Keys are per origin,
// so one page can neither see nor spoil another's.
const (
	IdempotencyWindow       = 60 * time.Second
	MaxIdempotencyKeyLength = 256
	maxIdempotencyKeys      = 10000 // the oldest are forgotten first
)

// ParseIdempotencyKey validates options.idempotencyKey; missing is "".
func ParseIdempotencyKey(v jsval.Value) (string, error) {
	const path = "options.idempotencyKey"
	switch {
	case v.Missing():
		return "", nil
	case v.Type == jsval.TypeError:
		return "", Errorf(InvalidArgs, "%s: could not be read: %s", path, v.Str)
	case v.Type != jsval.TypeString:
		return "", Errorf(InvalidArgs, "%s: want string, got %s", path, TypeName(v))
	case v.Str == "":
		return "", Errorf(InvalidArgs, "%s: must not be empty", path)
	case v.Len > MaxIdempotencyKeyLength:
		return "", Errorf(InvalidArgs, "%s: too long (%d characters, at most %d)", path, v.Len, MaxIdempotencyKeyLength)
	}
	return v.Str, nil
}

type dedup struct {
	clock   Clock
	limit   int // keys held at most
	mu      sync.Mutex
	entries map[string]*dupEntry
	order   []*dupEntry // oldest first; an entry no longer in entries is dead
}

type dupEntry struct {
	key  string
	at   time.Time
	done chan struct{} // closed when the first call has its result
	id   string
	err  error
}

func newDedup(clock Clock) *dedup {
	return &dedup{clock: clock, limit: maxIdempotencyKeys, entries: map[string]*dupEntry{}}
}

// claim returns the entry for key and whether this caller is the first.
func (d *dedup) claim(key string) (*dupEntry, bool) {
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	// Forget what is past the window, finished or not (a first call still
	// waiting keeps its own entry and its waiters, but the key is free:
	// the window is counted from the first call), and the oldest beyond
	// the cap.
	i := 0
	for ; i < len(d.order); i++ {
		e := d.order[i]
		live := d.entries[e.key] == e
		if live && now.Sub(e.at) < IdempotencyWindow && len(d.entries) <= d.limit {
			break
		}
		if live {
			delete(d.entries, e.key)
		}
		d.order[i] = nil
	}
	d.order = d.order[i:]
	if e, ok := d.entries[key]; ok {
		return e, false
	}
	e := &dupEntry{key: key, at: now, done: make(chan struct{})}
	d.entries[key] = e
	d.order = append(d.order, e)
	// Keys released by failed calls leave dead entries behind: drop them
	// when they outnumber the live ones, so the list stays bounded by the
	// keys held.
	if len(d.order) > 2*len(d.entries)+64 {
		live := d.order[:0]
		for _, x := range d.order {
			if d.entries[x.key] == x {
				live = append(live, x)
			}
		}
		clear(d.order[len(live):])
		d.order = live
	}
	return e, true
}

// finish records the first call's result. A failed call releases its key:
// it dialled nothing, so a retry with the same key may dial.
func (d *dedup) finish(key string, e *dupEntry, id string, err error) {
	d.mu.Lock()
	e.id, e.err = id, err
	if err != nil && d.entries[key] == e {
		delete(d.entries, key)
	}
	d.mu.Unlock()
	close(e.done)
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
