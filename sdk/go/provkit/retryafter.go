package provkit

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter caps any wait an upstream asks for: a longer one is read as
// this, which is still far past any request's deadline.
const MaxRetryAfter = 24 * time.Hour

// RetryAfter is how long an answer asks the caller to wait before trying
// again, 0 when it does not say: OpenAI's Retry-After-Ms (milliseconds), else
// Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3; a date in
// the past is 0). Fractional seconds are accepted, as some servers send them.
// now is the time the answer was received.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, ok := parseNumber(v); ok {
			return capWait(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, ok := parseNumber(v); ok {
		return capWait(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return capWait(float64(t.Sub(now)))
	}
	return 0
}

// RateLimitReset is the longest of OpenAI-style x-ratelimit-reset-requests
// and x-ratelimit-reset-tokens ("1s", "6m0s", "20ms"; OpenAI, Groq), 0 when
// neither is set. They say when a window refills, which is a fair wait on a
// 429 that carries no Retry-After.
func RateLimitReset(h http.Header) time.Duration {
	var longest time.Duration
	for _, k := range []string{"X-Ratelimit-Reset-Requests", "X-Ratelimit-Reset-Tokens"} {
		if d, ok := ParseDuration(h.Get(k)); ok && d > longest {
			longest = d
		}
	}
	return longest
}

// ParseDuration reads a duration an API writes as text: Go's form ("1.5s",
// "6m0s"), which is also google.protobuf.Duration's JSON form (RetryInfo's
// retryDelay, "47.43s"). Negative or unparseable values are not a duration;
// values over MaxRetryAfter are capped.
func ParseDuration(s string) (time.Duration, bool) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return 0, false
	}
	return min(d, MaxRetryAfter), true
}

// parseNumber reads a non-negative decimal number.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	if strings.ContainsAny(s, "xXpPeE") || strings.HasPrefix(s, "+") {
		return 0, false // hex, exponents and signs are not a delay
	}
	return f, true
}

func capWait(ns float64) time.Duration {
	if ns <= 0 {
		return 0
	}
	if ns >= float64(MaxRetryAfter) {
		return MaxRetryAfter
	}
	return time.Duration(ns)
}
