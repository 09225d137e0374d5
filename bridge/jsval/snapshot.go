package jsval

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// DecodeSnapshot reads one Value as the loader writes it (see
// DecodeSnapshots).
func DecodeSnapshot(b []byte) (Value, error) {
	p := newSnapParser(b)
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	return v, p.end()
}

// DecodeSnapshots reads what the loader sends for one call: a JSON array of
// Values as JSON.stringify writes them ({"t":…,"s":…,"l":…,"k":[…],"v":[…]};
// null for none). It is the hot path of every startCall, so it is a small
// parser for exactly that shape rather than reflection: one string crosses
// from JavaScript and this turns it into Values. Any other input is an
// error, never a panic (fuzzed).
func DecodeSnapshots(b []byte) ([]Value, error) {
	p := newSnapParser(b)
	p.space()
	out, err := p.values(0)
	if err != nil {
		return nil, err
	}
	return out, p.end()
}

var errSnapshot = errors.New("malformed snapshot")

const maxSnapshotDepth = 32

// snapParser reads b. The input is copied once into s (the loader's
// buffer is reused), and every string without escapes is a slice of s: one
// allocation for all of them. Lists are read onto the scratch stacks ks and
// vs and copied out at their exact length.
type snapParser struct {
	b  []byte
	s  string
	i  int
	ks []string
	vs []Value
	// the stacks' first room: enough for a call's arguments without growing
	ksBuf [8]string
	vsBuf [10]Value
}

func newSnapParser(b []byte) *snapParser {
	p := &snapParser{b: b, s: string(b)}
	p.ks, p.vs = p.ksBuf[:0], p.vsBuf[:0]
	return p
}

func (p *snapParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\n' || p.b[p.i] == '\r' || p.b[p.i] == '\t') {
		p.i++
	}
}

func (p *snapParser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *snapParser) end() error {
	p.space()
	if p.i != len(p.b) {
		return errSnapshot
	}
	return nil
}

// value reads a Value object, or null (Undefined).
func (p *snapParser) value(depth int) (Value, error) {
	if depth > maxSnapshotDepth {
		return Value{}, errSnapshot
	}
	p.space()
	if p.literal("null") {
		return Undefined, nil
	}
	if !p.eat('{') {
		return Value{}, errSnapshot
	}
	var v Value
	p.space()
	if p.eat('}') {
		return v, nil
	}
	for {
		p.space()
		key, err := p.str()
		if err != nil {
			return v, err
		}
		p.space()
		if !p.eat(':') {
			return v, errSnapshot
		}
		p.space()
		switch key {
		case "t":
			v.Type, err = p.str()
		case "s":
			v.Str, err = p.str()
		case "l":
			v.Len, err = p.int()
		case "k":
			v.Keys, err = p.strings()
		case "v":
			v.Vals, err = p.values(depth + 1)
		default:
			err = errSnapshot
		}
		if err != nil {
			return v, err
		}
		p.space()
		if p.eat('}') {
			return v, nil
		}
		if !p.eat(',') {
			return v, errSnapshot
		}
	}
}

func (p *snapParser) literal(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

func (p *snapParser) strings() ([]string, error) {
	if !p.eat('[') {
		return nil, errSnapshot
	}
	p.space()
	if p.eat(']') {
		return nil, nil
	}
	base := len(p.ks)
	defer func() { p.ks = p.ks[:base] }()
	for {
		p.space()
		e, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ks = append(p.ks, e)
		p.space()
		if p.eat(']') {
			return append([]string(nil), p.ks[base:]...), nil
		}
		if !p.eat(',') {
			return nil, errSnapshot
		}
	}
}

// values reads a JSON array of Values.
func (p *snapParser) values(depth int) ([]Value, error) {
	if !p.eat('[') {
		return nil, errSnapshot
	}
	p.space()
	if p.eat(']') {
		return nil, nil
	}
	base := len(p.vs)
	defer func() { p.vs = p.vs[:base] }()
	for {
		p.space()
		e, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.vs = append(p.vs, e)
		p.space()
		if p.eat(']') {
			return append([]Value(nil), p.vs[base:]...), nil
		}
		if !p.eat(',') {
			return nil, errSnapshot
		}
	}
}

// int reads a non-negative integer (lengths; JSON.stringify writes them
// plainly).
func (p *snapParser) int() (int, error) {
	start := p.i
	n := 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		if n > 1<<40 {
			return 0, errSnapshot
		}
		n = n*10 + int(p.b[p.i]-'0')
		p.i++
	}
	if p.i == start || (p.b[start] == '0' && p.i-start > 1) { // JSON has no leading zeros
		return 0, errSnapshot
	}
	return n, nil
}

// str reads a JSON string. Strings without escapes, the usual case, are
// sliced straight out of the input.
func (p *snapParser) str() (string, error) {
	if !p.eat('"') {
		return "", errSnapshot
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.s[start:p.i]
			p.i++
			return s, nil
		}
		if c == '\\' {
			return p.escaped(start)
		}
		if c < 0x20 {
			return "", errSnapshot
		}
		p.i++
	}
	return "", errSnapshot
}

func (p *snapParser) escaped(start int) (string, error) {
	buf := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(buf), nil
		case c < 0x20:
			return "", errSnapshot
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			return "", errSnapshot
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", errSnapshot
			}
			if utf16.IsSurrogate(r) {
				// A pair is two escapes; a lone half is what JavaScript
				// strings may hold, and becomes U+FFFD.
				save := p.i
				if p.literal(`\u`) {
					if r2, ok := p.hex4(); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							buf = utf8.AppendRune(buf, d)
							continue
						}
					}
				}
				p.i = save
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", errSnapshot
		}
	}
	return "", errSnapshot
}

func (p *snapParser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}
