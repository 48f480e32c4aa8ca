package pipeline

// Router tests with in-process plugins: a scripted provider served by
// sdk/go/sdktest over real gRPC and attached to the runtime's plugin host,
// so the whole request path (Serve, stages, route, stream, breaker) runs
// without building a binary.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// step is how the scripted upstream answers one call.
type step struct {
	// delay before the answer (before the first chunk of a stream).
	delay time.Duration
	// err fails the call (before any chunk), e.g. sdk.Fail(…).
	err error
	// chunks are the answer's pieces; a plain answer joins them.
	chunks []string
	// gap is the pause between chunks.
	gap time.Duration
	// failAfter fails a stream after its chunks.
	failAfter error
	// finish is the finish reason ("stop" when empty).
	finish string
	// reasoning chunks (reasoning_content only) come before the content.
	reasoning []string
	// usage is the answer's usage (1 prompt, 1 completion token when nil);
	// a stream sends it after its chunks, before failAfter.
	usage *pb.Usage
}

// script is the scripted upstream: per upstream model, the answer of the
// n-th call (0-based); it counts the calls.
type script struct {
	mu     sync.Mutex
	events []*pb.Event // what the tracker received
	calls  map[string]int
	behave map[string]func(n int) step
	// lastChat is the chat request the last provider call received.
	lastChat *pb.ChatRequest
	// rpcs are the provider RPCs the host made (rpcRecorder).
	rpcs []string
}

func newScript() *script {
	return &script{calls: map[string]int{}, behave: map[string]func(int) step{}}
}

// set makes every call of model answer st.
func (s *script) set(model string, st step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.behave[model] = func(int) step { return st }
}

// seq makes the n-th call of model answer steps[n] (the last one after).
func (s *script) seq(model string, steps ...step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.behave[model] = func(n int) step { return steps[min(n, len(steps)-1)] }
}

func (s *script) next(model string) step {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.calls[model]
	s.calls[model]++
	if f := s.behave[model]; f != nil {
		return f(n)
	}
	return step{chunks: []string{"hello ", model}}
}

func (s *script) count(model string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[model]
}

// rpcRecorder is the provider client the host calls: it keeps which RPC
// each call was ("complete", "assemble 300/300" with its deadlines in ms, or
// "stream").
type rpcRecorder struct {
	pb.ProviderClient
	s *script
}

func (r rpcRecorder) Complete(ctx context.Context, in *pb.CompleteRequest, opts ...grpc.CallOption) (*pb.CompleteResponse, error) {
	rpc := "complete"
	if a := in.Assemble; a != nil {
		rpc = fmt.Sprintf("assemble %d/%d", a.FirstByteMs, a.IdleMs)
	}
	r.s.record(rpc)
	return r.ProviderClient.Complete(ctx, in, opts...)
}

func (r rpcRecorder) Stream(ctx context.Context, in *pb.CompleteRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[pb.StreamChunk], error) {
	r.s.record("stream")
	return r.ProviderClient.Stream(ctx, in, opts...)
}

func (s *script) record(rpc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rpcs = append(s.rpcs, rpc)
}

// takeRPCs returns the RPCs recorded since the last call.
func (s *script) takeRPCs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.rpcs
	s.rpcs = nil
	return out
}

// scriptedProvider is a provider instance answering from a script.
type scriptedProvider struct{ s *script }

func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p scriptedProvider) Complete(ctx context.Context, req *sdk.CompleteRequest) (*sdk.CompleteResponse, error) {
	p.s.mu.Lock()
	p.s.lastChat = req.Request
	p.s.mu.Unlock()
	st := p.s.next(req.UpstreamModel)
	if err := wait(ctx, st.delay); err != nil {
		return nil, err
	}
	if st.err != nil {
		return nil, st.err
	}
	text := strings.Join(st.chunks, "")
	usage := st.usage
	if usage == nil {
		usage = &pb.Usage{PromptTokens: 1, CompletionTokens: 1, TotalTokens: 2}
	}
	return &sdk.CompleteResponse{Id: "x", Content: text, FinishReason: orDefault(st.finish, "stop"), Usage: usage}, nil
}

func (p scriptedProvider) Stream(ctx context.Context, req *sdk.CompleteRequest, send sdk.ChunkSender) error {
	p.s.mu.Lock()
	p.s.lastChat = req.Request
	p.s.mu.Unlock()
	st := p.s.next(req.UpstreamModel)
	if err := wait(ctx, st.delay); err != nil {
		return err
	}
	if st.err != nil {
		return st.err
	}
	for _, r := range st.reasoning {
		if err := send(&sdk.StreamChunk{ReasoningContent: r}); err != nil {
			return err
		}
		if err := wait(ctx, st.gap); err != nil {
			return err
		}
	}
	for i, c := range st.chunks {
		if i > 0 {
			if err := wait(ctx, st.gap); err != nil {
				return err
			}
		}
		if err := send(&sdk.StreamChunk{Content: c}); err != nil {
			return err
		}
	}
	if st.usage != nil {
		if err := send(&sdk.StreamChunk{Usage: st.usage}); err != nil {
			return err
		}
	}
	if st.failAfter != nil {
		return st.failAfter
	}
	return send(&sdk.StreamChunk{FinishReason: orDefault(st.finish, "stop")})
}

// recordingTracker keeps every event in the script.
type recordingTracker struct{ s *script }

func (r recordingTracker) Track(_ context.Context, events []*sdk.Event) ([]string, error) {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	ids := make([]string, len(events))
	for i, ev := range events {
		r.s.events = append(r.s.events, ev)
		ids[i] = ev.EventId
	}
	return ids, nil
}

func (s *script) tracked() []*pb.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*pb.Event(nil), s.events...)
}

// blockingStage refuses a prompt containing "block", declaring the refusal
// a prompt injection, under the code "custom" and category "odd".
type blockingStage struct{}

func (blockingStage) Process(_ context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	for _, m := range req.Request.GetMessages() {
		if strings.Contains(m.Content, "block") {
			return sdk.Rejection{Status: 400, Code: "custom", Message: "blocked", Category: "odd", Counter: sdk.CountPromptInjection}.Response(), nil
		}
	}
	return sdk.Continue(), nil
}

// testRuntime is a Runtime serving a pipeline file whose plugin "fake" is
// the scripted provider, in-process.
type testRuntime struct {
	*Runtime
	file   string
	script *script
}

// newTestRuntime loads hcl (providers, models) with plugin "fake" attached.
func newTestRuntime(t testing.TB, hcl string) *testRuntime {
	t.Helper()
	s := newScript()
	h := sdktest.Start(t, sdk.Plugin{Name: "fake", Version: "0.0.1", Provider: func(sdk.Config) (sdk.Provider, error) {
		return scriptedProvider{s}, nil
	}, Stage: func(sdk.Config) (sdk.Stage, error) { return blockingStage{}, nil },
		Tracker:      func(sdk.Config) (sdk.Tracker, error) { return recordingTracker{s}, nil },
		Capabilities: []string{sdk.CapProviderStream, sdk.CapRoleGuard}})
	dir := t.TempDir()
	file := filepath.Join(dir, "pipeline.hcl")
	rt := NewRuntime(Options{Logger: hclog.NewNullLogger(), File: file, DataDir: dir, DrainTimeout: time.Second, StartTimeout: 5 * time.Second, TrackerQueue: 16})
	client := *h.Client
	client.Provider = rpcRecorder{ProviderClient: h.Client.Provider, s: s}
	rt.host.Attach("fake", &client)
	t.Cleanup(func() { rt.Shutdown(time.Second) })
	trt := &testRuntime{Runtime: rt, file: file, script: s}
	if err := trt.load(hcl); err != nil {
		t.Fatal(err)
	}
	return trt
}

// load writes the pipeline file and (re)loads it.
func (rt *testRuntime) load(hcl string) error {
	if err := os.WriteFile(rt.file, []byte("plugin \"fake\" {\n  path = \"/nonexistent/fake\"\n}\n"+hcl), 0o644); err != nil {
		return err
	}
	_, err := rt.Load(context.Background())
	return err
}

// recorder is a Writer that keeps what the client would have seen.
type recorder struct {
	mu       sync.Mutex
	tr       *Trace
	err      *Error
	res      *Result
	started  bool
	chunks   []string
	failed   *Error
	ended    bool
	gone     bool // the client went away: every write fails
	goneWhen int  // with gone: writes succeed until this many chunks
}

var errGone = errors.New("client gone")

func (r *recorder) Error(e *Error, tr *Trace) { r.mu.Lock(); r.err, r.tr = e, tr; r.mu.Unlock() }
func (r *recorder) Complete(res *Result, tr *Trace) {
	r.mu.Lock()
	r.res, r.tr = res, tr
	r.mu.Unlock()
}
func (r *recorder) StreamFail(e *Error, tr *Trace) {
	r.mu.Lock()
	r.failed, r.tr = e, tr
	r.mu.Unlock()
}
func (r *recorder) StreamEnd(res *Result, tr *Trace) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res, r.ended, r.tr = res, true, tr
	return nil
}

func (r *recorder) StreamStart(tr *Trace) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tr = tr
	if r.gone && r.goneWhen == 0 {
		return errGone
	}
	r.started = true
	return nil
}

func (r *recorder) StreamChunk(c *pb.StreamChunk) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gone && len(r.chunks) >= r.goneWhen {
		return errGone
	}
	r.chunks = append(r.chunks, c.Content)
	return nil
}

// serve sends one request for model and returns what the client saw and
// the trace (through a tracker-less finish).
func (rt *testRuntime) serve(ctx context.Context, model string, stream bool, w *recorder) *recorder {
	if w == nil {
		w = &recorder{}
	}
	req := &Request{ID: "req-1", Route: RouteChat, Start: time.Now(),
		Chat: &pb.ChatRequest{Model: model, Stream: stream, Messages: []*pb.Message{{Role: "user", Content: "hi"}}}}
	rt.Serve(ctx, req, w)
	return w
}

// attempts describes the last request's attempts as "model:outcome[:code]".
func (rt *testRuntime) attempts(t *testing.T, model string, stream bool) (string, *recorder) {
	t.Helper()
	w := rt.serve(context.Background(), model, stream, nil)
	return describeAttempts(w.tr), w
}

// expect sends one request and fails the test unless its attempts are want.
func (rt *testRuntime) expect(t *testing.T, model string, stream bool, want, why string) *recorder {
	t.Helper()
	got, w := rt.attempts(t, model, stream)
	if got != want {
		t.Fatalf("%s: attempts %q, want %q", why, got, want)
	}
	return w
}

func describeAttempts(tr *Trace) string {
	if tr == nil {
		return "<no trace>"
	}
	var parts []string
	for _, a := range tr.Attempts {
		s := a.Model + ":" + a.Outcome
		if a.ErrorCode != "" {
			s += ":" + a.ErrorCode
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// threeProviders: models a, b, c on providers pa, pb, pc (breakers off
// unless breaker is set), and the chain "chain" over them.
func threeProviders(breaker string, modelExtra string) string {
	var b strings.Builder
	for _, m := range []string{"a", "b", "c"} {
		b.WriteString("provider \"p" + m + "\" {\n  plugin = \"fake\"\n  " + orDefault(breaker, "breaker_failures = 0") + "\n}\n")
		b.WriteString("model \"" + m + "\" {\n  provider = \"p" + m + "\"\n  upstream = \"" + m + "\"\n  first_byte_timeout = \"300ms\"\n  idle_timeout = \"300ms\"\n" + modelExtra + "}\n")
	}
	b.WriteString("model \"chain\" {\n  fallback = [\"a\", \"b\", \"c\"]\n}\n")
	return b.String()
}

func fail(class sdk.ErrorClass) error { return sdk.Fail(class, 0, 0, "", sdk.ClassName(class)) }

func TestRouterFallsBackInOrder(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", ""))
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)})
	rt.script.set("b", step{err: fail(sdk.ClassRateLimited)})
	got, w := rt.attempts(t, "chain", false)
	if want := "a:error:upstream_5xx b:error:rate_limited c:ok"; got != want {
		t.Fatalf("attempts %q, want %q", got, want)
	}
	if w.res == nil || w.res.ModelUsed != "c" || w.res.Provider != "pc" || w.res.Content != "hello c" {
		t.Fatalf("answer %+v", w.res)
	}
	// A pinned model never falls back.
	if got, w := rt.attempts(t, "a", false); got != "a:error:upstream_5xx" || w.err == nil || w.err.Status != 502 || !w.err.WithAttempts {
		t.Fatalf("pinned model: %q %+v", got, w.err)
	}
}

func TestRouterErrorClasses(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", ""))
	for _, class := range []sdk.ErrorClass{sdk.ClassRateLimited, sdk.ClassUpstream5xx, sdk.ClassTimeout, sdk.ClassTransport, sdk.ClassAuth, sdk.ClassQuotaExhausted, sdk.ClassContentFilter} {
		rt.script.set("a", step{err: fail(class)})
		if got, _ := rt.attempts(t, "chain", false); got != "a:error:"+sdk.ClassName(class)+" b:ok" {
			t.Errorf("%s must fall back: %q", sdk.ClassName(class), got)
		}
	}
	// bad_request is the caller's fault: the next provider would refuse it too.
	rt.script.set("a", step{err: fail(sdk.ClassBadRequest)})
	before := rt.script.count("b")
	got, w := rt.attempts(t, "chain", false)
	if got != "a:error:bad_request" || w.err == nil || w.err.Status != 400 || w.err.Code != "upstream_bad_request" || rt.script.count("b") != before {
		t.Fatalf("bad_request must not fall back: %q %+v", got, w.err)
	}
	// Every provider failing is a 502 with the attempts.
	for _, m := range []string{"a", "b", "c"} {
		rt.script.set(m, step{err: fail(sdk.ClassUpstream5xx)})
	}
	if _, w := rt.attempts(t, "chain", false); w.err == nil || w.err.Status != 502 || w.err.Code != "all_providers_failed" || !w.err.WithAttempts {
		t.Fatalf("all failed: %+v", w.err)
	}
}

func TestRouterRetriesHonourRetryAfter(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", "  retries = 2\n  retry_backoff = \"1ms\"\n"))
	limited := sdk.Fail(sdk.ClassRateLimited, 429, 200*time.Millisecond, "", "slow down")
	rt.script.seq("a", step{err: limited}, step{chunks: []string{"ok"}})
	start := time.Now()
	got, w := rt.attempts(t, "chain", false)
	if got != "a:error:rate_limited a:ok" || w.res == nil {
		t.Fatalf("one retry on the same provider: %q", got)
	}
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Errorf("the retry came after %v, before the upstream's Retry-After (200ms)", el)
	}
	// Retries are bounded, then the router moves on.
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)})
	rt.expect(t, "chain", false, "a:error:upstream_5xx a:error:upstream_5xx a:error:upstream_5xx b:ok", "two retries then fall back")
	// Classes that a retry cannot fix are not retried.
	rt.script.set("a", step{err: fail(sdk.ClassAuth)})
	rt.expect(t, "chain", false, "a:error:auth b:ok", "auth is not retried")
	// A Retry-After longer than the request's deadline means moving on now.
	rt.script.set("a", step{err: sdk.Fail(sdk.ClassRateLimited, 429, time.Hour, "", "later")})
	start = time.Now()
	if got, _ := rt.attempts(t, "chain", false); got != "a:error:rate_limited b:ok" || time.Since(start) > time.Second {
		t.Fatalf("a Retry-After past the deadline: %q after %v", got, time.Since(start))
	}
}

func TestRouterBreakerOpensProbesAndCloses(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("breaker_failures = 2\n  breaker_cooldown = \"100ms\"", ""))
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)})
	for i := 0; i < 2; i++ {
		rt.attempts(t, "chain", false)
	}
	calls := rt.script.count("a")
	if got, _ := rt.attempts(t, "chain", false); got != "a:skipped:circuit_open b:ok" || rt.script.count("a") != calls {
		t.Fatalf("an open circuit skips the provider without calling it: %q", got)
	}
	time.Sleep(120 * time.Millisecond)
	rt.script.set("a", step{chunks: []string{"back"}})
	rt.expect(t, "chain", false, "a:ok", "after the cool-down a probe goes through")
	rt.expect(t, "chain", false, "a:ok", "a successful probe closes the circuit")
}

// A failure that opens the circuit ends the retries on that provider, and
// the half-open probe is one call, however many retries the model allows.
func TestRouterOpenCircuitStopsRetries(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("breaker_failures = 2\n  breaker_cooldown = \"50ms\"", "  retries = 3\n  retry_backoff = \"1ms\"\n"))
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)})
	rt.expect(t, "chain", false, "a:error:upstream_5xx a:error:upstream_5xx b:ok", "the second failure opens the circuit")
	time.Sleep(70 * time.Millisecond)
	rt.expect(t, "chain", false, "a:error:upstream_5xx b:ok", "a failed probe is one call")
}

func TestRouterProbeAnsweredWithContentFilterCloses(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("breaker_failures = 1\n  breaker_cooldown = \"50ms\"", ""))
	rt.script.seq("a", step{err: fail(sdk.ClassUpstream5xx)}, step{err: fail(sdk.ClassContentFilter)}, step{chunks: []string{"ok"}})
	rt.attempts(t, "chain", false)
	time.Sleep(70 * time.Millisecond)
	rt.expect(t, "chain", false, "a:error:content_filter b:ok", "probe")
	rt.expect(t, "chain", false, "a:ok", "a content_filter answer resolves the probe and closes the circuit")
}

func TestRouterClientGoneNeverCountsAgainstTheProvider(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("breaker_failures = 1\n  breaker_cooldown = \"1m\"", ""))
	// The client cancels while the provider is still thinking.
	rt.script.set("a", step{delay: 200 * time.Millisecond, chunks: []string{"slow"}})
	for _, stream := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(30*time.Millisecond, cancel)
		w := rt.serve(ctx, "chain", stream, nil)
		if w.err == nil || w.err.Status != 499 {
			t.Fatalf("stream=%v: a cancelled request answers 499: %+v", stream, w.err)
		}
	}
	// The client's connection breaks while the answer is written.
	rt.script.set("a", step{chunks: []string{"one ", "two"}})
	w := rt.serve(context.Background(), "chain", true, &recorder{gone: true, goneWhen: 1})
	if w.failed == nil && w.err == nil {
		t.Fatal("a broken client connection ends the request")
	}
	if rt.Current().providers["pa"].breaker.open() {
		t.Fatal("disconnects opened the circuit")
	}
	rt.expect(t, "chain", true, "a:ok", "the provider still serves")
}

func TestRouterShutdownNeverCountsAgainstTheProvider(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("breaker_failures = 1\n  breaker_cooldown = \"1m\"", ""))
	rt.script.set("a", step{delay: 5 * time.Second, chunks: []string{"slow"}})
	g := rt.Current()
	done := make(chan *recorder)
	go func() { done <- rt.serve(context.Background(), "a", false, nil) }()
	waitUntil(t, func() bool { return rt.script.count("a") == 1 })
	rt.drain = 50 * time.Millisecond
	rt.Shutdown(100 * time.Millisecond)
	w := <-done
	if w.err == nil || w.err.Status != 503 || w.err.Code != "shutting_down" {
		t.Fatalf("a request cut short by the shutdown: %+v", w.err)
	}
	if b := g.providers["pa"].breaker; b.count != 0 {
		t.Fatalf("the shutdown counted against the provider: %d failures", b.count)
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRouterStreamCommitPoint(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", ""))
	// Before the first chunk reached the client: fall back.
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)})
	got, w := rt.attempts(t, "chain", true)
	if got != "a:error:upstream_5xx b:ok" || !w.ended || strings.Join(w.chunks, "") != "hello b" {
		t.Fatalf("before the commit point: %q %+v", got, w)
	}
	// After it: no fallback, the stream ends with an error event.
	rt.script.set("a", step{chunks: []string{"partial"}, failAfter: fail(sdk.ClassUpstream5xx)})
	calls := rt.script.count("b")
	got, w = rt.attempts(t, "chain", true)
	if got != "a:error:upstream_5xx" || w.failed == nil || w.failed.Code != "upstream_stream_error" || rt.script.count("b") != calls {
		t.Fatalf("after the commit point: %q %+v", got, w.failed)
	}
	if strings.Join(w.chunks, "") != "partial" || w.err != nil {
		t.Fatalf("the client keeps what it got: %+v", w)
	}
	// A stream that ends without a finish reason failed.
	rt.script.set("a", step{chunks: []string{"cut"}, failAfter: errors.New("upstream hung up")})
	if _, w := rt.attempts(t, "chain", true); w.failed == nil {
		t.Fatalf("a cut stream after the commit point must fail the stream: %+v", w)
	}
}

func TestRouterDeadlines(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", "")+`
model "quick" {
  provider = "pa"
  upstream = "q"
  first_byte_timeout = "1s"
  total_timeout = "100ms"
}
`)
	// First byte: a slow provider is a timeout, and the router moves on.
	rt.script.set("a", step{delay: time.Second, chunks: []string{"late"}})
	for _, stream := range []bool{false, true} {
		if got, _ := rt.attempts(t, "chain", stream); got != "a:error:timeout b:ok" {
			t.Errorf("stream=%v: first-byte deadline: %q", stream, got)
		}
	}
	rt.setAssembles(false)
	if got, _ := rt.attempts(t, "chain", false); got != "a:error:timeout b:ok" {
		t.Errorf("first-byte deadline, assembled by the host: %q", got)
	}
	rt.setAssembles(true)
	// Idle: a stream that stalls after it started ends with stream_timeout.
	rt.script.set("a", step{chunks: []string{"one ", "two"}, gap: time.Second})
	if got, w := rt.attempts(t, "chain", true); got != "a:error:timeout" || w.failed == nil || w.failed.Code != "stream_timeout" {
		t.Fatalf("idle deadline: %q %+v", got, w.failed)
	}
	// Total: the request's own deadline is a 504 with the attempts.
	rt.script.set("q", step{delay: time.Second, chunks: []string{"late"}})
	start := time.Now()
	if _, w := rt.attempts(t, "quick", false); w.err == nil || w.err.Status != 504 || w.err.Code != "deadline_exceeded" || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("total deadline: %+v after %v", w.err, time.Since(start))
	}
}

// A plain answer is streamed from the upstream: an answer that takes longer
// than the first-byte deadline (300ms) but keeps coming is served, with one
// call; only silence for the idle deadline fails it, before anything was
// committed, so it still falls back. Alike whether the plugin assembles the
// answer (a Go plugin) or the host does (a plugin without
// provider.assemble).
func TestRouterPlainAnswerWatchesProgress(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", "  retries = 2\n  retry_backoff = \"1ms\"\n"))
	for _, assembles := range []bool{true, false} {
		t.Run(fmt.Sprintf("assembles=%v", assembles), func(t *testing.T) {
			rt.setAssembles(assembles)
			plainAnswerWatchesProgress(t, rt)
		})
	}
}

func plainAnswerWatchesProgress(t *testing.T, rt *testRuntime) {
	long := make([]string, 20)
	for i := range long {
		long[i] = "w "
	}
	rt.script.set("a", step{chunks: long, gap: 50 * time.Millisecond}) // 1s in all
	for _, stream := range []bool{false, true} {
		before := rt.script.count("a")
		w := rt.expect(t, "chain", stream, "a:ok", "a long answer")
		if w.res == nil || w.res.Content != strings.Repeat("w ", 20) || rt.script.count("a") != before+1 {
			t.Fatalf("stream=%v: %+v after %d calls", stream, w.res, rt.script.count("a")-before)
		}
	}
	// Reasoning chunks are progress too, and reach the Result.
	rt.script.set("a", step{reasoning: []string{"think ", "more ", "then ", "answer"}, gap: 200 * time.Millisecond, chunks: []string{"done"}})
	for _, stream := range []bool{false, true} {
		w := rt.expect(t, "chain", stream, "a:ok", "reasoning for 800ms with a 300ms idle deadline")
		if w.res.Content != "done" || w.res.Reasoning != "think more then answer" {
			t.Fatalf("stream=%v: %+v", stream, w.res)
		}
	}
	// A plain answer that stalls mid-way has committed nothing: it falls back.
	rt.script.set("a", step{chunks: []string{"one ", "two"}, gap: time.Second})
	rt.expect(t, "chain", false, "a:error:timeout a:error:timeout a:error:timeout b:ok", "a stalled plain answer")
}

// setAssembles makes the loaded providers assemble plain answers in the
// plugin (as every Go plugin declares) or not (as a plugin without
// provider.assemble, e.g. a Python one).
func (rt *testRuntime) setAssembles(on bool) {
	for _, p := range rt.Current().providers {
		p.assembles = on
	}
}

// A plain answer from a Go plugin is one Complete RPC carrying the model's
// deadlines, assembled in the plugin exactly as the host assembles a stream
// (tool calls, refusal, reasoning, usage); a streamed one is a Stream RPC;
// without provider.assemble the host streams the plain answer too.
func TestRouterPlainAnswerIsOneAssembledCall(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", ""))
	rt.script.set("a", step{reasoning: []string{"hm"}, chunks: []string{"hel", "lo"}, finish: "length"})
	rt.script.takeRPCs()
	w := rt.expect(t, "a", false, "a:ok", "plain")
	if got := rt.script.takeRPCs(); len(got) != 1 || got[0] != "assemble 300/300" {
		t.Fatalf("a plain answer's RPCs: %v", got)
	}
	plugin := w.res
	if plugin.Content != "hello" || plugin.Reasoning != "hm" || plugin.FinishReason != "length" || plugin.Provider != "pa" || plugin.UpstreamModel != "a" {
		t.Fatalf("assembled in the plugin: %+v", plugin)
	}
	rt.expect(t, "a", true, "a:ok", "streamed")
	if got := rt.script.takeRPCs(); len(got) != 1 || got[0] != "stream" {
		t.Fatalf("a streamed answer's RPCs: %v", got)
	}
	rt.setAssembles(false)
	host := rt.expect(t, "a", false, "a:ok", "plain, assembled by the host").res
	if got := rt.script.takeRPCs(); len(got) != 1 || got[0] != "stream" {
		t.Fatalf("a plain answer from a plugin that does not assemble: %v", got)
	}
	if plugin.Content != host.Content || plugin.Reasoning != host.Reasoning || plugin.FinishReason != host.FinishReason || plugin.ID != host.ID {
		t.Fatalf("the plugin's %+v and the host's %+v assembly differ", plugin, host)
	}
}

// model_unavailable falls back without a retry and is not a breaker failure.
func TestRouterModelUnavailable(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("breaker_failures = 1\n  breaker_cooldown = \"1m\"", "  retries = 2\n  retry_backoff = \"1ms\"\n"))
	rt.script.set("a", step{err: fail(sdk.ClassModelUnavailable)})
	for i := 0; i < 3; i++ {
		rt.expect(t, "chain", false, "a:error:model_unavailable b:ok", "no retry, no open circuit")
	}
}

func TestBreakerSurvivesReloadOfAnUnchangedProvider(t *testing.T) {
	hcl := threeProviders("breaker_failures = 1\n  breaker_cooldown = \"1m\"", "")
	rt := newTestRuntime(t, hcl)
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)})
	rt.attempts(t, "chain", false)
	if !rt.Current().providers["pa"].breaker.open() {
		t.Fatal("setup: the circuit should be open")
	}
	// The same file again: the outage is remembered.
	if err := rt.load(hcl + "model \"extra\" {\n  provider = \"pb\"\n  upstream = \"b\"\n}\n"); err != nil {
		t.Fatal(err)
	}
	rt.expect(t, "chain", false, "a:skipped:circuit_open b:ok", "an unchanged provider keeps its open circuit across a reload")
	// A changed provider config starts afresh.
	changed := strings.Replace(hcl, "provider \"pa\" {\n  plugin = \"fake\"\n", "provider \"pa\" {\n  plugin = \"fake\"\n  config = { region = \"eu\" }\n", 1)
	if err := rt.load(changed); err != nil {
		t.Fatal(err)
	}
	if rt.Current().providers["pa"].breaker.open() {
		t.Fatal("a changed provider must start with a closed circuit")
	}
	// Changed breaker settings too: the new ones apply, to a fresh breaker.
	rt.attempts(t, "chain", false)
	if !rt.Current().providers["pa"].breaker.open() {
		t.Fatal("setup: the circuit should be open again")
	}
	if err := rt.load(strings.Replace(changed, "breaker_cooldown = \"1m\"", "breaker_cooldown = \"2m\"", 1)); err != nil {
		t.Fatal(err)
	}
	if b := rt.Current().providers["pa"].breaker; b.open() || b.cooldown != 2*time.Minute {
		t.Fatalf("changed breaker settings must start a fresh breaker with them: open=%v cooldown=%v", b.open(), b.cooldown)
	}
	if rt.Current().providers["pa"].breaker == rt.Current().providers["pb"].breaker {
		t.Fatal("breakers are per provider")
	}
}

func TestFailedReloadUsesNoGenerationNumber(t *testing.T) {
	hcl := threeProviders("", "")
	rt := newTestRuntime(t, hcl)
	if err := rt.load(hcl + "model \"broken\" {\n  provider = \"nope\"\n}\n"); err == nil {
		t.Fatal("a broken file must not load")
	}
	if err := rt.load(hcl); err != nil {
		t.Fatal(err)
	}
	if id := rt.Current().ID; id != 2 {
		t.Fatalf("the second good load is generation %d, want 2", id)
	}
}

func TestEventIDsAreTheHosts(t *testing.T) {
	req := &Request{ID: "client-id", Route: RouteChat, Start: time.Now(), Chat: &pb.ChatRequest{Model: "m"}}
	a := buildEvent(req, &Trace{}, nil, nil, time.Now())
	b := buildEvent(req, &Trace{}, nil, nil, time.Now())
	if a.EventId == b.EventId || a.EventId == "client-id" || a.EventId == "" {
		t.Fatalf("event ids must be fresh and the host's: %q %q", a.EventId, b.EventId)
	}
	if a.RequestId != "client-id" || b.RequestId != "client-id" {
		t.Fatalf("the client's id is kept as the request id: %q", a.RequestId)
	}
}

func TestChangedServerKeys(t *testing.T) {
	a := map[string]any{"listen": "127.0.0.1:1", "max_streams": 10, "watch": true}
	b := map[string]any{"listen": "127.0.0.1:1", "max_streams": 20, "log_level": "debug"}
	if got := strings.Join(changedKeys(a, b), ","); got != "log_level,max_streams,watch" {
		t.Fatalf("changed keys: %q", got)
	}
	if got := changedKeys(a, a); len(got) != 0 {
		t.Fatalf("no change: %v", got)
	}
}

func TestReportsAndCountersComeFromWhatPluginsDeclare(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", "")+`
pipeline "default" {
  stage "screen" {
    plugin   = "fake"
    on_error = "fail_open"
  }
}
`)
	stages := rt.Current().Stages()
	if len(stages) != 1 || stages[0].Role != RoleGuard || stages[0].OnError != "fail_open" || stages[0].Settings == nil {
		t.Fatalf("stages: %+v", stages)
	}
	h := rt.Health()
	if !h.OK || h.Generation != 1 || len(h.Plugins) != 1 || h.Plugins[0].Name != "fake" || !h.Plugins[0].Required || h.Plugins[0].State != "serving" {
		t.Fatalf("health: %+v", h)
	}
	req := &Request{ID: "r", Route: RouteChat, Start: time.Now(), Chat: &pb.ChatRequest{Model: "a", Messages: []*pb.Message{{Role: "user", Content: "please block"}}}}
	w := &recorder{}
	rt.Serve(context.Background(), req, w)
	if w.err == nil || w.err.Code != "custom" {
		t.Fatalf("the stage refuses: %+v", w.err)
	}
	sec := rt.Metrics().Security()
	if sec.BlockedRequests != 1 || sec.PromptInjectionsDetected != 1 || sec.Categories["odd"] != 1 {
		t.Fatalf("the refusal counts where the stage said: %+v", sec)
	}
}

func TestEveryRequestIsItsOwnEvent(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", "")+`
pipeline "default" {
  tracker "rec" {
    plugin = "fake"
  }
}
`)
	for i := 0; i < 3; i++ {
		rt.serve(context.Background(), "a", false, nil) // every request has the id "req-1"
	}
	waitUntil(t, func() bool { return len(rt.script.tracked()) == 3 })
	ids := map[string]bool{}
	for _, ev := range rt.script.tracked() {
		ids[ev.EventId] = true
		if ev.RequestId != "req-1" || !ev.Ok || ev.ModelUsed != "a" {
			t.Fatalf("event: %+v", ev)
		}
	}
	if len(ids) != 3 {
		t.Fatalf("three requests with one request id must be three events: %d distinct ids", len(ids))
	}
}

// TestRouterBalancedModelComposesWithFallback: a weighted model's first
// choice follows the weights; a failing or circuit-open target passes the
// request to the next choice; a chain that names the balanced model falls
// back past all of its targets.
func TestRouterBalancedModelComposesWithFallback(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("breaker_failures = 1\n  breaker_cooldown = \"1h\"", "")+
		"model \"pool\" {\n  targets = [\"a\", \"b\"]\n  weights = [3, 1]\n}\nmodel \"pool-or-c\" {\n  fallback = [\"pool\", \"c\"]\n}\n")
	var got []string
	for range 4 {
		s, _ := rt.attempts(t, "pool", false)
		got = append(got, s)
	}
	if want := "a:ok a:ok b:ok a:ok"; strings.Join(got, " ") != want {
		t.Fatalf("3:1 first choices %q, want %q", strings.Join(got, " "), want)
	}
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)})
	w := rt.expect(t, "pool", false, "a:error:upstream_5xx b:ok", "a failing target passes the request to the next choice")
	if w.res == nil || w.res.ModelUsed != "b" {
		t.Fatalf("answer %+v", w.res)
	}
	rt.expect(t, "pool", true, "a:skipped:circuit_open b:ok", "an open circuit is skipped, streamed too")
	rt.expect(t, "pool", false, "b:ok", "b's turn in the schedule")
	rt.script.set("b", step{err: fail(sdk.ClassTimeout)})
	rt.expect(t, "pool-or-c", false, "a:skipped:circuit_open b:error:timeout c:ok", "the chain falls back past the balanced model")
	if _, w := rt.attempts(t, "pool", false); w.err == nil || w.err.Status != 502 || w.err.Code != "all_providers_failed" {
		t.Fatalf("every target down: %+v", w.err)
	}
	var info ModelInfo
	for _, m := range rt.Current().Models() {
		if m.Name == "pool" {
			info = m
		}
	}
	if strings.Join(info.Targets, ",") != "a,b" || info.Strategy != "weighted" {
		t.Fatalf("GET /models shows the targets: %+v", info)
	}
}

// TestRouterLeastBusyCountsRequestsInFlight: while a slow request holds
// one target, the next goes to the idle one.
func TestRouterLeastBusyCountsRequestsInFlight(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", "")+"model \"busy\" {\n  targets = [\"a\", \"b\"]\n  strategy = \"least_busy\"\n}\n")
	rt.script.set("a", step{delay: 200 * time.Millisecond, chunks: []string{"slow"}})
	done := make(chan string)
	go func() { s, _ := rt.attempts(t, "busy", false); done <- s }()
	waitUntil(t, func() bool { return rt.script.count("a") == 1 })
	for range 3 {
		rt.expect(t, "busy", false, "b:ok", "a is busy")
	}
	if s := <-done; s != "a:ok" {
		t.Fatalf("the slow request: %q", s)
	}
}

// TestBalancingStatsSurviveReload: a reload that keeps a deployment keeps
// what the balancer learnt of it.
func TestBalancingStatsSurviveReload(t *testing.T) {
	pipeline := threeProviders("", "") + "model \"ll\" {\n  targets = [\"a\", \"b\"]\n  strategy = \"least_latency\"\n}\n"
	rt := newTestRuntime(t, pipeline)
	before := rt.Current().deploys["a"]
	before.observe(time.Second)
	if err := rt.load(pipeline + "\n"); err != nil {
		t.Fatal(err)
	}
	if after := rt.Current().deploys["a"]; after != before || after.latency() != time.Second {
		t.Fatalf("the statistics of an unchanged deployment must carry over")
	}
	if err := rt.load(strings.Replace(pipeline, "upstream = \"a\"", "upstream = \"a2\"", 1)); err != nil {
		t.Fatal(err)
	}
	if rt.Current().deploys["a"].latency() != 0 {
		t.Fatalf("a deployment moved to another upstream starts afresh")
	}
}
