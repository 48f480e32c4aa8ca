package e2e

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
)

// responsesWeatherTool is weatherTool in the Responses API's flat shape.
var responsesWeatherTool = map[string]any{"type": "function", "name": "get_weather", "description": "The weather of a city", "strict": true,
	"parameters": weatherTool["function"].(map[string]any)["parameters"]}

// responseObject is the part of a response object these tests read.
type responseObject struct {
	ID     string `json:"id"`
	Object string `json:"object"`
	Status string `json:"status"`
	Model  string `json:"model"`
	Output []struct {
		Type    string `json:"type"`
		ID      string `json:"id"`
		Status  string `json:"status"`
		Role    string `json:"role"`
		CallID  string `json:"call_id"`
		Name    string `json:"name"`
		Args    string `json:"arguments"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	} `json:"output"`
	Usage *struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Error *struct {
		Code string `json:"code"`
	} `json:"error"`
}

// text is the response's output text (the SDKs' output_text).
func (o *responseObject) text() string {
	var b strings.Builder
	for _, it := range o.Output {
		for _, c := range it.Content {
			if it.Type == "message" && c.Type == "output_text" {
				b.WriteString(c.Text)
			}
		}
	}
	return b.String()
}

// responsesStream reads a Responses event stream: the event types in order,
// the text of its output_text deltas, and the response of its last event,
// after checking that each event's name is its type and that the sequence
// numbers count from 0.
func responsesStream(t *testing.T, r reply) (types []string, deltas string, last responseObject) {
	t.Helper()
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", r.status, r.body)
	}
	var b strings.Builder
	for i, ev := range strings.Split(strings.TrimSpace(string(r.body)), "\n\n") {
		name, data, ok := strings.Cut(ev, "\ndata: ")
		var e struct {
			Type     string          `json:"type"`
			Seq      *int            `json:"sequence_number"`
			Delta    string          `json:"delta"`
			Response *responseObject `json:"response"`
		}
		if !ok || json.Unmarshal([]byte(data), &e) != nil || "event: "+e.Type != name || e.Seq == nil || *e.Seq != i {
			t.Fatalf("event %d: %q", i, ev)
		}
		types = append(types, e.Type)
		if e.Type == "response.output_text.delta" {
			b.WriteString(e.Delta)
		}
		if e.Response != nil {
			last = *e.Response
		}
	}
	return types, b.String(), last
}

// TestResponsesAPI: POST /v1/responses in front of OpenAI, Gemini and
// Anthropic models alike — plain and streamed, instructions and the output
// limit carried upstream, the response's model and usage — then the usual
// tool loop (input += response.output + function_call_output), and what a
// stateless gateway refuses.
func TestResponsesAPI(t *testing.T) {
	s, g := startAnthropicGateway(t)
	spec := loadSpec(t)
	const path = "/v1/responses"
	for _, c := range []struct{ model, prefix string }{
		{"gpt-4o-primary", "[sim openai gpt-4o]"}, {"gemini-secondary", "[sim gemini gemini-2.0-flash]"}, {"claude-sonnet", "[sim anthropic claude-sonnet-4-5]"},
	} {
		body := map[string]any{"model": c.model, "instructions": "Be brief.", "input": "What is the capital of France?", "max_output_tokens": 50}
		r := postJSON(t, g.url()+path, body, nil)
		spec.check(t, "POST", path, r)
		var o responseObject
		if r.status != 200 || json.Unmarshal(r.body, &o) != nil {
			t.Fatalf("%s: %d %s", c.model, r.status, r.body)
		}
		if o.Object != "response" || !strings.HasPrefix(o.ID, "resp_") || o.Status != "completed" || o.Model != c.model || len(o.Output) != 1 ||
			o.Output[0].Role != "assistant" || !strings.HasPrefix(o.text(), c.prefix+" echo: What is the capital of France?") ||
			o.Usage == nil || o.Usage.TotalTokens != o.Usage.InputTokens+o.Usage.OutputTokens || o.Usage.OutputTokens == 0 ||
			r.header.Get("X-LLMGW-Model-Used") != c.model || r.header.Get("X-LLMGW-Cost-USD") == "" {
			t.Fatalf("%s: %s %v", c.model, r.body, r.header)
		}
		if c.model == "gpt-4o-primary" {
			sent := s.lastBody(t)
			msgs, _ := json.Marshal(sent["messages"])
			if string(msgs) != `[{"content":"Be brief.","role":"system"},{"content":"What is the capital of France?","role":"user"}]` || sent["max_tokens"] != float64(50) {
				t.Fatalf("upstream request: %v", sent)
			}
		}

		body["stream"] = true
		r = postJSON(t, g.url()+path, body, nil)
		spec.check(t, "POST", path, r)
		types, deltas, last := responsesStream(t, r)
		if types[0] != "response.created" || types[len(types)-1] != "response.completed" || last.Status != "completed" ||
			deltas != o.text() || last.text() != deltas || last.Usage == nil || last.Usage.OutputTokens != o.Usage.OutputTokens {
			t.Fatalf("%s stream: %v %q %+v", c.model, types, deltas, last)
		}
	}

	// The tool loop on the fallback chain: the call, then the answer that
	// reads the function's output.
	input := []any{map[string]any{"role": "user", "content": "What is the weather in Paris?"}}
	r := postJSON(t, g.url()+path, map[string]any{"model": "smart-router", "input": input, "tools": []any{responsesWeatherTool}, "tool_choice": "required"}, nil)
	spec.check(t, "POST", path, r)
	first := r.json(t)
	output, _ := first["output"].([]any)
	var call map[string]any
	for _, it := range output {
		if m := it.(map[string]any); m["type"] == "function_call" {
			call = m
		}
	}
	if r.status != 200 || call == nil || call["name"] != "get_weather" || call["call_id"] == "" {
		t.Fatalf("tool call: %d %s", r.status, r.body)
	}
	var args map[string]any
	if err := json.Unmarshal([]byte(call["arguments"].(string)), &args); err != nil || args["unit"] == nil {
		t.Fatalf("arguments %v", call["arguments"])
	}
	input = append(input, output...)
	input = append(input, map[string]any{"type": "function_call_output", "call_id": call["call_id"], "output": "11 degrees and rain"})
	r = postJSON(t, g.url()+path, map[string]any{"model": "smart-router", "input": input, "tools": []any{responsesWeatherTool}}, nil)
	spec.check(t, "POST", path, r)
	var o responseObject
	if r.status != 200 || json.Unmarshal(r.body, &o) != nil || !strings.Contains(o.text(), "tool results: 11 degrees and rain") {
		t.Fatalf("tool result: %d %s", r.status, r.body)
	}
	sent := s.lastBody(t)
	msgs, _ := json.Marshal(sent["messages"])
	if !strings.Contains(string(msgs), `"tool_call_id":"`+call["call_id"].(string)+`"`) || !strings.Contains(string(msgs), `"tool_calls":[{`) {
		t.Fatalf("upstream messages: %s", msgs)
	}

	// Refused: what needs stored state, and the unknown model (OpenAI's error shape).
	for _, c := range []struct {
		body         map[string]any
		status       int
		code, param  string
		messageHolds string
	}{
		{map[string]any{"model": "gpt-4o-primary", "input": "hi", "store": true}, 400, "unsupported_parameter", "store", "stores no answers"},
		{map[string]any{"model": "gpt-4o-primary", "input": "hi", "previous_response_id": "resp_1"}, 400, "unsupported_parameter", "previous_response_id", "send the conversation in input"},
		{map[string]any{"model": "gpt-4o-primary", "input": "hi", "tools": []any{map[string]any{"type": "web_search"}}}, 400, "unsupported_parameter", "tools[0].type", "OpenAI's servers"},
		{map[string]any{"model": "nope", "input": "hi"}, 404, "model_not_found", "model", "nope"},
	} {
		r := postJSON(t, g.url()+path, c.body, nil)
		spec.check(t, "POST", path, r)
		e, _ := r.json(t)["error"].(map[string]any)
		if r.status != c.status || e == nil || e["code"] != c.code || (c.param != "" && e["param"] != c.param) || !strings.Contains(e["message"].(string), c.messageHolds) {
			t.Errorf("%v: %d %s", c.body, r.status, r.body)
		}
	}
	for _, p := range []string{"/v1/responses/resp_1", "/v1/responses/resp_1/input_items", "/v1/responses/resp_1/cancel"} {
		r := get(t, g.url()+p)
		if r.status != 404 || r.errorCode(t) != "not_found" || !strings.Contains(string(r.body), "keeps no responses") {
			t.Errorf("GET %s: %d %s", p, r.status, r.body)
		}
	}
	// The token count is served (POST only).
	if r := get(t, g.url()+"/v1/responses/input_tokens"); r.status != 405 || r.errorCode(t) != "method_not_allowed" {
		t.Errorf("GET /v1/responses/input_tokens: %d %s", r.status, r.body)
	}
}

// TestResponsesReasoningStream: a reasoning model's thinking (the
// simulator thinks for 300 ms on the OpenAI route) is a reasoning item
// before the message, in the stream and in the plain answer.
func TestResponsesReasoningStream(t *testing.T) {
	s := startSim(t, "--latency", "20ms", "--reasoning", "300ms", "--tokens", "8", "--token-interval", "10ms")
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	spec := loadSpec(t)
	body := map[string]any{"model": "gpt-4o-primary", "input": "think first", "stream": true}
	r := postJSON(t, g.url()+"/v1/responses", body, nil)
	spec.check(t, "POST", "/v1/responses", r)
	types, deltas, last := responsesStream(t, r)
	joined := strings.Join(types, " ")
	if !strings.Contains(joined, "response.reasoning_text.delta") || strings.Index(joined, "reasoning_text") > strings.Index(joined, "output_text") ||
		len(last.Output) != 2 || last.Output[0].Type != "reasoning" || last.Output[1].Type != "message" || len(strings.Fields(deltas)) != 8 {
		t.Fatalf("stream: %v %+v", types, last)
	}
	delete(body, "stream")
	r = postJSON(t, g.url()+"/v1/responses", body, nil)
	spec.check(t, "POST", "/v1/responses", r)
	var o responseObject
	if json.Unmarshal(r.body, &o) != nil || len(o.Output) != 2 || o.Output[0].Type != "reasoning" || o.Output[0].Content[0].Text == "" {
		t.Fatalf("plain: %s", r.body)
	}
}

// TestResponsesAndMessagesAreKeyed: the Responses and Messages APIs pass
// the virtual-keys stage as chat does — no key or a wrong one is 401, a
// model the key may not use is 403, and what a key spends on them is
// charged to it (its spend grows by the answers' cost).
func TestResponsesAndMessagesAreKeyed(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, keysHCL(s, `{ require_keys = true }`)), "LLMGW_ADMIN_TOKEN="+adminToken)
	id, secret := createKey(t, g, map[string]any{"name": "agents", "models": []string{"gpt-4o-primary"}})
	calls := map[string]map[string]any{
		"/v1/responses": {"model": "gpt-4o-primary", "input": "hello"},
		"/v1/messages":  {"model": "gpt-4o-primary", "max_tokens": 50, "messages": []map[string]string{{"role": "user", "content": "hello"}}},
	}
	var charged big.Rat
	for path, body := range calls {
		for _, h := range []map[string]string{nil, bearer("llmgw-not-a-key")} {
			if r := postJSON(t, g.url()+path, body, h); r.status != 401 || !strings.Contains(string(r.body), "authentication_error") {
				t.Fatalf("%s without a valid key: %d %s", path, r.status, r.body)
			}
		}
		other := map[string]any{}
		for k, v := range body {
			other[k] = v
		}
		other["model"] = "gemini-secondary"
		if r := postJSON(t, g.url()+path, other, map[string]string{"x-api-key": secret}); r.status != 403 || !strings.Contains(string(r.body), "permission_error") {
			t.Fatalf("%s on a model the key may not use: %d %s", path, r.status, r.body)
		}
		r := postJSON(t, g.url()+path, body, map[string]string{"x-api-key": secret})
		cost, ok := new(big.Rat).SetString(r.header.Get("X-LLMGW-Cost-USD"))
		if r.status != 200 || !ok || cost.Sign() <= 0 {
			t.Fatalf("%s with the key: %d %s %v", path, r.status, r.body, r.header)
		}
		charged.Add(&charged, cost)
	}
	waitFor(t, "the key's spend to reach what it was charged", 10*time.Second, func() bool { return spendOf(t, g, id).Cmp(&charged) == 0 })
}
