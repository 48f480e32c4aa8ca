package openaiprovider

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// maxMessageLen bounds the upstream text copied into an error message.
const maxMessageLen = 300

// upstreamError is the error object of an OpenAI-compatible API:
// {"error":{"message","type","param","code"}}. OpenRouter sends code as a
// number (the HTTP status), OpenAI as a string.
type upstreamError struct {
	Message json.RawMessage `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
}

// errorEnvelope is a body, or a stream event, that may carry an error.
type errorEnvelope struct {
	Error *upstreamError `json:"error"`
}

// message returns the error's text. A few servers send a list of strings.
func (u *upstreamError) message() string {
	if u == nil || len(u.Message) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(u.Message, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(u.Message, &list) == nil {
		return strings.Join(list, ", ")
	}
	return ""
}

// code returns the error's code as text and, when it is a number, as an int.
func (u *upstreamError) code() (string, int) {
	if u == nil || len(u.Code) == 0 || string(u.Code) == "null" {
		return "", 0
	}
	var n int
	if json.Unmarshal(u.Code, &n) == nil {
		return strconv.Itoa(n), n
	}
	var s string
	if json.Unmarshal(u.Code, &s) == nil {
		if n, err := strconv.Atoi(s); err == nil {
			return s, n
		}
		return s, 0
	}
	return "", 0
}

// parseErrorBody extracts the error object of a body, nil when there is none.
func parseErrorBody(body []byte) *upstreamError {
	var env errorEnvelope
	if json.Unmarshal(body, &env) != nil || env.Error == nil {
		return nil
	}
	return env.Error
}

// classifier turns upstream failures into classified, safe provider errors
// for one instance.
type classifier struct {
	name   string // the instance name, prefixed to every message
	apiKey string // redacted from every message
}

// httpError classifies a non-2xx answer: its status, headers and body.
func (c *classifier) httpError(status int, header http.Header, body []byte) error {
	ue := parseErrorBody(body)
	code, _ := ue.code()
	msg := ue.message()
	if msg == "" {
		msg = fmt.Sprintf("upstream returned HTTP %d", status)
	}
	return c.fail(classForStatus(status, code, ue.typ()), status, retryAfter(header, status), upstreamCode(code, ue.typ()), msg)
}

// embeddedError classifies an error sent inside a 200 answer (OpenRouter's
// {"error":{"code":502,…}} body or stream event, OpenAI's mid-stream error).
func (c *classifier) embeddedError(httpStatus int, header http.Header, ue *upstreamError) error {
	code, n := ue.code()
	status := httpStatus
	if n >= 400 && n <= 599 {
		status = n
	}
	class := classForStatus(status, code, ue.typ())
	if status < 400 {
		class = classForCode(code, ue.typ())
	}
	msg := ue.message()
	if msg == "" {
		msg = "upstream reported an error"
	}
	return c.fail(class, status, retryAfter(header, status), upstreamCode(code, ue.typ()), msg)
}

func (u *upstreamError) typ() string {
	if u == nil {
		return ""
	}
	return u.Type
}

func upstreamCode(code, typ string) string {
	if code != "" {
		return code
	}
	return typ
}

// classForStatus maps an HTTP status (and the upstream's code) to a class.
func classForStatus(status int, code, typ string) sdk.ErrorClass {
	if isContentFilterCode(code) {
		return sdk.ClassContentFilter
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return sdk.ClassAuth
	case status == http.StatusPaymentRequired:
		return sdk.ClassQuotaExhausted
	case status == http.StatusTooManyRequests:
		if code == "insufficient_quota" || typ == "insufficient_quota" {
			return sdk.ClassQuotaExhausted
		}
		return sdk.ClassRateLimited
	case status == http.StatusRequestTimeout:
		return sdk.ClassTimeout
	case status >= 400 && status < 500:
		return sdk.ClassBadRequest
	default:
		return sdk.ClassUpstream5xx
	}
}

// classForCode maps an error code without an HTTP status (a mid-stream error
// such as {"code":"server_error"}) to a class. Unknown codes are the
// upstream's failure, not the caller's.
func classForCode(code, typ string) sdk.ErrorClass {
	for _, s := range []string{code, typ} {
		switch {
		case s == "insufficient_quota":
			return sdk.ClassQuotaExhausted
		case s == "rate_limit_exceeded" || s == "rate_limit_error" || s == "tokens" || s == "requests":
			return sdk.ClassRateLimited
		case s == "invalid_api_key" || s == "authentication_error" || s == "permission_error":
			return sdk.ClassAuth
		case isContentFilterCode(s):
			return sdk.ClassContentFilter
		case s == "context_length_exceeded" || s == "invalid_request_error" || s == "model_not_found":
			return sdk.ClassBadRequest
		case s == "timeout":
			return sdk.ClassTimeout
		}
	}
	return sdk.ClassUpstream5xx
}

func isContentFilterCode(code string) bool {
	return code == "content_filter" || code == "content_policy_violation"
}

// retryAfter reads how long the upstream asks to wait: retry-after-ms
// (OpenAI), then Retry-After (seconds or an HTTP date), then, on a 429
// only, OpenAI's x-ratelimit-reset-requests/-tokens durations.
func retryAfter(h http.Header, status int) time.Duration {
	if h == nil {
		return 0
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e9 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil {
			if secs > 0 && secs < 1e6 {
				return time.Duration(secs * float64(time.Second))
			}
			return 0
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := time.Until(t); d > 0 {
				return d
			}
			return 0
		}
	}
	if status == http.StatusTooManyRequests {
		var longest time.Duration
		for _, k := range []string{"X-Ratelimit-Reset-Requests", "X-Ratelimit-Reset-Tokens"} {
			if d, err := time.ParseDuration(strings.TrimSpace(h.Get(k))); err == nil && d > longest {
				longest = d
			}
		}
		return longest
	}
	return 0
}

// fail builds a classified error with a safe message.
func (c *classifier) fail(class sdk.ErrorClass, status int, after time.Duration, code, msg string) error {
	return sdk.Fail(class, status, after, c.sanitize(code), c.name+": "+c.sanitize(msg))
}

// transportError classifies a failure to talk to the upstream at all. The
// Go error text is not used in the message: it carries the request URL.
func (c *classifier) transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return c.fail(sdk.ClassTimeout, 0, 0, "", "upstream did not answer before the deadline")
		}
		return c.fail(sdk.ClassTimeout, 0, 0, "", "request canceled")
	}
	var netErr net.Error
	var dnsErr *net.DNSError
	var tlsErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr):
		return c.fail(sdk.ClassTransport, 0, 0, "", "cannot resolve the upstream host")
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return c.fail(sdk.ClassTimeout, 0, 0, "", "upstream timed out")
	case errors.Is(err, syscall.ECONNREFUSED):
		return c.fail(sdk.ClassTransport, 0, 0, "", "upstream refused the connection")
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return c.fail(sdk.ClassTransport, 0, 0, "", "upstream reset the connection")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return c.fail(sdk.ClassTransport, 0, 0, "", "upstream closed the connection early")
	case errors.As(err, &tlsErr), errors.As(err, &recErr):
		return c.fail(sdk.ClassTransport, 0, 0, "", "TLS handshake with the upstream failed")
	}
	return c.fail(sdk.ClassTransport, 0, 0, "", "upstream request failed")
}

var (
	bearerPattern = regexp.MustCompile(`(?i)\bbearer\s+[^\s"',]+`)
	keyPattern    = regexp.MustCompile(`\b(sk|gsk|rk|sess)[-_][A-Za-z0-9_\-*.]{6,}`)
	urlPattern    = regexp.MustCompile(`(?i)\bhttps?://[^\s"'<>]+`)
)

// sanitize makes upstream text safe to show: the configured key, bearer
// tokens and key-looking strings are redacted, URLs lose their credentials
// and query strings, and the text is bounded.
func (c *classifier) sanitize(s string) string {
	if s == "" {
		return s
	}
	if c.apiKey != "" {
		s = strings.ReplaceAll(s, c.apiKey, "[redacted]")
	}
	s = bearerPattern.ReplaceAllString(s, "Bearer [redacted]")
	s = keyPattern.ReplaceAllString(s, "$1-[redacted]")
	s = urlPattern.ReplaceAllStringFunc(s, safeURL)
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// safeURL drops a URL's user info, query and fragment.
func safeURL(raw string) string {
	i := strings.Index(raw, "://") + 3
	scheme, rest := raw[:i], raw[i:]
	if j := strings.IndexAny(rest, "?#"); j >= 0 {
		rest = rest[:j]
	}
	host := rest
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		host = rest[:j]
	}
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + rest
}
