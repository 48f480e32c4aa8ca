package sdk

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// FormatUSD writes what the decimal formatting it replaced wrote.
func TestFormatUSDMatchesDecimalText(t *testing.T) {
	want := func(n int64) string {
		neg := n < 0
		u := uint64(n)
		if neg {
			u = -u
		}
		s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%09d", u/1e9, u%1e9), "0"), ".")
		if neg {
			s = "-" + s
		}
		return s
	}
	for _, n := range []int64{0, 1, 9, 10, 25, 435_000, 52_500, 1e9, 1_500_000_000, 25e9, 123_456_789_012, -5, -1_500_000_000, math.MaxInt64, math.MinInt64} {
		if got := FormatUSD(n); got != want(n) {
			t.Errorf("FormatUSD(%d) = %q, want %q", n, got, want(n))
		}
	}
	for n, s := range map[int64]string{0: "0", 25_000: "0.000025", 1_500_000_000: "1.5", -5: "-0.000000005"} {
		if got := FormatUSD(n); got != s {
			t.Errorf("FormatUSD(%d) = %q, want %q", n, got, s)
		}
	}
}

func BenchmarkFormatUSD(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = FormatUSD(52_500)
	}
}
