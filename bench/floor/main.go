//go:build js && wasm

// Command floor is `make bench`'s size floor: the smallest program that
// imports and uses both libraries the bridge is built on, vert and dom/v2.
package main

import (
	"syscall/js"

	"github.com/norunners/vert"
	"honnef.co/go/js/dom/v2"
)

type args struct {
	Phone string `js:"p"`
}

func main() {
	var a args
	_ = vert.ValueOf(js.Global().Get("floorArgs")).AssignTo(&a)
	dom.GetWindow().Document().GetElementByID("x").SetTextContent(a.Phone)
}
