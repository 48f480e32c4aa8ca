package sim

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Schema-driven answers, shared by both wire formats: tool-call arguments
// and structured outputs are generated from the JSON schema the request
// gives, deterministically, so that they validate against it. Both JSON
// Schema (OpenAI: lower-case types, $ref/$defs, anyOf) and Gemini's OpenAPI
// subset (upper-case types, nullable) are read.

// maxSchemaDepth bounds nesting (recursive schemas): below it only required
// properties are generated, and past twice it a null ends the branch.
const maxSchemaDepth = 8

// schemaValue returns a JSON value valid against schema. An empty or
// unreadable schema gives an empty object.
func schemaValue(schema json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(schema)) == 0 {
		return json.RawMessage("{}")
	}
	var root map[string]json.RawMessage
	_ = json.Unmarshal(schema, &root)
	g := &schemaGen{root: root}
	var b bytes.Buffer
	g.value(&b, schema, "value", 0, 0)
	return b.Bytes()
}

// schemaGen generates one value; root resolves "#/…" references.
type schemaGen struct {
	root map[string]json.RawMessage
}

// value writes a value for the schema node raw; name (the property's name)
// and variant (its position in an array) make strings and numbers differ.
func (g *schemaGen) value(b *bytes.Buffer, raw json.RawMessage, name string, variant, depth int) {
	if depth > 2*maxSchemaDepth {
		b.WriteString("null")
		return
	}
	var n map[string]json.RawMessage
	if json.Unmarshal(raw, &n) != nil {
		// true, or a schema that is not an object: anything goes.
		b.Write(jsonString("sim-" + name))
		return
	}
	if ref := stringField(n, "$ref"); ref != "" {
		if target, ok := g.resolve(ref); ok {
			g.value(b, target, name, variant, depth+1)
			return
		}
	}
	if c, ok := n["const"]; ok {
		b.Write(c)
		return
	}
	if e, ok := n["enum"]; ok {
		var vals []json.RawMessage
		if json.Unmarshal(e, &vals) == nil && len(vals) > 0 {
			b.Write(vals[variant%len(vals)])
			return
		}
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		if alt, ok := pickAlternative(n[k]); ok {
			g.value(b, alt, name, variant, depth+1)
			return
		}
	}
	switch schemaType(n) {
	case "object":
		g.object(b, n, depth)
	case "array":
		g.array(b, n, name, depth)
	case "string":
		b.Write(jsonString(stringValue(n, name, variant)))
	case "integer":
		b.WriteString(strconv.FormatInt(int64(numberValue(n, 1+float64(variant), true)), 10))
	case "number":
		b.WriteString(strconv.FormatFloat(numberValue(n, 1.5+float64(variant), false), 'f', -1, 64))
	case "boolean":
		b.WriteString("true")
	case "null":
		b.WriteString("null")
	default:
		b.Write(jsonString("sim-" + name))
	}
}

// resolve follows a local reference such as "#/$defs/Step".
func (g *schemaGen) resolve(ref string) (json.RawMessage, bool) {
	path, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, false
	}
	if path == "" || path == "/" {
		b, err := json.Marshal(g.root)
		return b, err == nil
	}
	cur := g.root
	var out json.RawMessage
	for _, tok := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if cur == nil {
			return nil, false
		}
		v, ok := cur[tok]
		if !ok {
			return nil, false
		}
		out, cur = v, nil
		_ = json.Unmarshal(v, &cur)
	}
	return out, out != nil
}

// object writes every property (only the required ones when deep), in the
// schema's order.
func (g *schemaGen) object(b *bytes.Buffer, n map[string]json.RawMessage, depth int) {
	var props map[string]json.RawMessage
	_ = json.Unmarshal(n["properties"], &props)
	var required []string
	_ = json.Unmarshal(n["required"], &required)
	b.WriteByte('{')
	first := true
	for _, k := range objectKeys(n["properties"]) {
		if depth >= maxSchemaDepth && !slices.Contains(required, k) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(jsonString(k))
		b.WriteByte(':')
		g.value(b, props[k], k, 0, depth+1)
	}
	b.WriteByte('}')
}

// array writes minItems items (at least one, at most maxItems), each a
// different variant so uniqueItems holds.
func (g *schemaGen) array(b *bytes.Buffer, n map[string]json.RawMessage, name string, depth int) {
	count := 1
	if v, ok := intField(n, "minItems"); ok && v > count {
		count = v
	}
	if v, ok := intField(n, "maxItems"); ok && v < count {
		count = v
	}
	var prefix []json.RawMessage
	_ = json.Unmarshal(n["prefixItems"], &prefix)
	b.WriteByte('[')
	for i := 0; i < count; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		item := n["items"]
		if i < len(prefix) {
			item = prefix[i]
		}
		if len(item) == 0 {
			item = json.RawMessage(`{"type":"string"}`)
		}
		g.value(b, item, name, i, depth+1)
	}
	b.WriteByte(']')
}

// schemaType is the node's type, lower-cased (Gemini writes "STRING"); the
// first non-null one of a list; inferred from its keywords when absent.
func schemaType(n map[string]json.RawMessage) string {
	if t := stringField(n, "type"); t != "" {
		return strings.ToLower(t)
	}
	var ts []string
	if json.Unmarshal(n["type"], &ts) == nil && len(ts) > 0 {
		for _, t := range ts {
			if !strings.EqualFold(t, "null") {
				return strings.ToLower(t)
			}
		}
		return "null"
	}
	switch {
	case n["properties"] != nil:
		return "object"
	case n["items"] != nil || n["prefixItems"] != nil:
		return "array"
	}
	return "string"
}

// pickAlternative is the first alternative of anyOf/oneOf/allOf that is not
// {"type":"null"} (Pydantic writes Optional[X] as anyOf [X, null]).
func pickAlternative(raw json.RawMessage) (json.RawMessage, bool) {
	var alts []json.RawMessage
	if json.Unmarshal(raw, &alts) != nil || len(alts) == 0 {
		return nil, false
	}
	for _, a := range alts {
		var n map[string]json.RawMessage
		if json.Unmarshal(a, &n) == nil && strings.EqualFold(stringField(n, "type"), "null") {
			continue
		}
		return a, true
	}
	return alts[0], true
}

// stringValue is a string for a property: by its format when it has one,
// padded to minLength and cut to maxLength.
func stringValue(n map[string]json.RawMessage, name string, variant int) string {
	var s string
	switch stringField(n, "format") {
	case "date-time":
		s = "2026-01-0" + strconv.Itoa(1+variant%9) + "T12:00:00Z"
	case "date":
		s = "2026-01-0" + strconv.Itoa(1+variant%9)
	case "time":
		s = "12:00:0" + strconv.Itoa(variant%10)
	case "email":
		s = "sim" + strconv.Itoa(variant) + "@example.com"
	case "uri", "url":
		s = "https://example.com/sim/" + strconv.Itoa(variant)
	case "uuid":
		s = "00000000-0000-4000-8000-" + strings.Repeat("0", 11) + strconv.Itoa(variant%10)
	default:
		s = "sim-" + name
		if variant > 0 {
			s += "-" + strconv.Itoa(variant)
		}
	}
	if v, ok := intField(n, "minLength"); ok && len(s) < v {
		s += strings.Repeat("x", v-len(s))
	}
	if v, ok := intField(n, "maxLength"); ok && len(s) > v {
		s = s[:v]
	}
	return s
}

// numberValue is def moved inside [minimum, maximum] (exclusive bounds
// too). Integers are rounded inwards.
func numberValue(n map[string]json.RawMessage, def float64, integer bool) float64 {
	v := def
	step := 0.5
	if integer {
		step = 1
	}
	if lo, ok := floatField(n, "minimum"); ok && v < lo {
		v = lo
	}
	if lo, ok := floatField(n, "exclusiveMinimum"); ok && v <= lo {
		v = lo + step
	}
	if hi, ok := floatField(n, "maximum"); ok && v > hi {
		v = hi
	}
	if hi, ok := floatField(n, "exclusiveMaximum"); ok && v >= hi {
		v = hi - step
	}
	if integer {
		if lo, ok := floatField(n, "minimum"); ok && float64(int64(v)) < lo {
			return float64(int64(v) + 1)
		}
		return float64(int64(v))
	}
	return v
}

func stringField(n map[string]json.RawMessage, k string) string {
	var s string
	_ = json.Unmarshal(n[k], &s)
	return s
}

func floatField(n map[string]json.RawMessage, k string) (float64, bool) {
	var f float64
	if json.Unmarshal(n[k], &f) != nil {
		return 0, false
	}
	return f, true
}

func intField(n map[string]json.RawMessage, k string) (int, bool) {
	f, ok := floatField(n, k)
	// Gemini writes minItems and friends as strings ("int64" in its API).
	if s := stringField(n, k); s != "" {
		i, err := strconv.Atoi(s)
		return i, err == nil
	}
	return int(f), ok
}

// objectKeys lists a JSON object's keys in document order.
func objectKeys(raw json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

// toolDecl is one function a request offers.
type toolDecl struct {
	Name       string
	Parameters json.RawMessage
}

// toolCallPlan is one call the simulated model makes.
type toolCallPlan struct {
	Name      string
	Arguments json.RawMessage
}

// Tool choice modes, as both wire formats map onto them (Gemini: AUTO,
// ANY, ANY with one allowed name, NONE).
const (
	toolModeAuto     = "auto"
	toolModeNone     = "none"
	toolModeRequired = "required"
	toolModeFunction = "function"
)

// planToolCalls decides the tool calls of an answer, deterministically:
//   - after a tool result (the last message answers a call), none: the model
//     answers in text;
//   - mode "function": the named function;
//   - mode "required": the offered functions the prompt names, or the first;
//   - mode "auto": the offered functions the prompt names, else none.
//
// With parallel false only the first planned call is made.
func planToolCalls(tools []toolDecl, mode, name string, parallel, afterToolResult bool, prompt string) []toolCallPlan {
	if afterToolResult || len(tools) == 0 || mode == toolModeNone {
		return nil
	}
	var picked []toolDecl
	switch mode {
	case toolModeFunction:
		for _, t := range tools {
			if t.Name == name {
				picked = append(picked, t)
				break
			}
		}
	default:
		for _, t := range tools {
			if t.Name != "" && strings.Contains(prompt, t.Name) {
				picked = append(picked, t)
			}
		}
		if len(picked) == 0 && mode == toolModeRequired {
			picked = tools[:1]
		}
	}
	if !parallel && len(picked) > 1 {
		picked = picked[:1]
	}
	out := make([]toolCallPlan, len(picked))
	for i, t := range picked {
		out[i] = toolCallPlan{Name: t.Name, Arguments: schemaValue(t.Parameters)}
	}
	return out
}

// toolResultText is the final answer after tool results: it echoes them.
func toolResultText(flavour, model string, results []string) string {
	return answerText(flavour, model, "tool results: "+strings.Join(results, "; "))
}

// jsonAnswer is a json_object answer: the text answer inside an object.
func jsonAnswer(text string) string {
	return `{"answer":` + string(jsonString(text)) + `}`
}

// spacedJSON puts a space after every comma and colon outside strings, so
// a JSON answer has words a stream can split it into.
func spacedJSON(compact []byte) string {
	var b strings.Builder
	b.Grow(len(compact) + len(compact)/4)
	inString, escaped := false, false
	for _, c := range compact {
		b.WriteByte(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			b.WriteByte(' ')
		}
	}
	return b.String()
}
