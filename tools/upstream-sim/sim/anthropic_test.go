package sim

import (
	"encoding/json"
	"strings"
	"testing"
)

var akey = map[string]string{"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01", "Content-Type": "application/json"}

const anthropicWeatherTool = `"tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}}}}]`

func anthropicBody(prompt, extra string) string {
	b, _ := json.Marshal(prompt)
	if extra != "" {
		extra = "," + extra
	}
	return `{"model":"claude-sonnet-4-5","max_tokens":256,"system":"You are terse.","messages":[{"role":"user","content":` + string(b) + `}]` + extra + `}`
}

type aMessage struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Role       string `json:"role"`
	Model      string `json:"model"`
	StopReason string `json:"stop_reason"`
	Content    []struct {
		Type  string          `json:"type"`
		Text  string          `json:"text"`
		ID    string          `json:"id"`
		Name  string          `json:"name"`
		Input json.RawMessage `json:"input"`
	} `json:"content"`
	StopSequence *string `json:"stop_sequence"`
	Usage        struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
	} `json:"usage"`
}

type aError struct {
	Type  string `json:"type"`
	Error struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

func TestAnthropicMessage(t *testing.T) {
	s, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("What is the capital of France?", ""))
	var m aMessage
	decode(t, r.body, &m)
	if r.status != 200 || m.Type != "message" || m.Role != "assistant" || !strings.HasPrefix(m.ID, "msg_") || m.StopReason != "end_turn" ||
		len(m.Content) != 1 || m.Content[0].Text != "[sim anthropic claude-sonnet-4-5] echo: What is the capital of France?" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	// system (3 words) + prompt (6 words); the answer's words.
	if m.Usage.InputTokens != 9 || m.Usage.OutputTokens != 10 {
		t.Fatalf("usage %+v", m.Usage)
	}
	if st := s.Stats(); st.ByAPI["anthropic"] != 1 || st.ByPath["/v1/messages"] != 1 {
		t.Fatalf("stats %+v", st)
	}
	r = do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("one two three four five", `"max_tokens":3,"stop_sequences":["zzz"]`))
	decode(t, r.body, &m)
	if m.StopReason != "max_tokens" || m.Usage.OutputTokens != 3 {
		t.Fatalf("max_tokens: %s", r.body)
	}
	r = do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("alpha END beta", `"stop_sequences":["END"]`))
	decode(t, r.body, &m)
	if m.StopReason != "stop_sequence" || m.StopSequence == nil || *m.StopSequence != "END" || strings.Contains(m.Content[0].Text, "END") {
		t.Fatalf("stop_sequence: %s", r.body)
	}
}

func TestAnthropicToolLoop(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("Weather in Paris?", anthropicWeatherTool+`,"tool_choice":{"type":"any"}`))
	var m aMessage
	decode(t, r.body, &m)
	if m.StopReason != "tool_use" || len(m.Content) != 1 || m.Content[0].Type != "tool_use" || m.Content[0].Name != "get_weather" ||
		string(m.Content[0].Input) != `{"city":"sim-city","days":1}` || !strings.HasPrefix(m.Content[0].ID, "toolu_") {
		t.Fatalf("tool_use: %s", r.body)
	}
	// auto answers text.
	r = do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("Weather in Paris?", anthropicWeatherTool+`,"tool_choice":{"type":"auto"}`))
	if decode(t, r.body, &m); m.StopReason != "end_turn" {
		t.Fatalf("auto: %s", r.body)
	}
	// The result comes back: a final text.
	id := "toolu_1"
	loop := `{"model":"claude-sonnet-4-5","max_tokens":256,` + anthropicWeatherTool + `,"tool_choice":{"type":"any"},"messages":[` +
		`{"role":"user","content":"Weather in Paris?"},` +
		`{"role":"assistant","content":[{"type":"tool_use","id":"` + id + `","name":"get_weather","input":{"city":"Paris"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"` + id + `","content":"11 degrees"}]}]}`
	r = do(t, "POST", ts.URL+"/v1/messages", akey, loop)
	decode(t, r.body, &m)
	if m.StopReason != "end_turn" || m.Content[0].Text != "[sim anthropic claude-sonnet-4-5] tool results: 11 degrees" {
		t.Fatalf("after the result: %s", r.body)
	}
	// A tool_use without its result, and same-role neighbours, are refused.
	for _, bad := range []string{
		strings.Replace(loop, `"tool_use_id":"`+id, `"tool_use_id":"other`, 1),
		anthropicBody("x", `"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]`),
		anthropicBody("x", `"messages":[{"role":"assistant","content":"a"}]`),
		`{"model":"m","messages":[{"role":"user","content":"a"}]}`,
	} {
		r = do(t, "POST", ts.URL+"/v1/messages", akey, bad)
		var e aError
		if decode(t, r.body, &e); r.status != 400 || e.Type != "error" || e.Error.Type != "invalid_request_error" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

func TestAnthropicStream(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("Weather in Paris?", anthropicWeatherTool+`,"tool_choice":{"type":"tool","name":"get_weather"},"stream":true`))
	var types []string
	var args strings.Builder
	for _, ev := range sseEvents(r.body) {
		name, data, ok := strings.Cut(ev, "\n")
		if !ok || !strings.HasPrefix(name, "event: ") {
			t.Fatalf("event without a name: %q", ev)
		}
		payload, _ := dataOf(data)
		var e struct {
			Type  string `json:"type"`
			Delta struct {
				PartialJSON string `json:"partial_json"`
			} `json:"delta"`
		}
		decode(t, []byte(payload), &e)
		if e.Type != strings.TrimPrefix(name, "event: ") {
			t.Fatalf("event %s carries type %s", name, e.Type)
		}
		types = append(types, e.Type)
		args.WriteString(e.Delta.PartialJSON)
	}
	want := "message_start ping content_block_start content_block_delta content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop"
	if strings.Join(types, " ") != want || args.String() != `{"city":"sim-city","days":1}` {
		t.Fatalf("events %v, args %q", types, args.String())
	}
	r = do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("hello there", `"stream":true`))
	types = types[:0]
	for _, ev := range sseEvents(r.body) {
		name, _, _ := strings.Cut(ev, "\n")
		types = append(types, strings.TrimPrefix(name, "event: "))
	}
	if types[0] != "message_start" || types[1] != "content_block_start" || types[2] != "ping" || types[len(types)-1] != "message_stop" || types[len(types)-2] != "message_delta" {
		t.Fatalf("text stream: %v", types)
	}
}

func TestAnthropicFaultsAndAuth(t *testing.T) {
	_, ts := newServer(t, Config{})
	for fault, want := range map[string]struct {
		status int
		typ    string
	}{"529": {529, "overloaded_error"}, "429": {429, "rate_limit_error"}, "500": {500, "api_error"}, "400": {400, "invalid_request_error"},
		"401-missing": {401, "authentication_error"}, "404": {404, "not_found_error"}, "403": {403, "permission_error"}} {
		h := with(akey, "X-Sim-Fault", fault)
		if fault == "401-missing" {
			h = with(akey, "x-api-key", "")
		}
		r := do(t, "POST", ts.URL+"/v1/messages", h, anthropicBody("hi", ""))
		var e aError
		decode(t, r.body, &e)
		if r.status != want.status || e.Type != "error" || e.Error.Type != want.typ || e.Error.Message == "" {
			t.Errorf("%s: %d %s", fault, r.status, r.body)
		}
		if fault == "429" && r.header.Get("Retry-After") != "1" {
			t.Errorf("429 without Retry-After")
		}
	}
	r := do(t, "POST", ts.URL+"/v1/messages", with(akey, "anthropic-version", ""), anthropicBody("hi", ""))
	if r.status != 400 || !strings.Contains(string(r.body), "anthropic-version") {
		t.Fatalf("no version: %d %s", r.status, r.body)
	}
	r = do(t, "POST", ts.URL+"/v1/messages", with(akey, "X-Sim-Fault", "midstream-error"), anthropicBody("one two three four five six seven", `"stream":true`))
	evs := sseEvents(r.body)
	last := evs[len(evs)-1]
	if !strings.HasPrefix(last, "event: error\n") || !strings.Contains(last, `"overloaded_error"`) {
		t.Fatalf("midstream: %q", last)
	}
	// A tool call's stream breaks too.
	r = do(t, "POST", ts.URL+"/v1/messages", with(akey, "X-Sim-Fault", "midstream-error"), anthropicBody("Weather?", anthropicWeatherTool+`,"tool_choice":{"type":"any"},"stream":true`))
	evs = sseEvents(r.body)
	if last := evs[len(evs)-1]; !strings.HasPrefix(last, "event: error\n") || strings.Contains(string(r.body), "message_stop") {
		t.Fatalf("tool stream midstream: %q", r.body)
	}
	r = do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("SIM_SAFETY_FINISH", ""))
	var m aMessage
	if decode(t, r.body, &m); m.StopReason != "refusal" || len(m.Content) != 0 {
		t.Fatalf("refusal: %s", r.body)
	}
}

// TestAnthropicThinking: extended thinking as the API does it — a signed
// thinking block first (streamed as thinking_delta then signature_delta),
// the budget and temperature checked, and a tool loop that does not send the
// signed thinking back (or changes it) refused.
func TestAnthropicThinking(t *testing.T) {
	_, ts := newServer(t, Config{})
	on := `"thinking":{"type":"enabled","budget_tokens":1024}`
	// tool_choice auto (forcing a tool is refused with thinking): the prompt names the tool.
	body := strings.Replace(anthropicBody("Call get_weather for Paris", on+`,`+anthropicWeatherTool), `"max_tokens":256`, `"max_tokens":2048`, 1)
	r := do(t, "POST", ts.URL+"/v1/messages", akey, body)
	var m struct {
		Content []map[string]any `json:"content"`
	}
	decode(t, r.body, &m)
	if r.status != 200 || len(m.Content) != 2 || m.Content[0]["type"] != "thinking" || m.Content[1]["type"] != "tool_use" ||
		m.Content[0]["signature"] != thinkingSignature(m.Content[0]["thinking"].(string)) {
		t.Fatalf("%d %s", r.status, r.body)
	}
	assistant, _ := json.Marshal(m.Content)
	loop := func(blocks string) string {
		return `{"model":"claude-sonnet-4-5","max_tokens":2048,` + on + `,` + anthropicWeatherTool + `,"messages":[{"role":"user","content":"Call get_weather for Paris"},` +
			`{"role":"assistant","content":` + blocks + `},{"role":"user","content":[{"type":"tool_result","tool_use_id":"` + m.Content[1]["id"].(string) + `","content":"11 C"}]}]}`
	}
	if r := do(t, "POST", ts.URL+"/v1/messages", akey, loop(string(assistant))); r.status != 200 || !strings.Contains(string(r.body), "tool results: 11 C") {
		t.Fatalf("tool loop with the thinking sent back: %d %s", r.status, r.body)
	}
	toolOnly, _ := json.Marshal(m.Content[1:])
	tampered := strings.Replace(string(assistant), "Paris", "Rome", 1)
	for name, c := range map[string]struct{ body, msg string }{
		"thinking dropped":       {loop(string(toolOnly)), "Expected `thinking` or `redacted_thinking`, but found `tool_use`"},
		"thinking changed":       {loop(tampered), "Invalid `signature` in `thinking` block"},
		"budget over max":        {anthropicBody("hi", `"thinking":{"type":"enabled","budget_tokens":1024}`), "`max_tokens` must be greater than `thinking.budget_tokens`"},
		"adaptive with a budget": {anthropicBody("hi", `"thinking":{"type":"adaptive","budget_tokens":2000}`), "thinking.adaptive.budget_tokens: Extra inputs are not permitted"},
		"budget too small":       {anthropicBody("hi", `"thinking":{"type":"enabled","budget_tokens":100}`), "greater than or equal to 1024"},
		"forced tool use":        {strings.Replace(anthropicBody("hi", on+`,"tool_choice":{"type":"any"},`+anthropicWeatherTool), `"max_tokens":256`, `"max_tokens":2048`, 1), "Thinking may not be enabled when tool_choice forces tool use"},
		"temperature with it":    {strings.Replace(anthropicBody("hi", on+`,"temperature":0.5`), `"max_tokens":256`, `"max_tokens":2048`, 1), "`temperature` may only be set to 1"},
	} {
		r := do(t, "POST", ts.URL+"/v1/messages", akey, c.body)
		var e aError
		decode(t, r.body, &e)
		if r.status != 400 || e.Error.Type != "invalid_request_error" || !strings.Contains(e.Error.Message, c.msg) {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}

	// Adaptive thinking: a signed thinking block too, no budget needed.
	r = do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("hello", `"thinking":{"type":"adaptive"}`))
	if r.status != 200 || !strings.Contains(string(r.body), `"type":"thinking"`) {
		t.Fatalf("adaptive: %d %s", r.status, r.body)
	}

	// Streamed: the thinking block first, its text in thinking_delta, then its signature.
	r = do(t, "POST", ts.URL+"/v1/messages", akey, strings.Replace(anthropicBody("hello", on+`,"stream":true`), `"max_tokens":256`, `"max_tokens":2048`, 1))
	events := string(r.body)
	first := strings.Index(events, `"content_block":{"signature":"","thinking":"","type":"thinking"}`)
	thinking, signature, text := strings.Index(events, `"type":"thinking_delta"`), strings.Index(events, `"type":"signature_delta"`), strings.Index(events, `"type":"text_delta"`)
	if r.status != 200 || first < 0 || !(first < thinking && thinking < signature && signature < text) {
		t.Fatalf("stream %d: %s", r.status, events)
	}
}

// TestAnthropicCountTokens: count_tokens answers the input_tokens a message
// answer reports for the same input, checks the request as messages does
// (without max_tokens, which it refuses), and keys it as messages.
func TestAnthropicCountTokens(t *testing.T) {
	_, ts := newServer(t, Config{})
	var m aMessage
	r := do(t, "POST", ts.URL+"/v1/messages", akey, anthropicBody("What is the capital of France?", ""))
	decode(t, r.body, &m)
	count := strings.Replace(anthropicBody("What is the capital of France?", ""), `"max_tokens":256,`, "", 1)
	r = do(t, "POST", ts.URL+"/v1/messages/count_tokens", akey, count)
	var c struct {
		InputTokens int `json:"input_tokens"`
	}
	decode(t, r.body, &c)
	if r.status != 200 || c.InputTokens != m.Usage.InputTokens || c.InputTokens == 0 {
		t.Fatalf("count %d %s, message input_tokens %d", r.status, r.body, m.Usage.InputTokens)
	}
	for name, body := range map[string]string{
		"max_tokens":      anthropicBody("hi", ""),
		"no messages":     `{"model":"claude-sonnet-4-5","messages":[]}`,
		"assistant first": `{"model":"claude-sonnet-4-5","messages":[{"role":"assistant","content":"hi"}]}`,
	} {
		if r := do(t, "POST", ts.URL+"/v1/messages/count_tokens", akey, body); r.status != 400 {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := do(t, "POST", ts.URL+"/v1/messages/count_tokens", map[string]string{"anthropic-version": "2023-06-01"}, count); r.status != 401 {
		t.Errorf("no key: %d %s", r.status, r.body)
	}
}
