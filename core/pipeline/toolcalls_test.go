package pipeline

import (
	"testing"
	"time"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// TestStreamAccumulatorJoinsToolCalls: tool-call deltas are forwarded (they
// are something for the client) and joined by index into whole calls.
func TestStreamAccumulatorJoinsToolCalls(t *testing.T) {
	a := &streamAccumulator{}
	chunks := []*pb.StreamChunk{
		{Role: "assistant", Content: "Checking."},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Id: "toolu_1", Type: "function", Name: "get_weather"}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `{"city":`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 1, Id: "toolu_2", Type: "function", Name: "get_time", Arguments: "{}"}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `"Paris"}`}}},
		{FinishReason: "tool_calls", Usage: &pb.Usage{PromptTokens: 3, CompletionTokens: 4, TotalTokens: 7}},
	}
	for i, c := range chunks {
		if !a.add(c) {
			t.Fatalf("chunk %d is not forwarded", i)
		}
	}
	res, pe := a.result()
	if pe != nil {
		t.Fatal(pe)
	}
	if res.Content != "Checking." || res.FinishReason != "tool_calls" || len(res.ToolCalls) != 2 {
		t.Fatalf("%+v", res)
	}
	c0, c1 := res.ToolCalls[0], res.ToolCalls[1]
	if c0.Id != "toolu_1" || c0.Name != "get_weather" || c0.Type != "function" || c0.Arguments != `{"city":"Paris"}` || c1.Index != 1 || c1.Name != "get_time" || c1.Arguments != "{}" {
		t.Fatalf("calls: %+v %+v", c0, c1)
	}
	ev := buildEvent(&Request{Chat: &pb.ChatRequest{}}, &Trace{}, res, nil, time.Now())
	if len(ev.ToolCalls) != 2 {
		t.Fatalf("event tool calls: %+v", ev.ToolCalls)
	}
}
