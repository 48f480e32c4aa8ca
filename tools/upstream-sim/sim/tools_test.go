package sim

import (
	"encoding/json"
	"strings"
	"testing"
)

const weatherTool = `"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city","strict":true,
	"parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false}}}]`

const weatherSchema = `{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false}`

type toolAnswer struct {
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Content   *string `json:"content"`
			ToolCalls []struct {
				ID       string `json:"id"`
				Type     string `json:"type"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"message"`
		Logprobs     json.RawMessage `json:"logprobs"`
		FinishReason string          `json:"finish_reason"`
	} `json:"choices"`
	Usage oaUsage `json:"usage"`
}

func TestOpenAIToolCallAndResult(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "Weather in Edinburgh?", weatherTool+`,"tool_choice":"required"`))
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var a toolAnswer
	decode(t, r.body, &a)
	c := a.Choices[0]
	if c.FinishReason != "tool_calls" || c.Message.Content != nil || len(c.Message.ToolCalls) != 1 {
		t.Fatalf("answer: %s", r.body)
	}
	call := c.Message.ToolCalls[0]
	if !strings.HasPrefix(call.ID, "call_") || call.Type != "function" || call.Function.Name != "get_weather" {
		t.Errorf("call: %+v", call)
	}
	validate(t, weatherSchema, json.RawMessage(call.Function.Arguments))

	// The second turn: the call in the history and its result.
	args, _ := json.Marshal(call.Function.Arguments)
	body := `{"model":"gpt-4o",` + weatherTool + `,"tool_choice":"required","messages":[{"role":"user","content":"Weather in Edinburgh?"},
		{"role":"assistant","content":null,"tool_calls":[{"id":"` + call.ID + `","type":"function","function":{"name":"get_weather","arguments":` + string(args) + `}}]},
		{"role":"tool","tool_call_id":"` + call.ID + `","content":"11 degrees and rain"}]}`
	r = do(t, "POST", ts.URL+"/v1/chat/completions", bearer, body)
	a = toolAnswer{}
	decode(t, r.body, &a)
	if c := a.Choices[0]; c.FinishReason != "stop" || c.Message.Content == nil || !strings.Contains(*c.Message.Content, "11 degrees and rain") || len(c.Message.ToolCalls) != 0 {
		t.Errorf("final answer: %s", r.body)
	}
}

func TestOpenAIToolChoiceRules(t *testing.T) {
	_, ts := newServer(t, Config{})
	two := `"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
		{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}]`
	cases := []struct{ prompt, extra, want string }{
		{"hello", two, ""},                                         // auto, nothing named
		{"call get_time", two, "get_time"},                         // auto, named in the prompt
		{"get_weather then get_time", two, "get_weather get_time"}, // parallel
		{"get_weather then get_time", two + `,"parallel_tool_calls":false`, "get_weather"},
		{"hello", two + `,"tool_choice":{"type":"function","function":{"name":"get_time"}}`, "get_time"},
		{"get_time", two + `,"tool_choice":"none"`, ""},
	}
	for _, c := range cases {
		r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", c.prompt, c.extra))
		var a toolAnswer
		decode(t, r.body, &a)
		var names []string
		for _, tc := range a.Choices[0].Message.ToolCalls {
			names = append(names, tc.Function.Name)
		}
		if got := strings.Join(names, " "); got != c.want {
			t.Errorf("%q %s: got %q, want %q", c.prompt, c.extra, got, c.want)
		}
	}
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "x", two+`,"tool_choice":{"type":"function","function":{"name":"nope"}}`))
	if r.status != 400 || !strings.Contains(string(r.body), "tool_choice") {
		t.Errorf("unknown function: %d %s", r.status, r.body)
	}
}

// streamToolCalls joins a stream's tool-call deltas by index, as OpenAI's
// clients do, and counts the argument fragments.
func streamToolCalls(t *testing.T, body []byte) (map[int]*[3]string, int, string) {
	t.Helper()
	calls := map[int]*[3]string{} // id, name, arguments
	fragments := 0
	finish := ""
	for _, ev := range sseEvents(body) {
		data, ok := dataOf(ev)
		if !ok || data == "[DONE]" {
			continue
		}
		var ch struct {
			Choices []struct {
				Delta struct {
					ToolCalls []struct {
						Index    *int   `json:"index"`
						ID       string `json:"id"`
						Type     string `json:"type"`
						Function struct {
							Name      string `json:"name"`
							Arguments string `json:"arguments"`
						} `json:"function"`
					} `json:"tool_calls"`
				} `json:"delta"`
				FinishReason *string `json:"finish_reason"`
			} `json:"choices"`
		}
		decode(t, []byte(data), &ch)
		for _, c := range ch.Choices {
			if c.FinishReason != nil {
				finish = *c.FinishReason
			}
			for _, d := range c.Delta.ToolCalls {
				if d.Index == nil {
					t.Fatalf("tool-call delta without index: %s", data)
				}
				if calls[*d.Index] == nil {
					calls[*d.Index] = &[3]string{}
				}
				e := calls[*d.Index]
				if d.ID != "" {
					e[0], e[1] = d.ID, d.Function.Name
				}
				if d.Function.Arguments != "" {
					fragments++
				}
				e[2] += d.Function.Arguments
			}
		}
	}
	return calls, fragments, finish
}

func TestOpenAIStreamedToolCall(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "Weather?", weatherTool+`,"tool_choice":{"type":"function","function":{"name":"get_weather"}},"stream":true`))
	calls, fragments, finish := streamToolCalls(t, r.body)
	if len(calls) != 1 || calls[0] == nil || calls[0][1] != "get_weather" || !strings.HasPrefix(calls[0][0], "call_") {
		t.Fatalf("calls %v: %s", calls, r.body)
	}
	if fragments < 3 {
		t.Errorf("arguments in %d fragments, want at least 3: %s", fragments, r.body)
	}
	if finish != "tool_calls" {
		t.Errorf("finish %q", finish)
	}
	validate(t, weatherSchema, json.RawMessage(calls[0][2]))
}

func TestOpenAIToolCallStreamFaults(t *testing.T) {
	s, ts := newServer(t, Config{})
	s.SetFault(FaultMidstreamError)
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "Weather?", weatherTool+`,"tool_choice":"required","stream":true`))
	if !strings.Contains(string(r.body), `"error"`) || strings.Contains(string(r.body), "[DONE]") {
		t.Errorf("midstream error not applied to a tool-call stream: %s", r.body)
	}
}

func TestOpenAIStructuredOutputs(t *testing.T) {
	_, ts := newServer(t, Config{})
	rf := `"response_format":{"type":"json_schema","json_schema":{"name":"Weather","strict":true,"schema":` + weatherSchema + `}}`
	for _, stream := range []bool{false, true} {
		extra := rf
		if stream {
			extra += `,"stream":true`
		}
		r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "Weather?", extra))
		content := ""
		if stream {
			pieces := 0
			for _, ev := range sseEvents(r.body) {
				if data, ok := dataOf(ev); ok && data != "[DONE]" {
					var ch oaChunk
					decode(t, []byte(data), &ch)
					if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != nil && *ch.Choices[0].Delta.Content != "" {
						pieces++
						content += *ch.Choices[0].Delta.Content
					}
				}
			}
			if pieces < 3 {
				t.Errorf("JSON answer streamed in %d pieces", pieces)
			}
		} else {
			var a toolAnswer
			decode(t, r.body, &a)
			content = *a.Choices[0].Message.Content
		}
		validate(t, weatherSchema, json.RawMessage(content))
	}
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "Answer in JSON", `"response_format":{"type":"json_object"}`))
	var a toolAnswer
	decode(t, r.body, &a)
	var obj map[string]string
	if err := json.Unmarshal([]byte(*a.Choices[0].Message.Content), &obj); err != nil || !strings.Contains(obj["answer"], "Answer in JSON") {
		t.Errorf("json_object answer: %s", r.body)
	}
}

func TestOpenAINAndLogprobs(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "two words", `"n":2,"logprobs":true,"top_logprobs":2`))
	var a toolAnswer
	decode(t, r.body, &a)
	if len(a.Choices) != 2 || a.Choices[1].Index != 1 {
		t.Fatalf("choices: %s", r.body)
	}
	var lp struct {
		Content []struct {
			Token       string            `json:"token"`
			Logprob     float64           `json:"logprob"`
			TopLogprobs []json.RawMessage `json:"top_logprobs"`
		} `json:"content"`
	}
	decode(t, a.Choices[0].Logprobs, &lp)
	if len(lp.Content) == 0 || lp.Content[0].Logprob >= 0 || len(lp.Content[0].TopLogprobs) != 2 {
		t.Errorf("logprobs: %s", a.Choices[0].Logprobs)
	}
	r = do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "two words", `"n":2,"stream":true`))
	finishes := 0
	for _, ev := range sseEvents(r.body) {
		if data, ok := dataOf(ev); ok && strings.Contains(data, `"finish_reason":"stop"`) {
			finishes++
		}
	}
	if finishes != 2 {
		t.Errorf("want a finish chunk per choice, got %d: %s", finishes, r.body)
	}
}
