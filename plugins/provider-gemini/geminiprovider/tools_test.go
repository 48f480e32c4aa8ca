package geminiprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// lightsRequest is the cookbook's lighting example (Function_calling_REST)
// as an OpenAI client sends it: strict tools, additionalProperties false.
func lightsRequest() *sdk.CompleteRequest {
	return &sdk.CompleteRequest{
		UpstreamModel: "gemini-2.0-flash",
		Request: &sdk.ChatRequest{
			Model: "gemini-secondary",
			Messages: []*sdk.Message{
				{Role: "system", Content: "You are a helpful lighting system bot. You can turn lights on and off, and you can set the color. Do not perform any other tasks."},
				{Role: "user", Content: "Turn on the lights please."},
			},
			Tools: []*sdk.Tool{
				{Type: "function", Name: "enable_lights", Description: "Turn on the lighting system.", ParametersJson: `{"type":"object","properties":{},"additionalProperties":false}`},
				{Type: "function", Name: "set_light_color", Description: "Set the light color. Lights must be enabled for this to work.", Strict: ptr(true),
					ParametersJson: `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"rgb_hex":{"type":"string","description":"The light color as a 6-digit hex string, e.g. ff0000 for red."}},"required":["rgb_hex"],"additionalProperties":false}`},
				{Type: "function", Name: "stop_lights", Description: "Turn off the lighting system."},
			},
			ToolChoice: &sdk.ToolChoice{Mode: "auto"},
		},
	}
}

func ptr[T any](v T) *T { return &v }

// sameJSON fails unless got and want are the same JSON value.
func sameJSON(t *testing.T, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s (want): %v", what, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("%s:\n got %s\nwant %s", what, gb, wb)
	}
}

func TestToolsRequestMatchesTheCookbook(t *testing.T) {
	rp := newReplay(t, reply{file: "function_call_lights.json"})
	p := providerFor(t, rp.srv.URL)
	resp, err := p.Complete(context.Background(), lightsRequest())
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "request", rp.last().body, readTestdata(t, "request_tools.json"))
	// The answer: one call without args → "{}", finish tool_calls.
	if resp.FinishReason != "tool_calls" || resp.Content != "" || len(resp.ToolCalls) != 1 {
		t.Fatalf("answer %+v", resp)
	}
	tc := resp.ToolCalls[0]
	if tc.Name != "enable_lights" || tc.Arguments != "{}" || tc.Type != "function" || tc.Index != 0 ||
		!strings.HasPrefix(tc.Id, "call_") || len(tc.Id) > 40 {
		t.Errorf("tool call %+v", tc)
	}
}

func TestToolChoiceModes(t *testing.T) {
	cases := []struct {
		choice *sdk.ToolChoice
		want   string // the toolConfig JSON, "" for none
		err    string
	}{
		{nil, ``, ""},
		{&sdk.ToolChoice{Mode: "none"}, `{"functionCallingConfig":{"mode":"NONE"}}`, ""},
		{&sdk.ToolChoice{Mode: "auto"}, `{"functionCallingConfig":{"mode":"AUTO"}}`, ""},
		{&sdk.ToolChoice{Mode: "required"}, `{"functionCallingConfig":{"mode":"ANY"}}`, ""},
		{&sdk.ToolChoice{Mode: "function", Name: "stop_lights"}, `{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["stop_lights"]}}`, ""},
		{&sdk.ToolChoice{Mode: "function", Name: "get_weather"}, ``, `tool_choice names function "get_weather", which is not among the tools`},
	}
	for _, c := range cases {
		req := lightsRequest().Request
		req.ToolChoice = c.choice
		gr, err := newTestProvider(t, `{"api_key":"k"}`).buildRequest(context.Background(), req)
		if c.err != "" {
			if pe := providerError(t, err); pe.Class != sdk.ClassBadRequest || !strings.Contains(pe.Message, c.err) {
				t.Errorf("%v: %v", c.choice, pe)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", c.choice, err)
		}
		got, _ := json.Marshal(gr.ToolConfig)
		if c.want == "" {
			if gr.ToolConfig != nil {
				t.Errorf("%v: toolConfig %s, want none", c.choice, got)
			}
			continue
		}
		sameJSON(t, c.choice.GetMode(), got, []byte(c.want))
	}
	// required without tools is the caller's mistake.
	req := lightsRequest().Request
	req.Tools, req.ToolChoice = nil, &sdk.ToolChoice{Mode: "required"}
	_, err := newTestProvider(t, `{"api_key":"k"}`).buildRequest(context.Background(), req)
	if pe := providerError(t, err); pe.Class != sdk.ClassBadRequest {
		t.Errorf("required without tools: %v", pe)
	}
}

func TestToolsThatCannotBeConvertedAreRefusedBeforeTheCall(t *testing.T) {
	cases := map[string]struct{ name, schema, want string }{
		"cycle":       {"walk", `{"type":"object","properties":{"root":{"$ref":"#/$defs/Node"}},"$defs":{"Node":{"type":"object","properties":{"next":{"$ref":"#/$defs/Node"}}}}}`, `tool "walk": its parameters schema cannot be converted for Gemini: at #/$defs/Node/properties/next: recursive $ref "#/$defs/Node"`},
		"remote ref":  {"fetch", `{"type":"object","properties":{"a":{"$ref":"https://example.com/a.json"}}}`, `does not point into this schema`},
		"tuple":       {"pair", `{"type":"object","properties":{"p":{"type":"array","prefixItems":[{"type":"string"},{"type":"number"}]}}}`, `tuple schemas`},
		"not object":  {"scalar", `{"type":"string"}`, `parameters must be an object schema`},
		"bad JSON":    {"broken", `{"type":"object",`, `not valid JSON`},
		"bad name":    {"1st-tool", `{"type":"object"}`, `Gemini needs a function name`},
		"unknown typ": {"odd", `{"type":"object","properties":{"a":{"type":"decimal"}}}`, `unknown type "decimal"`},
		"free map":    {"tag", `{"type":"object","properties":{"labels":{"type":"object","additionalProperties":{"type":"string"}}}}`, `at #/properties/labels: an object without properties (a free-form map) cannot be expressed`},
	}
	for name, c := range cases {
		rp := newReplay(t, reply{file: "function_call_lights.json"})
		p := providerFor(t, rp.srv.URL)
		req := lightsRequest()
		req.Request.Tools = []*sdk.Tool{{Type: "function", Name: c.name, ParametersJson: c.schema}}
		req.Request.ToolChoice = nil
		_, err := p.Complete(context.Background(), req)
		pe := providerError(t, err)
		if pe.Class != sdk.ClassBadRequest || !strings.Contains(pe.Message, c.want) || !strings.Contains(pe.Message, c.name) {
			t.Errorf("%s: %v", name, pe)
		}
		if len(rp.got) != 0 {
			t.Errorf("%s: the upstream was called", name)
		}
	}
}

func TestSchemaConversion(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		// What Pydantic emits for Optional, nested models ($defs), enums
		// and Field(description=…).
		"pydantic": {
			`{"$defs":{"Unit":{"enum":["c","f"],"title":"Unit","type":"string"},"Day":{"properties":{"date":{"format":"date","type":"string"},"high":{"type":"number"}},"required":["date","high"],"title":"Day","type":"object","additionalProperties":false}},
			  "properties":{"city":{"description":"City name","title":"City","type":"string"},"unit":{"$ref":"#/$defs/Unit"},"days":{"items":{"$ref":"#/$defs/Day"},"maxItems":7,"title":"Days","type":"array"},"note":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Note"}},
			  "required":["city","unit","days","note"],"title":"Forecast","type":"object","additionalProperties":false}`,
			`{"type":"OBJECT","title":"Forecast","properties":{"city":{"type":"STRING","title":"City","description":"City name"},"unit":{"type":"STRING","title":"Unit","enum":["c","f"]},
			  "days":{"type":"ARRAY","title":"Days","maxItems":7,"items":{"type":"OBJECT","title":"Day","properties":{"date":{"type":"STRING"},"high":{"type":"NUMBER"}},"required":["date","high"],"propertyOrdering":["date","high"]}},
			  "note":{"type":"STRING","title":"Note","nullable":true}},"required":["city","unit","days","note"],"propertyOrdering":["city","unit","days","note"]}`,
		},
		"type list, const, oneOf, allOf": {
			`{"type":"object","properties":{"n":{"type":["integer","null"],"minimum":0,"exclusiveMaximum":9,"multipleOf":3},"kind":{"const":"fixed"},"v":{"oneOf":[{"type":"string"},{"type":"number"}]},
			  "both":{"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},{"type":"object","properties":{"b":{"type":"boolean"}}}]},"level":{"type":"integer","enum":[1,2,3],"description":"Level."},"when":{"type":"string","format":"date-time"}},"patternProperties":{"^x":{}},"not":{"required":["z"]}}`,
			`{"type":"OBJECT","properties":{"n":{"type":"INTEGER","nullable":true,"minimum":0},"kind":{"type":"STRING","enum":["fixed"]},"v":{"anyOf":[{"type":"STRING"},{"type":"NUMBER"}]},
			  "both":{"type":"OBJECT","properties":{"a":{"type":"STRING"},"b":{"type":"BOOLEAN"}},"required":["a"],"propertyOrdering":["a","b"]},"level":{"type":"INTEGER","description":"Level. One of: 1, 2, 3."},"when":{"type":"STRING","format":"date-time"}},
			  "propertyOrdering":["n","kind","v","both","level","when"]}`,
		},
		// Properties on a string and items on an object are ignored by JSON
		// Schema and refused by Gemini; a union of objects keeps only anyOf.
		"misplaced keywords, object union": {
			`{"type":"object","properties":{"s":{"type":"string","properties":{"x":{"type":"string"}},"required":["x"]},"o":{"type":"object","items":{"type":"string"},"properties":{"k":{"type":"integer"}}},
			  "u":{"type":"object","anyOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"b":{"type":"boolean"}}}]}}}`,
			`{"type":"OBJECT","properties":{"s":{"type":"STRING"},"o":{"type":"OBJECT","properties":{"k":{"type":"INTEGER"}},"propertyOrdering":["k"]},
			  "u":{"anyOf":[{"type":"OBJECT","properties":{"a":{"type":"STRING"}},"propertyOrdering":["a"]},{"type":"OBJECT","properties":{"b":{"type":"BOOLEAN"}},"propertyOrdering":["b"]}]}},
			  "propertyOrdering":["s","o","u"]}`,
		},
		"several types": {
			`{"type":["string","number","null"]}`,
			`{"nullable":true,"anyOf":[{"type":"STRING"},{"type":"NUMBER"}]}`,
		},
	}
	for name, c := range cases {
		s, err := convertSchema(c.in, forResponse)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _ := json.Marshal(s)
		sameJSON(t, name, got, []byte(c.want))
	}
	// Property order follows the schema, not the alphabet.
	s, err := convertSchema(`{"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"string"}}}`, forResponse)
	if err != nil || strings.Join(s.PropertyOrdering, ",") != "zeta,alpha" {
		t.Errorf("ordering %v %v", s, err)
	}
	// A structured answer must be an object with properties; a function's
	// parameters may have none.
	if _, err := convertSchema(`{"type":"object"}`, forResponse); err == nil || !strings.Contains(err.Error(), "free-form map") {
		t.Errorf("empty response object: %v", err)
	}
	if s, err := convertSchema(`{"type":"object","properties":{}}`, forParameters); err != nil || s.Type != "OBJECT" {
		t.Errorf("empty parameters: %v %+v", err, s)
	}
	// A DAG of references that would expand exponentially is bounded.
	var b strings.Builder
	b.WriteString(`{"$defs":{"L0":{"type":"string"}`)
	for i := 1; i <= 30; i++ {
		b.WriteString(`,"L` + itoa(i) + `":{"type":"object","properties":{"a":{"$ref":"#/$defs/L` + itoa(i-1) + `"},"b":{"$ref":"#/$defs/L` + itoa(i-1) + `"}}}`)
	}
	b.WriteString(`},"$ref":"#/$defs/L30"}`)
	if _, err := convertSchema(b.String(), forParameters); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("exponential schema: %v", err)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// loopHistory is a two-step tool loop as an OpenAI client sends it back:
// parallel calls with OpenAI-issued ids, the results in any order.
func loopHistory() *sdk.CompleteRequest {
	req := lightsRequest()
	req.Request.Messages = append(req.Request.Messages,
		&sdk.Message{Role: "assistant", Content: "On it.", ToolCalls: []*sdk.ToolCall{
			{Index: 0, Id: "call_Y6qJtE5qnKs0ZRIh", Type: "function", Name: "enable_lights", Arguments: ""},
			{Index: 1, Id: "call_c91SsZYkRPbIsZtR", Type: "function", Name: "set_light_color", Arguments: `{"rgb_hex": "ff0000"}`},
		}},
		&sdk.Message{Role: "tool", ToolCallId: "call_Y6qJtE5qnKs0ZRIh", Content: `{"ok":true}`},
		&sdk.Message{Role: "tool", ToolCallId: "call_c91SsZYkRPbIsZtR", Content: "color set"},
		&sdk.Message{Role: "user", Content: "Thanks!"},
	)
	return req
}

func TestToolHistoryBecomesFunctionParts(t *testing.T) {
	gr, err := newTestProvider(t, `{"api_key":"k"}`).buildRequest(context.Background(), loopHistory().Request)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(gr.Contents)
	sameJSON(t, "contents", got, []byte(`[
		{"role":"user","parts":[{"text":"Turn on the lights please."}]},
		{"role":"model","parts":[{"text":"On it."},
			{"functionCall":{"name":"enable_lights","args":{}},"thoughtSignature":"skip_thought_signature_validator"},
			{"functionCall":{"name":"set_light_color","args":{"rgb_hex": "ff0000"}}}]},
		{"role":"user","parts":[
			{"functionResponse":{"name":"enable_lights","response":{"ok":true}}},
			{"functionResponse":{"name":"set_light_color","response":{"output":"color set"}}},
			{"text":"Thanks!"}]}]`))

	bad := loopHistory()
	bad.Request.Messages[4].ToolCallId = "call_unknown"
	_, err = newTestProvider(t, `{"api_key":"k"}`).buildRequest(context.Background(), bad.Request)
	if pe := providerError(t, err); pe.Class != sdk.ClassBadRequest || !strings.Contains(pe.Message, `messages[4]: tool_call_id "call_unknown" answers no tool call`) {
		t.Errorf("unknown id: %v", pe)
	}
	bad = loopHistory()
	bad.Request.Messages[2].ToolCalls[1].Arguments = `{"rgb_hex": `
	_, err = newTestProvider(t, `{"api_key":"k"}`).buildRequest(context.Background(), bad.Request)
	if pe := providerError(t, err); pe.Class != sdk.ClassBadRequest || !strings.Contains(pe.Message, "messages[2].tool_calls[1] (set_light_color): arguments are not valid JSON") {
		t.Errorf("invalid arguments: %v", pe)
	}
}

func TestWrapResult(t *testing.T) {
	cases := map[string]string{
		`{"temp_c":11}`: `{"temp_c":11}`,
		`[1,2]`:         `{"output":[1,2]}`,
		`42`:            `{"output":42}`,
		`sunny`:         `{"output":"sunny"}`,
		``:              `{"output":""}`,
		`{"broken":`:    `{"output":"{\"broken\":"}`,
	}
	for in, want := range cases {
		sameJSON(t, in, wrapResult(in), []byte(want))
	}
}

func TestParallelCallsAnswerAndSignaturesRoundTrip(t *testing.T) {
	rp := newReplay(t, reply{file: "function_call_parallel.json"})
	p := providerFor(t, rp.srv.URL)
	req := lightsRequest()
	resp, err := p.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.FinishReason != "tool_calls" || len(resp.ToolCalls) != 3 {
		t.Fatalf("answer %+v", resp)
	}
	wantArgs := []string{`{"power":true}`, `{"energetic":true,"loud":true}`, `{"brightness":0.5}`}
	ids := map[string]bool{}
	for i, tc := range resp.ToolCalls {
		if int(tc.Index) != i || tc.Arguments != wantArgs[i] || ids[tc.Id] || len(tc.Id) > 40 {
			t.Errorf("call %d: %+v", i, tc)
		}
		ids[tc.Id] = true
	}
	u := resp.Usage
	if u.PromptTokens != 145 || u.CompletionTokens != 38+134 || u.TotalTokens != 317 || u.CachedTokens != 128 || u.ReasoningTokens != 134 {
		t.Errorf("usage %+v", u)
	}
	// The same answer maps to the same ids (a retry of the mapping, or a
	// replayed answer, does not change them).
	again, _ := p.Complete(context.Background(), req)
	if again.ToolCalls[2].Id != resp.ToolCalls[2].Id {
		t.Errorf("ids differ: %s %s", again.ToolCalls[2].Id, resp.ToolCalls[2].Id)
	}

	// Next turn: the client echoes the calls; the first carries Gemini's
	// real signature again, the others none.
	next := lightsRequest()
	msgs := []*sdk.Message{{Role: "assistant", ToolCalls: resp.ToolCalls}}
	for _, tc := range resp.ToolCalls {
		msgs = append(msgs, &sdk.Message{Role: "tool", ToolCallId: tc.Id, Content: "done"})
	}
	next.Request.Messages = append(next.Request.Messages, msgs...)
	if _, err := p.Complete(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Contents []content `json:"contents"`
	}
	if err := json.Unmarshal(rp.last().body, &body); err != nil {
		t.Fatal(err)
	}
	model := body.Contents[1]
	if model.Role != "model" || len(model.Parts) != 3 ||
		model.Parts[0].ThoughtSignature != "CiQB0e2Kb7xQ3mYx0ZBq9P0wS4J7bmVhdGggdGhlIGRpc2NvIGJhbGw=" || model.Parts[1].ThoughtSignature != "" {
		t.Errorf("model turn %s", rp.last().body)
	}
	results := body.Contents[2]
	if results.Role != "user" || len(results.Parts) != 3 || results.Parts[2].FunctionResponse.Name != "dim_lights" {
		t.Errorf("results turn %s", rp.last().body)
	}
}

func TestParallelToolCallsFalseKeepsTheFirstCall(t *testing.T) {
	rp := newReplay(t, reply{file: "function_call_parallel.json"})
	p := providerFor(t, rp.srv.URL)
	req := lightsRequest()
	req.Request.ParallelToolCalls = ptr(false)
	resp, err := p.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Name != "power_disco_ball" || resp.FinishReason != "tool_calls" {
		t.Errorf("answer %+v", resp)
	}

	rp = newReplay(t, reply{file: "stream_function_call.sse"})
	p = providerFor(t, rp.srv.URL)
	calls := assembleCalls(t, collectChunks(t, p, req))
	if len(calls) != 1 || calls[0].Name != "set_light_color" || calls[0].Arguments != `{"rgb_hex":"ff0000"}` {
		t.Errorf("stream: %+v", calls)
	}
}

// assembleCalls joins tool-call deltas by index, as OpenAI's SDKs do, and
// fails unless each call's first delta alone carries its id, type and name.
func assembleCalls(t *testing.T, chunks []*sdk.StreamChunk) []*sdk.ToolCall {
	t.Helper()
	var out []*sdk.ToolCall
	for _, c := range chunks {
		for _, d := range c.ToolCalls {
			switch {
			case int(d.Index) == len(out):
				if d.Id == "" || d.Type != "function" || d.Name == "" {
					t.Fatalf("the first delta of call %d lacks id, type or name: %+v", d.Index, d)
				}
				out = append(out, &sdk.ToolCall{Index: d.Index, Id: d.Id, Type: d.Type, Name: d.Name, Arguments: d.Arguments})
			case int(d.Index) < len(out) && d.Id == "" && d.Name == "":
				out[d.Index].Arguments += d.Arguments
			default:
				t.Fatalf("delta out of order: %+v", d)
			}
		}
	}
	return out
}

func collectChunks(t *testing.T, p *Provider, req *sdk.CompleteRequest) []*sdk.StreamChunk {
	t.Helper()
	var chunks []*sdk.StreamChunk
	if err := p.Stream(context.Background(), req, func(c *sdk.StreamChunk) error {
		chunks = append(chunks, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return chunks
}

func TestStreamedFunctionCallsAreToolCallDeltas(t *testing.T) {
	rp := newReplay(t, reply{file: "stream_function_call.sse"})
	p := providerFor(t, rp.srv.URL)
	chunks := collectChunks(t, p, lightsRequest())
	if chunks[0].Content != "Setting the lights." || chunks[0].Role != "assistant" {
		t.Fatalf("first chunk %+v", chunks[0])
	}
	var got []string
	for _, tc := range assembleCalls(t, chunks) {
		got = append(got, itoa(int(tc.Index))+":"+tc.Name+":"+tc.Arguments)
	}
	if strings.Join(got, " ") != `0:set_light_color:{"rgb_hex":"ff0000"} 1:enable_lights:{} 2:stop_lights:{}` {
		t.Errorf("calls %v", got)
	}
	// As OpenAI streams a call: the header delta has empty arguments, the
	// arguments follow in fragments, one chunk each.
	var frags []string
	for _, c := range chunks {
		for _, d := range c.ToolCalls {
			if d.Index == 0 {
				frags = append(frags, d.Arguments)
			}
		}
	}
	if len(frags) != 4 || frags[0] != "" || strings.Join(frags, "") != `{"rgb_hex":"ff0000"}` {
		t.Errorf("fragments of call 0: %q", frags)
	}
	for i, c := range chunks {
		if (c.FinishReason != "") != (i == len(chunks)-1) {
			t.Errorf("chunk %d finish %q", i, c.FinishReason)
		}
	}
	last := chunks[len(chunks)-1]
	if last.FinishReason != "tool_calls" || last.Usage == nil || last.Usage.CompletionTokens != 14 {
		t.Errorf("last chunk %+v", last)
	}
	if got := fragments("añ€😀x", 3); strings.Join(got, "") != "añ€😀x" || len(got) != 3 {
		t.Errorf("fragments on rune boundaries: %q", got)
	}
}

func TestStructuredOutput(t *testing.T) {
	rp := newReplay(t, reply{file: "structured_output.json"})
	p := providerFor(t, rp.srv.URL)
	req := chatRequest()
	req.Request.ResponseFormat = "json_schema"
	req.Request.JsonSchema = &sdk.JsonSchema{Name: "Recipes", Description: "A list of recipes.", Strict: ptr(true),
		SchemaJson: `{"type":"array","items":{"type":"object","properties":{"recipeName":{"type":"string"},"ingredients":{"type":"array","items":{"type":"string"}}},"required":["recipeName","ingredients"],"additionalProperties":false}}`}
	resp, err := p.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var recipes []struct {
		RecipeName  string   `json:"recipeName"`
		Ingredients []string `json:"ingredients"`
	}
	if err := json.Unmarshal([]byte(resp.Content), &recipes); err != nil || len(recipes) != 2 || recipes[0].RecipeName != "Chocolate Chip Cookies" {
		t.Errorf("content %q: %v", resp.Content, err)
	}
	var body struct {
		GenerationConfig json.RawMessage `json:"generationConfig"`
	}
	_ = json.Unmarshal(rp.last().body, &body)
	sameJSON(t, "generationConfig", body.GenerationConfig, []byte(`{"temperature":0,"maxOutputTokens":64,"topP":0.9,"stopSequences":["END"],"seed":7,
		"responseMimeType":"application/json","responseSchema":{"type":"ARRAY","description":"A list of recipes.","items":{"type":"OBJECT",
		"properties":{"recipeName":{"type":"STRING"},"ingredients":{"type":"ARRAY","items":{"type":"STRING"}}},"required":["recipeName","ingredients"],"propertyOrdering":["recipeName","ingredients"]}}}`))

	// json_object: JSON mode without a schema.
	req.Request.ResponseFormat, req.Request.JsonSchema = "json_object", nil
	if _, err := p.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(rp.last().body, &body)
	if !strings.Contains(string(body.GenerationConfig), `"responseMimeType":"application/json"`) || strings.Contains(string(body.GenerationConfig), "responseSchema") {
		t.Errorf("json_object: %s", body.GenerationConfig)
	}
}

// TestSchemaFormatJSONSchema: with schema_format "json_schema" the schemas
// go as given (recursion and maps included) in parametersJsonSchema and
// responseJsonSchema, and the simulator answers from them.
func TestSchemaFormatJSONSchema(t *testing.T) {
	rp := newReplay(t, reply{file: "function_call_lights.json"})
	b, _ := json.Marshal(map[string]string{"api_key": testKey, "base_url": rp.srv.URL, "schema_format": "json_schema"})
	p := newTestProvider(t, string(b))
	tree := `{"$defs":{"Node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},"required":["name"],"additionalProperties":false}},"$ref":"#/$defs/Node"}`
	req := lightsRequest()
	req.Request.Tools = []*sdk.Tool{{Type: "function", Name: "save_tree", ParametersJson: `{"type":"object","properties":{"root":` + tree + `,"labels":{"type":"object","additionalProperties":{"type":"string"}}}}`}}
	req.Request.ToolChoice = nil
	if _, err := p.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Tools []struct {
			FunctionDeclarations []struct {
				Parameters           json.RawMessage `json:"parameters"`
				ParametersJSONSchema json.RawMessage `json:"parametersJsonSchema"`
			} `json:"functionDeclarations"`
		} `json:"tools"`
		GenerationConfig struct {
			ResponseSchema     json.RawMessage `json:"responseSchema"`
			ResponseJSONSchema json.RawMessage `json:"responseJsonSchema"`
		} `json:"generationConfig"`
	}
	_ = json.Unmarshal(rp.last().body, &body)
	d := body.Tools[0].FunctionDeclarations[0]
	if d.Parameters != nil || !strings.Contains(string(d.ParametersJSONSchema), `"$ref":"#/$defs/Node"`) {
		t.Errorf("declaration %s", rp.last().body)
	}

	req = chatRequest()
	req.Request.ResponseFormat, req.Request.JsonSchema = "json_schema", &sdk.JsonSchema{Name: "Tree", SchemaJson: tree}
	if _, err := p.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body.GenerationConfig.ResponseJSONSchema, body.GenerationConfig.ResponseSchema = nil, nil
	_ = json.Unmarshal(rp.last().body, &body)
	if body.GenerationConfig.ResponseSchema != nil || string(body.GenerationConfig.ResponseJSONSchema) != tree {
		t.Errorf("generationConfig %s", rp.last().body)
	}

	req.Request.JsonSchema.SchemaJson = `[1]`
	_, err := p.Complete(context.Background(), req)
	if pe := providerError(t, err); pe.Class != sdk.ClassBadRequest || !strings.Contains(pe.Message, "must be a JSON Schema object") {
		t.Errorf("not a schema: %v", pe)
	}
	if _, err := New(sdk.Config{InstanceID: "g", Kind: sdk.KindProvider, Raw: []byte(`{"schema_format":"yaml"}`)}); err == nil || !strings.Contains(err.Error(), "schema_format") {
		t.Errorf("bad schema_format: %v", err)
	}
}

// TestModelIssuedCallIDsAreEchoed: a newer model's own functionCall.id is
// the tool call's id, and the next turn sends it back on the call and on
// its result (with the call's signature).
func TestModelIssuedCallIDsAreEchoed(t *testing.T) {
	rp := newReplay(t, reply{file: "function_call_with_id.json"})
	p := providerFor(t, rp.srv.URL)
	resp, err := p.Complete(context.Background(), lightsRequest())
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Id != "fc_2pQ9vKx1" {
		t.Fatalf("answer %+v", resp)
	}
	next := lightsRequest()
	next.Request.Messages = append(next.Request.Messages, &sdk.Message{Role: "assistant", ToolCalls: resp.ToolCalls},
		&sdk.Message{Role: "tool", ToolCallId: "fc_2pQ9vKx1", Content: "ok"})
	gr, err := p.buildRequest(context.Background(), next.Request)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(gr.Contents[1:])
	sameJSON(t, "history", got, []byte(`[{"role":"model","parts":[{"functionCall":{"id":"fc_2pQ9vKx1","name":"set_light_color","args":{"rgb_hex":"00ff00"}},"thoughtSignature":"EqQBCqEBAdHtim9sig"}]},
		{"role":"user","parts":[{"functionResponse":{"id":"fc_2pQ9vKx1","name":"set_light_color","response":{"output":"ok"}}}]}]`))
}
