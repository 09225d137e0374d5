// Package dialplan makes phone numbers canonical (E.164) the way people
// write them in the desktop owner's country, and formats them for reading.
package dialplan

import (
	"fmt"
	"sort"
	"strings"
)

// Plan is adapi-config.json's dialPlan: how numbers written the way
// people write them in the desktop's country become canonical (E.164),
// so that the dial policy sees one number however it was written
// (SPEC.md, "dialPlan"). The zero Plan knows no country: only '+'
// numbers and extensions are canonical then.
type Plan struct {
	// Country is an ISO 3166 code from the table below ("US", "GB", …).
	Country string `js:"country" json:"country,omitempty"`
	// ExtensionDigits: numbers of at most this many digits are internal
	// extensions, dialled and matched as written (0: DefaultExtensionDigits).
	ExtensionDigits int `js:"extensionDigits" json:"extensionDigits,omitempty"`
}

// MaxE164Digits is the most digits an international number has (E.164),
// after its '+'.
const MaxE164Digits = 15

// Extension lengths a dial plan may name: more would swallow national
// numbers (a policy could no longer see them).
const (
	DefaultExtensionDigits = 6
	MaxExtensionDigits     = 8
)

// country is what a dial plan needs of a country: facts from
// libphonenumber's metadata (PhoneNumberMetadata.xml: countryCode,
// internationalPrefix, nationalPrefix, the national numbers' possible
// lengths), written out for the countries below rather than linking the
// library (2.8 MB).
type country struct {
	code  string   // country calling code, digits
	intl  []string // international call prefixes (00, 011, …)
	trunk string   // national (trunk) prefix, "" when a country has none
	min   int      // national significant number length, at least
	max   int      // and at most
	nanp  bool     // North American Numbering Plan: the area code starts with 2-9
}

var countries = map[string]country{
	"US": {code: "1", intl: []string{"011"}, trunk: "1", min: 10, max: 10, nanp: true},
	"CA": {code: "1", intl: []string{"011"}, trunk: "1", min: 10, max: 10, nanp: true},
	"GB": {code: "44", intl: []string{"00"}, trunk: "0", min: 7, max: 10},
	"IE": {code: "353", intl: []string{"00"}, trunk: "0", min: 7, max: 10},
	"DE": {code: "49", intl: []string{"00"}, trunk: "0", min: 4, max: 13},
	"AT": {code: "43", intl: []string{"00"}, trunk: "0", min: 4, max: 13},
	"CH": {code: "41", intl: []string{"00"}, trunk: "0", min: 9, max: 12},
	"FR": {code: "33", intl: []string{"00"}, trunk: "0", min: 9, max: 9},
	"BE": {code: "32", intl: []string{"00"}, trunk: "0", min: 8, max: 9},
	"NL": {code: "31", intl: []string{"00"}, trunk: "0", min: 8, max: 11},
	"SE": {code: "46", intl: []string{"00"}, trunk: "0", min: 6, max: 12},
	"IT": {code: "39", intl: []string{"00"}, trunk: "", min: 6, max: 12}, // the leading 0 of a landline is part of the number
	"ES": {code: "34", intl: []string{"00"}, trunk: "", min: 9, max: 9},
	"PL": {code: "48", intl: []string{"00"}, trunk: "", min: 9, max: 9},
	"AU": {code: "61", intl: []string{"0011", "0014", "0015", "0016", "0018", "0019"}, trunk: "0", min: 9, max: 9},
	"NZ": {code: "64", intl: []string{"00", "0161"}, trunk: "0", min: 8, max: 10},
	"JP": {code: "81", intl: []string{"010"}, trunk: "0", min: 9, max: 10},
	"IN": {code: "91", intl: []string{"00"}, trunk: "0", min: 10, max: 10},
}

// HasCountry says whether a dial plan may name country.
func HasCountry(country string) bool {
	_, ok := countries[country]
	return ok
}

// Countries lists the countries a dial plan may name.
func Countries() []string {
	out := make([]string, 0, len(countries))
	for c := range countries {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Validate checks the plan as the desktop owner wrote it.
func (p Plan) Validate() error {
	if _, ok := countries[p.Country]; p.Country != "" && !ok {
		return fmt.Errorf("dialPlan.country: %q is not one of %s", p.Country, strings.Join(Countries(), ", "))
	}
	if p.ExtensionDigits < 0 || p.ExtensionDigits > MaxExtensionDigits {
		return fmt.Errorf("dialPlan.extensionDigits: want 1 to %d, got %d", MaxExtensionDigits, p.ExtensionDigits)
	}
	return nil
}

func (p Plan) extensionDigits() int {
	if p.ExtensionDigits <= 0 {
		return DefaultExtensionDigits
	}
	return p.ExtensionDigits
}

// Canonical makes a normalised number (NormalizePhone's result)
// canonical: a '+' number (E.164) as it is; at most ExtensionDigits digits,
// an internal extension, as written; with a country, its international
// prefix becomes '+' and a national number gets the country code. A
// number it cannot make canonical (service codes such as *67 or #31#, a
// national number without a country, a local number without its area
// code) comes back as it was, with why it is not canonical (why != "").
// A number that can only be a mistake ("+0…") is an error naming
// phoneNumber (the bridge answers it as invalid_args).
func (p Plan) Canonical(n string) (canonical, why string, err error) {
	if rest, ok := strings.CutPrefix(n, "+"); ok {
		return p.international(n, rest)
	}
	if strings.ContainsAny(n, "*#") {
		return n, "it has a service code (* or #)", nil
	}
	if len(n) <= p.extensionDigits() {
		return n, "", nil // an extension
	}
	c, ok := countries[p.Country]
	if !ok {
		return n, "a national number needs a dialPlan.country", nil
	}
	for _, ip := range c.intl {
		if rest, ok := strings.CutPrefix(n, ip); ok {
			return p.international(n, rest)
		}
	}
	nsn := n
	if c.trunk != "" {
		var trunk bool
		nsn, trunk = strings.CutPrefix(n, c.trunk)
		if !trunk && !c.nanp {
			return n, "a local number without its area code (dialPlan " + p.Country + ")", nil
		}
	}
	switch {
	case len(nsn) < c.min || len(nsn) > c.max:
		return n, "not a national number of " + p.Country + " (dialPlan)", nil
	case c.nanp && (nsn[0] < '2' || nsn[0] > '9'):
		return n, "not a national number of " + p.Country + " (dialPlan)", nil
	case c.trunk != "" && nsn[0] == '0':
		return n, "not a national number of " + p.Country + " (dialPlan)", nil
	case len(c.code)+len(nsn) > MaxE164Digits:
		return n, "too long for E.164", nil
	}
	return "+" + c.code + nsn, "", nil
}

// international checks a number written with '+' or an international
// prefix: digits after it are the country code and the number.
func (p Plan) international(n, digits string) (string, string, error) {
	switch {
	case digits == "":
		return "", "", fmt.Errorf("phoneNumber: no digits after the international prefix")
	case strings.ContainsAny(digits, "*#"):
		return n, "it has a service code (* or #)", nil
	case digits[0] == '0':
		return "", "", fmt.Errorf("phoneNumber: %s: no country code starts with 0", n)
	case len(digits) > MaxE164Digits:
		return "", "", fmt.Errorf("phoneNumber: %s: an international number has at most %d digits (E.164), got %d", n, MaxE164Digits, len(digits))
	}
	return "+" + digits, "", nil
}
