package openaiprovider

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/tools/upstream-sim/sim"
)

// TestAgainstSimulator runs every fault of bin/upstream-sim through the
// provider, streaming or not, on its OpenAI, OpenRouter, Groq and Azure routes.
// The simulator runs in-process.
func TestAgainstSimulator(t *testing.T) {
	srv := httptest.NewServer(sim.New(sim.Config{}))
	t.Cleanup(srv.Close)
	base := srv.URL
	// Azure's base URL is the resource endpoint: the provider adds the
	// deployment path and api-version, the simulator answers them.
	routes := map[string]string{"openai": "/v1", "openrouter": "/api/v1", "groq": "/openai/v1", "azure": ""}
	faults := []struct {
		fault     string
		class     sdk.ErrorClass // 0: success
		retryMs   int64
		streamMsg string
	}{
		{fault: "none"},
		{fault: "400", class: sdk.ClassBadRequest},
		{fault: "500", class: sdk.ClassUpstream5xx},
		{fault: "503", class: sdk.ClassUpstream5xx},
		{fault: "429", class: sdk.ClassRateLimited, retryMs: 1000},
		{fault: "timeout", class: sdk.ClassTimeout},
		{fault: "stall", class: sdk.ClassTimeout},
		{fault: "cut-stream", class: sdk.ClassTransport, streamMsg: "upstream stream ended early"},
		{fault: "malformed", class: sdk.ClassUpstream5xx},
	}
	for flavor, path := range routes {
		for _, f := range faults {
			for _, stream := range []bool{false, true} {
				name := flavor + "/" + f.fault
				if stream {
					name += "/stream"
				}
				t.Run(name, func(t *testing.T) {
					p := newTestProvider(t, flavor, `{"api_key":"`+testKey+`","base_url":"`+base+path+`","flavor":"`+flavor+`","headers":{"X-Sim-Fault":"`+f.fault+`"}}`)
					ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
					defer cancel()
					req := chatReq("gpt-4o")
					req.Request.Temperature = f64(0)
					var err error
					var content string
					if stream {
						var chunks []*sdk.StreamChunk
						chunks, err = collect(ctx, p, req)
						content = joinContent(chunks)
						if err == nil && (chunks[len(chunks)-1].FinishReason == "" || chunks[len(chunks)-1].Usage == nil) {
							t.Fatalf("stream without finish or usage: %+v", chunks[len(chunks)-1])
						}
					} else {
						var resp *sdk.CompleteResponse
						resp, err = p.Complete(ctx, req)
						if resp != nil {
							content = resp.Content
						}
					}
					if f.class == 0 {
						if err != nil || !strings.Contains(content, "echo: What is the capital of France?") {
							t.Fatalf("err %v, content %q", err, content)
						}
						return
					}
					pe := providerError(t, err)
					class := f.class
					if f.fault == "cut-stream" && !stream {
						class = sdk.ClassTransport
					}
					if pe.Class != class {
						t.Fatalf("class %s, want %s: %q", sdk.ClassName(pe.Class), sdk.ClassName(class), pe.Message)
					}
					if pe.RetryAfterMs != f.retryMs {
						t.Errorf("retry_after_ms %d, want %d", pe.RetryAfterMs, f.retryMs)
					}
					if stream && f.streamMsg != "" && !strings.Contains(pe.Message, f.streamMsg) {
						t.Errorf("message %q", pe.Message)
					}
				})
			}
		}
	}
}
