package pipeline

// Balancing: a model with `targets` spreads its requests over other
// (direct) models with a strategy. The strategy only decides the order in
// which the targets are tried; the router then walks that order like a
// fallback chain, so a target whose breaker is open or that fails passes the
// request to the next choice. Nothing here takes a lock across a call: the
// counters are atomics and every decision reads a snapshot.

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"

	"github.com/llmgw/llmgw/core/config"
)

// latencyAlpha is the weight of a new first-byte latency sample in a
// deployment's moving average: about the last ten answers count.
const latencyAlpha = 0.2

// deployStats is what the balancer knows of one direct model (a deployment):
// its requests in flight and its recent first-byte latency. It is shared by
// every route that reaches the model, and kept across reloads while the model
// stays on the same provider and upstream.
type deployStats struct {
	provider, upstream string
	inflight           atomic.Int64
	// ewma is the moving average of first-byte latency in nanoseconds, as
	// float64 bits; 0 until the first sample.
	ewma atomic.Uint64
}

// begin and end bracket one attempt on the deployment.
func (s *deployStats) begin() { s.inflight.Add(1) }
func (s *deployStats) end()   { s.inflight.Add(-1) }

// observe folds one first-byte latency into the moving average.
func (s *deployStats) observe(d time.Duration) {
	sample := float64(d)
	for {
		old := s.ewma.Load()
		next := sample
		if old != 0 {
			prev := math.Float64frombits(old)
			next = prev + latencyAlpha*(sample-prev)
		}
		if next <= 0 {
			next = 1 // 0 means "no sample yet"
		}
		if s.ewma.CompareAndSwap(old, math.Float64bits(next)) {
			return
		}
	}
}

// latency is the moving average (0: never measured).
func (s *deployStats) latency() time.Duration {
	return time.Duration(math.Float64frombits(s.ewma.Load()))
}

// balancer orders the targets of one balanced model for each request.
type balancer struct {
	strategy string
	targets  []*target
	// schedule (weighted) lists target indices in smooth weighted
	// round-robin order, one slot per unit of weight; byWeight is the order
	// of the rest, heaviest first.
	schedule []int
	byWeight []int
	explore  float64
	next     atomic.Uint64
	// float returns a number in [0, 1): rand.Float64, or a seeded source in
	// tests. It must be safe for concurrent use on the request path.
	float func() float64
}

// newBalancer builds the balancer of a balanced model over its targets.
func newBalancer(m *config.ModelSpec, targets []*target) *balancer {
	b := &balancer{strategy: m.Strategy, targets: targets, explore: m.Explore, float: rand.Float64}
	if b.strategy == config.StrategyWeighted {
		weights := m.Weights
		if weights == nil {
			weights = make([]int, len(targets))
			for i := range weights {
				weights[i] = 1
			}
		}
		b.schedule = smoothSchedule(weights)
		b.byWeight = make([]int, len(targets))
		for i := range b.byWeight {
			b.byWeight[i] = i
		}
		slices.SortStableFunc(b.byWeight, func(x, y int) int { return weights[y] - weights[x] })
	}
	return b
}

// smoothSchedule is nginx's smooth weighted round robin unrolled over one
// cycle: each target appears weight/gcd times, spread out (3:1 gives
// a a b a, not a a a b).
func smoothSchedule(weights []int) []int {
	g := 0
	for _, w := range weights {
		g = gcd(g, w)
	}
	total := 0
	w := make([]int, len(weights))
	for i, x := range weights {
		w[i] = x / g
		total += w[i]
	}
	current := make([]int, len(w))
	out := make([]int, 0, total)
	for range total {
		best := 0
		for i := range w {
			current[i] += w[i]
			if current[i] > current[best] {
				best = i
			}
		}
		current[best] -= total
		out = append(out, best)
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// appendOrder appends the balancer's targets to dst in the order this
// request tries them: the strategy's choice first, then the next choices.
func (b *balancer) appendOrder(dst []*target) []*target {
	n := len(b.targets)
	tick := b.next.Add(1) - 1
	switch b.strategy {
	case config.StrategyWeighted:
		first := b.schedule[tick%uint64(len(b.schedule))]
		dst = append(dst, b.targets[first])
		for _, i := range b.byWeight {
			if i != first {
				dst = append(dst, b.targets[i])
			}
		}
		return dst
	case config.StrategyRoundRobin:
		start := int(tick % uint64(n))
		for i := range n {
			dst = append(dst, b.targets[(start+i)%n])
		}
		return dst
	case config.StrategyLeastBusy:
		return b.appendRanked(dst, tick, func(t *target) float64 { return float64(t.stats.inflight.Load()) })
	default: // least_latency
		base := len(dst)
		dst = b.appendRanked(dst, tick, latencyScore)
		if n > 1 && b.explore > 0 && b.float() < b.explore {
			// Exploration: one of the others goes first, the rest keep their rank.
			pick := base + 1 + int(b.float()*float64(n-1))
			chosen := dst[pick]
			copy(dst[base+1:pick+1], dst[base:pick])
			dst[base] = chosen
		}
		return dst
	}
}

// appendRanked appends the targets by ascending score; ties keep a rotating
// order (starting at tick) so equal targets share the load.
func (b *balancer) appendRanked(dst []*target, tick uint64, score func(*target) float64) []*target {
	n := len(b.targets)
	base := len(dst)
	scores := make([]float64, n)
	start := int(tick % uint64(n))
	for i := range n {
		t := b.targets[(start+i)%n]
		dst = append(dst, t)
		scores[i] = score(t)
	}
	// Insertion sort: stable, allocation-free, and n is a handful.
	ranked := dst[base:]
	for i := 1; i < n; i++ {
		for j := i; j > 0 && scores[j] < scores[j-1]; j-- {
			scores[j], scores[j-1] = scores[j-1], scores[j]
			ranked[j], ranked[j-1] = ranked[j-1], ranked[j]
		}
	}
	return dst
}

// latencyScore ranks a target for least_latency: its average first-byte
// latency. An unmeasured target ranks first, so each gets measured early,
// but only while idle: once its first answer is on the way, a burst of
// requests is not all sent to a target nobody has timed yet.
func latencyScore(t *target) float64 {
	if l := t.stats.latency(); l > 0 {
		return float64(l)
	}
	if t.stats.inflight.Load() == 0 {
		return 0
	}
	return math.Inf(1)
}
