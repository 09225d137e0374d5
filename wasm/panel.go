//go:build js && wasm

package main

// startPanel draws the agent desktop panel and keeps it current.
func startPanel(d *desktop) {
	go func() {
		for range d.redraw {
		}
	}()
}
