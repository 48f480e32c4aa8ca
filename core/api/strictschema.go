package api

import (
	"encoding/json"

	"github.com/llmgw/llmgw/sdk/go/orderedjson"
)

// The Responses API's function tools are strict unless the request says
// strict: false — OpenAI normalizes the parameters' schema into strict
// mode (every object closed with additionalProperties false, every one of
// its properties required) — where Chat Completions' are not. The gateway
// carries a Responses tool as a chat tool, so it does the same
// normalization and asks for strict, rather than silently serving the
// laxer default.

// schemaKeywords hold subschemas: a map of them, a list, or one.
var (
	schemaMaps  = []string{"properties", "$defs", "definitions", "patternProperties"}
	schemaLists = []string{"anyOf", "oneOf", "allOf", "prefixItems"}
	schemaOnes  = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains"}
)

// strictify closes every object schema under v that declares properties
// (additionalProperties false unless the schema says otherwise, all its
// properties required), as OpenAI's strict mode wants.
func strictify(v any) {
	n, ok := v.(*orderedjson.Object)
	if !ok {
		return
	}
	if props, ok := n.Vals["properties"].(*orderedjson.Object); ok {
		if _, set := n.Get("additionalProperties"); !set {
			n.Set("additionalProperties", false)
		}
		n.Set("required", append([]string{}, props.Keys...))
	}
	for _, k := range schemaMaps {
		if m, ok := n.Vals[k].(*orderedjson.Object); ok {
			for _, key := range m.Keys {
				strictify(m.Vals[key])
			}
		}
	}
	for _, k := range schemaLists {
		if l, ok := n.Vals[k].([]any); ok {
			for _, item := range l {
				strictify(item)
			}
		}
	}
	for _, k := range schemaOnes {
		strictify(n.Vals[k])
	}
}

// strictSchema is schema (a JSON object) normalized into strict mode, its
// keys in their order.
func strictSchema(schema []byte) ([]byte, error) {
	v, err := orderedjson.Decode(schema)
	if err != nil {
		return nil, err
	}
	strictify(v)
	return json.Marshal(v)
}
