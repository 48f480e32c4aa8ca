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
		return &pb.ChatRequest{Stop: []string{"x"}, Seed: &seed, TopP: &f, PresencePenalty: &f, FrequencyPenalty: &f, User: "u",
			ResponseFormat: "json_object", LogitBias: map[string]float64{"1": 1}}
	}
	if got := ParamsSet(full()); !slices.Equal(got, ChatParams) {
		t.Fatalf("ParamsSet = %v, want %v", got, ChatParams)
	}
	for _, name := range ChatParams {
		req := full()
		DropParam(req, name)
		if slices.Contains(ParamsSet(req), name) || len(ParamsSet(req)) != len(ChatParams)-1 {
			t.Errorf("DropParam(%s) left %v", name, ParamsSet(req))
		}
	}
	// The defaults are not parameters: response_format text, an empty stop.
	if got := ParamsSet(&pb.ChatRequest{ResponseFormat: "text"}); len(got) != 0 {
		t.Errorf("defaults counted as set: %v", got)
	}
	if ParamCap("seed") != "provider.param.seed" {
		t.Error(ParamCap("seed"))
	}
}
