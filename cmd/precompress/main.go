// Command precompress writes NAME.br and NAME.gz beside each file it is
// given, at the highest levels, for the server to send to browsers that
// accept them (cmd/adapi-serve).
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"

	"github.com/andybalholm/brotli"
)

func main() {
	for _, name := range os.Args[1:] {
		if err := compress(name); err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
	}
}

func compress(name string) error {
	raw, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var br, gz bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	for _, w := range []interface {
		Write([]byte) (int, error)
		Close() error
	}{bw, gw} {
		if _, err := w.Write(raw); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	if err := writeFile(name+".br", br.Bytes()); err != nil {
		return err
	}
	fmt.Printf("%-22s raw %8d  gzip %8d  brotli %8d\n", name, len(raw), gz.Len(), br.Len())
	return writeFile(name+".gz", gz.Bytes())
}

// writeFile writes through a temporary file and a rename, so that a build
// stopped half-way never leaves a truncated copy newer than its source
// (the server would send it).
func writeFile(name string, b []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
