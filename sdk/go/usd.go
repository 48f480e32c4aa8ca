package sdk

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Money in llmgw is whole nano-USD (1e-9 USD) in an int64, so sums never
// drift; these two convert it to and from decimal USD text.

// FormatUSD writes nano-USD as a decimal USD amount without trailing zeros
// ("0.000025", "1.5", "0").
func FormatUSD(nanos int64) string {
	// By hand into a stack buffer: it runs several times per request (the
	// answer's header, metrics, the event), where fmt cost allocations.
	var buf [32]byte
	b := buf[:0]
	u := uint64(nanos)
	if nanos < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/1e9, 10)
	if frac := u % 1e9; frac != 0 {
		var digits [9]byte
		for i := len(digits) - 1; i >= 0; i-- {
			digits[i] = byte('0' + frac%10)
			frac /= 10
		}
		n := len(digits)
		for digits[n-1] == '0' {
			n--
		}
		b = append(append(b, '.'), digits[:n]...)
	}
	return string(b)
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
