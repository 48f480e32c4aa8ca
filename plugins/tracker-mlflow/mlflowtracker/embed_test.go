package mlflowtracker

import (
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Without log_prompts, texts sent for embedding are kept as length + hash,
// as prompts are.
func TestEmbeddingsInputRedacted(t *testing.T) {
	ev := &sdk.Event{Route: "embeddings", Embeddings: &sdk.EmbeddingsRequest{Model: "embed-openai", Input: []string{"private doc one", "private doc two"}}}
	prepare(ev, false)
	for _, in := range ev.Embeddings.Input {
		if strings.Contains(in, "private") || !strings.HasPrefix(in, "[redacted: 15 chars, sha256 ") {
			t.Fatalf("input kept: %q", in)
		}
	}
	ev = &sdk.Event{Route: "embeddings", Embeddings: &sdk.EmbeddingsRequest{Input: []string{"kept"}}}
	if prepare(ev, true); ev.Embeddings.Input[0] != "kept" {
		t.Fatal("log_prompts = true redacted the input")
	}
}
