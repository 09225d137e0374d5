package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

// pkgBytes is where a module's code goes: the bytes of each function body
// in the code section, summed by the Go package its name (from the name
// section, so the module must be built without -s) belongs to; data is the
// data section (strings, type data, pclntab), which names no package.
type pkgBytes struct {
	Code  map[string]int `json:"code"`
	Data  int            `json:"data"`
	Total int            `json:"total"`
}

// wasmPackages reads a module built without -s.
func wasmPackages(file string) (pkgBytes, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return pkgBytes{}, err
	}
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return pkgBytes{}, errors.New("not a wasm module")
	}
	r := pkgBytes{Code: map[string]int{}, Total: len(b)}
	var imported int          // imported functions come first in the index space
	var bodies []int          // body sizes, by defined function
	names := map[int]string{} // function index -> name
	p := b[8:]
	for len(p) > 0 {
		id := p[0]
		size, n := binary.Uvarint(p[1:])
		if n <= 0 || uint64(len(p)-1-n) < size {
			return r, errors.New("truncated section")
		}
		sec := p[1+n : 1+n+int(size)]
		p = p[1+n+int(size):]
		switch id {
		case 2: // imports
			count, s := uvarint(sec)
			for i := 0; i < int(count); i++ {
				_, s = name(s) // module
				_, s = name(s) // field
				kind := s[0]
				s = s[1:]
				switch kind {
				case 0: // func: type index
					_, s = uvarint(s)
					imported++
				case 1: // table: elemtype, limits
					s = limits(s[1:])
				case 2: // memory: limits
					s = limits(s)
				case 3: // global: type, mutability
					s = s[2:]
				}
			}
		case 10: // code
			count, s := uvarint(sec)
			for i := 0; i < int(count); i++ {
				sz, rest := uvarint(s)
				bodies = append(bodies, int(sz))
				s = rest[sz:]
			}
		case 11: // data
			r.Data = len(sec)
		case 0: // custom
			nm, s := name(sec)
			if nm != "name" {
				continue
			}
			for len(s) > 0 {
				sub := s[0]
				sz, rest := uvarint(s[1:])
				body := rest[:sz]
				s = rest[sz:]
				if sub != 1 { // function names
					continue
				}
				count, q := uvarint(body)
				for i := 0; i < int(count); i++ {
					var idx uint64
					var fn string
					idx, q = uvarint(q)
					fn, q = name(q)
					names[int(idx)] = fn
				}
			}
		}
	}
	if len(names) == 0 {
		return r, errors.New("no name section: build without -s")
	}
	for i, sz := range bodies {
		r.Code[goPackage(names[imported+i])] += sz
	}
	return r, nil
}

func uvarint(b []byte) (uint64, []byte) {
	v, n := binary.Uvarint(b)
	return v, b[n:]
}

func name(b []byte) (string, []byte) {
	n, b := uvarint(b)
	return string(b[:n]), b[n:]
}

func limits(b []byte) []byte {
	flags := b[0]
	_, b = uvarint(b[1:])
	if flags&1 != 0 {
		_, b = uvarint(b)
	}
	return b
}

// goPackage is the package of a function's name in the name section, where
// the linker writes a package path's slashes as underscores:
// "honnef.co_go_js_dom_v2.__Element_.Blur" is honnef.co_go_js_dom_v2,
// "internal_strconv.fmtE" internal_strconv.
func goPackage(sym string) string {
	if sym == "" {
		return "?"
	}
	if strings.HasPrefix(sym, "type_.") || strings.HasPrefix(sym, "go_.") {
		return "(type and linker helpers)"
	}
	from := 0
	for _, domain := range []string{"github.com_", "honnef.co_", "golang.org_", "gopkg.in_"} {
		if strings.HasPrefix(sym, domain) {
			from = len(domain) // the domain's own dot
		}
	}
	if dot := strings.IndexByte(sym[from:], '.'); dot >= 0 {
		return sym[:from+dot]
	}
	return sym
}

// printPackages prints the largest packages of a module's code.
func printPackages(title string, p pkgBytes, top int) {
	type kv struct {
		k string
		v int
	}
	var kvs []kv
	code := 0
	for k, v := range p.Code {
		kvs = append(kvs, kv{k, v})
		code += v
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v })
	fmt.Printf("   %s: %d bytes raw = code %d + data %d (strings, types, pclntab: no package) + other sections\n", title, p.Total, code, p.Data)
	rest := 0
	for i, e := range kvs {
		if i >= top {
			rest += e.v
			continue
		}
		fmt.Printf("     %-44s %8d  %4.1f%%\n", e.k, e.v, 100*float64(e.v)/float64(code))
	}
	if rest > 0 {
		fmt.Printf("     %-44s %8d  %4.1f%%\n", fmt.Sprintf("(%d other packages)", len(kvs)-top), rest, 100*float64(rest)/float64(code))
	}
}
