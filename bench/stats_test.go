package main

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {10, 1}, {50, 5}, {51, 6}, {90, 9}, {99, 10}, {100, 10}} {
		if got := Percentile(xs, c.q); got != c.want {
			t.Errorf("p%v = %v, want %v", c.q, got, c.want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty slice")
	}
	if got := Percentile([]float64{7}, 99); got != 7 {
		t.Errorf("single value: %v", got)
	}
}

func TestSummarizeSortsAndRounds(t *testing.T) {
	d := Summarize([]float64{0.3, 0.1, 0.2, 0.4, 100})
	if d.N != 5 || d.P50 != 0.3 || d.Max != 100 || d.P99 != 100 || d.Mean != 20.2 {
		t.Errorf("%+v", d)
	}
	if (Summarize(nil) != Dist{}) {
		t.Error("empty")
	}
}

func TestRatio(t *testing.T) {
	if Ratio(1, 4) != 0.25 {
		t.Error("1/4")
	}
	for _, b := range []float64{0, -1, math.NaN()} {
		if !math.IsNaN(Ratio(1, b)) {
			t.Errorf("1/%v should be NaN", b)
		}
	}
}

func TestParseServerTiming(t *testing.T) {
	got := ParseServerTiming(`guard;dur=0.123, ratelimit;desc="rl";dur=0.050,provider;dur=0.412 , total;dur=x, cache, miss;dur="1.5"`)
	want := map[string]float64{"guard": 0.123, "ratelimit": 0.050, "provider": 0.412, "miss": 1.5}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(ParseServerTiming("")) != 0 {
		t.Error("empty header")
	}
}

func TestStagesCost(t *testing.T) {
	tm := map[string]float64{"guard": 0.1, "ratelimit": 0.3, "provider": 1}
	if c, ok := stagesCost(tm, true); !ok || c != 0.3 {
		t.Errorf("parallel: %v %v", c, ok)
	}
	if c, ok := stagesCost(tm, false); !ok || math.Abs(c-0.4) > 1e-12 {
		t.Errorf("sequential: %v %v", c, ok)
	}
	if _, ok := stagesCost(map[string]float64{"provider": 1}, true); ok {
		t.Error("no stage entries must not count")
	}
}

func TestParseProm(t *testing.T) {
	text := "# HELP go_goroutines x\n# TYPE go_goroutines gauge\ngo_goroutines 42\nprocess_resident_memory_bytes 2.5e+07\ngo_goroutines_other 1\nllmgw_requests_total{route=\"chat\"} 3\n"
	g := parseProm(text, "go_goroutines", "process_resident_memory_bytes")
	if g["go_goroutines"] != 42 || g["process_resident_memory_bytes"] != 2.5e7 || len(g) != 2 {
		t.Errorf("%v", g)
	}
}

func TestSlope(t *testing.T) {
	if s := Slope([]float64{0, 1, 2, 3}, []float64{10, 12, 14, 16}); math.Abs(s-2) > 1e-12 {
		t.Errorf("slope %v", s)
	}
	if Slope([]float64{1}, []float64{1}) != 0 || Slope([]float64{1, 1}, []float64{1, 2}) != 0 {
		t.Error("degenerate")
	}
}

func TestSoakVerdict(t *testing.T) {
	k := &SoakReport{Idle: SoakPoint{Goroutines: 30}, Start: SoakPoint{TreeRSSMB: 120, Goroutines: 200},
		End: SoakPoint{TreeRSSMB: 128, Goroutines: 210}, IdleAfter: SoakPoint{Goroutines: 35}}
	if ok, v := soakVerdict(k); !ok || !strings.HasPrefix(v, "FLAT") {
		t.Errorf("flat expected: %s", v)
	}
	k.End.TreeRSSMB = 140
	if ok, v := soakVerdict(k); ok || !strings.Contains(v, "RSS grew") {
		t.Errorf("RSS growth expected: %s", v)
	}
	k.End.TreeRSSMB = 120
	k.IdleAfter.Goroutines = 100
	if ok, v := soakVerdict(k); ok || !strings.Contains(v, "idle goroutines") {
		t.Errorf("goroutine leak expected: %s", v)
	}
}

// fakeSetup builds a report row from latencies (ms) and rps.
func fakeSetup(name string, p50, rps float64) *SetupReport {
	return &SetupReport{Name: name, Seq: Regime{Dist: Dist{N: 10, P50: p50, P99: p50 * 2}}, Conc: Regime{RPS: rps, Requests: 100}}
}

func TestCompareAddedLatencyRatiosAndTargets(t *testing.T) {
	full := fakeSetup("llmgw-full", 0.6, 3000)
	full.Stages = &EntryCost{P50: 0.1}
	full.RSSLoad = &TreeRSS{TotalMB: 120, Procs: 5}
	hit := fakeSetup("llmgw-cache-hit", 0.3, 6000)
	hit.ServerTiming = map[string]EntryCost{"cache": {P50: 0.08}}
	pinned := fakeSetup("llmgw-full-pinned", 0.8, 2600)
	pinned.Stages = &EntryCost{P50: 0.12}
	pinned.RSSLoad = &TreeRSS{TotalMB: 151, Procs: 5}
	rep := &Report{Setups: []*SetupReport{
		fakeSetup("direct", 0.2, 10000),
		fakeSetup("floor", 0.45, 5000),
		fakeSetup("llmgw-host", 0.5, 4000),
		full,
		fakeSetup("portkey", 1.4, 700),
		hit,
		fakeSetup("llmgw-full-during", 0.9, 2400),
		fakeSetup("floor-pinned", 0.4, 6000),
		pinned,
	}}
	rep.compare()
	if full.AddedP50 != 0.4 || rep.Setups[1].AddedP50 != 0.25 {
		t.Fatalf("added: full %v floor %v", full.AddedP50, rep.Setups[1].AddedP50)
	}
	var row RatioRow
	for _, r := range rep.Ratios {
		if r.Setup == "llmgw-full" {
			row = r
		}
	}
	if row.Added["floor"] != 1.6 || row.Added["portkey"] != round3(0.4/1.2) || row.Through["floor"] != 0.6 || row.Through["portkey"] != round3(3000.0/700) {
		t.Errorf("ratios %+v", row)
	}
	if _, ok := row.Added["litellm"]; ok {
		t.Error("a skipped peer must not get a ratio")
	}
	want := map[string]string{
		"llmgw-full added p50 vs floor (1 conn)":               "PASS", // 0.4 ≤ 2×0.25
		"llmgw-full added p50 vs floor, issue 21 bar (1 conn)": "PASS", // 0.4 ≤ 2.5×0.25
		"llmgw-full added p50 vs Portkey (1 conn)":             "PASS", // 0.4 ≤ 0.4×1.2
		"llmgw-full rps vs floor (64 conns)":                   "PASS", // 3000 ≥ 2500
		"llmgw-full rps vs Portkey (64 conns)":                 "PASS", // 3000 ≥ 2800
		"llmgw-full errors (64 conns)":                         "PASS",
		"guard + ratelimit p50 (Server-Timing)":                "PASS",
		"RSS host + plugins under load":                        "PASS",
		"cache hit p50 (1 conn)":                               "PASS", // 0.3 ≤ 0.5
		// The same bars for the guard during the call: 0.7 > 2.5×0.25, 2400 < 2500.
		"llmgw-full-during added p50 vs floor, issue 21 bar (1 conn)": "MISS",
		"llmgw-full-during rps vs floor (64 conns)":                   "MISS",
		"llmgw-full-during errors (64 conns)":                         "PASS",
		// Pinned: 0.6 ≤ 2.5×0.25 but > 2.5×0.2 (the pinned floor's); 2600 ≥
		// 2500 but < 3000; 151 MB > 150.
		"llmgw-full-pinned added p50 vs floor, issue 21 bar (1 conn)":        "PASS",
		"llmgw-full-pinned rps vs floor (64 conns)":                          "PASS",
		"llmgw-full-pinned errors (64 conns)":                                "PASS",
		"llmgw-full-pinned guard + ratelimit p50 (Server-Timing)":            "PASS",
		"llmgw-full-pinned RSS host + plugins under load":                    "MISS",
		"llmgw-full-pinned added p50 vs floor-pinned, issue 21 bar (1 conn)": "MISS",
		"llmgw-full-pinned rps vs floor-pinned (64 conns)":                   "MISS",
	}
	seen := map[string]bool{}
	for _, tg := range rep.Targets {
		seen[tg.Name] = true
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("no target %q", name)
		}
	}
	for _, tg := range rep.Targets {
		if want[tg.Name] != tg.Verdict {
			t.Errorf("%s: %s (%s), want %s", tg.Name, tg.Verdict, tg.Got, want[tg.Name])
		}
	}
	// A miss, and the report stays encodable (no NaN) with a zero denominator.
	rep.Setups[1].Seq.Dist.P50 = 0.2 // floor adds nothing: ratio undefined
	full.Conc.Errors = 1
	rep.Ratios = nil
	rep.compare()
	for _, tg := range rep.Targets {
		if tg.Name == "llmgw-full added p50 vs floor (1 conn)" && tg.Verdict != "MISS" {
			t.Errorf("expected MISS: %+v", tg)
		}
		if tg.Name == "cache hit p50 (1 conn)" && !strings.Contains(tg.Got, "cache stage 0.080 ms") {
			t.Errorf("the cache stage's cost is not shown: %+v", tg)
		}
		if tg.Name == "llmgw-full errors (64 conns)" && tg.Verdict != "MISS" {
			t.Errorf("expected MISS: %+v", tg)
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Fatalf("report not encodable: %v", err)
	}
	if md := rep.Markdown(); !strings.Contains(md, "| llmgw-full | 0.600 |") || !strings.Contains(md, "**MISS**") {
		t.Errorf("markdown:\n%s", md)
	}
}

func TestTargetsWithoutFullAreNA(t *testing.T) {
	rep := &Report{Setups: []*SetupReport{fakeSetup("direct", 0.2, 1), fakeSetup("floor", 0.4, 1)}}
	rep.compare()
	if len(rep.Targets) != 7 {
		t.Fatalf("%d targets", len(rep.Targets))
	}
	for _, tg := range rep.Targets {
		if tg.Verdict != "N/A" {
			t.Errorf("%+v", tg)
		}
	}
}

func TestAttackMeasuresTTFBAndClassifies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(body), `"stream":true`):
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Server-Timing", "guard;dur=0.2, ratelimit;dur=0.1, provider;dur=0.5")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, "data: {}\n\n")
			w.(http.Flusher).Flush()
			time.Sleep(20 * time.Millisecond)
			_, _ = io.WriteString(w, "data: [DONE]\n\n")
		case r.Header.Get("X-Fail") != "":
			http.Error(w, `{"error":{"message":"no"}}`, http.StatusBadGateway)
		default:
			w.Header().Set("Server-Timing", "guard;dur=0.2, ratelimit;dur=0.1, provider;dur=0.5")
			_, _ = io.WriteString(w, `{"choices":[]}`)
		}
	}))
	defer srv.Close()
	s := &Setup{Name: "t", Model: "m", URL: srv.URL, Headers: http.Header{"Content-Type": {"application/json"}}, StagesParallel: true}
	r := attack(s, "ttfb", 1, Load{Conns: 1, Duration: 150 * time.Millisecond, Stream: true})
	if r.OK == 0 || r.Errors != 0 || len(r.TTFB) != r.OK {
		t.Fatalf("stream run: ok %d errors %d %v ttfb %d", r.OK, r.Errors, r.ErrText, len(r.TTFB))
	}
	for i, ttfb := range r.TTFB {
		// The first byte comes ~20 ms before the end of the answer.
		if ttfb <= 0 || ttfb > r.OKLat[i]-10 {
			t.Fatalf("ttfb %v ms vs latency %v ms", ttfb, r.OKLat[i])
		}
	}
	if len(r.Stages) != r.OK || r.Stages[0] != 0.2 || r.Timings["provider"][0] != 0.5 {
		t.Errorf("server timing: %v %v", r.Stages, r.Timings)
	}
	r = attack(s, "conc", 1, Load{Conns: 4, Duration: 100 * time.Millisecond})
	if r.OK == 0 || r.Errors != 0 || r.RPS() <= 0 {
		t.Fatalf("plain run: ok %d errors %d %v", r.OK, r.Errors, r.ErrText)
	}
	s.Headers.Set("X-Fail", "1")
	r = attack(s, "seq", 1, Load{Conns: 1, Duration: 50 * time.Millisecond})
	if r.OK != 0 || r.Errors == 0 || r.ErrKind["HTTP 502"] != r.Errors || !strings.Contains(r.ErrText["HTTP 502"], "no") {
		t.Fatalf("failing run: ok %d errors %v %v", r.OK, r.ErrKind, r.ErrText)
	}
}

func TestRoundOrderAlternates(t *testing.T) {
	a, b, c := &Setup{Name: "a"}, &Setup{Name: "b"}, &Setup{Name: "c"}
	names := func(ss []*Setup) string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return strings.Join(out, " ")
	}
	setups := []*Setup{a, b, c}
	for r, want := range map[int]string{1: "a b c", 2: "c b a", 3: "a b c", 4: "c b a"} {
		if got := names(roundOrder(setups, r, true)); got != want {
			t.Errorf("round %d: %s, want %s", r, got, want)
		}
		if got := names(roundOrder(setups, r, false)); got != "a b c" {
			t.Errorf("round %d without alternating: %s", r, got)
		}
	}
	if names(setups) != "a b c" {
		t.Error("roundOrder changed its argument")
	}
}
