package bridge

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestNoSyscallJS keeps the product testable natively: no file of package
// bridge, nor of the packages under it (api, config, desk, dialplan,
// frames, jsonw, jsval, model, phone, sip, …), may import syscall/js (only
// ../wasm meets the page).
func TestNoSyscallJS(t *testing.T) {
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files: %v", err)
	}
	for _, dir := range []string{"api", "config", "desk", "dialplan", "frames", "jsonw", "jsval", "model", "phone", "sip"} {
		if !slices.ContainsFunc(files, func(f string) bool { return filepath.Dir(f) == dir }) {
			t.Errorf("no Go file in %s: the walk missed a package", dir)
		}
	}
	for _, f := range files {
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "syscall/js" {
				t.Errorf("%s imports syscall/js", f)
			}
		}
	}
}
