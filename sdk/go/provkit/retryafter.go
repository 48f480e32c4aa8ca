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

// RateLimitReset says when to come back after a 429 that carries no
// Retry-After, from OpenAI-style x-ratelimit-reset-requests and
// x-ratelimit-reset-tokens ("1s", "6m0s", "20ms"; OpenAI, Groq): the reset of
// the window whose x-ratelimit-remaining-* is 0 (the budget that is spent),
// else the longest of the two; 0 when neither is set. Groq's request window
// is a day ("2m59.56s" is typical) while its token window is a minute, so
// waiting for the longest would wait for a budget that is not spent.
func RateLimitReset(h http.Header) time.Duration {
	var longest, spent time.Duration
	for _, w := range []string{"Requests", "Tokens"} {
		d, ok := ParseDuration(h.Get("X-Ratelimit-Reset-" + w))
		if !ok {
			continue
		}
		longest = max(longest, d)
		if strings.TrimSpace(h.Get("X-Ratelimit-Remaining-"+w)) == "0" {
			spent = max(spent, d)
		}
	}
	if spent > 0 {
		return spent
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
