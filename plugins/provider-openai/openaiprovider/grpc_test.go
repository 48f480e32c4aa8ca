package openaiprovider_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/sdktest"

	"github.com/llmgw/llmgw/plugins/provider-openai/openaiprovider"
)

// TestThroughTheProtocol runs the provider behind the real gRPC protocol, as
// the host calls it: two instances of one process, a success, a classified
// error, a stream and a stream that fails after its first chunk.
func TestThroughTheProtocol(t *testing.T) {
	payload := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, r.ContentLength)
		_, _ = r.Body.Read(body)
		stream := strings.Contains(string(body), `"stream":true`)
		switch {
		case strings.Contains(string(body), `"model":"limited"`):
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(429)
			_, _ = w.Write(payload("openai_429_rate_limit.json"))
		case strings.Contains(string(body), `"model":"cut"`):
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = w.Write(payload("openai_stream_cut.sse"))
		case stream:
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = w.Write(payload("openai_stream_usage.sse"))
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(payload("openai_success.json"))
		}
	}))
	defer srv.Close()

	h := sdktest.Start(t, sdk.Plugin{Name: "provider-openai", Version: "test", Provider: openaiprovider.New})
	ctx := context.Background()
	d, err := h.Describe(ctx)
	if err != nil || d.Name != "provider-openai" {
		t.Fatalf("describe: %v %+v", err, d)
	}
	if _, err := h.Configure(ctx, sdk.KindProvider, "bad", `{"base_url":"nope"}`); err == nil || !strings.Contains(err.Error(), `field "base_url"`) {
		t.Fatalf("bad base_url accepted: %v", err)
	}
	key := "sk-grpc-test-0123456789abcdef"
	openaiID := h.MustConfigure(t, sdk.KindProvider, "openai", `{"api_key":"`+key+`","base_url":"`+srv.URL+`/v1"}`)
	routerID := h.MustConfigure(t, sdk.KindProvider, "openrouter", `{"api_key":"`+key+`","base_url":"`+srv.URL+`/api/v1","flavor":"openrouter"}`)

	req := func(model string) *sdk.CompleteRequest {
		return &sdk.CompleteRequest{UpstreamModel: model, Request: &sdk.ChatRequest{
			Messages: []*sdk.Message{{Role: "user", Content: "What is the capital of France?"}}, Temperature: new(float64),
		}}
	}
	resp, err := h.Complete(ctx, openaiID, req("gpt-4o"))
	if err != nil || resp.Error != nil || resp.Content != "The capital of France is Paris." || resp.Usage.TotalTokens != 22 {
		t.Fatalf("complete: %v %+v", err, resp)
	}
	resp, err = h.Complete(ctx, routerID, req("limited"))
	if err != nil || resp.Error == nil || resp.Error.Class != sdk.ClassRateLimited || resp.Error.RetryAfterMs != 2000 || resp.Error.Status != 429 {
		t.Fatalf("classified error did not cross: %v %+v", err, resp)
	}
	if strings.Contains(resp.Error.Message, key) {
		t.Fatal("the key crossed in an error message")
	}

	chunks, err := h.Stream(ctx, openaiID, req("gpt-4o"))
	if err != nil || len(chunks) != 5 || chunks[0].Role != "assistant" || chunks[4].FinishReason != "stop" || chunks[4].Usage.TotalTokens != 22 {
		t.Fatalf("stream: %v %+v", err, chunks)
	}
	chunks, err = h.Stream(ctx, routerID, req("cut"))
	if err != nil || len(chunks) != 3 || chunks[2].Error == nil || chunks[2].Error.Class != sdk.ClassTransport {
		t.Fatalf("cut stream: %v %+v", err, chunks)
	}
	if !strings.Contains(chunks[2].Error.Message, "upstream stream ended early") {
		t.Fatalf("cut stream message: %q", chunks[2].Error.Message)
	}
}
