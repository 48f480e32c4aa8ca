package geminiprovider

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Function calling, both ways: the gateway's tools and tool_choice become
// functionDeclarations and toolConfig; a tool loop's history (assistant
// tool_calls, tool messages) becomes functionCall and functionResponse
// parts; the model's functionCall parts come back as OpenAI tool calls.

// skipSignature is the thoughtSignature Google documents for function calls
// whose real signature is unknown (a history written by another model, or
// by this plugin before a restart): Gemini 3 refuses a call without one.
const skipSignature = "skip_thought_signature_validator"

// functionName is what Gemini accepts as a function name.
var functionName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$`)

// badRequest is a local refusal of the caller's request (400, no upstream
// call, no fallback: the next provider would refuse it too).
func badRequest(format string, args ...any) error {
	return sdk.Fail(sdk.ClassBadRequest, 0, 0, "INVALID_ARGUMENT", "gemini: "+fmt.Sprintf(format, args...))
}

// buildTools maps tools and tool_choice; raw sends the parameters' JSON
// Schema as given (schema_format "json_schema").
func buildTools(req *sdk.ChatRequest, raw bool) ([]tool, *toolConfig, error) {
	choice := req.GetToolChoice()
	if len(req.GetTools()) == 0 {
		if m := choice.GetMode(); m == "required" || m == "function" {
			return nil, nil, badRequest("tool_choice %q needs tools", m)
		}
		return nil, nil, nil
	}
	decls := make([]functionDeclaration, 0, len(req.GetTools()))
	seen := map[string]bool{}
	for _, t := range req.GetTools() {
		d, err := declaration(t, raw)
		if err != nil {
			return nil, nil, err
		}
		if seen[d.Name] {
			return nil, nil, badRequest("tool %q is declared twice", d.Name)
		}
		seen[d.Name] = true
		decls = append(decls, d)
	}
	cfg, err := callingConfig(choice, seen)
	if err != nil {
		return nil, nil, err
	}
	return []tool{{FunctionDeclarations: decls}}, cfg, nil
}

// declaration converts one tool; its schema goes through convertSchema,
// or as given into parametersJsonSchema when raw.
func declaration(t *sdk.Tool, raw bool) (functionDeclaration, error) {
	if typ := t.GetType(); typ != "" && typ != "function" {
		return functionDeclaration{}, badRequest("tool %q: type %q is not supported (only function)", t.GetName(), typ)
	}
	if !functionName.MatchString(t.GetName()) {
		return functionDeclaration{}, badRequest("tool %q: Gemini needs a function name that starts with a letter or _ and has at most 128 letters, digits, _ . : -", t.GetName())
	}
	d := functionDeclaration{Name: t.GetName(), Description: t.GetDescription()}
	if strings.TrimSpace(t.GetParametersJson()) == "" {
		return d, nil
	}
	if raw {
		js, err := rawSchema(t.GetParametersJson())
		if err != nil {
			return d, badRequest("tool %q: parameters %v", t.GetName(), err)
		}
		d.ParametersJSONSchema = js
		return d, nil
	}
	s, err := convertSchema(t.GetParametersJson(), forParameters)
	if err != nil {
		return d, badRequest("tool %q: its parameters schema cannot be converted for Gemini: %v%s", t.GetName(), err, jsonSchemaHint)
	}
	if s.Type != "OBJECT" {
		return d, badRequest("tool %q: parameters must be an object schema", t.GetName())
	}
	if len(s.Properties) > 0 {
		d.Parameters = s
	}
	return d, nil
}

// callingConfig maps tool_choice: none/auto/required/a named function →
// NONE/AUTO/ANY/ANY with allowedFunctionNames. Unset leaves Gemini's
// default (AUTO).
func callingConfig(choice *sdk.ToolChoice, names map[string]bool) (*toolConfig, error) {
	var c functionCallingConfig
	switch choice.GetMode() {
	case "":
		return nil, nil
	case "none":
		c.Mode = "NONE"
	case "auto":
		c.Mode = "AUTO"
	case "required":
		c.Mode = "ANY"
	case "function":
		if !names[choice.GetName()] {
			return nil, badRequest("tool_choice names function %q, which is not among the tools", choice.GetName())
		}
		c.Mode, c.AllowedFunctionNames = "ANY", []string{choice.GetName()}
	default:
		return nil, badRequest("tool_choice %q is not supported", choice.GetMode())
	}
	return &toolConfig{FunctionCallingConfig: c}, nil
}

// history indexes a request's tool loop: the function name of every tool
// call id the assistant messages carry (a tool message names only the id).
type history struct {
	names map[string]string
	// imageBudget is what is left of image_max_bytes for the request's
	// images.
	imageBudget int64
}

func newHistory(msgs []*sdk.Message, imageBudget int64) *history {
	h := &history{names: map[string]string{}, imageBudget: imageBudget}
	for _, m := range msgs {
		for _, tc := range m.GetToolCalls() {
			if tc.GetId() != "" {
				h.names[tc.GetId()] = tc.GetName()
			}
		}
	}
	return h
}

// callParts turns an assistant message's tool calls into functionCall
// parts, each with its thought signature when this plugin saw it, else the
// first with Google's documented placeholder. An id the model issued itself
// is echoed; the gateway's own (or another provider's) ids are not sent.
func (p *Provider) callParts(i int, m *sdk.Message) ([]part, error) {
	out := make([]part, 0, len(m.GetToolCalls()))
	signed := false
	for j, tc := range m.GetToolCalls() {
		if !functionName.MatchString(tc.GetName()) {
			return nil, badRequest("messages[%d].tool_calls[%d]: %q is not a function name Gemini accepts", i, j, tc.GetName())
		}
		args, err := argsObject(tc.GetArguments())
		if err != nil {
			return nil, badRequest("messages[%d].tool_calls[%d] (%s): arguments %v", i, j, tc.GetName(), err)
		}
		fc := &functionCall{Name: tc.GetName(), Args: args}
		meta, known := p.calls.get(tc.GetId())
		if known && meta.geminiID {
			fc.ID = tc.GetId()
		}
		pt := part{FunctionCall: fc, ThoughtSignature: meta.signature}
		signed = signed || pt.ThoughtSignature != ""
		out = append(out, pt)
	}
	if !signed && len(out) > 0 {
		out[0].ThoughtSignature = skipSignature
	}
	return out, nil
}

// argsObject checks a call's arguments: a JSON object ("" is {}).
func argsObject(s string) (json.RawMessage, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return json.RawMessage("{}"), nil
	}
	if !json.Valid([]byte(s)) {
		return nil, fmt.Errorf("are not valid JSON")
	}
	if s[0] != '{' {
		return nil, fmt.Errorf("must be a JSON object")
	}
	return json.RawMessage(s), nil
}

// responsePart turns a tool message into a functionResponse part. Its
// function is the one the history's call with that id named (or the
// message's own name). Gemini wants an object: a result that is not JSON
// object text is wrapped as {"output": …} (parsed when it is JSON).
func (p *Provider) responsePart(h *history, i int, m *sdk.Message) (part, error) {
	id := m.GetToolCallId()
	name := h.names[id]
	if name == "" {
		name = m.GetName()
	}
	if name == "" {
		return part{}, badRequest("messages[%d]: tool_call_id %q answers no tool call of an earlier assistant message", i, id)
	}
	fr := &functionResponse{Name: name, Response: wrapResult(m.GetContent())}
	if meta, ok := p.calls.get(id); ok && meta.geminiID {
		fr.ID = id
	}
	return part{FunctionResponse: fr}, nil
}

func wrapResult(content string) json.RawMessage {
	t := strings.TrimSpace(content)
	if t != "" && t[0] == '{' && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	var v any = content
	if t != "" && json.Valid([]byte(t)) {
		v = json.RawMessage(t)
	}
	b, _ := json.Marshal(map[string]any{"output": v})
	return b
}

// calls returns the candidate's functionCall parts.
func (c *candidate) calls() []part {
	if c == nil || c.Content == nil {
		return nil
	}
	var out []part
	for _, pt := range c.Content.Parts {
		if pt.FunctionCall != nil {
			out = append(out, pt)
		}
	}
	return out
}

// toolCalls maps functionCall parts to OpenAI tool calls numbered from
// first. Gemini's calls carry no id (newer models may): the id is derived
// from the response id, the position, the name and the arguments, so it is
// unique in the conversation and the same if the answer is mapped twice.
// Thought signatures and model-issued ids are remembered for the next turn.
func (p *Provider) toolCalls(parts []part, responseID string, first int) []*sdk.ToolCall {
	if len(parts) == 0 {
		return nil
	}
	seed := responseID
	if seed == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		seed = hex.EncodeToString(b[:])
	}
	out := make([]*sdk.ToolCall, 0, len(parts))
	for i, pt := range parts {
		fc := pt.FunctionCall
		args := compactArgs(fc.Args)
		id, own := fc.ID, fc.ID != ""
		if !own {
			id = callID(seed, first+i, fc.Name, args)
		}
		if own || pt.ThoughtSignature != "" {
			p.calls.put(id, callMeta{signature: pt.ThoughtSignature, geminiID: own})
		}
		out = append(out, &sdk.ToolCall{Index: int32(first + i), Id: id, Type: "function", Name: fc.Name, Arguments: args})
	}
	return out
}

// compactArgs is a call's arguments as compact JSON text ("{}" if absent).
func compactArgs(raw json.RawMessage) string {
	var b bytes.Buffer
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) || json.Compact(&b, raw) != nil {
		return "{}"
	}
	return b.String()
}

// callID is "call_" and 24 hex digits: short enough for OpenAI (40 at
// most), so a conversation can fall back from Gemini to OpenAI.
func callID(seed string, index int, name, args string) string {
	h := sha256.Sum256([]byte(seed + "\x00" + strconv.Itoa(index) + "\x00" + name + "\x00" + args))
	return "call_" + hex.EncodeToString(h[:12])
}

// callMeta is what a later turn needs about a call this plugin answered.
type callMeta struct {
	signature string // the part's thoughtSignature
	geminiID  bool   // the id is the model's own (echo it back)
}

// callCache remembers callMeta by tool call id, bounded: the oldest entries
// go first. It lives in the plugin process, so after a restart (or on
// another gateway replica) a history's calls get the placeholder signature.
type callCache struct {
	mu    sync.Mutex
	max   int
	m     map[string]callMeta
	order []string // insertion order, a ring of max entries
	next  int
}

func newCallCache(max int) *callCache {
	return &callCache{max: max, m: make(map[string]callMeta, max)}
}

func (c *callCache) get(id string) (callMeta, bool) {
	if id == "" {
		return callMeta{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *callCache) put(id string, v callMeta) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id]; ok {
		c.m[id] = v
		return
	}
	if len(c.order) < c.max {
		c.order = append(c.order, id)
	} else {
		delete(c.m, c.order[c.next])
		c.order[c.next] = id
		c.next = (c.next + 1) % c.max
	}
	c.m[id] = v
}
