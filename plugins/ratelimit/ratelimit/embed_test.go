package ratelimit

import (
	"context"
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// An embeddings request's tokens are known before it is served: a token
// rule refuses the one that would take the window over its limit, and
// charges what the provider counted after it.
func TestEmbeddingsTokensEstimatedBeforeChargedAfter(t *testing.T) {
	s, clock := newTestStage(t, `{"rules":[{"name":"tpm","key":"model","tokens":100,"window":"1m"}]}`)
	embed := func(chars int) *sdk.StageRequest {
		return &sdk.StageRequest{ClientIp: "1.2.3.4", Route: "embeddings", Embeddings: &sdk.EmbeddingsRequest{Model: "embed-openai", Input: []string{strings.Repeat("a", chars)}}}
	}
	if resp := process(t, s, embed(1000)); sdk.IsReject(resp) {
		t.Fatal("an empty window refused an embeddings request")
	}
	err := s.After(context.Background(), &sdk.StageAfterRequest{ClientIp: "1.2.3.4", Route: "embeddings",
		Embeddings: &sdk.EmbeddingsRequest{Model: "embed-openai"}, Usage: &sdk.Usage{PromptTokens: 60, TotalTokens: 60}, Ok: true})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	// 60 used: 40 more tokens (160 characters) fit, 41 do not.
	if resp := process(t, s, embed(160)); sdk.IsReject(resp) || resp.ResponseHeaders[HeaderRemaining] != "40" {
		t.Fatalf("60 + 40 of 100: %+v", resp)
	}
	resp := process(t, s, embed(161))
	if !sdk.IsReject(resp) || resp.Reject.Code != "rate_limit_exceeded" || resp.Reject.RetryAfterMs != 59000 {
		t.Fatalf("60 + 41 of 100: %+v", resp)
	}
	// Another model's rule key is not charged.
	other := embed(161)
	other.Embeddings.Model = "embed-gemini"
	if sdk.IsReject(process(t, s, other)) {
		t.Fatal("the model key did not come from the embeddings request")
	}
}
