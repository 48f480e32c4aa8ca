package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"testing"
)

// Tools, structured output and images through the gateway to Gemini
// (gemini-secondary, provider-gemini against the simulator's Gemini wire),
// and a fallback from OpenAI to Gemini in the middle of a tool loop.

// gemCall is a tool call of an answer, whole.
type gemCall struct{ ID, Type, Name, Arguments string }

// firstCall is the first tool call of a's first choice.
func firstCall(t *testing.T, a chatAnswer) gemCall {
	t.Helper()
	if len(a.Choices[0].Message.ToolCalls) == 0 {
		t.Fatalf("no tool call in %+v", a)
	}
	tc := a.Choices[0].Message.ToolCalls[0]
	return gemCall{tc.ID, tc.Type, tc.Function.Name, tc.Function.Arguments}
}

func gemChat(t *testing.T, g *gateway, body map[string]any) chatAnswer {
	t.Helper()
	return decodeAnswer(t, postJSON(t, g.url()+"/v1/chat/completions", body, nil))
}

// gemCheckWeatherCall checks a get_weather call's id and arguments.
func gemCheckWeatherCall(t *testing.T, tc gemCall) {
	t.Helper()
	var args struct{ City, Unit string }
	if tc.Type != "function" || tc.Name != "get_weather" || !strings.HasPrefix(tc.ID, "call_") || len(tc.ID) > 40 ||
		json.Unmarshal([]byte(tc.Arguments), &args) != nil || args.City == "" || (args.Unit != "celsius" && args.Unit != "fahrenheit") {
		t.Errorf("tool call %+v", tc)
	}
}

// gemToolTurn is what an SDK appends after a call: the assistant message
// echoed, and the tool's result.
func gemToolTurn(tc gemCall, result string) []any {
	return []any{
		map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{"id": tc.ID, "type": "function",
			"function": map[string]any{"name": tc.Name, "arguments": tc.Arguments}}}},
		map[string]any{"role": "tool", "tool_call_id": tc.ID, "content": result},
	}
}

func TestGeminiToolLoopThroughTheGateway(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	messages := []any{map[string]any{"role": "user", "content": "What is the weather in Paris?"}}
	a := gemChat(t, g, map[string]any{"model": "gemini-secondary", "messages": messages,
		"tools": []any{weatherTool}, "tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "get_weather"}}})
	c := a.Choices[0]
	if c.FinishReason != "tool_calls" || len(c.Message.ToolCalls) != 1 || (c.Message.Content != nil && *c.Message.Content != "") {
		t.Fatalf("turn 1: %+v", a)
	}
	tc := firstCall(t, a)
	gemCheckWeatherCall(t, tc)

	// Turn 2: the SDK echoes the assistant message and adds the result.
	messages = append(messages, gemToolTurn(tc, `{"temp_c": 11, "sky": "cloudy"}`)...)
	a = gemChat(t, g, map[string]any{"model": "gemini-secondary", "messages": messages, "tools": []any{weatherTool}})
	c = a.Choices[0]
	if c.FinishReason != "stop" || len(c.Message.ToolCalls) != 0 || c.Message.Content == nil ||
		!strings.Contains(*c.Message.Content, `tool results: {"temp_c":11,"sky":"cloudy"}`) {
		t.Fatalf("turn 2: %+v", a)
	}
	if _, by := s.requests(t); by["gemini-2.0-flash"] != 2 {
		t.Errorf("upstream calls %v", by)
	}
}

func TestGeminiStreamedToolCallThroughTheGateway(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	sr := postStream(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gemini-secondary", "stream": true,
		"messages": []any{map[string]any{"role": "user", "content": "Weather in Rome?"}},
		"tools":    []any{weatherTool}, "tool_choice": "required"})
	if sr.status != 200 || !sr.done() {
		t.Fatalf("stream: %d %s", sr.status, sr.raw)
	}
	// Assemble the deltas as the SDKs do: by index, arguments joined.
	calls := map[int]*gemCall{}
	finish := ""
	for _, ev := range sr.events[:len(sr.events)-1] {
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
		if err := json.Unmarshal([]byte(ev), &ch); err != nil {
			t.Fatalf("chunk %s: %v", ev, err)
		}
		for _, c := range ch.Choices {
			for _, d := range c.Delta.ToolCalls {
				if d.Index == nil {
					t.Fatalf("a delta without index: %s", ev)
				}
				cur := calls[*d.Index]
				if cur == nil {
					cur = &gemCall{}
					calls[*d.Index] = cur
				}
				if d.ID != "" {
					cur.ID, cur.Type, cur.Name = d.ID, d.Type, d.Function.Name
				}
				cur.Arguments += d.Function.Arguments
			}
			if c.FinishReason != nil {
				finish = *c.FinishReason
			}
		}
	}
	if len(calls) != 1 || calls[0] == nil || finish != "tool_calls" {
		t.Fatalf("calls %v finish %q: %s", calls, finish, sr.raw)
	}
	gemCheckWeatherCall(t, *calls[0])
}

func TestGeminiStructuredOutputThroughTheGateway(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	// What openai-python's parse() sends for a Pydantic model.
	schema := map[string]any{"type": "object", "additionalProperties": false, "title": "Person",
		"required": []string{"name", "age", "email"},
		"properties": map[string]any{"name": map[string]any{"type": "string", "title": "Name"}, "age": map[string]any{"type": "integer", "minimum": 0},
			"email": map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "null"}}}}}
	a := gemChat(t, g, map[string]any{"model": "gemini-secondary",
		"messages":        []any{map[string]any{"role": "user", "content": "Invent a person."}},
		"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "Person", "strict": true, "schema": schema}}})
	var person struct {
		Name  *string `json:"name"`
		Age   *int    `json:"age"`
		Email any     `json:"email"`
	}
	content := a.Choices[0].Message.Content
	if content == nil || json.Unmarshal([]byte(*content), &person) != nil || person.Name == nil || person.Age == nil || *person.Age < 0 {
		t.Fatalf("json_schema answer: %+v", a)
	}
	// A schema Gemini cannot express is a 400 before any call.
	cyclic := map[string]any{"$defs": map[string]any{"Node": map[string]any{"type": "object", "properties": map[string]any{"next": map[string]any{"$ref": "#/$defs/Node"}}}}, "$ref": "#/$defs/Node"}
	n, _ := s.requests(t)
	r := postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gemini-secondary",
		"messages":        []any{map[string]any{"role": "user", "content": "x"}},
		"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "Tree", "schema": cyclic}}}, nil)
	if r.status != 400 || !strings.Contains(string(r.body), "recursive $ref") {
		t.Errorf("cyclic schema: %d %s", r.status, r.body)
	}
	if after, _ := s.requests(t); after != n {
		t.Errorf("a schema Gemini cannot take reached the upstream")
	}
}

func TestGeminiImageDataURLThroughTheGateway(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 3)))
	url := "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
	a := gemChat(t, g, map[string]any{"model": "gemini-secondary", "messages": []any{map[string]any{"role": "user", "content": []any{
		map[string]any{"type": "text", "text": "What is in this picture?"},
		map[string]any{"type": "image_url", "image_url": map[string]any{"url": url, "detail": "low"}},
	}}}})
	if c := a.Choices[0].Message.Content; c == nil || !strings.Contains(*c, "What is in this picture?") {
		t.Fatalf("image answer: %+v", a)
	}
	if _, by := s.requests(t); by["gemini-2.0-flash"] != 1 {
		t.Errorf("upstream calls %v", by)
	}
}

// TestFallbackFromOpenAIToGeminiMidToolLoop: a tool loop begun on OpenAI
// continues on Gemini when OpenAI fails with 500 — Gemini reads OpenAI's
// call and result, makes the next call itself and answers after its result
// — and goes back to OpenAI, with Gemini's ids in the history, once OpenAI
// answers again.
func TestFallbackFromOpenAIToGeminiMidToolLoop(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	tools := []any{weatherTool}
	calls := func(want map[string]int) {
		t.Helper()
		if _, by := s.requests(t); by["gpt-4o"] != want["gpt-4o"] || by["gemini-2.0-flash"] != want["gemini-2.0-flash"] {
			t.Fatalf("upstream calls %v, want %v", by, want)
		}
	}
	messages := []any{
		map[string]any{"role": "system", "content": "You are a travel assistant."},
		map[string]any{"role": "user", "content": "Call get_weather for Paris."},
	}
	// 1. OpenAI answers with a call.
	a := gemChat(t, g, map[string]any{"model": "smart-router", "messages": messages, "tools": tools})
	if c := a.Choices[0]; c.FinishReason != "tool_calls" || len(c.Message.ToolCalls) != 1 {
		t.Fatalf("turn on OpenAI: %+v", a)
	}
	calls(map[string]int{"gpt-4o": 1})
	messages = append(messages, gemToolTurn(firstCall(t, a), "11 degrees")...)
	messages = append(messages, map[string]any{"role": "user", "content": "And call get_weather for Rome?"})

	// 2. OpenAI fails: Gemini takes the history with OpenAI's call and
	// makes the next call.
	s.fault(t, "gpt-4o", "500")
	a = gemChat(t, g, map[string]any{"model": "smart-router", "messages": messages, "tools": tools})
	c := a.Choices[0]
	if c.FinishReason != "tool_calls" || len(c.Message.ToolCalls) != 1 {
		t.Fatalf("turn on Gemini: %+v", a)
	}
	tc := firstCall(t, a)
	gemCheckWeatherCall(t, tc)
	calls(map[string]int{"gpt-4o": 2, "gemini-2.0-flash": 1})

	// 3. Its result: Gemini answers in text.
	messages = append(messages, gemToolTurn(tc, "17 degrees")...)
	a = gemChat(t, g, map[string]any{"model": "smart-router", "messages": messages, "tools": tools})
	c = a.Choices[0]
	if c.FinishReason != "stop" || c.Message.Content == nil || !strings.Contains(*c.Message.Content, `tool results: {"output":"17 degrees"}`) {
		t.Fatalf("final answer on Gemini: %+v", a)
	}
	calls(map[string]int{"gpt-4o": 3, "gemini-2.0-flash": 2})

	// 4. OpenAI is back and continues the conversation, Gemini's ids and
	// all.
	s.fault(t, "gpt-4o", "none")
	messages = append(messages, map[string]any{"role": "assistant", "content": *c.Message.Content},
		map[string]any{"role": "user", "content": "Now call get_weather for Oslo."})
	a = gemChat(t, g, map[string]any{"model": "smart-router", "messages": messages, "tools": tools})
	if c := a.Choices[0]; c.FinishReason != "tool_calls" || len(c.Message.ToolCalls) != 1 {
		t.Fatalf("back on OpenAI: %+v", a)
	}
	calls(map[string]int{"gpt-4o": 4, "gemini-2.0-flash": 2})
}

func TestGeminiChoicesAndLogprobsThroughTheGateway(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	body := map[string]any{"model": "gemini-secondary", "n": 2, "logprobs": true, "top_logprobs": 2,
		"messages": []any{map[string]any{"role": "user", "content": "Two answers"}}}
	r := postJSON(t, g.url()+"/v1/chat/completions", body, nil)
	var a struct {
		Choices []struct {
			Index   int `json:"index"`
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
			Logprobs struct {
				Content []struct {
					Token       string  `json:"token"`
					Logprob     float64 `json:"logprob"`
					TopLogprobs []struct {
						Token string `json:"token"`
					} `json:"top_logprobs"`
				} `json:"content"`
			} `json:"logprobs"`
		} `json:"choices"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &a) != nil || len(a.Choices) != 2 || a.Choices[1].Index != 1 {
		t.Fatalf("n=2: %d %s", r.status, r.body)
	}
	for _, c := range a.Choices {
		lp := c.Logprobs.Content
		if !strings.Contains(c.Message.Content, "Two answers") || len(lp) == 0 || lp[0].Logprob >= 0 || len(lp[0].TopLogprobs) != 2 {
			t.Errorf("choice %d: %s", c.Index, r.body)
		}
	}
	// Streamed: deltas of both choices, each finished.
	body["stream"] = true
	sr := postStream(t, g.url()+"/v1/chat/completions", body)
	finished := map[float64]bool{}
	for _, ev := range sr.events {
		var ch struct {
			Choices []struct {
				Index        float64 `json:"index"`
				FinishReason *string `json:"finish_reason"`
			} `json:"choices"`
		}
		if json.Unmarshal([]byte(ev), &ch) == nil {
			for _, c := range ch.Choices {
				if c.FinishReason != nil {
					finished[c.Index] = true
				}
			}
		}
	}
	if sr.status != 200 || !sr.done() || !finished[0] || !finished[1] {
		t.Errorf("n=2 stream: %d %v %s", sr.status, finished, sr.raw)
	}
}
