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
}

func (s *leaserInst) Process(_ context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
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
		}
		if err := c.Decode(&cfg); err != nil {
			return nil, err
		}
		ttl, err := time.ParseDuration(cfg.TTL)
		if err != nil {
			return nil, err
		}
		return &leaserInst{l: l, permits: cfg.Permits, ttl: ttl, keyed: cfg.Keyed}, nil
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
