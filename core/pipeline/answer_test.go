package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// answerer is an in-process stage plugin whose instances behave by their
// config: "annotate" adds key.id and continues; "answer" answers a prompt
// containing "cached" (with what it was told by earlier stages); "count"
// only counts its calls; "nocap" answers without declaring stage.answer;
// "incomplete" answers without a finish reason; "meta" declares
// stage.metadata and continues, "metamutate" declares it and changes the
// request; "refuse" refuses every request; "slow" continues after 300 ms
// unless its call is cancelled first (counted in cancelled); "stuck" does
// the same after 30 s, so only a cancellation ends it in time, however
// loaded the machine. Every instance
// records its After calls.
type answerer struct {
	mu        sync.Mutex
	seen      map[string][]*pb.StageRequest
	afters    map[string][]*pb.StageAfterRequest
	cancelled atomic.Int64
}

type answererInst struct {
	a    *answerer
	mode string
}

func (a *answerer) processed(mode string) []*pb.StageRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*pb.StageRequest(nil), a.seen[mode]...)
}

func (a *answerer) afterCalls(mode string) []*pb.StageAfterRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*pb.StageAfterRequest(nil), a.afters[mode]...)
}

func (s *answererInst) Process(ctx context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	s.a.mu.Lock()
	s.a.seen[s.mode] = append(s.a.seen[s.mode], req)
	s.a.mu.Unlock()
	switch s.mode {
	case "refuse":
		return sdk.Reject(429, sdk.TypeRateLimit, "rate_limit_exceeded", "", "too many requests"), nil
	case "slow", "stuck":
		wait := 300 * time.Millisecond
		if s.mode == "stuck" {
			wait = 30 * time.Second
		}
		select {
		case <-time.After(wait):
			return sdk.Continue(), nil
		case <-ctx.Done():
			s.a.cancelled.Add(1)
			return nil, ctx.Err()
		}
	case "meta", "metaverdict":
		return sdk.Continue(), nil
	case "metamutate":
		return &sdk.StageResponse{Mutated: &pb.ChatRequest{Model: req.Request.GetModel()}}, nil
	}
	cached := strings.Contains(req.Request.GetMessages()[0].GetContent(), "cached")
	switch {
	case s.mode == "annotate" || s.mode == "keys":
		return &sdk.StageResponse{Annotations: map[string]string{"key.id": "vk_1"}}, nil
	case s.mode == "count" || !cached:
		return sdk.Continue(), nil
	}
	ans := &pb.CompleteResponse{Id: "cached-1", Content: "from the stage for " + req.Annotations["key.id"], FinishReason: "stop", Model: "up-a",
		Usage: &pb.Usage{PromptTokens: 3, CompletionTokens: 4, TotalTokens: 7}}
	if s.mode == "incomplete" {
		ans.FinishReason = ""
	}
	return &sdk.StageResponse{Action: pb.StageResponse_ANSWER, ResponseHeaders: map[string]string{"X-LLMGW-Cache": "hit"},
		Answer: &pb.StageAnswer{Chat: ans, SavedCostNanos: 1_500_000, SavedCostKnown: true}}, nil
}

func (s *answererInst) After(_ context.Context, req *sdk.StageAfterRequest) error {
	s.a.mu.Lock()
	s.a.afters[s.mode] = append(s.a.afters[s.mode], req)
	n := len(s.a.afters[s.mode])
	s.a.mu.Unlock()
	if s.mode == "flaky" && n == 1 {
		return errors.New("settling failed")
	}
	return nil
}

func (s *answererInst) Capabilities() []string {
	switch s.mode {
	case "nocap":
		return []string{sdk.CapStageAfter}
	case "keys":
		return []string{sdk.CapStageAfter, sdk.CapStageKeys}
	case "meta", "metamutate":
		return []string{sdk.CapStageAfter, sdk.CapStageMetadata}
	case "metaverdict":
		return []string{sdk.CapStageMetadata, sdk.CapStageVerdict}
	}
	return []string{sdk.CapStageAfter, sdk.CapStageAnswer}
}

// newAnswerRuntime is a test runtime with the answerer plugin attached and
// a pipeline of its instances (modes) before model "a".
func newAnswerRuntime(t *testing.T, onError string, modes ...string) (*testRuntime, *answerer) {
	t.Helper()
	return newAnswerRuntimeWith(t, "", onError, modes...)
}

// newAnswerRuntimeWith is newAnswerRuntime with modelExtra in the models'
// blocks (e.g. a price).
func newAnswerRuntimeWith(t *testing.T, modelExtra, onError string, modes ...string) (*testRuntime, *answerer) {
	t.Helper()
	a := &answerer{seen: map[string][]*pb.StageRequest{}, afters: map[string][]*pb.StageAfterRequest{}}
	caps := []string{sdk.CapStageAfter, sdk.CapStageAnswer, sdk.CapStageVerdict}
	if slices.Contains(modes, "keys") {
		caps = append(caps, sdk.CapStageKeys)
	}
	h := sdktest.Start(t, sdk.Plugin{Name: "answerer", Version: "0.0.1", Stage: func(c sdk.Config) (sdk.Stage, error) {
		var cfg struct{ Mode string }
		if err := c.Decode(&cfg); err != nil {
			return nil, err
		}
		return &answererInst{a: a, mode: cfg.Mode}, nil
	}, Capabilities: caps})
	rt := newTestRuntime(t, threeProviders("", ""))
	rt.host.Attach("answerer", h.Client)
	var b strings.Builder
	b.WriteString("plugin \"answerer\" {\n  path = \"/nonexistent/answerer\"\n}\n" + threeProviders("", modelExtra) + "pipeline \"default\" {\n")
	for _, m := range modes {
		// "mode/parallel": the stage runs beside its neighbours that are
		// too; "mode/during": during the provider call.
		m, par := strings.CutSuffix(m, "/parallel")
		m, during := strings.CutSuffix(m, "/during")
		b.WriteString("  stage \"" + m + "\" {\n    plugin = \"answerer\"\n    on_error = \"" + onError + "\"\n    config = { mode = \"" + m + "\" }\n")
		if par {
			b.WriteString("    parallel = true\n")
		}
		if during {
			b.WriteString("    during_call = true\n")
		}
		b.WriteString("  }\n")
	}
	b.WriteString("  tracker \"rec\" {\n    plugin = \"fake\"\n  }\n}\n")
	if err := rt.load(b.String()); err != nil {
		t.Fatal(err)
	}
	return rt, a
}

func (rt *testRuntime) ask(prompt string, stream bool) *recorder {
	w := &recorder{}
	rt.Serve(context.Background(), &Request{ID: "req-" + prompt, Route: RouteChat, Start: time.Now(),
		Chat: &pb.ChatRequest{Model: "a", Stream: stream, Messages: []*pb.Message{{Role: "user", Content: prompt}}}}, w)
	return w
}

func TestStageAnswerIsServedWithoutAProvider(t *testing.T) {
	rt, a := newAnswerRuntime(t, "fail_closed", "annotate", "answer", "count")
	w := rt.ask("cached question", false)
	if w.err != nil || w.res == nil {
		t.Fatalf("answer: err %+v", w.err)
	}
	if w.res.Content != "from the stage for vk_1" || w.res.Provider != "answer" || w.res.ModelUsed != "a" || !w.res.CostKnown || w.res.CostNanos != 0 {
		t.Fatalf("result: %+v", w.res)
	}
	if got := describeAttempts(w.tr); got != "a:ok" || w.tr.Attempts[0].Provider != "answer" || w.tr.Attempts[0].UpstreamModel != "up-a" {
		t.Fatalf("attempts: %s %+v", got, w.tr.Attempts)
	}
	if rt.script.count("a") != 0 {
		t.Fatal("the provider was called")
	}
	if n := len(a.processed("count")); n != 0 {
		t.Fatalf("the stage after the answering one ran %d times", n)
	}
	if w.tr.Headers["X-LLMGW-Cache"] != "hit" || w.tr.AnsweredBy != "answer" {
		t.Fatalf("trace: %+v", w.tr)
	}
	if spans := w.tr.Stages; len(spans) != 2 || spans[1].Outcome != "answer" {
		t.Fatalf("spans: %+v", spans)
	}
	// Trackers: one event, answered by the stage, costing 0, saving 0.0015.
	waitUntil(t, func() bool { return len(rt.script.tracked()) == 1 })
	ev := rt.script.tracked()[0]
	if ev.AnsweredBy != "answer" || ev.Annotations["cost_usd"] != "0" || ev.Annotations[AnnotationSavedUSD] != "0.0015" || ev.Response != "from the stage for vk_1" {
		t.Fatalf("event: answered_by %q annotations %v response %q", ev.AnsweredBy, ev.Annotations, ev.Response)
	}
	if got := testutil.ToFloat64(rt.Metrics().saved.WithLabelValues("a", "answer", "vk_1")); got != 0.0015 {
		t.Fatalf("llmgw_cache_saved_usd_total = %v", got)
	}
	// After hooks run, told who answered, with the answer and the annotations.
	waitUntil(t, func() bool { return len(a.afterCalls("count")) == 1 })
	af := a.afterCalls("count")[0]
	if !af.Ok || af.AnsweredBy != "answer" || af.Route != RouteChat || af.Response.GetContent() != "from the stage for vk_1" || af.Annotations["key.id"] != "vk_1" {
		t.Fatalf("after: %+v", af)
	}
}

func TestStageAnswerReplaysAsAStream(t *testing.T) {
	rt, _ := newAnswerRuntime(t, "fail_closed", "annotate", "answer")
	w := rt.ask("cached question", true)
	if w.err != nil || w.failed != nil || !w.started || !w.ended {
		t.Fatalf("stream: err %+v failed %+v started %v ended %v", w.err, w.failed, w.started, w.ended)
	}
	if got := strings.Join(w.chunks, ""); got != "from the stage for vk_1" {
		t.Fatalf("chunks %q", got)
	}
	if w.res.FinishReason != "stop" || w.res.Usage.GetTotalTokens() != 7 || rt.script.count("a") != 0 {
		t.Fatalf("result %+v, provider calls %d", w.res, rt.script.count("a"))
	}
}

func TestStageRequestsCarryEarlierAnnotations(t *testing.T) {
	rt, a := newAnswerRuntime(t, "fail_closed", "annotate", "count")
	if w := rt.ask("fresh question", false); w.err != nil || w.res.Content != "hello a" {
		t.Fatalf("answer: %+v %+v", w.err, w.res)
	}
	if seen := a.processed("count"); len(seen) != 1 || seen[0].Annotations["key.id"] != "vk_1" {
		t.Fatalf("the later stage saw %+v", seen)
	}
	if seen := a.processed("annotate"); len(seen[0].Annotations) != 0 {
		t.Fatalf("the first stage saw annotations: %v", seen[0].Annotations)
	}
	// A provider's answer reaches After complete, with no answered_by.
	waitUntil(t, func() bool { return len(a.afterCalls("count")) == 1 })
	af := a.afterCalls("count")[0]
	if !af.Ok || af.AnsweredBy != "" || af.Response.GetContent() != "hello a" || af.Response.GetFinishReason() != "stop" || af.Response.GetModel() != "a" {
		t.Fatalf("after: %+v", af)
	}
}

func TestAfterGetsNoResponseForACutStream(t *testing.T) {
	rt, a := newAnswerRuntime(t, "fail_closed", "count")
	rt.script.set("a", step{chunks: []string{"half "}, failAfter: fail(sdk.ClassUpstream5xx)})
	if w := rt.ask("fresh question", true); w.failed == nil {
		t.Fatalf("the stream should fail after it started: %+v", w)
	}
	waitUntil(t, func() bool { return len(a.afterCalls("count")) == 1 })
	if af := a.afterCalls("count")[0]; af.Ok || af.Response != nil {
		t.Fatalf("a cut stream reached After as %+v", af)
	}
}

func TestInvalidStageAnswers(t *testing.T) {
	for _, mode := range []string{"nocap", "incomplete"} {
		t.Run(mode+"/fail_closed", func(t *testing.T) {
			rt, _ := newAnswerRuntime(t, "fail_closed", mode)
			w := rt.ask("cached question", false)
			if w.err == nil || w.err.Status != 502 || w.err.Code != "invalid_stage_answer" || rt.script.count("a") != 0 {
				t.Fatalf("err %+v", w.err)
			}
		})
		t.Run(mode+"/fail_open", func(t *testing.T) {
			rt, _ := newAnswerRuntime(t, "fail_open", mode)
			w := rt.ask("cached question", false)
			if w.err != nil || w.res.Content != "hello a" || w.tr.AnsweredBy != "" || w.tr.Stages[0].Code != "invalid_answer" {
				t.Fatalf("the provider should answer: err %+v res %+v", w.err, w.res)
			}
		})
	}
}

func TestStageAnswerOnlyOnRoutesThatTakeOne(t *testing.T) {
	s := &stageInst{instance: instance{name: "c"}, answers: true}
	chat := &pb.StageAnswer{Chat: &pb.CompleteResponse{Content: "x", FinishReason: "stop"}}
	if msg := checkAnswer(s, &Request{Route: RouteGenerate}, chat); msg != "" {
		t.Fatalf("a chat answer on /generate: %s", msg)
	}
	emb := &pb.StageAnswer{Embeddings: &pb.EmbedResponse{Data: []*pb.Embedding{{Index: 0, Values: []float32{0.6, 0.8}}}}}
	if msg := checkAnswer(s, &Request{Route: RouteChat}, emb); !strings.Contains(msg, "chat answer") {
		t.Fatalf("an embeddings answer on the chat route: %q", msg)
	}
	one := &Request{Route: RouteEmbeddings, Embeddings: &pb.EmbeddingsRequest{Model: "e", Input: []string{"a"}}}
	if msg := checkAnswer(s, one, emb); msg != "" {
		t.Fatalf("an embeddings answer on the embeddings route: %s", msg)
	}
	if msg := checkAnswer(s, one, chat); !strings.Contains(msg, "embeddings answer") {
		t.Fatalf("a chat answer on the embeddings route: %q", msg)
	}
	two := &Request{Route: RouteEmbeddings, Embeddings: &pb.EmbeddingsRequest{Model: "e", Input: []string{"a", "b"}}}
	if msg := checkAnswer(s, two, emb); !strings.Contains(msg, "1 vectors for 2 inputs") {
		t.Fatalf("one vector for two inputs: %q", msg)
	}
	if msg := checkAnswer(s, &Request{Route: "other"}, chat); !strings.Contains(msg, "takes no stage answer") {
		t.Fatalf("a chat answer on another route: %q", msg)
	}
}

// A stage that declares stage.metadata gets the request as its model alone,
// in Process and in After (and no answer there), whether it runs on its
// own or beside a stage that gets the whole request; the others still get
// it whole.
func TestMetadataStageGetsNoMessages(t *testing.T) {
	rt, a := newAnswerRuntime(t, "fail_closed", "meta/parallel", "count/parallel") // one group, two encodings
	if w := rt.ask("a long conversation", false); w.err != nil || w.res.Content != "hello a" {
		t.Fatalf("answer: %+v %+v", w.err, w.res)
	}
	waitUntil(t, func() bool { return len(a.afterCalls("meta")) == 1 && len(a.afterCalls("count")) == 1 })
	meta, count := a.processed("meta"), a.processed("count")
	if len(meta) != 1 || !proto.Equal(meta[0].Request, &pb.ChatRequest{Model: "a"}) || meta[0].RequestId != "req-a long conversation" {
		t.Fatalf("the metadata stage saw %v", meta)
	}
	if len(count) != 1 || count[0].Request.GetMessages()[0].GetContent() != "a long conversation" {
		t.Fatalf("the other stage saw %v", count)
	}
	ma, ca := a.afterCalls("meta")[0], a.afterCalls("count")[0]
	if !proto.Equal(ma.Request, &pb.ChatRequest{Model: "a"}) || ma.Response != nil || !ma.Ok || ma.ModelUsed != "a" || !proto.Equal(ma.Usage, ca.Usage) {
		t.Fatalf("the metadata stage's After: %v", ma)
	}
	if len(ca.Request.GetMessages()) != 1 || ca.Response.GetContent() != "hello a" {
		t.Fatalf("the other stage's After: %v", ca)
	}
}

// A metadata-only stage that changes the request fails (it would drop the
// messages it never saw): 503 naming why when it is fail-closed.
func TestMetadataStageMayNotChangeTheRequest(t *testing.T) {
	rt, _ := newAnswerRuntime(t, "fail_closed", "metamutate")
	w := rt.ask("hello", false)
	if w.err == nil || w.err.Status != 503 || !strings.Contains(w.err.Message, `declares "stage.metadata"`) {
		t.Fatalf("err %+v res %+v", w.err, w.res)
	}
	if rt.script.count("a") != 0 {
		t.Fatal("the provider was called")
	}
	rt, _ = newAnswerRuntime(t, "fail_open", "metamutate")
	if w := rt.ask("hello", false); w.err != nil || w.res.Content != "hello a" {
		t.Fatalf("fail_open: err %+v res %+v", w.err, w.res)
	}
}

// A verdict stage that reads metadata only runs during the call like any
// other and gets the request without its messages. (Its request is made
// before its goroutine starts, since the later stage's answer adds to the
// annotations it is made from; the race detector does not see the race
// without that here — the two calls share the plugin's connection.)
func TestDuringCallMetadataStageBesideAnnotations(t *testing.T) {
	rt, a := newAnswerRuntime(t, "fail_closed", "annotate", "metaverdict/during", "keys")
	if w := rt.ask("hello", false); w.err != nil || w.res.Content != "hello a" {
		t.Fatalf("answer: %+v %+v", w.err, w.res)
	}
	if seen := a.processed("metaverdict"); len(seen) != 1 || !proto.Equal(seen[0].Request, &pb.ChatRequest{Model: "a"}) {
		t.Fatalf("the metadata verdict stage saw %v", seen)
	}
}

// A stage that refuses cancels the calls still running beside it in its
// group: the refusal is the answer without waiting for the stuck stage's
// 30 s, the cancelled stage is no failure (its on_error is not applied),
// and its span says "cancelled". An answer beside it cancels nothing: the
// stage beside it still has its say.
func TestGroupRefusalCancelsTheOthers(t *testing.T) {
	rt, a := newAnswerRuntime(t, "fail_closed", "stuck/parallel", "refuse/parallel")
	w := rt.ask("hello", false)
	if w.err == nil || w.err.Status != 429 || w.err.Code != "rate_limit_exceeded" {
		t.Fatalf("answer %+v, want the refusal", w.err)
	}
	// The plugin sees the cancellation shortly after the host's call ends.
	waitUntil(t, func() bool { return a.cancelled.Load() == 1 })
	if spans := w.tr.Stages; len(spans) != 2 || spans[0].Outcome != "cancelled" || spans[1].Outcome != "reject" {
		t.Fatalf("spans %v", spans)
	}

	rt, a = newAnswerRuntime(t, "fail_closed", "slow/parallel", "answer/parallel")
	if w := rt.ask("cached please", false); w.err != nil || a.cancelled.Load() != 0 || len(a.processed("slow")) != 1 {
		t.Fatalf("beside an answer: %+v, the slow stage cancelled %d times", w.err, a.cancelled.Load())
	}
}
