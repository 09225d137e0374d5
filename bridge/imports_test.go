package bridge

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// TestNoSyscallJS keeps the product testable natively: no file of package
// bridge may import syscall/js (only ../wasm meets the page).
func TestNoSyscallJS(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files: %v", err)
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
