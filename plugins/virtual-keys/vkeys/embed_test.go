package vkeys

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// A key's model list and tpm apply to embeddings: the model comes from the
// embeddings request, and the request whose input (known before the call)
// would take the key over its tpm is refused.
func TestKeysApplyToEmbeddings(t *testing.T) {
	st, err := New(sdk.Config{Raw: []byte(`{"require_keys":true}`), Host: &pb.HostInfo{DataDir: t.TempDir(), Models: []string{"embed-openai", "embed-gemini"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*Stage)
	defer s.Close()
	ctx := context.Background()
	resp, err := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(`{"name":"e","models":["embed-openai"],"tpm":100}`)})
	if err != nil || resp.Status != 201 {
		t.Fatalf("create: %v %s", err, resp.GetBody())
	}
	var created struct{ Key string }
	_ = json.Unmarshal(resp.Body, &created)
	code := func(model string, chars int) string {
		r, err := s.Process(ctx, &pb.StageRequest{RequestId: "e", Route: "embeddings", ApiKeyHash: HashSecret(created.Key),
			Embeddings: &pb.EmbeddingsRequest{Model: model, Input: []string{strings.Repeat("x", chars)}}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetReject().GetCode()
	}
	if got := code("embed-gemini", 4); got != "model_not_allowed" {
		t.Fatalf("a model the key may not use: %q", got)
	}
	if got := code("embed-openai", 4); got != "" {
		t.Fatalf("an allowed model: %q", got)
	}
	_ = s.After(ctx, &pb.StageAfterRequest{RequestId: "e", Route: "embeddings", ApiKeyHash: HashSecret(created.Key), Ok: true, Usage: &pb.Usage{PromptTokens: 70, TotalTokens: 70}})
	if got := code("embed-openai", 120); got != "" { // 70 + 30 of 100
		t.Fatalf("30 more tokens: %q", got)
	}
	if got := code("embed-openai", 124); got != "rate_limit_exceeded" { // 70 + 31
		t.Fatalf("31 more tokens: %q", got)
	}
}
