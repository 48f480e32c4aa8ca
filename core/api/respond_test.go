package api

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llmgw/llmgw/core/pipeline"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func testAnswer(route string, stream bool) (answer, *httptest.ResponseRecorder) {
	rec := httptest.NewRecorder()
	req := &pipeline.Request{ID: "r1", Route: route, Start: time.Now(), Chat: &pb.ChatRequest{Model: "m", Stream: stream}}
	return answer{w: rec, r: httptest.NewRequest("POST", "/", nil), req: req, created: 1}, rec
}

// A chat client sees a reasoning model's thinking as delta.reasoning_content
// and a refusal as delta.refusal; /generate sends neither.
func TestStreamChunksCarryReasoningAndRefusal(t *testing.T) {
	a, rec := testAnswer(pipeline.RouteChat, true)
	c := &chatWriter{answer: a}
	tr := &pipeline.Trace{Headers: map[string]string{}}
	if err := c.StreamStart(tr); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []*pb.StreamChunk{{ReasoningContent: "thinking"}, {Refusal: "no"}, {Content: "hi"}} {
		if err := c.StreamChunk(ch); err != nil {
			t.Fatal(err)
		}
	}
	body := rec.Body.String()
	for _, want := range []string{`"delta":{"reasoning_content":"thinking"}`, `"delta":{"refusal":"no"}`, `"delta":{"content":"hi"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in %s", want, body)
		}
	}

	a, rec = testAnswer(pipeline.RouteGenerate, true)
	g := &generateWriter{answer: a}
	if err := g.StreamStart(tr); err != nil {
		t.Fatal(err)
	}
	if err := g.StreamChunk(&pb.StreamChunk{ReasoningContent: "thinking"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rec.Body.String(), "thinking") {
		t.Errorf("/generate passed reasoning on: %s", rec.Body.String())
	}

	// Asked for (include_reasoning), /generate streams it as its own events
	// and the last event carries the whole of it.
	a, rec = testAnswer(pipeline.RouteGenerate, true)
	a.opts.includeReasoning = true
	g = &generateWriter{answer: a}
	if err := g.StreamStart(tr); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []*pb.StreamChunk{{ReasoningContent: "thinking"}, {Content: "hi"}} {
		if err := g.StreamChunk(ch); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.StreamEnd(&pipeline.Result{Content: "hi", Reasoning: "thinking", ModelUsed: "m"}, tr); err != nil {
		t.Fatal(err)
	}
	body = rec.Body.String()
	for _, want := range []string{"data: {\"reasoning\":\"thinking\"}\n\ndata: {\"response\":\"hi\"}", `"reasoning":"thinking","done":true`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in %s", want, body)
		}
	}
}

// A plain /generate answer carries `reasoning` only when the body asked for
// it and the provider streamed some.
func TestPlainGenerateReasoning(t *testing.T) {
	tr := &pipeline.Trace{Headers: map[string]string{}}
	for _, c := range []struct {
		include   bool
		reasoning string
		want      bool
	}{{false, "thinking", false}, {true, "thinking", true}, {true, "", false}} {
		a, rec := testAnswer(pipeline.RouteGenerate, false)
		a.opts.includeReasoning = c.include
		(&generateWriter{answer: a}).Complete(&pipeline.Result{Content: "hi", Reasoning: c.reasoning, ModelUsed: "m"}, tr)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if _, ok := body["reasoning"]; ok != c.want || (c.want && body["reasoning"] != c.reasoning) {
			t.Errorf("include %v, reasoning %q: %s", c.include, c.reasoning, rec.Body.String())
		}
	}
}

// A refusal with no content is /generate's content_filter, and the chat
// answer's message.refusal.
func TestPlainRefusal(t *testing.T) {
	res := &pipeline.Result{Refusal: "I can't help with that.", FinishReason: "stop", ModelUsed: "m"}
	tr := &pipeline.Trace{Headers: map[string]string{}}
	a, rec := testAnswer(pipeline.RouteGenerate, false)
	(&generateWriter{answer: a}).Complete(res, tr)
	if !strings.Contains(rec.Body.String(), `"finish_reason":"content_filter"`) {
		t.Errorf("/generate: %s", rec.Body.String())
	}
	a, rec = testAnswer(pipeline.RouteChat, false)
	(&chatWriter{answer: a}).Complete(res, tr)
	if !strings.Contains(rec.Body.String(), `"refusal":"I can't help with that."`) {
		t.Errorf("chat: %s", rec.Body.String())
	}
}

// A plain answer with only tool calls has content null, the calls with
// their id, type and function, and the usage details.
func TestPlainToolCallAnswer(t *testing.T) {
	res := &pipeline.Result{FinishReason: "tool_calls", ModelUsed: "m",
		ToolCalls:   []*pb.ToolCall{{Index: 0, Id: "call_1", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`}},
		Usage:       &pb.Usage{PromptTokens: 5, CompletionTokens: 7, TotalTokens: 12, CachedTokens: 2, ReasoningTokens: 3},
		MoreChoices: []*pb.Choice{{Index: 1, Content: "hi", FinishReason: "stop", LogprobsJson: `{"content":[],"refusal":null}`}}}
	a, rec := testAnswer(pipeline.RouteChat, false)
	(&chatWriter{answer: a}).Complete(res, &pipeline.Trace{Headers: map[string]string{}})
	body := rec.Body.String()
	for _, want := range []string{
		`"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"`,
		`{"index":1,"message":{"role":"assistant","content":"hi","refusal":null},"logprobs":{"content":[],"refusal":null},"finish_reason":"stop"}`,
		`"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":3}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in %s", want, body)
		}
	}
}

// Tool-call deltas go out as OpenAI streams them: index always, id, type
// and name only on a call's first delta; each choice finishes on its own.
func TestStreamToolCallDeltas(t *testing.T) {
	a, rec := testAnswer(pipeline.RouteChat, true)
	n := int32(2)
	a.req.Chat.N = &n
	c := &chatWriter{answer: a}
	tr := &pipeline.Trace{Headers: map[string]string{}}
	if err := c.StreamStart(tr); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []*pb.StreamChunk{
		{ToolCalls: []*pb.ToolCall{{Index: 0, Id: "call_1", Type: "function", Name: "f"}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `{"a"`}}},
		{ChoiceIndex: 1, Content: "x", LogprobsJson: `{"content":[{"token":"x","logprob":-1}],"refusal":null}`},
	} {
		if err := c.StreamChunk(ch); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.StreamEnd(&pipeline.Result{FinishReason: "tool_calls", MoreChoices: []*pb.Choice{{Index: 1, FinishReason: "stop"}}}, tr); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`"choices":[{"index":1,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]`,
		`"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}`,
		`"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]}`,
		`{"index":1,"delta":{"content":"x"},"logprobs":{"content":[{"token":"x","logprob":-1}],"refusal":null},"finish_reason":null}`,
		`{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}`,
		`{"index":1,"delta":{},"logprobs":null,"finish_reason":"stop"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in %s", want, body)
		}
	}
}
