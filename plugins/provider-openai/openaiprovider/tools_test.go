package openaiprovider

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// toolLoopRequest is the second turn of a tool loop with every new field.
func toolLoopRequest() *sdk.CompleteRequest {
	req := chatReq("gpt-4o")
	strict := true
	parallel := false
	n := int32(2)
	top := int32(3)
	req.Request.Messages = []*sdk.Message{
		{Role: "user", Content: "Weather here?", Parts: []*sdk.ContentPart{{Type: "text", Text: "Weather here?"},
			{Type: "image_url", ImageUrl: "data:image/png;base64,iVBORw0KGgo=", ImageDetail: "low"}}},
		{Role: "assistant", ToolCalls: []*sdk.ToolCall{{Id: "call_1", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`}}},
		{Role: "tool", ToolCallId: "call_1", Content: `{"temp_c":11}`},
	}
	req.Request.Tools = []*sdk.Tool{
		{Type: "function", Name: "get_weather", Description: "Weather of a city", ParametersJson: `{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`, Strict: &strict},
		{Type: "function", Name: "ping"},
	}
	req.Request.ToolChoice = &sdk.ToolChoice{Mode: "function", Name: "get_weather"}
	req.Request.ParallelToolCalls = &parallel
	req.Request.ResponseFormat = "json_schema"
	req.Request.JsonSchema = &sdk.JsonSchema{Name: "Weather", SchemaJson: `{"type":"object","properties":{"t":{"type":"number"}}}`, Strict: &strict}
	req.Request.N, req.Request.Logprobs, req.Request.TopLogprobs = &n, true, &top
	req.Request.MaxTokens, req.Request.MaxCompletionTokens = i32(50), true
	return req
}

// Every new field reaches the upstream under OpenAI's name and shape.
func TestRequestCarriesToolsPartsAndFormats(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_stream_tool_calls.sse"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	if _, err := collect(context.Background(), p, toolLoopRequest()); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Messages []map[string]json.RawMessage `json:"messages"`
		Tools    []struct {
			Type     string `json:"type"`
			Function struct {
				Name        string          `json:"name"`
				Description string          `json:"description"`
				Strict      bool            `json:"strict"`
				Parameters  json.RawMessage `json:"parameters"`
			} `json:"function"`
		} `json:"tools"`
		ToolChoice          json.RawMessage `json:"tool_choice"`
		ParallelToolCalls   *bool           `json:"parallel_tool_calls"`
		ResponseFormat      json.RawMessage `json:"response_format"`
		N                   int             `json:"n"`
		Logprobs            bool            `json:"logprobs"`
		TopLogprobs         int             `json:"top_logprobs"`
		MaxCompletionTokens int             `json:"max_completion_tokens"`
		MaxTokens           *int            `json:"max_tokens"`
	}
	if err := json.Unmarshal([]byte(u.last(t).raw), &body); err != nil {
		t.Fatal(err)
	}
	m := body.Messages
	if string(m[0]["content"]) != `[{"type":"text","text":"Weather here?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]` {
		t.Errorf("parts: %s", m[0]["content"])
	}
	if string(m[1]["tool_calls"]) != `[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]` {
		t.Errorf("assistant tool_calls: %s", m[1]["tool_calls"])
	}
	if string(m[2]["tool_call_id"]) != `"call_1"` || string(m[2]["role"]) != `"tool"` {
		t.Errorf("tool message: %v", m[2])
	}
	if len(body.Tools) != 2 || body.Tools[0].Function.Name != "get_weather" || !body.Tools[0].Function.Strict ||
		!strings.Contains(string(body.Tools[0].Function.Parameters), `"required":["city"]`) || string(body.Tools[1].Function.Parameters) != `{"type":"object","properties":{}}` {
		t.Errorf("tools: %+v", body.Tools)
	}
	if string(body.ToolChoice) != `{"type":"function","function":{"name":"get_weather"}}` || body.ParallelToolCalls == nil || *body.ParallelToolCalls {
		t.Errorf("tool_choice %s, parallel %v", body.ToolChoice, body.ParallelToolCalls)
	}
	if string(body.ResponseFormat) != `{"type":"json_schema","json_schema":{"name":"Weather","schema":{"type":"object","properties":{"t":{"type":"number"}}},"strict":true}}` {
		t.Errorf("response_format: %s", body.ResponseFormat)
	}
	if body.N != 2 || !body.Logprobs || body.TopLogprobs != 3 || body.MaxCompletionTokens != 50 || body.MaxTokens != nil {
		t.Errorf("n/logprobs/limit: %+v", body)
	}
}

// OpenAI's recorded tool-call stream (two calls, arguments in fragments)
// reaches the host as deltas with their index; usage details survive.
func TestStreamToolCallDeltas(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_stream_tool_calls.sse"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	chunks, err := collect(context.Background(), p, chatReq("gpt-4o"))
	if err != nil {
		t.Fatal(err)
	}
	args := map[int32]string{}
	names := map[int32]string{}
	for _, c := range chunks {
		for _, tc := range c.ToolCalls {
			args[tc.Index] += tc.Arguments
			if tc.Name != "" {
				names[tc.Index] = tc.Name + "/" + tc.Id
			}
		}
	}
	if args[0] != `{"city":"Edinburgh"}` || args[1] != `{"zone":"UTC"}` || names[0] != "get_weather/call_c91SabcWeather" || names[1] != "get_time/call_d82TdefTime" {
		t.Errorf("calls: %v %v", names, args)
	}
	last := chunks[len(chunks)-1]
	if last.FinishReason != "tool_calls" || last.Usage.GetCachedTokens() != 64 || last.Usage.GetTotalTokens() != 100 {
		t.Errorf("last: %+v", last)
	}
	if chunks[0].Role != "assistant" || chunks[0].Id != "chatcmpl-ToolsX1" {
		t.Errorf("first: %+v", chunks[0])
	}
}

// n = 2 with logprobs: each choice's deltas carry its index and logprobs;
// both finish chunks come at the end, the usage on the last.
func TestStreamChoicesAndLogprobs(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_stream_n2_logprobs.sse"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	chunks, err := collect(context.Background(), p, chatReq("gpt-4o"))
	if err != nil {
		t.Fatal(err)
	}
	text := map[int32]string{}
	finish := map[int32]string{}
	lp := 0
	for _, c := range chunks {
		text[c.ChoiceIndex] += c.Content
		if c.FinishReason != "" {
			finish[c.ChoiceIndex] = c.FinishReason
		}
		if strings.Contains(c.LogprobsJson, `"logprob":-0.01`) {
			lp++
		}
	}
	if text[0] != "Hi!" || text[1] != "Hi! there" || finish[0] != "stop" || finish[1] != "length" || lp != 4 {
		t.Errorf("text %v finish %v logprobs %d", text, finish, lp)
	}
	if last := chunks[len(chunks)-1]; last.FinishReason == "" || last.Usage.GetTotalTokens() != 14 {
		t.Errorf("last: %+v", last)
	}
}

// A server that numbers every whole call 0 (each with its own id) still
// gives two calls.
func TestStreamRenumbersReusedIndex(t *testing.T) {
	sseBody := `data: {"id":"x","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}

data: {"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"b","type":"function","function":{"name":"g","arguments":"{\"x\":1}"}}]}}]}

data: {"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

data: [DONE]

`
	u := newUpstream(t, reply{body: sseBody, contentType: "text/event-stream"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	chunks, err := collect(context.Background(), p, chatReq("gpt-4o"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range chunks {
		for _, tc := range c.ToolCalls {
			got = append(got, tc.Name+string(rune('0'+tc.Index)))
		}
	}
	if strings.Join(got, ",") != "f0,g1" {
		t.Errorf("calls %v", got)
	}
}

// A whole answer (the non-streamed call) keeps tool calls, refusal,
// logprobs and every choice.
func TestCompleteMapsToolCallsAndChoices(t *testing.T) {
	body := `{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[
		{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"logprobs":null,"finish_reason":"tool_calls"},
		{"index":1,"message":{"role":"assistant","content":null,"refusal":"I can't."},"logprobs":{"content":null,"refusal":[{"token":"I","logprob":-0.1}]},"finish_reason":"stop"}],
		"usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":2}}}`
	u := newUpstream(t, reply{body: body, contentType: "application/json"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	r, err := p.Complete(context.Background(), chatReq("gpt-4o"))
	if err != nil {
		t.Fatal(err)
	}
	if r.FinishReason != "tool_calls" || len(r.ToolCalls) != 1 || r.ToolCalls[0].Arguments != `{"a":1}` || r.Usage.CachedTokens != 3 || r.Usage.ReasoningTokens != 2 {
		t.Errorf("choice 0: %+v", r)
	}
	if len(r.MoreChoices) != 1 || r.MoreChoices[0].Refusal != "I can't." || !strings.Contains(r.MoreChoices[0].LogprobsJson, `"refusal":[{"token":"I"`) {
		t.Errorf("choice 1: %+v", r.MoreChoices)
	}
}

// Each flavor declares the parameters its API honours: Groq refuses
// logprobs and logit_bias and n > 1, OpenRouter has no n; OpenAI's newer
// hints only where they are known to be taken; none takes Anthropic's
// thinking budget.
func TestFlavorCapabilities(t *testing.T) {
	for flavor, missing := range map[string][]string{"openai": nil, "generic": nil,
		"groq":       {"logprobs", "logit_bias", "n", "verbosity", "safety_identifier", "prompt_cache_key"},
		"openrouter": {"n", "safety_identifier", "prompt_cache_key"}} {
		p := newTestProvider(t, flavor, `{"api_key":"k","flavor":"`+flavor+`"}`)
		caps := p.Capabilities()
		for _, name := range sdk.ChatParams {
			if has := slices.Contains(caps, sdk.ParamCap(name)); has == (slices.Contains(missing, name) || name == "thinking") {
				t.Errorf("%s: %s declared %v", flavor, name, has)
			}
		}
	}
}
