package sim

import (
	"strings"
	"testing"
)

const responsesCountPath = "/v1/responses/input_tokens"

// rCount is the count's answer, decoded strictly.
type rCount struct {
	Object      string `json:"object"`
	InputTokens int    `json:"input_tokens"`
}

// responsesCount posts body to the count and decodes a 200 answer.
func responsesCount(t *testing.T, url string, body string) rCount {
	t.Helper()
	r := do(t, "POST", url, bearer, body)
	var c rCount
	if r.status != 200 {
		t.Fatalf("count %d %s", r.status, r.body)
	}
	strictDecode(t, r.body, &c)
	if c.Object != "response.input_tokens" {
		t.Fatalf("object %q: %s", c.Object, r.body)
	}
	return c
}

// TestResponsesInputTokensMatchesChat: the count of a conversation
// (instructions, messages with string and part contents, a function call
// and its output, tools) is the chat route's usage.prompt_tokens for the
// same conversation as chat messages; the alias path answers the same; the
// call shows in /sim/last-request and /sim/stats.
func TestResponsesInputTokensMatchesChat(t *testing.T) {
	s, ts := newServer(t, Config{})
	chat := `{"model":"gpt-4o","messages":[
		{"role":"system","content":"You are a terse assistant."},
		{"role":"user","content":"What is the weather in Paris today?"},
		{"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
		{"role":"tool","tool_call_id":"call_1","content":"sunny and 24 degrees"},
		{"role":"user","content":[{"type":"text","text":"Thanks, and"},{"type":"text","text":"in Rome?"}]}]}`
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chat)
	var resp oaResponse
	decode(t, r.body, &resp)
	if r.status != 200 {
		t.Fatalf("chat %d %s", r.status, r.body)
	}
	count := `{"model":"gpt-4o","instructions":"You are a terse assistant.",
		"tools":[{"type":"function","name":"get_weather","description":"Weather of a city","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":false},{"type":"web_search"}],
		"tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"effort":"low"},"text":{"format":{"type":"text"}},"truncation":"disabled",
		"input":[
		{"role":"user","content":"What is the weather in Paris today?"},
		{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Let me check."}]},
		{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
		{"type":"function_call_output","call_id":"call_1","output":"sunny and 24 degrees"},
		{"role":"user","content":[{"type":"input_text","text":"Thanks, and"},{"type":"input_text","text":"in Rome?"},{"type":"input_image","image_url":"https://example.com/rome.png"}]}]}`
	// 5 + 7 + 3 + 4 + 4 words; the call's arguments and the tools count nothing.
	c := responsesCount(t, ts.URL+responsesCountPath, count)
	if c.InputTokens != resp.Usage.PromptTokens || c.InputTokens != 23 {
		t.Fatalf("count %d, chat prompt_tokens %d, want both 23", c.InputTokens, resp.Usage.PromptTokens)
	}
	if alias := responsesCount(t, ts.URL+"/responses/input_tokens", count); alias.InputTokens != 23 {
		t.Errorf("alias: %d", alias.InputTokens)
	}
	var last LastRequest
	decode(t, do(t, "GET", ts.URL+"/sim/last-request", nil, "").body, &last)
	if last.Path != "/responses/input_tokens" || !strings.Contains(string(last.Body), `"instructions":"You are a terse assistant."`) {
		t.Errorf("last request: %s %s", last.Path, last.Body)
	}
	if st := s.Stats(); st.ByPath[responsesCountPath] != 1 || st.ByPath["/responses/input_tokens"] != 1 || st.ByAPI["openai"] != 3 || st.ByModel["gpt-4o"] != 3 || st.Streams != 0 {
		t.Errorf("stats: %+v", st)
	}
	// A plain-string input is one user message; an output may be a list of
	// parts; an empty conversation counts 1, as the chat route's minimum.
	for body, want := range map[string]int{
		`{"model":"gpt-4o","input":"one two three"}`: 3,
		`{"model":"gpt-4o","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":[{"type":"input_text","text":"a b"},{"type":"input_text","text":"c"}]}]}`: 3,
		`{"model":"gpt-4o","input":[{"role":"developer","content":[{"type":"input_text","text":"be brief"}]},{"role":"assistant","content":[{"type":"refusal","refusal":"no way"}]}]}`:                                                 2,
		`{"model":"gpt-4o","input":[]}`:          1,
		`{"model":"gpt-4o","instructions":null}`: 1,
	} {
		if got := responsesCount(t, ts.URL+responsesCountPath, body).InputTokens; got != want {
			t.Errorf("%s: %d, want %d", body, got, want)
		}
	}
	r = do(t, "POST", ts.URL+"/v1/chat/completions", bearer, `{"model":"gpt-4o","messages":[{"role":"user","content":"one two three"}]}`)
	if decode(t, r.body, &resp); resp.Usage.PromptTokens != 3 {
		t.Errorf("chat of a plain input: %d", resp.Usage.PromptTokens)
	}
}

// TestResponsesInputTokensRefusesBadRequests: as strict as the API: an
// unknown field, a chat-shaped tool, an unknown item or part type, a
// missing required field or model, a wrong type, each a 400 in OpenAI's
// shape naming the parameter.
func TestResponsesInputTokensRefusesBadRequests(t *testing.T) {
	s, ts := newServer(t, Config{})
	for _, tc := range []struct {
		body, param, code, message string
	}{
		{`{"model":"gpt-4o","input":"hi","max_output_tokens":10}`, "max_output_tokens", "unknown_parameter", "Unknown parameter: 'max_output_tokens'."},
		{`{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}`, "messages", "unknown_parameter", "Unknown parameter: 'messages'."},
		{`{"input":"hi"}`, "model", "missing_required_parameter", "Missing required parameter: 'model'."},
		{`{"model":"","input":"hi"}`, "model", "missing_required_parameter", "Missing required parameter: 'model'."},
		{`{"model":7,"input":"hi"}`, "model", "invalid_type", "Invalid type for 'model': expected a string, but got an integer instead."},
		{`{"model":"gpt-4o","input":{"role":"user"}}`, "input", "invalid_type", "Invalid type for 'input': expected one of a string or array of input items, but got an object instead."},
		{`{"model":"gpt-4o","input":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"type":"reasoning_step","text":"x"}]}`, "input[2].type", "invalid_value",
			"Invalid value: 'reasoning_step'. Supported values are: 'message', 'function_call', and 'function_call_output'."},
		{`{"model":"gpt-4o","input":[{"role":"tool","content":"x"}]}`, "input[0].role", "invalid_value",
			"Invalid value: 'tool'. Supported values are: 'user', 'assistant', 'system', and 'developer'."},
		{`{"model":"gpt-4o","input":[{"role":"user"}]}`, "input[0].content", "missing_required_parameter", "Missing required parameter: 'input[0].content'."},
		{`{"model":"gpt-4o","input":[{"content":"hi"}]}`, "input[0].role", "missing_required_parameter", "Missing required parameter: 'input[0].role'."},
		{`{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`, "input[0].content[0].type", "invalid_value",
			"Invalid value: 'text'. Supported values are: 'input_text', 'input_image', and 'input_file'."},
		{`{"model":"gpt-4o","input":[{"role":"assistant","content":[{"type":"input_text","text":"hi"}]}]}`, "input[0].content[0].type", "invalid_value",
			"Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'."},
		{`{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_text"}]}]}`, "input[0].content[0].text", "missing_required_parameter", "Missing required parameter: 'input[0].content[0].text'."},
		{`{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_image","detail":"low"}]}]}`, "input[0].content[0]", "missing_required_parameter", ""},
		{`{"model":"gpt-4o","input":[{"type":"function_call","call_id":"c","name":"f","arguments":{"a":1}}]}`, "input[0].arguments", "invalid_type",
			"Invalid type for 'input[0].arguments': expected a string, but got an object instead."},
		{`{"model":"gpt-4o","input":[{"type":"function_call","call_id":"c","arguments":"{}"}]}`, "input[0].name", "missing_required_parameter", ""},
		{`{"model":"gpt-4o","input":[{"type":"function_call_output","output":"x"}]}`, "input[0].call_id", "missing_required_parameter", ""},
		{`{"model":"gpt-4o","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c"}]}`, "input[1].output", "missing_required_parameter", ""},
		// An output answers a call before it, as OpenAI checks.
		{`{"model":"gpt-4o","input":[{"type":"function_call_output","call_id":"c","output":"x"}]}`, "input", "", "No tool call found for function call output with call_id c."},
		{`{"model":"gpt-4o","input":"hi","tools":[{"type":"function","function":{"name":"f"}}]}`, "tools[0].name", "missing_required_parameter", "Missing required parameter: 'tools[0].name'."},
		{`{"model":"gpt-4o","input":"hi","tools":[{"type":"function","name":"f","parameters":"{}"}]}`, "tools[0].parameters", "invalid_type", ""},
		{`{"model":"gpt-4o","input":"hi","tool_choice":"any"}`, "tool_choice", "invalid_value", "Invalid value: 'any'. Supported values are: 'none', 'auto', and 'required'."},
		{`{"model":"gpt-4o","input":"hi","tool_choice":{"type":"function","function":{"name":"f"}}}`, "tool_choice.name", "missing_required_parameter", ""},
		{`{"model":"gpt-4o","instructions":["a"]}`, "instructions", "invalid_type", ""},
	} {
		r := do(t, "POST", ts.URL+responsesCountPath, bearer, tc.body)
		var eb errBody
		strictDecode(t, r.body, &eb)
		if r.status != 400 || eb.Error.Type != "invalid_request_error" || eb.Error.Param == nil || *eb.Error.Param != tc.param ||
			string(eb.Error.Code) != codeJSON(tc.code) || (tc.message != "" && eb.Error.Message != tc.message) || eb.Error.Message == "" {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		}
	}
	for _, body := range []string{`{not json`, `[]`, `null`, `"hi"`} {
		r := do(t, "POST", ts.URL+responsesCountPath, bearer, body)
		var eb errBody
		if decode(t, r.body, &eb); r.status != 400 || !strings.HasPrefix(eb.Error.Message, "We could not parse the JSON body") {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	// Refused calls are counted and kept, as on the chat route.
	if st := s.Stats(); st.ByPath[responsesCountPath] != 28 {
		t.Errorf("refused calls counted %d, want 28", st.ByPath[responsesCountPath])
	}
}

// TestResponsesInputTokensMethodAndKey: another method is refused as on the
// other routes, and a missing, blank or refused key as on the chat route.
func TestResponsesInputTokensMethodAndKey(t *testing.T) {
	_, ts := newServer(t, Config{})
	body := `{"model":"gpt-4o","input":"hi"}`
	for _, method := range []string{"GET", "PUT", "DELETE"} {
		r := do(t, method, ts.URL+responsesCountPath, bearer, body)
		var eb errBody
		if decode(t, r.body, &eb); r.status != 405 || string(eb.Error.Code) != `"method_not_allowed"` {
			t.Errorf("%s: %d %s", method, r.status, r.body)
		}
	}
	for _, h := range []map[string]string{nil, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer sim-invalid-key"}} {
		r := do(t, "POST", ts.URL+responsesCountPath, h, body)
		chat := do(t, "POST", ts.URL+"/v1/chat/completions", h, chatBody("gpt-4o", "hi", ""))
		var eb errBody
		strictDecode(t, r.body, &eb)
		if r.status != 401 || string(r.body) != string(chat.body) || string(eb.Error.Code) != `"invalid_api_key"` {
			t.Errorf("%v: %d %s (chat: %d %s)", h, r.status, r.body, chat.status, chat.body)
		}
	}
}

// TestResponsesInputTokensFault: the fault in force for the requested model
// (a per-model override, the X-Sim-Fault header) answers in OpenAI's shape;
// another model is counted.
func TestResponsesInputTokensFault(t *testing.T) {
	s, ts := newServer(t, Config{})
	s.SetModelFault("gpt-4o", Fault429)
	r := do(t, "POST", ts.URL+responsesCountPath, bearer, `{"model":"gpt-4o","input":"hi"}`)
	var eb errBody
	strictDecode(t, r.body, &eb)
	if r.status != 429 || string(eb.Error.Code) != `"rate_limit_exceeded"` || r.header.Get("Retry-After") != "1" || !strings.Contains(eb.Error.Message, "gpt-4o") {
		t.Errorf("per-model 429: %d %s", r.status, r.body)
	}
	if c := responsesCount(t, ts.URL+responsesCountPath, `{"model":"gpt-4o-mini","input":"hi there"}`); c.InputTokens != 2 {
		t.Errorf("healthy model: %+v", c)
	}
	r = do(t, "POST", ts.URL+responsesCountPath, with(bearer, "X-Sim-Fault", "503"), `{"model":"gpt-4o-mini","input":"hi"}`)
	if decode(t, r.body, &eb); r.status != 503 || eb.Error.Type != "server_error" {
		t.Errorf("header 503: %d %s", r.status, r.body)
	}
	// A fault answers before the body is checked, as on the other routes.
	r = do(t, "POST", ts.URL+responsesCountPath, bearer, `{"model":"gpt-4o","bogus":1}`)
	if r.status != 429 {
		t.Errorf("fault before validation: %d %s", r.status, r.body)
	}
	if st := s.Stats(); st.ByModel["gpt-4o"] != 2 || st.ByModel["gpt-4o-mini"] != 2 {
		t.Errorf("stats: %+v", st.ByModel)
	}
}

// codeJSON is an error code as OpenAI writes it: a string, or null for none.
func codeJSON(code string) string {
	if code == "" {
		return "null"
	}
	return `"` + code + `"`
}
