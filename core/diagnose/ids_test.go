package diagnose

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoBareIDLiterals: outside the generated ids.go, no Go code of the
// module names a diagnosis ID by a string literal — code uses the
// constants, so a misspelt ID does not compile. (A simulated scenario may
// be named like the ID it ends in; test files compare with the wire
// format on purpose.)
func TestNoBareIDLiterals(t *testing.T) {
	known := map[string]bool{}
	for _, id := range IDs() {
		known[id] = true
	}
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Base(path) == "ids.go" && filepath.Base(filepath.Dir(path)) == "diagnose" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		scenarioNames := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok {
				if id, ok := cl.Type.(*ast.Ident); ok && id.Name == "Scenario" && len(cl.Elts) > 0 {
					if lit, ok := cl.Elts[0].(*ast.BasicLit); ok {
						scenarioNames[lit] = true
					}
				}
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || scenarioNames[lit] {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && known[s] {
				t.Errorf("%s: the diagnosis ID %q as a string literal; use its constant", fset.Position(lit.Pos()), s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
