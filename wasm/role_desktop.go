//go:build js && wasm && !adapiclient

package main

import "syscall/js"

func run(loader js.Value) { runDesktop(loader) }
