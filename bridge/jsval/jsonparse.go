package jsval

import (
	"fmt"
)

// ParseJSON reads one JSON text (RFC 8259) strictly into a Value: objects
// keep their keys in order (a key twice is an error), numbers keep the
// text they were written with, and anything JSON does not allow (a
// trailing comma, a comment, single quotes, NaN, leading zeros) is an error
// that says where. It is what adapi-config.json is read with, on the
// server and in the module alike, without encoding/json in the module.
func ParseJSON(b []byte) (Value, error) {
	p := newSnapParser(b)
	p.space()
	v, err := p.json(0)
	if err == nil {
		p.space()
		if p.i != len(p.b) {
			err = p.fail("unexpected text after the JSON value")
		}
	}
	if err != nil {
		return Value{}, err
	}
	return v, nil
}

const maxJSONDepth = 64

// fail is an error at the parser's position, as line and column.
func (p *snapParser) fail(what string) error {
	line, col := 1, 1
	for _, c := range p.b[:min(p.i, len(p.b))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("not valid JSON at line %d, column %d: %s", line, col, what)
}

func (p *snapParser) json(depth int) (Value, error) {
	if depth > maxJSONDepth {
		return Value{}, p.fail("nested too deeply")
	}
	if p.i >= len(p.b) {
		return Value{}, p.fail("unexpected end")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		o := Value{Type: TypeObject}
		p.space()
		if p.eat('}') {
			return o, nil
		}
		for {
			p.space()
			if p.i >= len(p.b) || p.b[p.i] != '"' {
				return o, p.fail("want a key in double quotes")
			}
			k, err := p.str()
			if err != nil {
				return o, p.fail("a malformed string")
			}
			for _, seen := range o.Keys {
				if seen == k {
					return o, p.fail(fmt.Sprintf("the key %q twice", k))
				}
			}
			p.space()
			if !p.eat(':') {
				return o, p.fail("want ':' after a key")
			}
			p.space()
			v, err := p.json(depth + 1)
			if err != nil {
				return o, err
			}
			o.Keys, o.Vals = append(o.Keys, k), append(o.Vals, v)
			o.Len++
			p.space()
			if p.eat('}') {
				return o, nil
			}
			if !p.eat(',') {
				return o, p.fail("want ',' or '}'")
			}
			p.space()
			if p.i < len(p.b) && p.b[p.i] == '}' {
				return o, p.fail("a trailing comma")
			}
		}
	case c == '[':
		p.i++
		a := Value{Type: TypeArray}
		p.space()
		if p.eat(']') {
			return a, nil
		}
		for {
			p.space()
			v, err := p.json(depth + 1)
			if err != nil {
				return a, err
			}
			a.Vals = append(a.Vals, v)
			a.Len++
			p.space()
			if p.eat(']') {
				return a, nil
			}
			if !p.eat(',') {
				return a, p.fail("want ',' or ']'")
			}
			p.space()
			if p.i < len(p.b) && p.b[p.i] == ']' {
				return a, p.fail("a trailing comma")
			}
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return Value{}, p.fail("a malformed string")
		}
		return String(s), nil
	case c == 't' && p.literal("true"):
		return Value{Type: TypeBoolean, Str: "true"}, nil
	case c == 'f' && p.literal("false"):
		return Value{Type: TypeBoolean, Str: "false"}, nil
	case c == 'n' && p.literal("null"):
		return Value{Type: TypeNull}, nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return Value{}, p.fail(fmt.Sprintf("unexpected %s", quoteByte(p.b[p.i])))
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", string(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// number reads a JSON number as written: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *snapParser) number() (Value, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	p.eat('-')
	if p.eat('0') {
		if p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			return Value{}, p.fail("a number with a leading zero")
		}
	} else if digits() == 0 {
		return Value{}, p.fail("a malformed number")
	}
	if p.eat('.') && digits() == 0 {
		return Value{}, p.fail("a malformed number")
	}
	if p.eat('e') || p.eat('E') {
		if !p.eat('+') {
			p.eat('-')
		}
		if digits() == 0 {
			return Value{}, p.fail("a malformed number")
		}
	}
	return Value{Type: TypeNumber, Str: string(p.b[start:p.i])}, nil
}
