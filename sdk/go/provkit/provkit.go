// Package provkit is what every llmgw provider plugin needs around its
// upstream's HTTP API, done once so that all providers agree: the error class
// of an HTTP status or a transport failure, the wait an answer asks for
// (Retry-After and its relatives), and a redactor that keeps API keys out of
// every message and log line. Server-sent event streams are read with the sse
// subpackage.
//
// # Error classes
//
// ClassForStatus and ClassifyTransport decide the class of a failure from what
// every HTTP API shares. A provider parses its upstream's error body on top
// (an OpenAI "insufficient_quota" code on a 429, Google's canonical status)
// and falls back to these for everything its body does not settle:
//
//	HTTP status or failure                    class
//	401, 403                                  auth
//	402                                       quota_exhausted
//	404                                       model_unavailable
//	413 with a rate-limit code (Groq TPM)     rate_limited (decided by the provider's body)
//	498 (Groq flex capacity)                  upstream_5xx
//	408, 504, 524                             timeout
//	429                                       rate_limited
//	any other 4xx                             bad_request
//	500, 502, 503, any other 5xx              upstream_5xx
//	any other non-2xx (1xx, 3xx, unknown)     upstream_5xx
//	the call's deadline, a network timeout    timeout
//	the caller canceled                       timeout (the host tells a client's disconnect apart)
//	DNS, refused, reset, early EOF, TLS, …    transport
//
// The router falls back to the next provider on every class but bad_request,
// and retries rate_limited, upstream_5xx, timeout and transport. A 404 on a
// chat endpoint is the model (retired, unknown, no endpoint for it): another
// provider may serve it, this one will not, so it is model_unavailable —
// fallback without retry, and no breaker failure.
// A 504 is a timeout, not upstream_5xx: a gateway in front of the model gave
// up waiting, as Google's DEADLINE_EXCEEDED (which it sends with 504) says.
package provkit

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// ClassForStatus is the class of a failed call from its HTTP status alone
// (see the package documentation for the table). It is meant for non-2xx
// statuses; a 2xx gives upstream_5xx, as for any answer that is not one.
func ClassForStatus(status int) sdk.ErrorClass {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return sdk.ClassAuth
	case status == http.StatusPaymentRequired:
		return sdk.ClassQuotaExhausted
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout || status == statusCloudflareTimeout:
		return sdk.ClassTimeout
	case status == http.StatusTooManyRequests:
		return sdk.ClassRateLimited
	case status == http.StatusNotFound:
		return sdk.ClassModelUnavailable
	case status == statusGroqCapacity:
		return sdk.ClassUpstream5xx
	case status >= 400 && status < 500:
		return sdk.ClassBadRequest
	}
	return sdk.ClassUpstream5xx
}

// statusGroqCapacity is Groq's "flex tier capacity exceeded": the provider
// is busy, not the request wrong.
const statusGroqCapacity = 498

// statusCloudflareTimeout is Cloudflare's "a timeout occurred": the origin
// behind it (OpenRouter, Groq, …) did not answer in time.
const statusCloudflareTimeout = 524

// ClassifyTransport classes an error from sending a request or reading its
// answer (anything but an HTTP status) and describes it in words that are
// safe to show: never the Go error's text, which carries the request URL and
// so, for some APIs, the key. ctx is the call's context.
func ClassifyTransport(ctx context.Context, err error) (sdk.ErrorClass, string) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return sdk.ClassTimeout, "upstream did not answer before the deadline"
		}
		return sdk.ClassTimeout, "request canceled"
	}
	var (
		netErr net.Error
		dnsErr *net.DNSError
		tlsErr *tls.CertificateVerificationError
		recErr tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &dnsErr):
		return sdk.ClassTransport, "cannot resolve the upstream host"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return sdk.ClassTimeout, "upstream timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		return sdk.ClassTransport, "upstream refused the connection"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return sdk.ClassTransport, "upstream reset the connection"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return sdk.ClassTransport, "upstream closed the connection early"
	case errors.As(err, &tlsErr), errors.As(err, &recErr):
		return sdk.ClassTransport, "TLS handshake with the upstream failed"
	case errors.Is(err, context.Canceled):
		return sdk.ClassTimeout, "request canceled"
	}
	return sdk.ClassTransport, "upstream request failed"
}
