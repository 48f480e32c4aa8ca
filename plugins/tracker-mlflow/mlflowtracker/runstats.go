package mlflowtracker

import (
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/llmgw/llmgw/plugins/tracker-mlflow/mlflowapi"
	"github.com/llmgw/llmgw/plugins/tracker-mlflow/otlp"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// reservoirSize bounds the latencies kept per metrics interval.
const reservoirSize = 4096

// runStats accumulates the run-level metrics of one gateway process:
// counters since start, latency percentiles per logging interval.
type runStats struct {
	mu        sync.Mutex
	requests  int64
	errors    int64
	fallbacks int64
	tokens    int64
	latencies []float64 // ms, a uniform sample of this interval's requests
	seen      int64     // requests this interval
	step      int64
}

func (s *runStats) add(events []*sdk.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range events {
		s.requests++
		if !ev.Ok {
			s.errors++
		}
		s.fallbacks += int64(otlp.FallbackCount(ev))
		if ev.Usage != nil {
			s.tokens += int64(ev.Usage.TotalTokens)
		}
		ms := float64(ev.EndUnixNano-ev.StartUnixNano) / 1e6
		if ms < 0 || ev.StartUnixNano == 0 {
			continue
		}
		s.seen++
		if len(s.latencies) < reservoirSize {
			s.latencies = append(s.latencies, ms)
		} else if i := rand.Int64N(s.seen); i < reservoirSize {
			s.latencies[i] = ms
		}
	}
}

// total is the number of requests counted so far.
func (s *runStats) total() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// snapshot returns the metrics to log now and starts a new interval.
func (s *runStats) snapshot(now time.Time) []mlflowapi.Metric {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := now.UnixMilli()
	m := func(k string, v float64) mlflowapi.Metric {
		return mlflowapi.Metric{Key: k, Value: v, Timestamp: ts, Step: s.step}
	}
	out := []mlflowapi.Metric{
		m("request_count", float64(s.requests)),
		m("error_count", float64(s.errors)),
		m("fallback_count", float64(s.fallbacks)),
		m("tokens_total", float64(s.tokens)),
	}
	if len(s.latencies) > 0 {
		sort.Float64s(s.latencies)
		out = append(out,
			m("latency_p50_ms", percentile(s.latencies, 0.50)),
			m("latency_p95_ms", percentile(s.latencies, 0.95)),
			m("latency_p99_ms", percentile(s.latencies, 0.99)),
			m("interval_request_count", float64(s.seen)),
		)
	}
	s.latencies, s.seen = s.latencies[:0], 0
	s.step++
	return out
}

// percentile of sorted values (nearest rank).
func percentile(sorted []float64, q float64) float64 {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
