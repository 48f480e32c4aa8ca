package geminiprovider

import (
	"encoding/json"
	"testing"
)

// FuzzConvertSchema: any text either converts to a schema that obeys
// Gemini's structural rules, or is refused with an error — never a panic
// or a runaway expansion.
func FuzzConvertSchema(f *testing.F) {
	for _, seed := range []string{
		`{"type":"object","properties":{"a":{"type":["string","null"]},"b":{"$ref":"#/$defs/B"}},"$defs":{"B":{"enum":[1,"x",null]}}}`,
		`{"anyOf":[{"type":"null"},{"allOf":[{"type":"object","properties":{"x":{"const":3}}}]}]}`,
		`{"$ref":"#"}`,
		`{"type":"array","items":[{"type":"string"}]}`,
		`{"oneOf":[{"type":"object","properties":{"k":{"type":"integer","minimum":1e400}}}]}`,
		`true`, `[]`, `{"properties":{"~1a/b":{"$ref":"#/properties/~01a~1b"}}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, use := range []schemaUse{forParameters, forResponse} {
			s, err := convertSchema(text, use)
			if err != nil {
				continue
			}
			if _, err := json.Marshal(s); err != nil {
				t.Fatalf("%q: the converted schema does not encode: %v", text, err)
			}
			checkShape(t, text, s, use == forParameters)
		}
	})
}

// checkShape fails when s breaks a rule Gemini enforces.
func checkShape(t *testing.T, text string, s *gSchema, root bool) {
	if s.Type != "" && !geminiTypeNames[s.Type] {
		t.Fatalf("%q: type %q", text, s.Type)
	}
	if s.Type != "" && s.Type != "OBJECT" && (s.Properties != nil || s.Required != nil) {
		t.Fatalf("%q: properties on %s", text, s.Type)
	}
	if s.Type == "OBJECT" && len(s.Properties) == 0 && !root {
		t.Fatalf("%q: an OBJECT without properties", text)
	}
	for _, p := range s.Properties {
		checkShape(t, text, p, false)
	}
	for _, a := range s.AnyOf {
		checkShape(t, text, a, false)
	}
	if s.Items != nil {
		checkShape(t, text, s.Items, false)
	}
}

var geminiTypeNames = map[string]bool{"STRING": true, "NUMBER": true, "INTEGER": true, "BOOLEAN": true, "ARRAY": true, "OBJECT": true, "NULL": true}
