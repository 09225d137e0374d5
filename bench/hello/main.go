//go:build js && wasm

// Command hello is the smallest Go/WASM program that touches the page, for
// `make bench`'s size table.
package main

import "syscall/js"

func main() { js.Global().Set("hello", "world") }
