package pipeline

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// embedStep is how the scripted embeddings upstream answers one call.
type embedStep struct {
	err error
	// vectors answered instead of one per input (a malformed answer); -1:
	// one per input.
	count int
	// dims of the vectors when the request names none.
	dims int
	// fixedDims: answer dims whatever the request asks.
	fixedDims bool
	// delay before answering (the call's context ends it sooner).
	delay time.Duration
}

// embedScript is the scripted embeddings upstream: per upstream model, how
// it answers; it keeps the requests it received.
type embedScript struct {
	mu     sync.Mutex
	behave map[string]embedStep
	got    []*pb.EmbedRequest
}

func (s *embedScript) set(model string, st embedStep) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.behave[model] = st
}

func (s *embedScript) received() []*pb.EmbedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*pb.EmbedRequest(nil), s.got...)
}

// embedProvider serves Embed from the script. Its config may withhold the
// dimensions capability ({"no_dimensions": true}).
type embedProvider struct {
	s    *embedScript
	caps []string
}

func (p embedProvider) Complete(context.Context, *sdk.CompleteRequest) (*sdk.CompleteResponse, error) {
	return nil, sdk.Fail(sdk.ClassBadRequest, 400, 0, "", "not a chat model")
}

func (p embedProvider) Stream(context.Context, *sdk.CompleteRequest, sdk.ChunkSender) error {
	return sdk.Fail(sdk.ClassBadRequest, 400, 0, "", "not a chat model")
}

func (p embedProvider) Capabilities() []string { return p.caps }

func (p embedProvider) Embed(ctx context.Context, req *sdk.EmbedRequest) (*sdk.EmbedResponse, error) {
	p.s.mu.Lock()
	p.s.got = append(p.s.got, req)
	st, ok := p.s.behave[req.UpstreamModel]
	p.s.mu.Unlock()
	if !ok {
		st = embedStep{count: -1, dims: 8}
	}
	if st.delay > 0 {
		select {
		case <-time.After(st.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if st.err != nil {
		return nil, st.err
	}
	n := len(req.Request.Input) + len(req.Request.InputTokens)
	if st.count >= 0 {
		n = st.count
	}
	dims := st.dims
	if req.Request.Dimensions != nil && !st.fixedDims {
		dims = int(req.Request.GetDimensions())
	}
	out := &sdk.EmbedResponse{Model: req.UpstreamModel, Usage: &pb.Usage{PromptTokens: int32(10 * n), TotalTokens: int32(10 * n)}}
	// Answered in reverse: the host puts them in input order.
	for i := n - 1; i >= 0; i-- {
		v := make([]float32, dims)
		v[0] = float32(i)
		out.Data = append(out.Data, &sdk.Embedding{Index: int32(i), Values: v})
	}
	return out, nil
}

const embedHCL = `
plugin "embedder" {
  path = "/nonexistent/embedder"
}
provider "pe" {
  plugin = "embedder"
  breaker_failures = 0
}
provider "pf" {
  plugin = "embedder"
  breaker_failures = 0
}
provider "nodims" {
  plugin = "embedder"
  config = { no_dimensions = true }
}
provider "chat" {
  plugin = "fake"
}
model "ea" {
  kind = "embeddings"
  provider = "pe"
  upstream = "ea"
  price = { input = "1", output = "0" }
}
model "eb" {
  kind = "embeddings"
  provider = "pf"
  upstream = "eb"
}
model "chain" {
  kind = "embeddings"
  fallback = ["ea", "eb"]
  dimensions = 4
}
model "plain" {
  kind = "embeddings"
  provider = "nodims"
  upstream = "plain"
}
model "talk" {
  provider = "chat"
  upstream = "talk"
}
pipeline "p" {
  stage "block" {
    plugin = "fake"
  }
  tracker "t" {
    plugin = "fake"
  }
}
`

// newEmbedRuntime serves embedHCL: the scripted chat plugin "fake" and the
// scripted embeddings plugin "embedder".
func newEmbedRuntime(t *testing.T) (*testRuntime, *embedScript) {
	t.Helper()
	es := &embedScript{behave: map[string]embedStep{}}
	h := sdktest.Start(t, sdk.Plugin{Name: "embedder", Version: "0.0.1", Provider: func(c sdk.Config) (sdk.Provider, error) {
		var cfg struct {
			NoDimensions bool `json:"no_dimensions"`
		}
		if err := c.Decode(&cfg); err != nil {
			return nil, err
		}
		caps := []string{sdk.CapProviderStream, sdk.CapProviderEmbeddings, sdk.CapProviderEmbeddingTokens, sdk.ParamCap("user")}
		if !cfg.NoDimensions {
			caps = append(caps, sdk.ParamCap("dimensions"))
		}
		return embedProvider{s: es, caps: caps}, nil
	}})
	rt := newTestRuntime(t, "provider \"p\" {\n  plugin = \"fake\"\n}\nmodel \"m\" {\n  provider = \"p\"\n  upstream = \"m\"\n}\n")
	rt.host.Attach("embedder", h.Client)
	if err := rt.load(embedHCL); err != nil {
		t.Fatal(err)
	}
	return rt, es
}

func (rt *testRuntime) embed(e *pb.EmbeddingsRequest) *recorder {
	w := &recorder{}
	rt.Serve(context.Background(), &Request{ID: "req-e", Route: RouteEmbeddings, Start: time.Now(), Embeddings: e}, w)
	return w
}

func TestEmbeddingsServedInInputOrderWithCostAndEvent(t *testing.T) {
	rt, es := newEmbedRuntime(t)
	w := rt.embed(&pb.EmbeddingsRequest{Model: "ea", Input: []string{"a", "b", "block me"}})
	if w.err != nil || w.res == nil {
		t.Fatalf("error %v", w.err)
	}
	data := w.res.Embeddings.GetData()
	if len(data) != 3 || data[0].Index != 0 || data[2].Values[0] != 2 || len(data[1].Values) != 8 {
		t.Fatalf("answer %v", data)
	}
	// 30 tokens at 1 USD per million.
	if w.res.ModelUsed != "ea" || !w.res.CostKnown || w.res.CostNanos != 30_000 {
		t.Errorf("model %q cost %d %v", w.res.ModelUsed, w.res.CostNanos, w.res.CostKnown)
	}
	if got := es.received(); len(got) != 1 || got[0].Request.Dimensions != nil {
		t.Errorf("the provider was asked %v", got)
	}
	var ev *pb.Event
	waitUntil(t, func() bool {
		evs := rt.script.tracked()
		if len(evs) > 0 {
			ev = evs[len(evs)-1]
		}
		return ev != nil
	})
	if ev.Route != RouteEmbeddings || ev.RequestedModel != "ea" || ev.EmbeddingsCount != 3 || ev.EmbeddingsDimensions != 8 || ev.Embeddings.GetInput()[2] != "block me" || ev.Annotations["cost_usd"] == "" {
		t.Errorf("event %v", ev)
	}
}

func TestEmbeddingsChainFallsBackWithTheChainsDimensions(t *testing.T) {
	rt, es := newEmbedRuntime(t)
	rt.embed(&pb.EmbeddingsRequest{Model: "chain", Input: []string{"x"}}) // warm up
	es.set("ea", embedStep{err: sdk.Fail(sdk.ClassUpstream5xx, 500, 0, "", "boom")})
	w := rt.embed(&pb.EmbeddingsRequest{Model: "chain", Input: []string{"x", "y"}})
	if w.err != nil || describeAttempts(w.tr) != "ea:error:upstream_5xx eb:ok" || w.res.ModelUsed != "eb" {
		t.Fatalf("attempts %q, error %v", describeAttempts(w.tr), w.err)
	}
	for _, r := range es.received()[1:] {
		if r.Request.GetDimensions() != 4 {
			t.Errorf("%s was asked for %d dimensions, want the chain's 4", r.UpstreamModel, r.Request.GetDimensions())
		}
	}
	if n := len(w.res.Embeddings.Data[0].Values); n != 4 {
		t.Errorf("vectors of %d dimensions", n)
	}
	// The client's own size wins, for every member.
	d := int32(2)
	w = rt.embed(&pb.EmbeddingsRequest{Model: "chain", Input: []string{"x"}, Dimensions: &d})
	if w.err != nil || len(w.res.Embeddings.Data[0].Values) != 2 {
		t.Fatalf("dimensions 2: %v", w.err)
	}

	// A provider that answers the wrong number of vectors, or vectors of
	// the wrong size, has failed: the next one answers.
	es.set("ea", embedStep{count: 1, dims: 4})
	w = rt.embed(&pb.EmbeddingsRequest{Model: "chain", Input: []string{"x", "y"}})
	if describeAttempts(w.tr) != "ea:error:upstream_5xx eb:ok" {
		t.Errorf("a short answer: %q", describeAttempts(w.tr))
	}
	es.set("ea", embedStep{count: -1, dims: 8, fixedDims: true})
	es.set("eb", embedStep{count: -1, dims: 8, fixedDims: true})
	w = rt.embed(&pb.EmbeddingsRequest{Model: "chain", Input: []string{"x"}, Dimensions: &d})
	if w.err == nil || w.err.Code != "all_providers_failed" {
		t.Errorf("vectors of the wrong size: %v (want 502)", w.err)
	}
}

func TestEmbeddingsRefusedBeforeAnyCall(t *testing.T) {
	rt, es := newEmbedRuntime(t)
	d := int32(4)
	for _, c := range []struct {
		name  string
		req   *pb.EmbeddingsRequest
		code  string
		param string
	}{
		{"dimensions to a provider without them", &pb.EmbeddingsRequest{Model: "plain", Input: []string{"x"}, Dimensions: &d}, "unsupported_parameter", "dimensions"},
		{"a chat model", &pb.EmbeddingsRequest{Model: "talk", Input: []string{"x"}}, "wrong_model_kind", "model"},
		{"an unknown model", &pb.EmbeddingsRequest{Model: "nope", Input: []string{"x"}}, "model_not_found", "model"},
	} {
		w := rt.embed(c.req)
		if w.err == nil || w.err.Status/100 != 4 || w.err.Code != c.code || w.err.Param != c.param {
			t.Errorf("%s: %+v", c.name, w.err)
		}
		if c.code == "model_not_found" && !strings.Contains(w.err.Message, "GET /v1/models") {
			t.Errorf("%s: the message does not say where the models are listed: %q", c.name, w.err.Message)
		}
	}
	if got := es.received(); len(got) != 0 {
		t.Errorf("a refused request reached a provider: %v", got)
	}
	// An embeddings model on the chat route.
	w := rt.serve(context.Background(), "ea", false, nil)
	if w.err == nil || w.err.Code != "wrong_model_kind" || !strings.Contains(w.err.Message, "/v1/embeddings") {
		t.Errorf("chat on an embeddings model: %+v", w.err)
	}
}

func TestEmbeddingsModelNeedsAnEmbeddingsProvider(t *testing.T) {
	rt, _ := newEmbedRuntime(t)
	err := rt.load(`
provider "chat" {
  plugin = "fake"
}
model "e" {
  kind = "embeddings"
  provider = "chat"
  upstream = "e"
}
`)
	var be *BuildError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "serves no embeddings") || !strings.Contains(err.Error(), "pipeline.hcl:8:1") {
		t.Fatalf("err = %v", err)
	}
	err = rt.load(`
plugin "embedder" {
  path = "/nonexistent/embedder"
}
provider "nodims" {
  plugin = "embedder"
  config = { no_dimensions = true }
}
model "e" {
  kind = "embeddings"
  provider = "nodims"
  upstream = "e"
  dimensions = 256
}
`)
	if err == nil || !strings.Contains(err.Error(), "cannot choose the vector size") {
		t.Fatalf("dimensions on a provider without them: %v", err)
	}
}

// After hooks get the embeddings request and usage; only a stage that may
// answer requests itself (a cache) gets the vectors.
func TestEmbedAfterSendsVectorsOnlyToAnsweringStages(t *testing.T) {
	req := &Request{Route: RouteEmbeddings, Embeddings: &pb.EmbeddingsRequest{Model: "e", Input: []string{"x"}}}
	res := &Result{Embeddings: &pb.EmbedResponse{Data: []*pb.Embedding{{Values: []float32{1}}}}}
	for _, c := range []struct {
		caps    []string
		vectors bool
	}{{nil, false}, {[]string{sdk.CapStageAfter}, false}, {[]string{sdk.CapStageAfter, sdk.CapStageAnswer}, true}} {
		after := &pb.StageAfterRequest{}
		embedAfter(after, req, res, &stageInst{instance: instance{caps: c.caps}})
		if after.Route != RouteEmbeddings || after.Embeddings.GetModel() != "e" || (after.EmbeddingsResponse != nil) != c.vectors {
			t.Errorf("caps %v: %v", c.caps, after)
		}
	}
	after := &pb.StageAfterRequest{}
	embedAfter(after, &Request{Route: RouteChat, Chat: &pb.ChatRequest{}}, res, &stageInst{})
	if after.Route != "" || after.Embeddings != nil {
		t.Errorf("a chat request: %v", after)
	}
}

// A client that leaves while the provider embeds its input is charged the
// input's upper bound (the provider bills it either way), in the After
// hooks, the cost metric and the tracker's event, marked estimated.
func TestEmbeddingsClientGoneIsCharged(t *testing.T) {
	rt, es := newEmbedRuntime(t)
	es.set("ea", embedStep{count: -1, dims: 8, delay: 2 * time.Second})
	spent := func() float64 { return testutil.ToFloat64(rt.metrics.cost.WithLabelValues("ea", "pe", "")) }
	before := spent()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	w := &recorder{}
	e := &pb.EmbeddingsRequest{Model: "ea", Input: []string{"twelve bytes", "four"}}
	rt.Serve(ctx, &Request{ID: "req-gone", Route: RouteEmbeddings, Start: time.Now(), Embeddings: e}, w)
	if w.err == nil || w.err.Code != "client_closed_request" {
		t.Fatalf("want client_closed_request, got %+v", w.err)
	}
	ev := waitEvent(t, rt, "req-gone")
	// 16 bytes of input: at most 16 tokens, at 1 USD per million.
	if ev.Annotations["usage_estimated"] != "true" || ev.Usage.GetPromptTokens() != 16 || ev.Annotations["cost_usd"] == "" {
		t.Fatalf("event: %v %v", ev.Annotations, ev.Usage)
	}
	if got := spent() - before; math.Abs(got-16e-6) > 1e-12 {
		t.Fatalf("llmgw_cost_usd_total grew by %v, want 1.6e-05", got)
	}
}
