package provkit

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func TestClassForStatus(t *testing.T) {
	cases := map[int]sdk.ErrorClass{
		404: sdk.ClassModelUnavailable, 498: sdk.ClassUpstream5xx,
		400: sdk.ClassBadRequest, 409: sdk.ClassBadRequest, 413: sdk.ClassBadRequest, 422: sdk.ClassBadRequest,
		401: sdk.ClassAuth, 403: sdk.ClassAuth,
		402: sdk.ClassQuotaExhausted,
		408: sdk.ClassTimeout, 504: sdk.ClassTimeout, 524: sdk.ClassTimeout,
		429: sdk.ClassRateLimited,
		500: sdk.ClassUpstream5xx, 502: sdk.ClassUpstream5xx, 503: sdk.ClassUpstream5xx, 529: sdk.ClassUpstream5xx, 599: sdk.ClassUpstream5xx,
		0: sdk.ClassUpstream5xx, 101: sdk.ClassUpstream5xx, 302: sdk.ClassUpstream5xx, 600: sdk.ClassUpstream5xx, 200: sdk.ClassUpstream5xx,
	}
	for status, want := range cases {
		if got := ClassForStatus(status); got != want {
			t.Errorf("ClassForStatus(%d) = %s, want %s", status, sdk.ClassName(got), sdk.ClassName(want))
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassifyTransport(t *testing.T) {
	const secretURL = "https://api.example.com/v1/x?key=AIzaSECRETSECRETSECRETSECRET"
	wrap := func(err error) error { return &url.Error{Op: "Post", URL: secretURL, Err: err} }
	cases := []struct {
		name  string
		err   error
		class sdk.ErrorClass
		msg   string
	}{
		{"dns", wrap(&net.DNSError{Err: "no such host", Name: "api.example.com", IsNotFound: true}), sdk.ClassTransport, "cannot resolve"},
		{"refused", wrap(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), sdk.ClassTransport, "refused"},
		{"reset", wrap(syscall.ECONNRESET), sdk.ClassTransport, "reset"},
		{"broken pipe", wrap(syscall.EPIPE), sdk.ClassTransport, "reset"},
		{"early eof", wrap(io.ErrUnexpectedEOF), sdk.ClassTransport, "closed the connection early"},
		{"eof", io.EOF, sdk.ClassTransport, "closed the connection early"},
		{"net timeout", wrap(timeoutErr{}), sdk.ClassTimeout, "timed out"},
		{"deadline in the error", wrap(context.DeadlineExceeded), sdk.ClassTimeout, "timed out"},
		{"tls", wrap(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), sdk.ClassTransport, "TLS"},
		{"tls verify", wrap(&tls.CertificateVerificationError{Err: errors.New("x509: unknown authority")}), sdk.ClassTransport, "TLS"},
		{"canceled in the error", wrap(context.Canceled), sdk.ClassTimeout, "canceled"},
		{"other", wrap(errors.New("something " + secretURL)), sdk.ClassTransport, "upstream request failed"},
	}
	for _, tc := range cases {
		class, msg := ClassifyTransport(context.Background(), tc.err)
		if class != tc.class || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: %s %q, want %s %q", tc.name, sdk.ClassName(class), msg, sdk.ClassName(tc.class), tc.msg)
		}
		if strings.Contains(msg, "AIza") || strings.Contains(msg, "example.com") {
			t.Errorf("%s: the message leaks the URL: %q", tc.name, msg)
		}
	}

	// The call's context decides first, whatever the error says.
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if class, msg := ClassifyTransport(ctx, wrap(syscall.ECONNRESET)); class != sdk.ClassTimeout || !strings.Contains(msg, "deadline") {
		t.Errorf("deadline: %s %q", sdk.ClassName(class), msg)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if class, msg := ClassifyTransport(ctx, wrap(io.EOF)); class != sdk.ClassTimeout || msg != "request canceled" {
		t.Errorf("canceled: %s %q", sdk.ClassName(class), msg)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	cases := []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"none", h(), 0},
		{"nil", nil, 0},
		{"delta seconds", h("Retry-After", "7"), 7 * time.Second},
		{"padded", h("Retry-After", " 2 "), 2 * time.Second},
		{"fraction", h("Retry-After", "1.5"), 1500 * time.Millisecond},
		{"zero", h("Retry-After", "0"), 0},
		{"negative", h("Retry-After", "-3"), 0},
		{"http date", h("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), 90 * time.Second},
		{"rfc 850 date", h("Retry-After", now.Add(time.Minute).Format("Monday, 02-Jan-06 15:04:05 GMT")), time.Minute},
		{"asctime date", h("Retry-After", now.Add(time.Hour).Format(time.ANSIC)), time.Hour},
		{"date in the past", h("Retry-After", now.Add(-time.Minute).Format(http.TimeFormat)), 0},
		{"garbage", h("Retry-After", "soon"), 0},
		{"hex is not seconds", h("Retry-After", "0x10"), 0},
		{"exponent is not seconds", h("Retry-After", "1e3"), 0},
		{"nan", h("Retry-After", "NaN"), 0},
		{"infinity", h("Retry-After", "Inf"), 0},
		{"huge is capped", h("Retry-After", "99999999999"), MaxRetryAfter},
		{"ms first", h("Retry-After-Ms", "250", "Retry-After", "1"), 250 * time.Millisecond},
		{"bad ms falls back", h("Retry-After-Ms", "x", "Retry-After", "1"), time.Second},
	}
	for _, tc := range cases {
		if got := RetryAfter(tc.h, now); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRateLimitReset(t *testing.T) {
	h := http.Header{}
	if got := RateLimitReset(h); got != 0 {
		t.Fatalf("none: %v", got)
	}
	h.Set("X-Ratelimit-Reset-Requests", "1s")
	h.Set("X-Ratelimit-Reset-Tokens", "6m0s")
	if got := RateLimitReset(h); got != 6*time.Minute {
		t.Fatalf("longest: %v", got)
	}
	h.Set("X-Ratelimit-Reset-Tokens", "bogus")
	if got := RateLimitReset(h); got != time.Second {
		t.Fatalf("bad one skipped: %v", got)
	}
	// The spent window decides, not the longest (Groq: a daily request
	// window resetting in minutes, a token window of a minute).
	h.Set("X-Ratelimit-Reset-Requests", "2m59.56s")
	h.Set("X-Ratelimit-Reset-Tokens", "7.66s")
	h.Set("X-Ratelimit-Remaining-Requests", "14370")
	h.Set("X-Ratelimit-Remaining-Tokens", "0")
	if got := RateLimitReset(h); got != 7660*time.Millisecond {
		t.Fatalf("spent window: %v", got)
	}
	h.Set("X-Ratelimit-Remaining-Tokens", "12")
	if got := RateLimitReset(h); got != 2*time.Minute+59560*time.Millisecond {
		t.Fatalf("none spent, longest: %v", got)
	}
}

func TestParseDuration(t *testing.T) {
	cases := map[string]time.Duration{"1s": time.Second, "1.5s": 1500 * time.Millisecond, "47.43s": 47430 * time.Millisecond, " 0s ": 0, "2m59.56s": 2*time.Minute + 59560*time.Millisecond, "100000h": MaxRetryAfter}
	for in, want := range cases {
		if got, ok := ParseDuration(in); !ok || got != want {
			t.Errorf("ParseDuration(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "1", "-1s", "soon"} {
		if _, ok := ParseDuration(in); ok {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}

func TestRedactor(t *testing.T) {
	r := NewRedactor("my-very-secret-key", "", "  ")
	cases := map[string]string{
		"key my-very-secret-key here":                                   "key [redacted] here",
		"Authorization: Bearer abc.def-ghi":                             "Authorization: Bearer [redacted]",
		"authorization: bearer abc":                                     "authorization: Bearer [redacted]",
		"Authorization: Basic dXNlcjpwYXNzd29yZA==":                     "Authorization: Basic [redacted]",
		"see https://api.example.com/v1/x?key=AIza123&alt=sse":          "see https://api.example.com/v1/x",
		"at http://u:p@host:8080/path#frag":                             "at http://host:8080/path",
		"token sk-proj-abcdefghijklmnop":                                "token sk-[redacted]",
		"openrouter sk-or-v1-0123456789abcdef":                          "openrouter sk-[redacted]",
		"groq gsk_abcdefghijklmnop1234":                                 "groq gsk-[redacted]",
		"xai xai-abcdefghijklmnop":                                      "xai xai-[redacted]",
		"API key not valid: AIzaSyA1234567890abcdefghijklmnopqrstuv.":   "API key not valid: [redacted].",
		"x-goog-api-key: AIzaSyA1234567890abcdefghijklmnopqrstuv":       "x-goog-api-key: [redacted]",
		`{"api_key": "plain-secret-value"}`:                             `{"api_key": "[redacted]"}`,
		"X-Api-Key=abcdef123":                                           "X-Api-Key=[redacted]",
		"request with key=abc123&alt=sse failed":                        "request with key=[redacted]&alt=sse failed",
		"access_token=ya29.a0AfH6SMB":                                   "access_token=[redacted]",
		"line\nbreak\x01":                                               "line break",
		"  many   spaces\r\n\tand tabs ":                                "many spaces and tabs",
		"nothing secret: model gpt-4o not found (skip the sky-blue...)": "nothing secret: model gpt-4o not found (skip the sky-blue...)",
	}
	for in, want := range cases {
		if got := r.Message(in); got != want {
			t.Errorf("Message(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("é", 400)
	if got := r.Message(long); len(got) > MaxMessage+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "é") {
		t.Errorf("long message not bounded on a character: %d bytes", len(got))
	}
	// The zero Redactor still removes keys by their shape.
	var zero *Redactor
	if got := zero.Message("Bearer sk-abcdefghijkl"); got != "Bearer [redacted]" {
		t.Errorf("nil redactor: %q", got)
	}
	// A secret containing another is removed whole.
	r2 := NewRedactor("abc", "abcdefgh")
	if got := r2.Redact("x abcdefgh y"); got != "x [redacted] y" {
		t.Errorf("nested secrets: %q", got)
	}
}

func TestSafeURL(t *testing.T) {
	cases := map[string]string{
		"https://generativelanguage.googleapis.com/v1beta/models/x:streamGenerateContent?alt=sse&key=AIza": "https://generativelanguage.googleapis.com/v1beta/models/x:streamGenerateContent",
		"http://user:pass@localhost:8080/v1": "http://localhost:8080/v1",
		"http://host/path@notuser?x=1":       "http://host/path@notuser",
		"not a url":                          "not a url",
	}
	for in, want := range cases {
		if got := SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// ExampleRedactor shows a provider's use: the configured key and anything
// shaped like a key are gone from an upstream message before it is shown.
func ExampleRedactor() {
	r := NewRedactor("my-key-123456")
	fmt.Println(r.Message("invalid key my-key-123456 for https://api.example.com/v1?key=my-key-123456"))
	// Output: invalid key [redacted] for https://api.example.com/v1
}
