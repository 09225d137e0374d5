package bridge

import (
	"strings"
	"sync"
	"time"
)

// DialPolicy is the desktop owner's toll-fraud guard (dialPolicy in
// adapi-config.json): prefixes matched against the normalised number, and
// a per-minute cap per origin. It applies to every placement, however the
// call was asked for: the API, the Dialpad, a Deferred Dial number dialled
// later. The zero DialPolicy allows everything.
type DialPolicy struct {
	Allow             []string `js:"allow" json:"allow,omitempty"`
	Deny              []string `js:"deny" json:"deny,omitempty"`
	MaxCallsPerMinute int      `js:"maxCallsPerMinute" json:"maxCallsPerMinute,omitempty"`
}

// policy is a DialPolicy ready to use: prefixes normalised, and the calls
// of the last minute per origin.
type policy struct {
	allow, deny []string
	max         int
	clock       Clock
	mu          sync.Mutex
	recent      map[string][]time.Time // origin → placements in the last minute, oldest first
}

func newPolicy(p DialPolicy, clock Clock) *policy {
	n := &policy{max: p.MaxCallsPerMinute, clock: clock, recent: map[string][]time.Time{}}
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
func (p *policy) check(c Call) error {
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
	r := p.recent[c.Origin]
	i := 0
	for i < len(r) && now.Sub(r[i]) >= time.Minute {
		i++
	}
	r = r[i:]
	if len(r) >= p.max {
		p.recent[c.Origin] = r
		return Errorf(NotEnoughPrivileges, "dial policy: more than %d calls a minute from %s", p.max, originName(c.Origin))
	}
	p.recent[c.Origin] = append(r, now)
	return nil
}
