package geminiprovider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/tools/upstream-sim/sim"
)

// TestAgainstSimulator runs the provider against upstream-sim
// (tools/upstream-sim), served in-process, changing its global fault.
func TestAgainstSimulator(t *testing.T) {
	srv := httptest.NewServer(sim.New(sim.Config{}))
	t.Cleanup(srv.Close)
	base := srv.URL
	setFault := func(kind string) {
		t.Helper()
		resp, err := http.Post(base+"/sim/fault", "application/json", strings.NewReader(`{"fault":"`+kind+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("set fault %s: HTTP %d", kind, resp.StatusCode)
		}
	}
	t.Cleanup(func() { setFault("none") })

	b, _ := json.Marshal(map[string]string{"api_key": "sim-key", "base_url": base, "timeout": "2s"})
	p := newTestProvider(t, string(b))
	req := func(prompt string) *sdk.CompleteRequest {
		r := chatRequest()
		r.Request.Messages = append(r.Request.Messages, &sdk.Message{Role: "user", Content: prompt})
		r.Request.MaxTokens = nil
		r.Request.Stop = nil
		return r
	}
	ctx := context.Background()

	setFault("none")
	resp, err := p.Complete(ctx, req("hello there"))
	if err != nil || !strings.Contains(resp.Content, "[sim gemini gemini-2.0-flash]") || resp.FinishReason != "stop" || resp.Usage.TotalTokens == 0 {
		t.Fatalf("complete: %v %+v", err, resp)
	}
	chunks, err := collect(t, p, ctx)
	if err != nil || len(chunks) < 2 || chunks[len(chunks)-1].FinishReason == "" || chunks[len(chunks)-1].Usage == nil {
		t.Fatalf("stream: %v %+v", err, chunks)
	}
	for _, trig := range []string{"SIM_BLOCK_PROMPT", "SIM_SAFETY_FINISH"} {
		_, err := p.Complete(ctx, req(trig))
		if pe := providerError(t, err); pe.Class != sdk.ClassContentFilter {
			t.Errorf("%s complete: %+v", trig, pe)
		}
		err = p.Stream(ctx, req(trig), func(*sdk.StreamChunk) error { return nil })
		if pe := providerError(t, err); pe.Class != sdk.ClassContentFilter {
			t.Errorf("%s stream: %+v", trig, pe)
		}
	}

	for _, tc := range []struct {
		fault        string
		complete     sdk.ErrorClass
		stream       sdk.ErrorClass
		retry        time.Duration
		streamChunks int
	}{
		{"400", sdk.ClassBadRequest, sdk.ClassBadRequest, 0, 0},
		{"429", sdk.ClassRateLimited, sdk.ClassRateLimited, time.Second, 0},
		{"500", sdk.ClassUpstream5xx, sdk.ClassUpstream5xx, 0, 0},
		{"503", sdk.ClassUpstream5xx, sdk.ClassUpstream5xx, 0, 0},
		{"timeout", sdk.ClassTimeout, sdk.ClassTimeout, 0, 0},
		{"stall", sdk.ClassTimeout, sdk.ClassTimeout, 0, 1},
		{"cut-stream", sdk.ClassTransport, sdk.ClassTransport, 0, 1},
		{"malformed", sdk.ClassUpstream5xx, sdk.ClassUpstream5xx, 0, 0},
	} {
		setFault(tc.fault)
		_, err := p.Complete(ctx, req("hi"))
		pe := providerError(t, err)
		if pe.Class != tc.complete || (tc.retry > 0 && pe.RetryAfterMs != tc.retry.Milliseconds()) {
			t.Errorf("fault %s complete: class %s retry %dms msg %q", tc.fault, sdk.ClassName(pe.Class), pe.RetryAfterMs, pe.Message)
		}
		chunks, err := collect(t, p, ctx)
		pe = providerError(t, err)
		if pe.Class != tc.stream || len(chunks) != tc.streamChunks {
			t.Errorf("fault %s stream: class %s, %d chunks, msg %q", tc.fault, sdk.ClassName(pe.Class), len(chunks), pe.Message)
		}
	}

	setFault("none")
	bad := newTestProvider(t, `{"api_key":"sim-invalid-1","base_url":"`+base+`"}`)
	_, err = bad.Complete(ctx, req("hi"))
	if pe := providerError(t, err); pe.Class != sdk.ClassAuth {
		t.Errorf("invalid key: %+v", pe)
	}
}
