package bridge

import (
	"strconv"
	"time"

	"github.com/adapi-go/adapi-go/bridge/jsonw"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

// Store is where the per-origin guards (the rate limit, idempotency keys)
// keep what they remember so that every document of the desktop's origin
// sees it: its frames in several CRM tabs, and its reloads (localStorage
// in the browser, which Chromium partitions per top-level site: frames
// under one CRM site share it). Load's ok is false when the store cannot
// be used (storage blocked, quota): the guards then count in this
// document's memory only. Saving "" removes the item.
type Store interface {
	Load(key string) (value string, ok bool)
	Save(key, value string)
}

// MemoryStore is a Store in memory (tests; a desktop without storage).
type MemoryStore map[string]string

func (m MemoryStore) Load(key string) (string, bool) { return m[key], true }
func (m MemoryStore) Save(key, value string) {
	if value == "" {
		delete(m, key)
	} else {
		m[key] = value
	}
}

const (
	storeRate = "adapi.rate " // + origin: JSON [ms, …] of the last minute's calls
	storeKeys = "adapi.keys " // + origin: JSON [[key, ms, id or null (pending)], …]
	// maxStoredKeys bounds one origin's idempotency keys in the store.
	maxStoredKeys = 1000
)

// loadTimes reads a JSON array of epoch ms, dropping those before since.
func loadTimes(s string, since int64) []int64 {
	v, err := jsval.ParseJSON([]byte(s))
	if err != nil || v.Type != jsval.TypeArray {
		return nil
	}
	var out []int64
	for _, e := range v.Vals {
		if n, err := strconv.ParseInt(e.Str, 10, 64); err == nil && n > since {
			out = append(out, n)
		}
	}
	return out
}

func saveTimes(ts []int64) string {
	b := []byte{'['}
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, t, 10)
	}
	return string(append(b, ']'))
}

// storedKey is one idempotency key another document (or this one) holds.
type storedKey struct {
	key     string
	at      int64
	id      string
	pending bool
}

func loadKeys(s string, since int64) []storedKey {
	v, err := jsval.ParseJSON([]byte(s))
	if err != nil || v.Type != jsval.TypeArray {
		return nil
	}
	var out []storedKey
	for _, e := range v.Vals {
		if e.Type != jsval.TypeArray || len(e.Vals) != 3 || e.Vals[0].Type != jsval.TypeString {
			continue
		}
		at, err := strconv.ParseInt(e.Vals[1].Str, 10, 64)
		if err != nil || at <= since {
			continue
		}
		out = append(out, storedKey{key: e.Vals[0].Str, at: at, id: e.Vals[2].Str, pending: e.Vals[2].Type != jsval.TypeString})
	}
	if len(out) > maxStoredKeys {
		out = out[len(out)-maxStoredKeys:]
	}
	return out
}

func saveKeys(ks []storedKey) string {
	if len(ks) == 0 {
		return ""
	}
	b := []byte{'['}
	for i, k := range ks {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = jsonw.String(b, k.key)
		b = append(b, ',')
		b = strconv.AppendInt(b, k.at, 10)
		b = append(b, ',')
		if k.pending {
			b = append(b, "null"...)
		} else {
			b = jsonw.String(b, k.id)
		}
		b = append(b, ']')
	}
	return string(append(b, ']'))
}

// sharedKeys is the idempotency keys' view of the Store.
type sharedKeys struct {
	store Store
	clock Clock
}

// lookup returns origin's entry for key within the window, if any.
func (s sharedKeys) lookup(origin, key string) (storedKey, bool) {
	v, ok := s.store.Load(storeKeys + origin)
	if !ok {
		return storedKey{}, false
	}
	since := s.clock.Now().Add(-IdempotencyWindow).UnixMilli()
	for _, k := range loadKeys(v, since) {
		if k.key == key {
			return k, true
		}
	}
	return storedKey{}, false
}

// set records key as pending (id "" and pending) or answered; remove
// drops it (a failed call releases its key).
func (s sharedKeys) set(origin, key string, at time.Time, id string, pending, remove bool) {
	v, ok := s.store.Load(storeKeys + origin)
	if !ok {
		return
	}
	since := s.clock.Now().Add(-IdempotencyWindow).UnixMilli()
	ks := loadKeys(v, since)
	out := ks[:0]
	for _, k := range ks {
		if k.key != key {
			out = append(out, k)
		}
	}
	if !remove {
		out = append(out, storedKey{key: key, at: at.UnixMilli(), id: id, pending: pending})
	}
	if len(out) > maxStoredKeys {
		out = out[len(out)-maxStoredKeys:]
	}
	s.store.Save(storeKeys+origin, saveKeys(out))
}
