package otlp

import (
	"encoding/json"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func embedEvent() *sdk.Event {
	t0 := int64(1_700_000_000_000_000_000)
	d := int32(1536)
	return &sdk.Event{
		EventId: "ev-e", RequestId: "req-e", Route: RouteEmbeddings, StartUnixNano: t0, EndUnixNano: t0 + 50e6,
		Embeddings:     &sdk.EmbeddingsRequest{Model: "smart-embed", Input: []string{"alpha", "beta", "gamma"}, Dimensions: &d, EncodingFormat: "base64"},
		RequestedModel: "smart-embed", ModelUsed: "embed-gemini", Provider: "gemini", UpstreamModel: "gemini-embedding-001", Ok: true, Status: 200,
		Usage:           &sdk.Usage{PromptTokens: 3, TotalTokens: 3},
		EmbeddingsCount: 3, EmbeddingsDimensions: 1536,
		Attempts: []*sdk.Attempt{
			{Model: "embed-openai", Provider: "openai", UpstreamModel: "text-embedding-3-small", Outcome: "error", ErrorCode: "upstream_5xx", StartUnixNano: t0, EndUnixNano: t0 + 10e6},
			{Model: "embed-gemini", Provider: "gemini", UpstreamModel: "gemini-embedding-001", Outcome: "ok", StartUnixNano: t0 + 10e6, EndUnixNano: t0 + 40e6,
				Usage: &sdk.Usage{PromptTokens: 3, TotalTokens: 3}},
		},
		Stages: []*sdk.StageSpan{{Name: "guard", Plugin: "guard-injection", Outcome: "continue", StartUnixNano: t0, EndUnixNano: t0 + 1e5}},
	}
}

func TestEmbeddingSpans(t *testing.T) {
	spans := EventSpans(embedEvent())
	if len(spans) != 4 {
		t.Fatalf("%d spans", len(spans))
	}
	root := attrs(spans[0])
	if spans[0].Name != "POST /v1/embeddings" || root[AttrSpanType] != `"CHAIN"` || root[AttrEmbeddingsCount] != "3" || root[AttrEmbeddingsDimensions] != "1536" {
		t.Errorf("root: %s %v", spans[0].Name, root)
	}
	if !strings.Contains(root[AttrInputs], `"input":["alpha","beta","gamma"]`) || strings.Contains(root[AttrInputs], "messages") {
		t.Errorf("root inputs: %s", root[AttrInputs])
	}
	failed, ok := attrs(spans[2]), attrs(spans[3])
	for _, a := range []map[string]string{failed, ok} {
		if a[AttrSpanType] != `"EMBEDDING"` {
			t.Errorf("attempt span type %s", a[AttrSpanType])
		}
	}
	var usage map[string]int
	if err := json.Unmarshal([]byte(ok[AttrTokenUsage]), &usage); err != nil || usage["input_tokens"] != 3 || usage["total_tokens"] != 3 {
		t.Errorf("token usage %q", ok[AttrTokenUsage])
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(ok[AttrOutputs]), &out); err != nil || out["count"] != 3.0 || out["dimensions"] != 1536.0 || out["model"] != "gemini-embedding-001" {
		t.Errorf("outputs %q", ok[AttrOutputs])
	}
	if strings.Contains(ok[AttrOutputs], "choices") || strings.Contains(root[AttrOutputs], "choices") {
		t.Error("an embeddings span carries a chat completion")
	}
	if !strings.Contains(failed[AttrInputs], `"model":"text-embedding-3-small"`) {
		t.Errorf("failed attempt inputs %s", failed[AttrInputs])
	}
}
