package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaFile is the documented JSON Schema of the check report.
var schemaFile = filepath.Join("..", "..", "docs", "schema", "check-result.v1.json")

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// checkSchema compiles docs/schema/check-result.v1.json once, with format
// assertions (date-time) on.
func checkSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		f, err := os.Open(schemaFile)
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		const url = "file:///check-result.v1.json"
		if schemaErr = c.AddResource(url, doc); schemaErr != nil {
			return
		}
		schema, schemaErr = c.Compile(url)
	})
	if schemaErr != nil {
		t.Fatalf("the JSON Schema %s does not compile: %v", schemaFile, schemaErr)
	}
	return schema
}

// validateReport fails the test unless out is one JSON document that the
// documented schema accepts. Every end-to-end test that decodes a --json
// report passes through here, so the schema is checked against the real
// output of every scenario.
func validateReport(t *testing.T, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the report is not JSON: %v\n%.2000s", err, out)
	}
	if err := checkSchema(t).Validate(inst); err != nil {
		t.Errorf("the report does not match %s: %v\n%.3000s", schemaFile, err, out)
	}
}

// TestSchemaRejects shows that the schema check can fail: documents that
// break the documented layout are refused.
func TestSchemaRejects(t *testing.T) {
	good := `{"schema_version":"1.0","tool":{"name":"mailoauth","version":"dev"},"ok":true,"mode":"check","verdict":"v",
"started":"2026-11-25T12:00:00Z","duration_ms":5,"input":{"cloud":"global","authority_host":"https://login.microsoftonline.com"},
"context":{"os":"linux","arch":"amd64","cloud":"global","proxy":"system default","custom_endpoints":[]},
"steps":[{"name":"token","title":"Token","status":"ok","start_ms":0.5,"ms":3,"detail":"d","timings":[{"name":"tls","start_ms":1,"ms":2.5}]}]}`
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkSchema(t).Validate(inst); err != nil {
		t.Fatalf("a well-formed report is refused: %v", err)
	}
	tests := []struct{ name, from, to string }{
		{"unknown field", `"ok":true`, `"ok":true,"extra":1`},
		{"no schema version", `"schema_version":"1.0",`, ``},
		{"version 2", `"1.0"`, `"2.0"`},
		{"status not in the list", `"status":"ok"`, `"status":"passed"`},
		{"ms not an integer", `"ms":3,`, `"ms":"3",`},
		{"negative start", `"start_ms":0.5`, `"start_ms":-1`},
		{"started not a date-time", `"2026-11-25T12:00:00Z"`, `"yesterday"`},
		{"mode unknown", `"mode":"check"`, `"mode":"probe"`},
		{"tool without version", `,"version":"dev"`, ``},
		{"bad diagnosis ID", `"detail":"d",`, `"detail":"d","diagnosis":{"id":"Smtp Auth","title":"t","cause":"c","fix":[]},`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(good, tt.from, tt.to, 1)
			if bad == good {
				t.Fatalf("the test's %q is not in the document", tt.from)
			}
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
			if err != nil {
				t.Fatal(err)
			}
			if checkSchema(t).Validate(inst) == nil {
				t.Errorf("the schema accepts a report with %s", tt.name)
			}
		})
	}
}
