package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// The Responses API's function tools are strict unless the request says
// strict: false — OpenAI normalizes the parameters' schema into strict
// mode (every object closed with additionalProperties false, every one of
// its properties required) — where Chat Completions' are not. The gateway
// carries a Responses tool as a chat tool, so it does the same
// normalization and asks for strict, rather than silently serving the
// laxer default.

// jsonNode is a JSON value that keeps its object keys in order (the order
// of a schema's properties is the order a strict model writes them in).
type jsonNode struct {
	keys  []string    // an object's keys, in order
	vals  []*jsonNode // and their values
	items []*jsonNode // an array's items
	kind  byte        // '{', '[' or 0 (a scalar, in raw)
	raw   json.RawMessage
}

// errNotJSON is a schema the normalization cannot read (the decoder has
// already checked that it is an object, so this does not happen).
var errNotJSON = errors.New("not JSON")

func parseNode(dec *json.Decoder) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		n := &jsonNode{kind: '{'}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, ok := k.(string)
			if !ok {
				return nil, errNotJSON
			}
			v, err := parseNode(dec)
			if err != nil {
				return nil, err
			}
			n.keys, n.vals = append(n.keys, key), append(n.vals, v)
		}
		_, err := dec.Token() // }
		return n, err
	case json.Delim('['):
		n := &jsonNode{kind: '['}
		for dec.More() {
			v, err := parseNode(dec)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, v)
		}
		_, err := dec.Token() // ]
		return n, err
	}
	raw, err := json.Marshal(tok)
	return &jsonNode{raw: raw}, err
}

func (n *jsonNode) get(key string) *jsonNode {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

func (n *jsonNode) set(key string, v *jsonNode) {
	for i, k := range n.keys {
		if k == key {
			n.vals[i] = v
			return
		}
	}
	n.keys, n.vals = append(n.keys, key), append(n.vals, v)
}

func (n *jsonNode) write(b *bytes.Buffer) {
	switch n.kind {
	case '{':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			n.vals[i].write(b)
		}
		b.WriteByte('}')
	case '[':
		b.WriteByte('[')
		for i, v := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			v.write(b)
		}
		b.WriteByte(']')
	default:
		b.Write(n.raw)
	}
}

// schemaKeywords hold subschemas: a map of them, a list, or one.
var (
	schemaMaps  = []string{"properties", "$defs", "definitions", "patternProperties"}
	schemaLists = []string{"anyOf", "oneOf", "allOf", "prefixItems"}
	schemaOnes  = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains"}
)

// strictify closes every object schema under n that declares properties
// (additionalProperties false unless the schema says otherwise, all its
// properties required), as OpenAI's strict mode wants.
func strictify(n *jsonNode) {
	if n == nil || n.kind != '{' {
		return
	}
	if props := n.get("properties"); props != nil && props.kind == '{' {
		if n.get("additionalProperties") == nil {
			n.set("additionalProperties", &jsonNode{raw: json.RawMessage("false")})
		}
		req := &jsonNode{kind: '['}
		for _, k := range props.keys {
			kb, _ := json.Marshal(k)
			req.items = append(req.items, &jsonNode{raw: kb})
		}
		n.set("required", req)
	}
	for _, k := range schemaMaps {
		if m := n.get(k); m != nil && m.kind == '{' {
			for _, v := range m.vals {
				strictify(v)
			}
		}
	}
	for _, k := range schemaLists {
		if l := n.get(k); l != nil && l.kind == '[' {
			for _, v := range l.items {
				strictify(v)
			}
		}
	}
	for _, k := range schemaOnes {
		strictify(n.get(k))
	}
}

// strictSchema is schema (a JSON object) normalized into strict mode, its
// keys in their order.
func strictSchema(schema []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(schema))
	dec.UseNumber()
	n, err := parseNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errNotJSON
	}
	strictify(n)
	var b bytes.Buffer
	n.write(&b)
	return b.Bytes(), nil
}
