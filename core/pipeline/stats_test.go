package pipeline

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// What the dashboard shows comes from real requests through the runtime:
// fallbacks, refusals by category, errors by code, the recent list and the
// pipeline's picture with its breakers.
func TestStatsFromServedRequests(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("breaker_failures = 1\n  breaker_cooldown = \"1m\"", "")+`
pipeline "default" {
  stage "guard" {
    plugin = "fake"
  }
}
`)
	rt.serve(context.Background(), "b", false, nil)
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)}) // fails once: the breaker of pa opens
	rt.serve(context.Background(), "chain", false, nil)
	blocked := &Request{ID: "req-blocked", Route: RouteGenerate, Start: time.Now(),
		Chat: &pb.ChatRequest{Model: "chain", Messages: []*pb.Message{{Role: "user", Content: "please block this secret prompt"}}}}
	rt.Serve(context.Background(), blocked, &recorder{})
	rt.serve(context.Background(), "no-such-model", false, nil)

	recent := rt.Stats().Recent(10)
	if len(recent) != 4 {
		t.Fatalf("recent: %d entries, want 4", len(recent))
	}
	// Newest first.
	if r := recent[0]; r.Status != 404 || r.Model != "no-such-model" || r.Code != "model_not_found" {
		t.Errorf("newest: %+v", r)
	}
	if r := recent[1]; r.RequestID != "req-blocked" || r.Status != 400 || r.Category != "odd" || r.Code != "custom" || r.Attempts != 0 {
		t.Errorf("blocked: %+v", r)
	}
	if r := recent[2]; r.Status != 200 || r.Model != "chain" || r.ModelUsed != "b" || r.Provider != "pb" || r.Attempts != 2 {
		t.Errorf("fallback: %+v", r)
	}
	for _, r := range recent {
		if r.EventID != "" {
			t.Errorf("an event id without a tracker: %+v", r)
		}
	}

	s := rt.Stats().Series(time.Now().Add(time.Second), 5, 1)
	if s.Total != 4 || s.ErrorCodes["custom"] != 1 || s.ErrorCodes["model_not_found"] != 1 || s.Categories["odd"] != 1 || s.Categories["validation"] != 1 {
		t.Errorf("series totals: %+v", s)
	}
	var fallbacks, blockedN, errs float64
	for i := range s.Time {
		fallbacks += s.Fallback[i]
		blockedN += s.Blocked[i]
		errs += s.Errors[i]
	}
	// An unknown model is a refusal too (category validation), as in
	// /security-metrics.
	if fallbacks != 1 || blockedN != 2 || errs != 2 || s.P50All == nil || s.P99All == nil || *s.P99All < *s.P50All {
		t.Errorf("series: fallbacks %v blocked %v errors %v p50 %v p99 %v", fallbacks, blockedN, errs, s.P50All, s.P99All)
	}

	g := rt.Graph()
	if len(g.Stages) != 1 || g.Stages[0][0].Name != "guard" || len(g.Models) != 4 || len(g.Providers) != 3 {
		t.Fatalf("graph: %+v", g)
	}
	breakers := map[string]string{}
	for _, p := range g.Providers {
		breakers[p.Name] = p.Breaker
	}
	if breakers["pa"] != "open" || breakers["pb"] != "closed" {
		t.Errorf("breakers: %v, want pa open and pb closed", breakers)
	}
	chain := g.Models[3]
	if chain.Name != "chain" || !chain.Chain || len(chain.Targets) != 3 || chain.Targets[1].Provider != "pb" {
		t.Errorf("chain: %+v", chain)
	}
}

func TestStatsSeriesSteps(t *testing.T) {
	s := newStats()
	base := time.Unix(1_800_000_000, 0)
	for sec := 0; sec < 120; sec++ {
		at := base.Add(time.Duration(sec) * time.Second)
		for i := 0; i <= sec%3; i++ {
			r := &RecentRequest{Time: at, Status: 200}
			if i == 1 { // one in the seconds with two or three requests: a cache hit
				r.AnsweredBy = "cache"
			}
			s.record(r, time.Duration(sec+1)*time.Millisecond, false, 1e6)
		}
	}
	now := base.Add(120 * time.Second)
	per := s.Series(now, 120, 1)
	if len(per.Time) != 120 || per.Time[0] != base.Unix() || per.Requests[0] != 1 || per.Requests[2] != 3 || per.Total != 240 {
		t.Fatalf("per second: %d points from %d, %v…, total %d", len(per.Time), per.Time[0], per.Requests[:3], per.Total)
	}
	if per.AnsweredAll != 80 || per.Answered[0] != 0 || per.Answered[1] != 1 {
		t.Errorf("answered by a stage: %d in all, %v…", per.AnsweredAll, per.Answered[:3])
	}
	minute := s.Series(now, 2, 60)
	if minute.Total != 240 || minute.Requests[0] != 2 || math.Abs(minute.CostPerMin[0]-0.12) > 1e-9 {
		t.Errorf("per minute: %+v", minute)
	}
	// An hour later every slot holds another second: nothing is left.
	if later := s.Series(now.Add(time.Hour), 60, 60); later.Total != 0 {
		t.Errorf("an hour later the window still counts %d requests", later.Total)
	}
	// p99 of latencies 1..120 ms is in the bucket of 120 ms (√2 wide).
	if p := minute.P99All; p == nil || *p < 118 || *p > 120*1.42 {
		t.Errorf("p99 %v, want about 120 ms", p)
	}
}

// The series start at the gateway's start, exactly: the requests of its
// first second are counted whatever the phase of the poll. (The page used
// to cut the points off itself at now - uptime_s, whole seconds, which could
// be up to a second after the start: at some phases of its one-a-second poll
// the point of the first second was left out at every poll, and with it the
// requests sent then, as the browser test's fallbacks.)
func TestStatsSeriesStartAtTheStart(t *testing.T) {
	s := newStats()
	s.started = time.Unix(1_800_000_000, 300e6)
	first := s.started.Add(200 * time.Millisecond) // the same second
	s.record(&RecentRequest{Time: first, Status: 200}, time.Millisecond, true, 0)
	s.record(&RecentRequest{Time: first, Status: 200}, time.Millisecond, true, 0)
	s.record(&RecentRequest{Time: s.started.Add(1500 * time.Millisecond), Status: 200}, time.Millisecond, false, 0)
	// Every phase of a poll within the next seconds (now - uptime_s was a
	// second late from 0.7 s into each second on).
	for ms := int64(1000); ms < 6000; ms += 50 {
		now := s.started.Add(time.Duration(ms) * time.Millisecond)
		got := s.Series(now, 300, 1)
		var fallbacks float64
		for _, v := range got.Fallback {
			fallbacks += v
		}
		wantTotal := int64(2)
		if now.Unix() > 1_800_000_001 {
			wantTotal = 3
		}
		// From the start's second on, and at least two points.
		wantPoints := max(2, int(now.Unix()-1_800_000_000))
		if fallbacks != 2 || got.Total != wantTotal || len(got.Time) != wantPoints || got.Time[len(got.Time)-1] != now.Unix()-1 {
			t.Fatalf("%d ms after the start: fallbacks %v total %d, %d points from %d to %d (want %d to %d)", ms, fallbacks, got.Total,
				len(got.Time), got.Time[0], got.Time[len(got.Time)-1], wantPoints, now.Unix()-1)
		}
	}
	// A window shorter than the gateway's life is the window.
	if got := s.Series(s.started.Add(time.Hour), 300, 1); len(got.Time) != 300 || got.Total != 0 {
		t.Errorf("an hour later: %d points, total %d", len(got.Time), got.Total)
	}
	if got := s.Series(s.started.Add(10*time.Minute), 60, 60); len(got.Time) != 10 || got.Total != 3 || got.Time[0] != 1_800_000_000 {
		t.Errorf("per minute, 10 min later: points %v, total %d", got.Time, got.Total)
	}
}

// The slot of a second is cleared for that second exactly once, though many
// requests race to be its first.
func TestStatsRolloverUnderConcurrency(t *testing.T) {
	s := newStats()
	at := time.Unix(1_800_000_000, 0)
	s.record(&RecentRequest{Time: at.Add(-statsSeconds * time.Second), Status: 200}, time.Millisecond, false, 0)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				s.record(&RecentRequest{Time: at, Status: 500, Code: "boom"}, time.Millisecond, true, 0)
			}
		}()
	}
	wg.Wait()
	got := s.Series(at.Add(time.Second), 1, 1)
	if got.Total != 8000 || got.ErrorCodes["boom"] != 8000 || got.Fallback[0] != 8000 {
		t.Fatalf("after racing writers: total %d, boom %d, fallbacks %v", got.Total, got.ErrorCodes["boom"], got.Fallback)
	}
	if n := len(s.Recent(RecentSize + 10)); n != RecentSize {
		t.Errorf("recent keeps %d, want %d", n, RecentSize)
	}
}

func TestStatsLabelsAreBounded(t *testing.T) {
	s := newStats()
	at := time.Unix(1_800_000_000, 0)
	for i := 0; i < maxLabels+5; i++ {
		s.record(&RecentRequest{Time: at, Status: 400, Code: fmt.Sprint("code-", i), Category: fmt.Sprint("cat-", i)}, time.Millisecond, false, 0)
	}
	got := s.Series(at.Add(time.Second), 1, 1)
	if len(got.ErrorCodes) != maxLabels+1 || got.ErrorCodes["other"] != 5 || got.Categories["other"] != 5 || got.ErrorCodes["code-0"] != 1 {
		t.Errorf("codes %v categories %v", got.ErrorCodes, got.Categories)
	}
}

func TestClipKeepsRunes(t *testing.T) {
	if got := clip("ééééé", 3); got != "ééé…" {
		t.Errorf("clip: %q", got)
	}
	if got := clip("abc", 3); got != "abc" {
		t.Errorf("clip: %q", got)
	}
}

// BenchmarkStatsRecord is what the dashboard's bookkeeping adds to each
// request (the request path's only cost of the dashboard).
func BenchmarkStatsRecord(b *testing.B) {
	s := newStats()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.record(&RecentRequest{Time: time.Now(), Status: 200, Model: "m"}, 3*time.Millisecond, false, 1000)
		}
	})
}

// BenchmarkStatsSeries is one poll of the page (5 minutes at one second).
func BenchmarkStatsSeries(b *testing.B) {
	s := newStats()
	now := time.Now()
	for i := 0; i < 300; i++ {
		s.record(&RecentRequest{Time: now.Add(-time.Duration(i) * time.Second), Status: 200}, time.Millisecond, false, 0)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Series(now, 300, 1)
	}
}
