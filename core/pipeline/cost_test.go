package pipeline

import (
	"testing"

	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pricing"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func TestWorstCostIsTheDearestPricedTarget(t *testing.T) {
	cheap := pricing.Price{Input: 100_000, Output: 400_000}
	dear := pricing.Price{Input: 2_500_000, Output: 10_000_000}
	g := &Generation{models: map[string]*modelRoute{
		"chain": {targets: []*target{{model: "a", price: &cheap}, {model: "b"}, {model: "c", price: &dear}}},
		"free":  {targets: []*target{{model: "b"}}},
	}}
	max := int32(50)
	chat := &pb.ChatRequest{Model: "chain", MaxTokens: &max, Messages: []*pb.Message{{Role: "user", Content: "hello"}}}
	prompt := estimatePromptTokens(chat)
	if prompt < 5 {
		t.Fatalf("the estimate %d is below the prompt's bytes", prompt)
	}
	got, known := g.worstCost(chat)
	if !known || got != dear.Worst(prompt, 50) {
		t.Fatalf("worst = %d, %v; want %d", got, known, dear.Worst(prompt, 50))
	}
	if _, known := g.worstCost(&pb.ChatRequest{Model: "free"}); known {
		t.Fatal("a model without any price has no known worst case")
	}
	if _, known := g.worstCost(&pb.ChatRequest{Model: "nope"}); known {
		t.Fatal("an unknown model has no known worst case")
	}
	if u := g.Unpriced(); len(u) != 1 || u[0] != "b" {
		t.Fatalf("unpriced = %v", u)
	}
	if c, ok := (&target{price: &dear}).cost(&pb.Usage{PromptTokens: 4, CompletionTokens: 8}); !ok || c != 90_000 {
		t.Fatalf("cost = %d, %v; want 90000 nano-USD ($0.00009)", c, ok)
	}
	// Cached prompt tokens at the cached-input price: 4 prompt tokens (3 of
	// them cached) at 2.50 and 1.25 USD per million, 8 completion at 10:
	// (2.5 + 3.75 + 80) micro-USD = 86_250 nano-USD.
	cachedPrice := pricing.Price{Input: 2_500_000, CachedInput: 1_250_000, Output: 10_000_000}
	if c, ok := (&target{price: &cachedPrice}).cost(&pb.Usage{PromptTokens: 4, CachedTokens: 3, CompletionTokens: 8}); !ok || c != 86_250 {
		t.Fatalf("cost with cached tokens = %d, %v; want 86250 nano-USD", c, ok)
	}
	if _, ok := (&target{price: &dear}).cost(nil); ok {
		t.Fatal("no usage, no cost")
	}
}

func TestPriceOverrideWinsOverTheShippedTable(t *testing.T) {
	m := &config.ModelSpec{Upstream: "gpt-4o", Price: map[string]string{"input": "1", "output": "2"}}
	if p := priceOf(m); p == nil || p.Input != 1_000_000 || p.Output != 2_000_000 {
		t.Fatalf("override = %+v", p)
	}
	if p := priceOf(&config.ModelSpec{Upstream: "gpt-4o"}); p == nil || p.Input != 2_500_000 {
		t.Fatalf("shipped = %+v", p)
	}
	if p := priceOf(&config.ModelSpec{Upstream: "no-such-model"}); p != nil {
		t.Fatalf("unknown upstream priced: %+v", p)
	}
}
