package e2e

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// weatherTool is an OpenAI function tool with a strict schema.
var weatherTool = map[string]any{"type": "function", "function": map[string]any{
	"name": "get_weather", "description": "The weather of a city", "strict": true,
	"parameters": map[string]any{"type": "object", "additionalProperties": false, "required": []string{"city", "unit"},
		"properties": map[string]any{"city": map[string]any{"type": "string"}, "unit": map[string]any{"type": "string", "enum": []string{"celsius", "fahrenheit"}}}},
}}

// chatAnswer is the part of a chat answer these tests read.
type chatAnswer struct {
	Choices []struct {
		Message struct {
			Content   *string `json:"content"`
			Refusal   *string `json:"refusal"`
			ToolCalls []struct {
				ID       string `json:"id"`
				Type     string `json:"type"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		TotalTokens         int `json:"total_tokens"`
		PromptTokensDetails struct {
			CachedTokens *int `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	} `json:"usage"`
}

func decodeAnswer(t *testing.T, r reply) chatAnswer {
	t.Helper()
	var a chatAnswer
	if r.status != 200 || json.Unmarshal(r.body, &a) != nil || len(a.Choices) == 0 {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	return a
}

// TestToolLoopThroughTheGateway: a two-turn tool loop (the call, then the
// answer to its result), plain and streamed, and the tools, the call and
// the result reach the upstream in OpenAI's shape.
func TestToolLoopThroughTheGateway(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	user := map[string]any{"role": "user", "content": "What is the weather in Paris?"}
	r := postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary", "messages": []any{user},
		"tools": []any{weatherTool}, "tool_choice": "required"}, nil)
	a := decodeAnswer(t, r)
	c := a.Choices[0]
	if c.FinishReason != "tool_calls" || c.Message.Content != nil || len(c.Message.ToolCalls) != 1 {
		t.Fatalf("first turn: %s", r.body)
	}
	call := c.Message.ToolCalls[0]
	var args map[string]string
	if call.Type != "function" || call.Function.Name != "get_weather" || json.Unmarshal([]byte(call.Function.Arguments), &args) != nil ||
		args["city"] == "" || (args["unit"] != "celsius" && args["unit"] != "fahrenheit") {
		t.Fatalf("call: %+v", call)
	}
	if a.Usage.PromptTokensDetails.CachedTokens == nil {
		t.Errorf("usage without prompt_tokens_details.cached_tokens: %s", r.body)
	}

	// The second turn echoes the call (content null) and sends the result.
	assistant := map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{"id": call.ID, "type": "function",
		"function": map[string]any{"name": call.Function.Name, "arguments": call.Function.Arguments}}}}
	result := map[string]any{"role": "tool", "tool_call_id": call.ID, "content": "11 degrees and light rain"}
	r = postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary", "messages": []any{user, assistant, result},
		"tools": []any{weatherTool}}, nil)
	a = decodeAnswer(t, r)
	if c := a.Choices[0]; c.FinishReason != "stop" || c.Message.Content == nil || !strings.Contains(*c.Message.Content, "11 degrees and light rain") {
		t.Fatalf("second turn: %s", r.body)
	}
	last := get(t, s.url()+"/sim/last-request")
	var sent struct {
		Body struct {
			Messages []map[string]json.RawMessage `json:"messages"`
			Tools    []json.RawMessage            `json:"tools"`
		} `json:"body"`
	}
	if json.Unmarshal(last.body, &sent) != nil || len(sent.Body.Messages) != 3 || len(sent.Body.Tools) != 1 {
		t.Fatalf("upstream request: %s", last.body)
	}
	if m := sent.Body.Messages; !strings.Contains(string(m[1]["tool_calls"]), call.ID) || string(m[2]["tool_call_id"]) != `"`+call.ID+`"` {
		t.Errorf("the loop's history did not reach the upstream: %s", last.body)
	}

	// Streamed: the call arrives as deltas split over several chunks and
	// joins (by index) into valid arguments.
	r = postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary", "messages": []any{user},
		"tools": []any{weatherTool}, "tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "get_weather"}}, "stream": true}, nil)
	id, name, joined, pieces, finish := "", "", "", 0, ""
	for _, ev := range sseEvents(r.body) {
		if ev == "[DONE]" {
			continue
		}
		var ch struct {
			Choices []struct {
				Delta struct {
					ToolCalls []struct {
						Index    *int   `json:"index"`
						ID       string `json:"id"`
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
			t.Fatalf("event %q: %v", ev, err)
		}
		for _, c := range ch.Choices {
			if c.FinishReason != nil {
				finish = *c.FinishReason
			}
			for _, d := range c.Delta.ToolCalls {
				if d.Index == nil || *d.Index != 0 {
					t.Fatalf("delta without index 0: %s", ev)
				}
				if d.ID != "" {
					id, name = d.ID, d.Function.Name
				}
				if d.Function.Arguments != "" {
					pieces++
				}
				joined += d.Function.Arguments
			}
		}
	}
	if id == "" || name != "get_weather" || pieces < 3 || finish != "tool_calls" || json.Unmarshal([]byte(joined), &args) != nil || args["city"] == "" {
		t.Fatalf("streamed call: id %q name %q pieces %d finish %q args %q\n%s", id, name, pieces, finish, joined, r.body)
	}
}

// TestStructuredOutputsImagesAndChoices: a json_schema answer validates
// against its schema; an image data URL reaches the upstream as a content
// part; n = 2 answers two choices.
func TestStructuredOutputsImagesAndChoices(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	schema := map[string]any{"type": "object", "additionalProperties": false, "required": []string{"name", "age"},
		"properties": map[string]any{"name": map[string]any{"type": "string"}, "age": map[string]any{"type": "integer", "minimum": 18}}}
	r := postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary",
		"messages":        []any{map[string]any{"role": "user", "content": "Who is it?"}},
		"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "Person", "strict": true, "schema": schema}}}, nil)
	a := decodeAnswer(t, r)
	var person struct {
		Name *string `json:"name"`
		Age  *int    `json:"age"`
	}
	if c := a.Choices[0].Message.Content; c == nil || json.Unmarshal([]byte(*c), &person) != nil || person.Name == nil || person.Age == nil || *person.Age < 18 {
		t.Fatalf("structured answer: %s", r.body)
	}

	png := "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n-not-really"))
	r = postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary", "n": 2,
		"messages": []any{map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "Describe"},
			map[string]any{"type": "image_url", "image_url": map[string]any{"url": png, "detail": "low"}}}}}}, nil)
	a = decodeAnswer(t, r)
	if len(a.Choices) != 2 {
		t.Fatalf("n = 2: %s", r.body)
	}
	if last := string(get(t, s.url()+"/sim/last-request").body); !strings.Contains(last, `"image_url":{"url":"`+png+`","detail":"low"}`) {
		t.Errorf("the image did not reach the upstream: %s", last)
	}
}

// TestUnsupportedChatParamsReachNoProvider: a parameter one provider of
// the model's chain cannot honour is 400 unsupported_parameter naming it
// and the provider, before any call; a malformed image is 400 naming its
// place.
func TestUnsupportedChatParamsReachNoProvider(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	msgs := []any{map[string]any{"role": "user", "content": "hello"}}
	before, _ := s.requests(t)
	for _, c := range []struct {
		model, param, provider string
		extra                  map[string]any
	}{
		{"openrouter-fallback", "n", "openrouter", map[string]any{"n": 2}},
		// The first provider of the chain without n (gemini, or openrouter
		// once Gemini serves candidateCount).
		{"smart-router", "n", "", map[string]any{"n": 2}},
	} {
		body := map[string]any{"model": c.model, "messages": msgs}
		for k, v := range c.extra {
			body[k] = v
		}
		r := postJSON(t, g.url()+"/v1/chat/completions", body, nil)
		if r.status != 400 || r.errorCode(t) != "unsupported_parameter" {
			t.Fatalf("%s %v: %d %s", c.model, c.extra, r.status, r.body)
		}
		e := r.json(t)["error"].(map[string]any)
		if e["param"] != c.param || !strings.Contains(e["message"].(string), `"`+c.provider) {
			t.Errorf("%s: %v", c.model, e)
		}
	}
	bad := postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary", "messages": []any{map[string]any{"role": "user",
		"content": []any{map[string]any{"type": "image_url", "image_url": map[string]any{"url": "data:image/svg+xml;base64,PHN2Zy8+"}}}}}}, nil)
	if bad.status != 400 || bad.errorCode(t) != "invalid_value" || bad.json(t)["error"].(map[string]any)["param"] != "messages[0].content[0].image_url.url" {
		t.Errorf("svg image: %d %s", bad.status, bad.body)
	}
	if after, _ := s.requests(t); after != before {
		t.Fatalf("a refused request reached the simulator: %d -> %d", before, after)
	}
}
