//go:build js && wasm

// Command vertonly is the size floor for a page that needs startCall only
// (no DOM panel): the smallest program that imports and uses vert.
package main

import (
	"syscall/js"

	"github.com/norunners/vert"
)

type args struct {
	Phone string `js:"p"`
}

func main() {
	var a args
	_ = vert.ValueOf(js.Global().Get("floorArgs")).AssignTo(&a)
	js.Global().Set("floorPhone", a.Phone)
}
