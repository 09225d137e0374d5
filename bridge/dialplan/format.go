package dialplan

import "strings"

// Format writes a canonical number (as NormalizePhone makes it) for
// a person to read: a number in the dial plan's country (ISO 3166 code,
// "US", "GB", …) in that country's national form, any other E.164 number
// as +<country code> and groups of digits. Extensions and service codes
// are shown as they are. Only for display: data keeps the canonical form.
func Format(number, country string) string {
	if !strings.HasPrefix(number, "+") || len(number) < 8 || strings.ContainsAny(number, "*#") {
		return number
	}
	digits := number[1:]
	cc := callingCode(digits)
	rest := digits[len(cc):]
	if cc == "1" && len(rest) == 10 { // the North American plan: (415) 555-0123
		national := "(" + rest[:3] + ") " + rest[3:6] + "-" + rest[6:]
		if nanp[strings.ToUpper(country)] {
			return national
		}
		return "+1 " + rest[:3] + "-" + rest[3:6] + "-" + rest[6:]
	}
	if home, ok := trunkPrefix[strings.ToUpper(country)]; ok && home.cc == cc {
		return home.prefix + groups(rest)
	}
	return "+" + cc + " " + groups(rest)
}

// groups splits digits for reading: threes, with a last group of four
// rather than a lone digit ("20 7946 0958" reads as "207 946 0958").
func groups(d string) string {
	var b strings.Builder
	for len(d) > 4 {
		n := 3
		if len(d) == 5 {
			n = 2
		}
		b.WriteString(d[:n])
		b.WriteByte(' ')
		d = d[n:]
	}
	b.WriteString(d)
	return b.String()
}

// callingCode is the ITU country code a number's digits start with: one
// digit for 1 and 7, two for the zones' listed codes, else three.
func callingCode(d string) string {
	if d[0] == '1' || d[0] == '7' {
		return d[:1]
	}
	if twoDigitCodes[d[:2]] {
		return d[:2]
	}
	return d[:3]
}

var twoDigitCodes = map[string]bool{}

func init() {
	for _, c := range strings.Fields("20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 " +
		"60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98") {
		twoDigitCodes[c] = true
	}
}

// nanp are the countries of the North American Numbering Plan this formats
// nationally.
var nanp = map[string]bool{"US": true, "CA": true, "PR": true}

// trunkPrefix is, for some countries, their calling code and the prefix a
// national number is written with.
var trunkPrefix = map[string]struct{ cc, prefix string }{
	"GB": {"44", "0"}, "DE": {"49", "0"}, "FR": {"33", "0"}, "NL": {"31", "0"}, "BE": {"32", "0"},
	"CH": {"41", "0"}, "AT": {"43", "0"}, "SE": {"46", "0"}, "AU": {"61", "0"}, "NZ": {"64", "0"},
	"IN": {"91", "0"}, "JP": {"81", "0"}, "ES": {"34", ""}, "IT": {"39", ""}, "DK": {"45", ""},
	"NO": {"47", ""}, "PL": {"48", ""}, "PT": {"351", ""}, "IE": {"353", "0"}, "BR": {"55", "0"},
	"MX": {"52", ""}, "ZA": {"27", "0"}, "RU": {"7", "8 "},
}
