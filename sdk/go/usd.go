package sdk

import (
	"fmt"
	"math/big"
	"strings"
)

// Money in llmgw is whole nano-USD (1e-9 USD) in an int64, so sums never
// drift; these two convert it to and from decimal USD text.

// FormatUSD writes nano-USD as a decimal USD amount without trailing zeros
// ("0.000025", "1.5", "0").
func FormatUSD(nanos int64) string {
	neg := nanos < 0
	if neg {
		nanos = -nanos
	}
	s := fmt.Sprintf("%d.%09d", nanos/1e9, nanos%1e9)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if neg {
		s = "-" + s
	}
	return s
}

// ParseUSD reads a decimal USD amount ("0.01") exactly into nano-USD.
func ParseUSD(s string) (int64, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok || r.Sign() < 0 {
		return 0, fmt.Errorf("want a decimal USD amount ≥ 0, got %q", s)
	}
	r.Mul(r, big.NewRat(1e9, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("%q: at most nine decimals", s)
	}
	return r.Num().Int64(), nil
}
