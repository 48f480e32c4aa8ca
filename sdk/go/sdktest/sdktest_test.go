package sdktest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

type wordStage struct{ word string }

func (w *wordStage) Process(_ context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	for _, m := range req.Request.GetMessages() {
		if strings.Contains(m.Content, w.word) {
			return sdk.Rejection{Status: 400, Type: sdk.TypeInvalidRequest, Code: "blocked_keyword", Message: "blocked", Category: "keyword"}.Response(), nil
		}
	}
	return sdk.Continue(), nil
}

type echoProvider struct{ closed *bool }

func (echoProvider) Complete(_ context.Context, req *sdk.CompleteRequest) (*sdk.CompleteResponse, error) {
	if req.UpstreamModel == "bad" {
		return nil, sdk.Fail(sdk.ClassBadRequest, 400, 0, "invalid_request_error", "bad model")
	}
	return &sdk.CompleteResponse{Content: "echo " + req.Request.Messages[0].Content, Usage: &sdk.Usage{TotalTokens: 3}}, nil
}

func (echoProvider) Stream(_ context.Context, req *sdk.CompleteRequest, send sdk.ChunkSender) error {
	if err := send(&sdk.StreamChunk{Content: "a"}); err != nil {
		return err
	}
	if req.UpstreamModel == "cut" {
		return sdk.Fail(sdk.ClassTransport, 0, time.Second, "", "cut")
	}
	return send(&sdk.StreamChunk{Content: "b", FinishReason: "stop"})
}

func (p echoProvider) Close() error { *p.closed = true; return nil }

func newPlugin(closed *bool) sdk.Plugin {
	return sdk.Plugin{
		Name:    "test",
		Version: "1.2.3",
		Stage: func(c sdk.Config) (sdk.Stage, error) {
			var cfg struct {
				Word string `json:"word"`
			}
			if err := c.Decode(&cfg); err != nil {
				return nil, err
			}
			if cfg.Word == "" {
				return nil, sdk.ConfigError(`field "word": required`)
			}
			return &wordStage{word: cfg.Word}, nil
		},
		Provider: func(sdk.Config) (sdk.Provider, error) { return echoProvider{closed: closed}, nil },
	}
}

func TestHarnessLifecycle(t *testing.T) {
	closed := false
	h := sdktest.Start(t, newPlugin(&closed))
	ctx := context.Background()

	d, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "test" || strings.Join(d.Kinds, ",") != "stage,provider" || d.ProtocolVersions[0] != 1 {
		t.Fatalf("describe: %+v", d)
	}

	if _, err := h.Configure(ctx, sdk.KindStage, "s", `{"wrod":"x"}`); err == nil || !strings.Contains(err.Error(), `unknown field "wrod"`) {
		t.Fatalf("unknown field not rejected: %v", err)
	}
	if _, err := h.Configure(ctx, sdk.KindStage, "s", `{}`); err == nil || !strings.Contains(err.Error(), `"word": required`) {
		t.Fatalf("missing field not rejected: %v", err)
	}
	if _, err := h.Configure(ctx, sdk.KindTracker, "t", `{}`); err == nil {
		t.Fatal("a kind the plugin does not serve was accepted")
	}

	sid := h.MustConfigure(t, sdk.KindStage, "s", `{"word":"nope"}`)
	resp, err := h.Process(ctx, sid, &sdk.StageRequest{Request: &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "user", Content: "say nope"}}}})
	if err != nil || !sdk.IsReject(resp) || resp.Reject.Code != "blocked_keyword" {
		t.Fatalf("reject: %v %+v", err, resp)
	}
	resp, err = h.Process(ctx, sid, &sdk.StageRequest{Request: &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "user", Content: "fine"}}}})
	if err != nil || sdk.IsReject(resp) {
		t.Fatalf("continue: %v %+v", err, resp)
	}

	pid := h.MustConfigure(t, sdk.KindProvider, "p", `{}`)
	c, err := h.Complete(ctx, pid, &sdk.CompleteRequest{UpstreamModel: "m", Request: &sdk.ChatRequest{Messages: []*sdk.Message{{Content: "hi"}}}})
	if err != nil || c.Content != "echo hi" || c.Usage.TotalTokens != 3 {
		t.Fatalf("complete: %v %+v", err, c)
	}
	c, err = h.Complete(ctx, pid, &sdk.CompleteRequest{UpstreamModel: "bad", Request: &sdk.ChatRequest{}})
	if err != nil || c.Error == nil || c.Error.Class != sdk.ClassBadRequest || c.Error.Status != 400 {
		t.Fatalf("classified error did not cross: %v %+v", err, c)
	}
	chunks, err := h.Stream(ctx, pid, &sdk.CompleteRequest{UpstreamModel: "cut", Request: &sdk.ChatRequest{}})
	if err != nil || len(chunks) != 2 || chunks[1].Error == nil || chunks[1].Error.Class != sdk.ClassTransport || chunks[1].Error.RetryAfterMs != 1000 {
		t.Fatalf("stream error chunk: %v %+v", err, chunks)
	}

	if err := h.CloseInstance(ctx, pid); err != nil || !closed {
		t.Fatalf("close: %v closed=%v", err, closed)
	}
	if _, err := h.Complete(ctx, pid, &sdk.CompleteRequest{Request: &sdk.ChatRequest{}}); err == nil {
		t.Fatal("a closed instance still answers")
	}
}

func TestDuration(t *testing.T) {
	var cfg struct {
		D sdk.Duration `json:"d"`
	}
	c := sdk.Config{Raw: []byte(`{"d":"250ms"}`)}
	if err := c.Decode(&cfg); err != nil || cfg.D.D() != 250*time.Millisecond {
		t.Fatalf("%v %v", err, cfg.D)
	}
	c = sdk.Config{Raw: []byte(`{"d":"soon"}`)}
	if err := c.Decode(&cfg); err == nil {
		t.Fatal("bad duration accepted")
	}
}

// sloppyStage refuses with a rejection that breaks the rules (no category,
// a type that does not go with its status).
type sloppyStage struct{}

func (sloppyStage) Process(context.Context, *sdk.StageRequest) (*sdk.StageResponse, error) {
	return sdk.Rejection{Status: 400, Type: sdk.TypeRateLimit, Code: "pii_detected", Message: "m"}.Response(), nil
}

func TestHarnessFailsAnInvalidRejection(t *testing.T) {
	h := sdktest.Start(t, sdk.Plugin{Name: "sloppy", Version: "0", Stage: func(sdk.Config) (sdk.Stage, error) { return sloppyStage{}, nil }})
	id := h.MustConfigure(t, sdk.KindStage, "s", `{}`)
	resp, err := h.Process(context.Background(), id, &sdk.StageRequest{Request: &sdk.ChatRequest{}})
	if err == nil || !strings.Contains(err.Error(), `type "rate_limit_error" does not go with status 400`) {
		t.Fatalf("an invalid rejection passed the harness: %v", err)
	}
	if !sdk.IsReject(resp) {
		t.Fatalf("the answer itself must still be returned: %+v", resp)
	}
}

// The harness has a real plugin's and host's message limits: a request of
// 6 MiB (over gRPC's default 4 MiB) reaches the stage, one over the
// plugin's 16 MiB does not, and an answer over 4 MiB comes back.
func TestHarnessHasProductionMessageLimits(t *testing.T) {
	closed := false
	h := sdktest.Start(t, newPlugin(&closed))
	stage := h.MustConfigure(t, sdk.KindStage, "words", `{"word": "forbidden"}`)
	ctx := context.Background()
	ask := func(size int) (*sdk.StageResponse, error) {
		return h.Process(ctx, stage, &sdk.StageRequest{Request: &sdk.ChatRequest{Model: "m",
			Messages: []*sdk.Message{{Role: "user", Content: strings.Repeat("a", size)}}}})
	}
	if resp, err := ask(6 << 20); err != nil || resp.Action != pb.StageResponse_CONTINUE {
		t.Fatalf("a 6 MiB request: %v, %v", resp, err)
	}
	if _, err := ask(17 << 20); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("a 17 MiB request: %v, want ResourceExhausted", err)
	}
	provider := h.MustConfigure(t, sdk.KindProvider, "echo", `{}`)
	resp, err := h.Complete(ctx, provider, &sdk.CompleteRequest{UpstreamModel: "m", Request: &sdk.ChatRequest{Model: "m",
		Messages: []*sdk.Message{{Role: "user", Content: strings.Repeat("b", 5<<20)}}}})
	if err != nil || len(resp.Content) != 5<<20+len("echo ") {
		t.Fatalf("a 5 MiB answer: %d bytes, %v", len(resp.GetContent()), err)
	}
}
