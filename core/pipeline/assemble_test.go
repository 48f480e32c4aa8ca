package pipeline

import (
	"testing"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// A plain answer is assembled from a stream: tool-call deltas joined by
// their index (two calls interleaved), logprobs concatenated, each choice
// of an n = 2 answer on its own.
func TestAssembleToolCallsChoicesLogprobs(t *testing.T) {
	acc := &streamAccumulator{}
	chunks := []*pb.StreamChunk{
		{Role: "assistant", Id: "chatcmpl-1"},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Id: "call_a", Type: "function", Name: "get_weather"}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `{"ci`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 1, Id: "call_b", Name: "get_time", Arguments: `{"zone"`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `ty":"Paris"}`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 1, Arguments: `:"UTC"}`}}},
		{ChoiceIndex: 1, Content: "Hel", LogprobsJson: `{"content":[{"token":"Hel","logprob":-0.1}],"refusal":null}`},
		{ChoiceIndex: 1, Content: "lo", LogprobsJson: `{"content":[{"token":"lo","logprob":-0.2}],"refusal":null}`},
		{FinishReason: "tool_calls"},
		{ChoiceIndex: 1, FinishReason: "stop"},
		{Usage: &pb.Usage{PromptTokens: 5, CompletionTokens: 9, TotalTokens: 14, CachedTokens: 2, ReasoningTokens: 3}},
	}
	for i, c := range chunks {
		forward := acc.add(c)
		if want := i > 0 && i < 10; forward != want {
			t.Errorf("chunk %d: forward %v, want %v", i, forward, want)
		}
	}
	res, pe := acc.result()
	if pe != nil {
		t.Fatal(pe)
	}
	if res.ID != "chatcmpl-1" || res.FinishReason != "tool_calls" || res.Content != "" || res.Usage.GetCachedTokens() != 2 {
		t.Errorf("result: %+v", res)
	}
	if len(res.ToolCalls) != 2 {
		t.Fatalf("calls: %v", res.ToolCalls)
	}
	a, b := res.ToolCalls[0], res.ToolCalls[1]
	if a.Id != "call_a" || a.Name != "get_weather" || a.Arguments != `{"city":"Paris"}` || a.Type != "function" {
		t.Errorf("call 0: %v", a)
	}
	if b.Id != "call_b" || b.Name != "get_time" || b.Arguments != `{"zone":"UTC"}` || b.Type != "function" || b.Index != 1 {
		t.Errorf("call 1: %v", b)
	}
	if len(res.MoreChoices) != 1 {
		t.Fatalf("more choices: %v", res.MoreChoices)
	}
	c := res.MoreChoices[0]
	if c.Index != 1 || c.Content != "Hello" || c.FinishReason != "stop" ||
		c.LogprobsJson != `{"content":[{"token":"Hel","logprob":-0.1},{"token":"lo","logprob":-0.2}],"refusal":null}` {
		t.Errorf("choice 1: %v", c)
	}
	if res.LogprobsJSON != "" {
		t.Errorf("choice 0 had no logprobs: %s", res.LogprobsJSON)
	}
	if (&streamAccumulator{}).add(&pb.StreamChunk{ChoiceIndex: 1 << 20, Content: "x"}) {
		t.Error("a choice index past the limit was accepted")
	}
}

// Trackers see an inline image as its type and size, and the request the
// After hooks read keeps it.
func TestEventRequestShortensInlineImages(t *testing.T) {
	chat := &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Parts: []*pb.ContentPart{
		{Type: "text", Text: "what?"},
		{Type: "image_url", ImageUrl: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="},
		{Type: "image_url", ImageUrl: "https://example.com/a.png"}}}}}
	ev := eventRequest(chat)
	parts := ev.Messages[0].Parts
	if parts[1].ImageUrl != "data:image/png;base64,[24 base64 characters]" || parts[2].ImageUrl != "https://example.com/a.png" || parts[0].Text != "what?" {
		t.Errorf("event parts: %v", parts)
	}
	if chat.Messages[0].Parts[1].ImageUrl != "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==" {
		t.Error("the request itself was changed")
	}
	plain := &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Content: "hi"}}}
	if eventRequest(plain) != plain {
		t.Error("a request without inline images is copied")
	}
}
