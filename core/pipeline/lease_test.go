package pipeline

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// leaser is an in-process stage plugin granting quota leases keyed by the
// client IP: each call it admits grants Permits more for TTL. It records its
// calls and the releases it gets.
type leaser struct {
	mu       sync.Mutex
	calls    []*pb.StageRequest
	released map[string]int64
	next     int
}

type leaserInst struct {
	l       *leaser
	permits int64
	ttl     time.Duration
	keyed   bool
	// limit > 0: the stage counts like a rate limiter (limitProcess).
	limit   int
	counted int64
	// hang: every call waits until the host gives up on it.
	hang bool
}

func (s *leaserInst) Process(ctx context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	if s.hang {
		<-ctx.Done()
		time.Sleep(100 * time.Millisecond) // the host's deadline, not this answer, ends the call
		return nil, ctx.Err()
	}
	if s.limit > 0 {
		return s.limitProcess(ctx, req)
	}
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	s.l.calls = append(s.l.calls, req)
	resp := sdk.Continue()
	resp.ResponseHeaders = map[string]string{"X-Left": strconv.FormatInt(100+s.permits, 10), "X-Limit": "1000"}
	if req.AcceptsLease {
		s.l.next++
		resp.Lease = &sdk.StageLease{Id: "lease-" + strconv.Itoa(s.l.next), Permits: s.permits, TtlMs: s.ttl.Milliseconds(),
			ResponseHeaders: map[string]string{"X-Limit": "1000"}, RemainingHeader: "X-Left", RemainingBase: 100,
			ResetHeader: "X-Reset", ResetMs: 30_000, Annotations: map[string]string{"leaser.lease": "yes"}}
	}
	return resp, nil
}

// limitProcess counts like the rate limiter, limit requests in all: after
// 20 ms (time for a burst's requests to meet), a request is admitted while
// the count has room, and a call that accepts a lease also gets up to
// permits more, at most half of what is left, counted at once.
func (s *leaserInst) limitProcess(_ context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	s.l.mu.Lock()
	s.l.calls = append(s.l.calls, req)
	s.l.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	if s.counted >= int64(s.limit) {
		return sdk.Rejection{Status: 429, Code: "rate_limited", Category: "rate_limit", Message: "over the limit"}.Response(), nil
	}
	s.counted++
	resp := sdk.Continue()
	if req.AcceptsLease {
		k := min(s.permits, (int64(s.limit)-s.counted)/2)
		if k > 0 {
			s.counted += k
			s.l.next++
			resp.Lease = &sdk.StageLease{Id: "lease-" + strconv.Itoa(s.l.next), Permits: k, TtlMs: s.ttl.Milliseconds()}
		}
	}
	return resp, nil
}

func (s *leaserInst) Release(_ context.Context, leases []*sdk.ReleasedLease) error {
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	for _, r := range leases {
		s.l.released[r.Id] += r.Unused
	}
	return nil
}

func (s *leaserInst) Capabilities() []string {
	if !s.keyed {
		return []string{sdk.CapStageLease} // no key fields: the host cannot match requests
	}
	return []string{sdk.CapStageLease, sdk.LeaseKeyCap(sdk.LeaseKeyClientIP)}
}

func (l *leaser) callCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.calls)
}

func (l *leaser) releases() map[string]int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int64{}
	for k, v := range l.released {
		out[k] = v
	}
	return out
}

// newLeaseRuntime is a test runtime whose pipeline has one leasing stage
// (config: permits, ttl, keyed) before model "a".
func newLeaseRuntime(t testing.TB, cfg string) (*testRuntime, *leaser) {
	t.Helper()
	l := &leaser{released: map[string]int64{}}
	h := sdktest.Start(t, sdk.Plugin{Name: "leaser", Version: "0.0.1", Stage: func(c sdk.Config) (sdk.Stage, error) {
		var cfg struct {
			Permits int64
			TTL     string
			Keyed   bool
			Limit   int
			Hang    bool
		}
		if err := c.Decode(&cfg); err != nil {
			return nil, err
		}
		ttl, err := time.ParseDuration(cfg.TTL)
		if err != nil {
			return nil, err
		}
		return &leaserInst{l: l, permits: cfg.Permits, ttl: ttl, keyed: cfg.Keyed, limit: cfg.Limit, hang: cfg.Hang}, nil
	}, Capabilities: []string{sdk.CapStageLease}})
	rt := newTestRuntime(t, threeProviders("", ""))
	rt.host.Attach("leaser", h.Client)
	if err := rt.load(leasePipeline(cfg)); err != nil {
		t.Fatal(err)
	}
	return rt, l
}

func leasePipeline(cfg string) string {
	return "plugin \"leaser\" {\n  path = \"/nonexistent/leaser\"\n}\n" + threeProviders("", "") +
		"pipeline \"default\" {\n  stage \"limit\" {\n    plugin = \"leaser\"\n    config = " + cfg + "\n  }\n}\n"
}

func (rt *testRuntime) askFrom(ip string) *recorder {
	w := &recorder{}
	rt.Serve(context.Background(), &Request{ID: "req-" + ip, Route: RouteChat, Start: time.Now(), ClientIP: ip,
		Chat: &pb.ChatRequest{Model: "a", Messages: []*pb.Message{{Role: "user", Content: "hi"}}}}, w)
	return w
}

func TestLeaseAdmitsWithoutAPluginCall(t *testing.T) {
	rt, l := newLeaseRuntime(t, `{ permits = 3, ttl = "10s", keyed = true }`)
	var lefts []string
	for range 4 {
		w := rt.askFrom("10.0.0.1")
		if w.err != nil {
			t.Fatalf("request: %+v", w.err)
		}
		lefts = append(lefts, w.tr.Headers["X-Left"])
		if w.tr.Headers["X-Limit"] != "1000" {
			t.Fatalf("headers: %v", w.tr.Headers)
		}
	}
	if n := l.callCount(); n != 1 {
		t.Fatalf("4 requests with a lease of 3 made %d plugin calls, want 1", n)
	}
	if !l.calls[0].AcceptsLease {
		t.Fatal("the host did not say it accepts leases")
	}
	// The stage's answer, then the lease counting down what it has left.
	if got := strings.Join(lefts, ","); got != "103,102,101,100" {
		t.Fatalf("remaining headers %s, want 103,102,101,100", got)
	}
	if got := testutil.ToFloat64(rt.metrics.leased.WithLabelValues("limit")); got != 3 {
		t.Fatalf("llmgw_stage_leased_total = %v, want 3", got)
	}
	// Used up: the next request calls the stage again.
	w := rt.askFrom("10.0.0.1")
	if l.callCount() != 2 || w.tr.Annotations["leaser.lease"] != "" {
		t.Fatalf("calls %d after the lease was used up; annotations %v", l.callCount(), w.tr.Annotations)
	}
	// Served from the new lease: its annotations and a reset counting down
	// from the grant (30 s).
	w = rt.askFrom("10.0.0.1")
	if l.callCount() != 2 || w.tr.Annotations["leaser.lease"] != "yes" || w.tr.Headers["X-Reset"] != "30" {
		t.Fatalf("calls %d; annotations %v; headers %v", l.callCount(), w.tr.Annotations, w.tr.Headers)
	}
	// Another client does not match the lease.
	rt.askFrom("10.0.0.2")
	if n := l.callCount(); n != 3 {
		t.Fatalf("another client's request made %d calls in all, want 3", n)
	}
	// The lease was used up in full: nothing to give back.
	if r := l.releases()["lease-1"]; r != 0 {
		t.Fatalf("lease-1 (used up) released %d", r)
	}
}

func TestLeaseExpiresAndIsReleased(t *testing.T) {
	rt, l := newLeaseRuntime(t, `{ permits = 5, ttl = "100ms", keyed = true }`)
	rt.askFrom("10.0.0.1")
	rt.askFrom("10.0.0.1")
	if l.callCount() != 1 {
		t.Fatalf("calls %d, want 1", l.callCount())
	}
	waitUntil(t, func() bool { return l.releases()["lease-1"] == 4 })
	// Expired: the next request calls the stage.
	rt.askFrom("10.0.0.1")
	if l.callCount() != 2 {
		t.Fatalf("a request after the lease expired made %d calls in all, want 2", l.callCount())
	}
}

func TestLeaseReleasedOnReloadAndStop(t *testing.T) {
	rt, l := newLeaseRuntime(t, `{ permits = 5, ttl = "1m", keyed = true }`)
	rt.askFrom("10.0.0.1")
	rt.askFrom("10.0.0.1")
	// A reload gives the old generation's unused permits back (long before
	// the lease's minute is over) and the new generation starts without it.
	if err := rt.load(leasePipeline(`{ permits = 5, ttl = "1m", keyed = true }`)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return l.releases()["lease-1"] == 4 })
	rt.askFrom("10.0.0.1")
	rt.askFrom("10.0.0.1")
	if l.callCount() != 2 {
		t.Fatalf("calls %d, want 2 (one per generation)", l.callCount())
	}
	rt.Shutdown(time.Second)
	if got := l.releases()["lease-2"]; got != 4 {
		t.Fatalf("after stop lease-2 released %d, want 4", got)
	}
}

func TestLeaseNeedsDeclaredKeyFields(t *testing.T) {
	rt, l := newLeaseRuntime(t, `{ permits = 5, ttl = "10s", keyed = false }`)
	for range 3 {
		rt.askFrom("10.0.0.1")
	}
	if l.callCount() != 3 || l.calls[0].AcceptsLease {
		t.Fatalf("without key fields: %d calls (want 3), accepts_lease %v", l.callCount(), l.calls[0].AcceptsLease)
	}
}

// A burst of one client's requests that all miss at once: the first call
// accepts a lease and the others wait for it rather than each getting one
// (whose permits the burst's other requests would then be refused for
// until the leases end), so the burst gets exactly the limit, at once, and
// the requests a lease admits make no call.
func TestLeaseBurstGetsExactlyTheLimit(t *testing.T) {
	rt, l := newLeaseRuntime(t, `{ permits = 4, ttl = "10s", keyed = true, limit = 10 }`)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		admitted int
		refused  int
	)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := rt.askFrom("10.0.0.1")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case w.err == nil:
				admitted++
			case w.err.Status == 429:
				refused++
			default:
				t.Errorf("request: %+v", w.err)
			}
		}()
	}
	wg.Wait()
	if admitted != 10 || refused != 10 {
		t.Fatalf("a burst of 20 over a limit of 10: %d admitted, %d refused; want 10 and 10", admitted, refused)
	}
	leased := testutil.ToFloat64(rt.metrics.leased.WithLabelValues("limit"))
	if calls := l.callCount(); leased == 0 || float64(calls)+leased != 20 {
		t.Fatalf("%d plugin calls and %v passes admitted from leases; want 20 in all, some from leases", calls, leased)
	}
}

// A request waiting for another's call to bring a lease waits no longer
// than its own call could have taken: with a stage that never answers, both
// fail with the stage's timeout (300 ms), the second not after its wait
// plus a call of its own.
func TestLeaseWaitKeepsTheStageTimeout(t *testing.T) {
	rt, _ := newLeaseRuntime(t, `{ permits = 4, ttl = "10s", keyed = true, hang = true }`)
	pipe := strings.Replace(leasePipeline(`{ permits = 4, ttl = "10s", keyed = true, hang = true }`),
		"plugin = \"leaser\"", "plugin = \"leaser\"\n    timeout = \"300ms\"", 1)
	if err := rt.load(pipe); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	took := make([]time.Duration, 2)
	errs := make([]*Error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 20 * time.Millisecond)
			start := time.Now()
			errs[i] = rt.askFrom("10.0.0.1").err
			took[i] = time.Since(start)
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] == nil || !strings.Contains(errs[i].Message, "did not answer within its timeout") {
			t.Fatalf("request %d: %+v", i, errs[i])
		}
		if took[i] > 550*time.Millisecond {
			t.Fatalf("request %d took %s with a stage timeout of 300ms", i, took[i])
		}
	}
}

// A lease that reaches the host after a call for its key was refused (the
// stage is refusing: no request is left to spend it) is given back at once,
// not at the end of its time, so other replicas' clients get its permits;
// one that comes without a refusal is kept.
func TestLeaseArrivingAfterARefusalIsGivenBack(t *testing.T) {
	released := make(chan []*pb.ReleasedLease, 4)
	tb := &leaseTable{fields: []string{sdk.LeaseKeyClientIP}, byKey: map[string][]*lease{}, asking: map[string]*askCall{},
		release: func(_ context.Context, ls []*pb.ReleasedLease) error { released <- ls; return nil }}
	defer tb.close(context.Background())
	mine, _ := tb.ask("k")
	if !mine {
		t.Fatal("the first call for a key does not ask for a lease")
	}
	if again, wait := tb.ask("k"); again || wait == nil {
		t.Fatalf("a second call beside it: mine %v, wait %v; want to wait", again, wait)
	}
	tb.refused("k")
	tb.answered("k", &pb.StageLease{Id: "l1", Permits: 4, TtlMs: 10_000}, time.Now())
	select {
	case ls := <-released:
		if len(ls) != 1 || ls[0].Id != "l1" || ls[0].Unused != 4 {
			t.Fatalf("released %v", ls)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a lease arriving after a refusal was not given back")
	}
	if _, ok := tb.take("k", time.Now()); ok {
		t.Fatal("a request was admitted from a lease given back")
	}
	mine, _ = tb.ask("k")
	tb.answered("k", &pb.StageLease{Id: "l2", Permits: 4, TtlMs: 10_000}, time.Now())
	if _, ok := tb.take("k", time.Now()); !mine || !ok {
		t.Fatalf("a lease without a refusal: asked %v, kept %v", mine, ok)
	}
}

// leaseBesideGuard is the benchmark's pipeline shape: a guard (the fake
// plugin's blocking stage) and the leaser side by side.
func leaseBesideGuard(cfg string) string {
	return "plugin \"leaser\" {\n  path = \"/nonexistent/leaser\"\n}\n" + threeProviders("", "") +
		"pipeline \"default\" {\n  stage \"guard\" {\n    plugin = \"fake\"\n    parallel = true\n  }\n" +
		"  stage \"limit\" {\n    plugin = \"leaser\"\n    parallel = true\n    config = " + cfg + "\n  }\n}\n"
}

// In a parallel group a leased stage is admitted without a call while the
// other stage is called: both stages' spans, headers and annotations, in
// the group's order, and the called stage's refusal still ends the request.
func TestLeaseBesideACalledStage(t *testing.T) {
	rt, l := newLeaseRuntime(t, `{ permits = 5, ttl = "10s", keyed = true }`)
	if err := rt.load(leaseBesideGuard(`{ permits = 5, ttl = "10s", keyed = true }`)); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		w := rt.askFrom("10.0.0.1")
		if w.err != nil || w.res == nil {
			t.Fatalf("request %d: %+v", i, w.err)
		}
		if n := len(w.tr.Stages); n != 2 || w.tr.Stages[0].Name != "guard" || w.tr.Stages[1].Name != "limit" ||
			w.tr.Stages[0].Outcome != "continue" || w.tr.Stages[1].Outcome != "continue" {
			t.Fatalf("request %d: stages %v", i, w.tr.Stages)
		}
		if w.tr.Headers["X-Limit"] != "1000" || w.tr.Headers["X-Left"] == "" {
			t.Fatalf("request %d: headers %v", i, w.tr.Headers)
		}
		if i > 0 && w.tr.Annotations["leaser.lease"] != "yes" {
			t.Fatalf("request %d: not served from the lease: %v", i, w.tr.Annotations)
		}
	}
	if n := l.callCount(); n != 1 {
		t.Fatalf("the leaser was called %d times, want 1", n)
	}
	w := &recorder{}
	rt.Serve(context.Background(), &Request{ID: "blocked", Route: RouteChat, Start: time.Now(), ClientIP: "10.0.0.1",
		Chat: &pb.ChatRequest{Model: "a", Messages: []*pb.Message{{Role: "user", Content: "block this"}}}}, w)
	if w.err == nil || w.err.Code != "custom" || l.callCount() != 1 {
		t.Fatalf("the guard's refusal beside a lease: %+v, leaser calls %d", w.err, l.callCount())
	}
}

// BenchmarkStageLease is one chat request through a pipeline whose only
// stage is the leaser (over the SDK's test transport, gRPC in process),
// with leases of 100 permits and without (no key fields declared), and
// with leases beside a guard in a parallel group (the benchmark's shape):
// the time and allocations per request, and the leaser's calls per request.
func BenchmarkStageLease(b *testing.B) {
	for _, c := range []struct{ name, cfg string }{
		{"lease", `{ permits = 100, ttl = "1s", keyed = true }`},
		{"nolease", `{ permits = 100, ttl = "1s", keyed = false }`},
		{"lease-beside-guard", `{ permits = 100, ttl = "1s", keyed = true }`},
	} {
		b.Run(c.name, func(b *testing.B) {
			rt, l := newLeaseRuntime(b, c.cfg)
			if c.name == "lease-beside-guard" {
				if err := rt.load(leaseBesideGuard(c.cfg)); err != nil {
					b.Fatal(err)
				}
			}
			chat := &pb.ChatRequest{Model: "a", Messages: []*pb.Message{{Role: "user", Content: "hi"}}}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				rt.Serve(context.Background(), &Request{ID: "bench", Route: RouteChat, Start: time.Now(), ClientIP: "10.0.0.1", Chat: chat}, &recorder{})
			}
			b.StopTimer()
			b.ReportMetric(float64(l.callCount())/float64(b.N), "plugin-calls/op")
		})
	}
}
