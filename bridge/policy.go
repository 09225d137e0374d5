package bridge

import (
	"strings"
	"sync"
	"time"
)

// DialPolicy is the desktop owner's toll-fraud guard (dialPolicy in
// adapi-config.json): prefixes matched against the canonical number (see
// DialPlan), and a per-minute cap per origin. It applies to every
// placement, however the call was asked for: the API, the Dialpad, a
// Deferred Dial number dialled later. With a policy set, a number that
// cannot be made canonical is refused, unless AllowServiceCodes. The zero
// DialPolicy allows everything.
type DialPolicy struct {
	Allow             []string `js:"allow" json:"allow,omitempty"`
	Deny              []string `js:"deny" json:"deny,omitempty"`
	MaxCallsPerMinute int      `js:"maxCallsPerMinute" json:"maxCallsPerMinute,omitempty"`
	AllowServiceCodes bool     `js:"allowServiceCodes" json:"allowServiceCodes,omitempty"`
}

// IsSet reports whether p restricts anything.
func (p DialPolicy) IsSet() bool {
	return len(p.Allow) > 0 || len(p.Deny) > 0 || p.MaxCallsPerMinute > 0
}

// policy is a DialPolicy ready to use: prefixes normalised, and the calls
// of the last minute per origin.
type policy struct {
	set         bool
	services    bool // allowServiceCodes
	allow, deny []string
	max         int
	clock       Clock
	store       Store // nil: this document's memory only
	mu          sync.Mutex
	recent      map[string][]time.Time // origin → placements in the last minute, oldest first
}

func newPolicy(p DialPolicy, clock Clock, store Store) *policy {
	n := &policy{store: store, set: p.IsSet(), services: p.AllowServiceCodes, max: p.MaxCallsPerMinute, clock: clock, recent: map[string][]time.Time{}}
	n.allow = prefixes(p.Allow)
	n.deny = prefixes(p.Deny)
	return n
}

// prefixes normalises the configured prefixes as numbers are normalised,
// so that "+1 (900)" in the config and "+1.900…" dialled are one prefix.
// A prefix that is not a number prefix at all is kept as written.
func prefixes(in []string) []string {
	out := make([]string, 0, len(in))
	for _, p := range in {
		if n, err := NormalizePhoneString(p); err == nil {
			p = n
		} else if p = strings.TrimSpace(p); p == "" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// origin names who asked, for messages and the rate limit.
func originName(o string) string {
	if o == "" {
		return "the desktop page"
	}
	return o
}

// check refuses c if the policy forbids it, and counts it if not.
// c.PhoneNumber is canonical, or c.notCanonical says why it is not.
func (p *policy) check(c Call) error {
	if p.set && c.notCanonical != "" && !p.services {
		return Errorf(NotEnoughPrivileges, "dial policy: %s cannot be checked against the policy: %s; such numbers are refused (dialPolicy.allowServiceCodes allows them)", c.PhoneNumber, c.notCanonical)
	}
	for _, d := range p.deny {
		if strings.HasPrefix(c.PhoneNumber, d) {
			return Errorf(NotEnoughPrivileges, "dial policy: %s matches the denied prefix %s", c.PhoneNumber, d)
		}
	}
	if len(p.allow) > 0 {
		ok := false
		for _, a := range p.allow {
			ok = ok || strings.HasPrefix(c.PhoneNumber, a)
		}
		if !ok {
			return Errorf(NotEnoughPrivileges, "dial policy: %s is not under an allowed prefix (%s)", c.PhoneNumber, strings.Join(p.allow, ", "))
		}
	}
	if p.max <= 0 {
		return nil
	}
	now := p.clock.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	refused := Errorf(NotEnoughPrivileges, "dial policy: more than %d calls a minute from %s", p.max, originName(c.Origin))
	if p.store != nil {
		// Counted where every document of the desktop's origin counts
		// (its frames, its reloads): a new frame starts from the same
		// count, not from zero.
		if v, ok := p.store.Load(storeRate + c.Origin); ok {
			ts := loadTimes(v, now.Add(-time.Minute).UnixMilli())
			if len(ts) >= p.max {
				p.store.Save(storeRate+c.Origin, saveTimes(ts))
				return refused
			}
			p.store.Save(storeRate+c.Origin, saveTimes(append(ts, now.UnixMilli())))
			return nil
		}
	}
	r := p.recent[c.Origin]
	i := 0
	for i < len(r) && now.Sub(r[i]) >= time.Minute {
		i++
	}
	r = r[i:]
	if len(r) >= p.max {
		p.recent[c.Origin] = r
		return refused
	}
	p.recent[c.Origin] = append(r, now)
	return nil
}
