package pipeline

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmgw/llmgw/core/config"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// testBalancer is a balancer over targets named names, each with its own
// statistics, and a seeded random source.
func testBalancer(strategy string, weights []int, names ...string) *balancer {
	var targets []*target
	for _, n := range names {
		targets = append(targets, &target{model: n, stats: &deployStats{}})
	}
	b := newBalancer(&config.ModelSpec{Strategy: strategy, Weights: weights, Explore: config.DefaultExplore}, targets)
	b.float = rand.New(rand.NewPCG(1, 2)).Float64
	return b
}

func orderOf(b *balancer) string {
	var names []string
	for _, t := range b.appendOrder(nil) {
		names = append(names, t.model)
	}
	return strings.Join(names, ",")
}

// firsts counts, over n requests, which target each request tries first.
func firsts(b *balancer, n int) map[string]int {
	out := map[string]int{}
	for range n {
		out[b.appendOrder(nil)[0].model]++
	}
	return out
}

func TestSmoothScheduleSpreadsTheWeights(t *testing.T) {
	cases := []struct {
		weights []int
		want    []int
	}{
		{[]int{3, 1}, []int{0, 0, 1, 0}},
		{[]int{30, 10}, []int{0, 0, 1, 0}}, // reduced by the gcd
		{[]int{1, 1, 1}, []int{0, 1, 2}},
		{[]int{5, 1, 1}, []int{0, 0, 1, 0, 2, 0, 0}},
	}
	for _, c := range cases {
		if got := smoothSchedule(c.weights); !equalInts(got, c.want) {
			t.Errorf("smoothSchedule(%v) = %v, want %v", c.weights, got, c.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWeightedSplitsExactlyAndFallsToTheOthers(t *testing.T) {
	b := testBalancer(config.StrategyWeighted, []int{3, 1}, "east", "west")
	if got := firsts(b, 400); got["east"] != 300 || got["west"] != 100 {
		t.Fatalf("a 3:1 weighting over 400 requests: %v", got)
	}
	// Every order lists every target once: the others are the next choices.
	for range 8 {
		if o := orderOf(b); o != "east,west" && o != "west,east" {
			t.Fatalf("order %q", o)
		}
	}
	// Without weights every target weighs 1; the next choices are by weight.
	b = testBalancer(config.StrategyWeighted, []int{1, 5, 2}, "a", "b", "c")
	if got := firsts(b, 80); got["a"] != 10 || got["b"] != 50 || got["c"] != 20 {
		t.Fatalf("1:5:2 over 80: %v", got)
	}
	for range 8 {
		o := orderOf(b)
		if rest := o[strings.Index(o, ",")+1:]; rest != "b,c" && rest != "c,a" && rest != "b,a" {
			t.Fatalf("after the first choice the others go heaviest first: %q", o)
		}
	}
}

func TestRoundRobinRotates(t *testing.T) {
	b := testBalancer(config.StrategyRoundRobin, nil, "a", "b", "c")
	var got []string
	for range 4 {
		got = append(got, orderOf(b))
	}
	if want := "a,b,c b,c,a c,a,b a,b,c"; strings.Join(got, " ") != want {
		t.Fatalf("round robin orders %q, want %q", strings.Join(got, " "), want)
	}
}

func TestLeastLatencyPrefersTheFastestAndExplores(t *testing.T) {
	b := testBalancer(config.StrategyLeastLatency, nil, "slow", "fast", "mid")
	// Unmeasured targets rank first, so each gets measured.
	b.targets[0].stats.observe(300 * time.Millisecond)
	b.targets[2].stats.observe(100 * time.Millisecond)
	if o := orderOf(b); !strings.HasPrefix(o, "fast,") {
		t.Fatalf("the unmeasured target goes first: %q", o)
	}
	b.targets[1].stats.begin()
	if o := orderOf(b); !strings.HasSuffix(o, ",fast") {
		t.Fatalf("an unmeasured target whose first answer is on the way goes last: %q", o)
	}
	b.targets[1].stats.end()
	b.targets[1].stats.observe(50 * time.Millisecond)
	b.float = func() float64 { return 0.99 } // no exploration
	if o := orderOf(b); o != "fast,mid,slow" {
		t.Fatalf("by latency: %q", o)
	}
	// Exploration: a draw under explore sends the request to another target
	// first (the second draw picks which), the others keep their rank.
	draws := []float64{0.01, 0.7}
	b.float = func() float64 { d := draws[0]; draws = draws[1:]; return d }
	if o := orderOf(b); o != "slow,fast,mid" {
		t.Fatalf("an exploring request: %q", o)
	}
	// Over many requests with a seeded source: most go to the fastest, the
	// others are still probed, about explore of the time.
	b.float = rand.New(rand.NewPCG(7, 7)).Float64
	got := firsts(b, 2000)
	if got["fast"] < 1800 || got["slow"] == 0 || got["mid"] == 0 {
		t.Fatalf("least_latency shares: %v", got)
	}
}

func TestLeastLatencyFailuresCountAsSlow(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", "")+"model \"ll\" {\n  targets = [\"a\", \"b\"]\n  strategy = \"least_latency\"\n}\n")
	bal := rt.Current().models["ll"].steps[0].balancer
	bal.float = func() float64 { return 0.99 }
	rt.script.set("a", step{chunks: []string{"x"}})
	rt.script.set("b", step{delay: 30 * time.Millisecond, chunks: []string{"y"}})
	rt.attempts(t, "ll", false)
	rt.attempts(t, "ll", false)
	rt.expect(t, "ll", false, "a:ok", "both measured: the fast one leads")
	// A target that fails at once must not look like the fastest.
	rt.script.set("a", step{err: fail(sdk.ClassUpstream5xx)})
	rt.expect(t, "ll", false, "a:error:upstream_5xx b:ok", "the failure falls to the next choice")
	rt.expect(t, "ll", false, "b:ok", "the failed target now ranks behind the answering one")
}

func TestLeastBusyPrefersTheIdlest(t *testing.T) {
	b := testBalancer(config.StrategyLeastBusy, nil, "a", "b", "c")
	b.targets[0].stats.begin()
	b.targets[0].stats.begin()
	b.targets[1].stats.begin()
	if o := orderOf(b); o != "c,b,a" {
		t.Fatalf("by requests in flight: %q", o)
	}
	b.targets[0].stats.end()
	b.targets[0].stats.end()
	b.targets[1].stats.end()
	// Equal loads rotate, so idle targets share the requests.
	if got := firsts(b, 30); got["a"] != 10 || got["b"] != 10 || got["c"] != 10 {
		t.Fatalf("ties rotate: %v", got)
	}
}

func TestDeployStatsAverage(t *testing.T) {
	var s deployStats
	if s.latency() != 0 {
		t.Fatal("unmeasured")
	}
	s.observe(100 * time.Millisecond)
	if s.latency() != 100*time.Millisecond {
		t.Fatalf("the first sample is the average: %v", s.latency())
	}
	s.observe(200 * time.Millisecond)
	if got, want := s.latency(), time.Duration(float64(100*time.Millisecond)+latencyAlpha*float64(100*time.Millisecond)); got != want {
		t.Fatalf("moving average %v, want %v", got, want)
	}
	// Concurrent samples never get lost in a torn update (run with -race).
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				s.observe(10 * time.Millisecond)
				s.begin()
				s.end()
			}
		}()
	}
	wg.Wait()
	if l := s.latency(); l < 10*time.Millisecond || l > 11*time.Millisecond || s.inflight.Load() != 0 {
		t.Fatalf("after many 10ms samples: %v, in flight %d", l, s.inflight.Load())
	}
}

// BenchmarkBalancerOrder is the cost a balanced model adds to each request:
// ordering its targets, from many goroutines at once (no lock is shared).
func BenchmarkBalancerOrder(b *testing.B) {
	for _, strategy := range config.Strategies {
		b.Run(strategy, func(b *testing.B) {
			bal := testBalancer(strategy, nil, "a", "b", "c")
			bal.float = rand.Float64
			for i, t := range bal.targets {
				t.stats.observe(time.Duration(i+1) * time.Millisecond)
			}
			route := &modelRoute{targets: bal.targets, steps: []routeStep{{balancer: bal}}}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if len(route.order()) != 3 {
						b.Fatal("order lost a target")
					}
				}
			})
		})
	}
}
