package main

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Percentile returns the q-th percentile (0 ≤ q ≤ 100) of sorted by the
// nearest-rank method: the smallest value such that at least q% of the
// values are ≤ it. It returns 0 for an empty slice.
func Percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if q <= 0 {
		return sorted[0]
	}
	if q >= 100 {
		return sorted[n-1]
	}
	rank := int(math.Ceil(q / 100 * float64(n)))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// Mean returns the arithmetic mean of xs, 0 when empty.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Dist is a summary of a distribution of milliseconds.
type Dist struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean_ms"`
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
}

// Summarize sorts xs (in place) and summarizes it.
func Summarize(xs []float64) Dist {
	sort.Float64s(xs)
	if len(xs) == 0 {
		return Dist{}
	}
	return Dist{
		N:    len(xs),
		Mean: round3(Mean(xs)),
		P50:  round3(Percentile(xs, 50)),
		P90:  round3(Percentile(xs, 90)),
		P99:  round3(Percentile(xs, 99)),
		Max:  round3(xs[len(xs)-1]),
	}
}

// Ratio returns a/b, or NaN when b is not positive (reported as "n/a").
func Ratio(a, b float64) float64 {
	if b <= 0 || math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return a / b
}

// ParseServerTiming parses a Server-Timing header value such as
// `guard;dur=0.123, ratelimit;dur=0.050, provider;dur=0.412` into entry name →
// duration in milliseconds. Entries without a valid dur are left out;
// other parameters (desc=…) are ignored. Several header lines may be joined
// by commas beforehand.
func ParseServerTiming(v string) map[string]float64 {
	out := map[string]float64{}
	for _, entry := range strings.Split(v, ",") {
		parts := strings.Split(entry, ";")
		name := strings.TrimSpace(parts[0])
		if name == "" {
			continue
		}
		for _, p := range parts[1:] {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || strings.ToLower(strings.TrimSpace(k)) != "dur" {
				continue
			}
			val = strings.Trim(strings.TrimSpace(val), `"`)
			if d, err := strconv.ParseFloat(val, 64); err == nil && !math.IsNaN(d) && !math.IsInf(d, 0) {
				out[name] = d
			}
		}
	}
	return out
}

// ms converts a duration to float milliseconds.
func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func round3(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	return math.Round(x*1000) / 1000
}

// Slope returns the least-squares slope of ys over xs (units of y per unit
// of x), 0 with fewer than two distinct xs.
func Slope(xs, ys []float64) float64 {
	n := len(xs)
	if n < 2 || len(ys) != n {
		return 0
	}
	mx, my := Mean(xs), Mean(ys)
	var num, den float64
	for i := range xs {
		num += (xs[i] - mx) * (ys[i] - my)
		den += (xs[i] - mx) * (xs[i] - mx)
	}
	if den == 0 {
		return 0
	}
	return num / den
}
