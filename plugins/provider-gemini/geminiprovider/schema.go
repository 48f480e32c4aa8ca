package geminiprovider

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/llmgw/llmgw/sdk/go/orderedjson"
)

// Gemini's `parameters` (function declarations) and `responseSchema`
// (structured output) take a subset of OpenAPI 3.0's Schema object, not JSON
// Schema: upper-case types, `nullable` instead of a "null" type, string-only
// enums, anyOf but no oneOf/allOf/$ref, and unknown keywords are a 400
// ("Invalid JSON payload received. Unknown name \"additionalProperties\"").
// convertSchema turns an OpenAI-style JSON Schema into that subset:
//
//   - `type` is upper-cased; a type list with "null" becomes nullable, several
//     other types an anyOf of one type each;
//   - local `$ref`s (#/$defs/…, #/definitions/…) are inlined; a cycle, or a
//     reference outside the document, cannot be expressed and is an error;
//   - `oneOf` becomes anyOf; an anyOf/oneOf branch {"type":"null"} becomes
//     nullable, and a single remaining branch is inlined;
//   - `allOf` of one schema is inlined, of several object schemas merged
//     (properties and required joined); other allOfs are an error;
//   - `const` becomes a one-value enum; enums of non-strings (Gemini takes
//     string enums only) are dropped and listed in the description;
//   - `format` is kept where Gemini knows it (date-time and enum for strings,
//     float/double, int32/int64), dropped otherwise;
//   - keywords Gemini rejects and that only narrow what is valid
//     (additionalProperties, $schema, $id, strict, examples, not,
//     patternProperties, uniqueItems, multipleOf, exclusiveMinimum, …) are
//     dropped: the model may then produce more than the schema allows, never
//     less.
//
// Tuple schemas (`prefixItems`, `items` as a list) and `false` schemas have
// no equivalent and are errors.

// gSchema is Gemini's Schema object.
type gSchema struct {
	Type             string              `json:"type,omitempty"`
	Format           string              `json:"format,omitempty"`
	Title            string              `json:"title,omitempty"`
	Description      string              `json:"description,omitempty"`
	Nullable         bool                `json:"nullable,omitempty"`
	Enum             []string            `json:"enum,omitempty"`
	Items            *gSchema            `json:"items,omitempty"`
	Properties       map[string]*gSchema `json:"properties,omitempty"`
	Required         []string            `json:"required,omitempty"`
	PropertyOrdering []string            `json:"propertyOrdering,omitempty"`
	MinItems         *int64              `json:"minItems,omitempty"`
	MaxItems         *int64              `json:"maxItems,omitempty"`
	MinLength        *int64              `json:"minLength,omitempty"`
	MaxLength        *int64              `json:"maxLength,omitempty"`
	MinProperties    *int64              `json:"minProperties,omitempty"`
	MaxProperties    *int64              `json:"maxProperties,omitempty"`
	Minimum          *float64            `json:"minimum,omitempty"`
	Maximum          *float64            `json:"maximum,omitempty"`
	Pattern          string              `json:"pattern,omitempty"`
	Example          any                 `json:"example,omitempty"`
	Default          any                 `json:"default,omitempty"`
	AnyOf            []*gSchema          `json:"anyOf,omitempty"`
}

// maxSchemaDepth bounds nesting (and $ref expansion) so that a hostile
// schema cannot make the conversion explode.
const maxSchemaDepth = 64

// maxSchemaNodes bounds the size of a converted schema: inlining $refs can
// multiply a small document (a DAG of references) into a huge tree.
const maxSchemaNodes = 10000

// schemaError says where in the schema a conversion failed (a JSON pointer).
type schemaError struct {
	path string
	msg  string
}

func (e *schemaError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return "at " + e.path + ": " + e.msg
}

// rawSchema checks a schema sent as given: a JSON object.
func rawSchema(text string) (json.RawMessage, error) {
	t := strings.TrimSpace(text)
	if !json.Valid([]byte(t)) || t[0] != '{' {
		return nil, errors.New("must be a JSON Schema object")
	}
	return json.RawMessage(t), nil
}

// schemaUse says what a converted schema is for.
type schemaUse int

const (
	// forParameters: a function's parameters. The root may be an object
	// without properties (the function then takes none).
	forParameters schemaUse = iota
	// forResponse: a structured answer (responseSchema). Objects get
	// propertyOrdering (the key order of their `properties`), which fixes
	// the order of the answer's keys as the schema lists them.
	forResponse
)

// convertSchema converts JSON Schema text.
func convertSchema(text string, use schemaUse) (*gSchema, error) {
	root, err := orderedjson.Decode([]byte(text))
	if err != nil {
		return nil, &schemaError{msg: "not valid JSON"}
	}
	c := &schemaConv{root: root, ordering: use == forResponse, emptyRoot: use == forParameters}
	return c.convert(root, "#", 0)
}

type schemaConv struct {
	root      any
	ordering  bool
	emptyRoot bool     // the root may be an object without properties
	refs      []string // the $refs being expanded (cycle detection)
	nodes     int
}

func (c *schemaConv) fail(path, format string, args ...any) error {
	return &schemaError{path: path, msg: fmt.Sprintf(format, args...)}
}

// convert converts one schema node found at path.
func (c *schemaConv) convert(node any, path string, depth int) (*gSchema, error) {
	if depth > maxSchemaDepth {
		return nil, c.fail(path, "nested more than %d levels deep", maxSchemaDepth)
	}
	if c.nodes++; c.nodes > maxSchemaNodes {
		return nil, c.fail(path, "more than %d schemas once references are expanded", maxSchemaNodes)
	}
	switch n := node.(type) {
	case bool:
		if !n {
			return nil, c.fail(path, "a false schema (nothing is valid) cannot be expressed")
		}
		return &gSchema{}, nil
	case *orderedjson.Object:
		if ref, ok := n.Str("$ref"); ok {
			return c.ref(n, ref, path, depth)
		}
		return c.object(n, path, depth)
	}
	return nil, c.fail(path, "a schema must be a JSON object")
}

// ref inlines a local reference; sibling annotations override the target's.
func (c *schemaConv) ref(n *orderedjson.Object, ref, path string, depth int) (*gSchema, error) {
	for _, r := range c.refs {
		if r == ref {
			return nil, c.fail(path, "recursive $ref %q (a cycle) cannot be expressed", ref)
		}
	}
	target, ok := resolvePointer(c.root, ref)
	if !ok {
		return nil, c.fail(path, "$ref %q does not point into this schema", ref)
	}
	c.refs = append(c.refs, ref)
	s, err := c.convert(target, ref, depth+1)
	c.refs = c.refs[:len(c.refs)-1]
	if err != nil {
		return nil, err
	}
	out := *s
	annotate(&out, n)
	return &out, nil
}

// object converts a schema object that is not a $ref.
func (c *schemaConv) object(n *orderedjson.Object, path string, depth int) (*gSchema, error) {
	s := &gSchema{}
	annotate(s, n)
	if err := c.types(s, n, path); err != nil {
		return nil, err
	}
	if err := c.enum(s, n, path); err != nil {
		return nil, err
	}
	s.Format = keptFormat(s.Type, n)
	c.bounds(s, n)
	if err := c.children(s, n, path, depth); err != nil {
		return nil, err
	}
	if err := c.combinators(s, n, path, depth); err != nil {
		return nil, err
	}
	if s.Type == "" {
		switch {
		case s.Properties != nil:
			s.Type = "OBJECT"
		case s.Items != nil:
			s.Type = "ARRAY"
		case s.Enum != nil:
			s.Type = "STRING"
		}
	}
	return s, c.shape(s, path, depth)
}

// shape fits what Gemini checks beyond the keywords: properties only on
// objects and items only on arrays ("only allowed for OBJECT type"; JSON
// Schema ignores them elsewhere, so they go), and every object has
// properties ("should be non-empty for OBJECT type"). A free-form object
// (a map: additionalProperties only) has no equivalent and is an error; a
// union of objects keeps its anyOf and loses the outer type.
func (c *schemaConv) shape(s *gSchema, path string, depth int) error {
	if s.Type != "" && s.Type != "OBJECT" {
		s.Properties, s.Required, s.PropertyOrdering = nil, nil, nil
	}
	if s.Type != "" && s.Type != "ARRAY" {
		s.Items = nil
	}
	if s.Type != "OBJECT" || len(s.Properties) > 0 {
		return nil
	}
	switch {
	case len(s.AnyOf) > 0:
		s.Type = ""
	case depth == 0 && c.emptyRoot:
	default:
		return c.fail(path, "an object without properties (a free-form map) cannot be expressed in Gemini's schema")
	}
	return nil
}

// annotate copies the annotations Gemini keeps (a later source wins).
func annotate(s *gSchema, n *orderedjson.Object) {
	if v, ok := n.Str("title"); ok {
		s.Title = v
	}
	if v, ok := n.Str("description"); ok {
		s.Description = v
	}
	if v, ok := n.Get("default"); ok {
		s.Default = v
	}
	if v, ok := n.Get("example"); ok {
		s.Example = v
	} else if ex, ok := n.Get("examples"); ok {
		if l, ok := ex.([]any); ok && len(l) > 0 {
			s.Example = l[0]
		}
	}
	if v, ok := n.Get("nullable"); ok && v == true {
		s.Nullable = true
	}
}

var geminiTypes = map[string]string{
	"string": "STRING", "number": "NUMBER", "integer": "INTEGER", "boolean": "BOOLEAN",
	"array": "ARRAY", "object": "OBJECT", "null": "NULL",
}

// types maps `type` (a name or a list of names).
func (c *schemaConv) types(s *gSchema, n *orderedjson.Object, path string) error {
	v, ok := n.Get("type")
	if !ok {
		return nil
	}
	var names []string
	switch t := v.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, e := range t {
			name, ok := e.(string)
			if !ok {
				return c.fail(path+"/type", "type names must be strings")
			}
			names = append(names, name)
		}
	default:
		return c.fail(path+"/type", "type must be a name or a list of names")
	}
	var kept []string
	for _, name := range names {
		g, ok := geminiTypes[strings.ToLower(name)]
		if !ok {
			return c.fail(path+"/type", "unknown type %q", name)
		}
		if g == "NULL" && len(names) > 1 {
			s.Nullable = true
			continue
		}
		kept = append(kept, g)
	}
	switch len(kept) {
	case 0:
	case 1:
		s.Type = kept[0]
	default:
		for _, g := range kept {
			s.AnyOf = append(s.AnyOf, &gSchema{Type: g})
		}
	}
	return nil
}

// enum maps `enum` and `const`. Gemini's enums are strings; other values
// are listed in the description instead, so the model still sees them.
func (c *schemaConv) enum(s *gSchema, n *orderedjson.Object, path string) error {
	var values []any
	if v, ok := n.Get("enum"); ok {
		l, ok := v.([]any)
		if !ok {
			return c.fail(path+"/enum", "enum must be a list")
		}
		values = l
	} else if v, ok := n.Get("const"); ok {
		values = []any{v}
	} else {
		return nil
	}
	var strs, others []string
	for _, v := range values {
		switch x := v.(type) {
		case nil:
			s.Nullable = true
		case string:
			strs = append(strs, x)
		default:
			b, _ := json.Marshal(x)
			others = append(others, string(b))
		}
	}
	if len(others) == 0 {
		s.Enum = strs
		if s.Enum != nil && s.Type == "" {
			s.Type = "STRING"
		}
		return nil
	}
	all := append(quoteAll(strs), others...)
	note := "One of: " + strings.Join(all, ", ") + "."
	if s.Description == "" {
		s.Description = note
	} else {
		s.Description += " " + note
	}
	return nil
}

func quoteAll(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = strconv.Quote(s)
	}
	return out
}

// keptFormat is the schema's format when Gemini accepts it for its type.
func keptFormat(typ string, n *orderedjson.Object) string {
	f, _ := n.Str("format")
	switch {
	case typ == "STRING" && (f == "date-time" || f == "enum"),
		typ == "NUMBER" && (f == "float" || f == "double"),
		typ == "INTEGER" && (f == "int32" || f == "int64"):
		return f
	}
	return ""
}

// bounds copies the numeric and string constraints Gemini accepts.
func (c *schemaConv) bounds(s *gSchema, n *orderedjson.Object) {
	ints := map[string]**int64{
		"minItems": &s.MinItems, "maxItems": &s.MaxItems, "minLength": &s.MinLength, "maxLength": &s.MaxLength,
		"minProperties": &s.MinProperties, "maxProperties": &s.MaxProperties,
	}
	for k, dst := range ints {
		if f, ok := n.Num(k); ok && f >= 0 && f == float64(int64(f)) {
			v := int64(f)
			*dst = &v
		}
	}
	if f, ok := n.Num("minimum"); ok {
		s.Minimum = &f
	}
	if f, ok := n.Num("maximum"); ok {
		s.Maximum = &f
	}
	if p, ok := n.Str("pattern"); ok {
		s.Pattern = p
	}
}

// children converts properties, required and items.
func (c *schemaConv) children(s *gSchema, n *orderedjson.Object, path string, depth int) error {
	if v, ok := n.Get("properties"); ok {
		props, ok := v.(*orderedjson.Object)
		if !ok {
			return c.fail(path+"/properties", "properties must be an object")
		}
		if len(props.Keys) > 0 {
			s.Properties = make(map[string]*gSchema, len(props.Keys))
		}
		for _, k := range props.Keys {
			p, err := c.convert(props.Vals[k], path+"/properties/"+escapePointer(k), depth+1)
			if err != nil {
				return err
			}
			s.Properties[k] = p
		}
		if c.ordering && len(props.Keys) > 0 {
			s.PropertyOrdering = append([]string(nil), props.Keys...)
		}
	}
	if v, ok := n.Get("required"); ok {
		l, _ := v.([]any)
		for _, e := range l {
			// Gemini refuses a required name that is not a property.
			if name, ok := e.(string); ok && s.Properties[name] != nil {
				s.Required = append(s.Required, name)
			}
		}
	}
	if _, ok := n.Get("prefixItems"); ok {
		return c.fail(path+"/prefixItems", "tuple schemas (prefixItems) cannot be expressed")
	}
	if v, ok := n.Get("items"); ok {
		if _, isList := v.([]any); isList {
			return c.fail(path+"/items", "tuple schemas (items as a list) cannot be expressed")
		}
		it, err := c.convert(v, path+"/items", depth+1)
		if err != nil {
			return err
		}
		s.Items = it
	}
	return nil
}

// combinators maps anyOf/oneOf and allOf.
func (c *schemaConv) combinators(s *gSchema, n *orderedjson.Object, path string, depth int) error {
	for _, key := range []string{"anyOf", "oneOf"} {
		v, ok := n.Get(key)
		if !ok {
			continue
		}
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return c.fail(path+"/"+key, "%s must be a non-empty list", key)
		}
		var branches []*gSchema
		for i, b := range l {
			g, err := c.convert(b, fmt.Sprintf("%s/%s/%d", path, key, i), depth+1)
			if err != nil {
				return err
			}
			if g.Type == "NULL" {
				s.Nullable = true
				continue
			}
			branches = append(branches, g)
		}
		if len(branches) == 1 && s.Type == "" && len(s.AnyOf) == 0 && s.Properties == nil && s.Items == nil {
			// Optional[X] ({"anyOf":[X,{"type":"null"}]}): X itself, nullable.
			merged := *branches[0]
			merged.Nullable = merged.Nullable || s.Nullable
			overlay(&merged, s)
			*s = merged
			continue
		}
		s.AnyOf = append(s.AnyOf, branches...)
	}
	v, ok := n.Get("allOf")
	if !ok {
		return nil
	}
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return c.fail(path+"/allOf", "allOf must be a non-empty list")
	}
	for i, b := range l {
		g, err := c.convert(b, fmt.Sprintf("%s/allOf/%d", path, i), depth+1)
		if err != nil {
			return err
		}
		if err := mergeAllOf(s, g); err != nil {
			return c.fail(fmt.Sprintf("%s/allOf/%d", path, i), "%s", err)
		}
	}
	return nil
}

// overlay copies the annotations of outer onto s where outer has them.
func overlay(s, outer *gSchema) {
	if outer.Title != "" {
		s.Title = outer.Title
	}
	if outer.Description != "" {
		s.Description = outer.Description
	}
	if outer.Default != nil {
		s.Default = outer.Default
	}
	if outer.Example != nil {
		s.Example = outer.Example
	}
}

// mergeAllOf folds one allOf member into s: any member into an empty
// schema, or an object into an object.
func mergeAllOf(s, g *gSchema) error {
	if s.Type == "" && s.Properties == nil && s.Items == nil && len(s.AnyOf) == 0 && len(s.Enum) == 0 {
		outer := *s
		*s = *g
		s.Nullable = s.Nullable || outer.Nullable
		overlay(s, &outer)
		return nil
	}
	if (s.Type != "OBJECT" && s.Properties == nil) || (g.Type != "OBJECT" && g.Properties == nil) || len(g.AnyOf) > 0 {
		return errors.New("allOf of several schemas that are not all objects cannot be expressed")
	}
	s.Type = "OBJECT"
	if s.Properties == nil && g.Properties != nil {
		s.Properties = map[string]*gSchema{}
	}
	keys := g.PropertyOrdering
	if keys == nil {
		keys = sortedKeys(g.Properties)
	}
	ordered := len(s.PropertyOrdering) > 0 || len(g.PropertyOrdering) > 0
	for _, k := range keys {
		if _, dup := s.Properties[k]; !dup && ordered {
			s.PropertyOrdering = append(s.PropertyOrdering, k)
		}
		s.Properties[k] = g.Properties[k]
	}
	for _, r := range g.Required {
		if !contains(s.Required, r) {
			s.Required = append(s.Required, r)
		}
	}
	return nil
}

func contains(l []string, v string) bool {
	for _, e := range l {
		if e == v {
			return true
		}
	}
	return false
}

// resolvePointer follows a local JSON pointer ("#/$defs/Node").
func resolvePointer(root any, ref string) (any, bool) {
	if ref == "#" {
		return root, true
	}
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	cur := root
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		o, ok := cur.(*orderedjson.Object)
		if !ok {
			return nil, false
		}
		if cur, ok = o.Vals[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// sortedKeys lists a map's keys in order (deterministic output in tests
// and error messages).
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
