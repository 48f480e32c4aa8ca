package sdk

import (
	"slices"
	"testing"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// TestParamsSetAndDrop: every parameter a provider can declare is seen when
// set and cleared by DropParam — a name added to ChatParams without both
// would be neither refused nor dropped.
func TestParamsSetAndDrop(t *testing.T) {
	f, seed := 0.5, int64(1)
	full := func() *pb.ChatRequest {
		yes, n, top := true, int32(2), int32(3)
		return &pb.ChatRequest{Stop: []string{"x"}, Seed: &seed, TopP: &f, PresencePenalty: &f, FrequencyPenalty: &f, User: "u",
			ResponseFormat: "json_object", LogitBias: map[string]float64{"1": 1},
			Tools: []*pb.Tool{{Type: "function", Name: "f"}}, ParallelToolCalls: &yes, JsonSchema: &pb.JsonSchema{Name: "s", SchemaJson: "{}"},
			Messages: []*pb.Message{{Role: "user", Parts: []*pb.ContentPart{{Type: "image_url", ImageUrl: "data:image/png;base64,AA=="}}}},
			N:        &n, Logprobs: true, TopLogprobs: &top, ReasoningEffort: "low",
			Verbosity: "low", SafetyIdentifier: "s", PromptCacheKey: "k", ThinkingBudgetTokens: &top}
	}
	if got := ParamsSet(full()); !slices.Equal(got, ChatParams) {
		t.Fatalf("ParamsSet = %v, want %v", got, ChatParams)
	}
	for _, name := range DroppableParams {
		req := full()
		DropParam(req, name)
		if slices.Contains(ParamsSet(req), name) || len(ParamsSet(req)) != len(ChatParams)-1 {
			t.Errorf("DropParam(%s) left %v", name, ParamsSet(req))
		}
	}
	// Adaptive thinking is thinking too, and dropped with it.
	adaptive := &pb.ChatRequest{ThinkingAdaptive: true}
	if got := ParamsSet(adaptive); !slices.Equal(got, []string{"thinking"}) {
		t.Errorf("adaptive thinking: %v", got)
	}
	if DropParam(adaptive, "thinking"); adaptive.ThinkingAdaptive {
		t.Error("DropParam(thinking) left adaptive thinking on")
	}
	// A tool loop's history uses tools even when none is offered any more.
	hist := &pb.ChatRequest{Messages: []*pb.Message{{Role: "tool", ToolCallId: "call_1", Content: "42"}}}
	if got := ParamsSet(hist); !slices.Equal(got, []string{"tools"}) {
		t.Errorf("a tool message: %v", got)
	}
	// The defaults are not parameters: response_format text, an empty stop.
	one := int32(1)
	if got := ParamsSet(&pb.ChatRequest{ResponseFormat: "text", N: &one}); len(got) != 0 {
		t.Errorf("defaults counted as set: %v", got)
	}
	if ParamCap("seed") != "provider.param.seed" {
		t.Error(ParamCap("seed"))
	}
}

// BenchmarkParamsSet: the host asks it twice per chat request; a plain
// request sets none of the optional parameters.
func BenchmarkParamsSet(b *testing.B) {
	req := &pb.ChatRequest{Model: "m", Messages: []*pb.Message{{Role: "user", Content: "hi"}}}
	b.ReportAllocs()
	for b.Loop() {
		if ParamsSet(req) != nil {
			b.Fatal("set")
		}
	}
}
