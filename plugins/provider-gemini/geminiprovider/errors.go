package geminiprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit"
)

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// statusError classifies a non-2xx answer from the API.
func (p *Provider) statusError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := parseAPIError(body)
	return p.classify(resp.StatusCode, e, retryAfter(resp.Header, e))
}

// parseAPIError reads Google's error body. It also accepts the JSON-array
// form that a stream without alt=sse answers with. nil when the body is not
// an error object (an HTML page from a proxy, say).
func parseAPIError(body []byte) *apiError {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var list []errorEnvelope
		if json.Unmarshal(body, &list) == nil && len(list) > 0 {
			return list[0].Error
		}
		return nil
	}
	var env errorEnvelope
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	return env.Error
}

// classify turns an HTTP status and Google's error object (either may be
// missing) into a classified provider error with a message safe to show.
func (p *Provider) classify(httpStatus int, e *apiError, retry time.Duration) error {
	var gStatus, msg string
	if e != nil {
		gStatus, msg = e.Status, e.Message
		if httpStatus == 0 || httpStatus == http.StatusOK {
			httpStatus = e.Code
		}
	}
	msg = p.redact.Message(msg)
	switch {
	case msg == "" && gStatus != "":
		msg = fmt.Sprintf("upstream answered HTTP %d %s", httpStatus, gStatus)
	case msg == "":
		msg = fmt.Sprintf("upstream answered HTTP %d", httpStatus)
	}
	return sdk.Fail(classOf(httpStatus, gStatus, e, retry), httpStatus, retry, gStatus, "gemini: "+msg)
}

// classOf decides the error class: Google's canonical status first, the HTTP
// status when there is none.
func classOf(httpStatus int, gStatus string, e *apiError, retry time.Duration) sdk.ErrorClass {
	switch gStatus {
	case "INVALID_ARGUMENT":
		// An invalid or expired key is a 400 INVALID_ARGUMENT with an
		// ErrorInfo reason API_KEY_*; it is this provider's credentials, not
		// the caller's request, so the next provider may still answer.
		if keyProblem(e) {
			return sdk.ClassAuth
		}
		return sdk.ClassBadRequest
	case "FAILED_PRECONDITION":
		// "User location is not supported", "free tier not available in
		// your country, enable billing": this account cannot serve, another
		// provider can.
		if strings.Contains(strings.ToLower(e.Message), "billing") {
			return sdk.ClassQuotaExhausted
		}
		return sdk.ClassAuth
	case "NOT_FOUND":
		// "models/X is not found for API version v1beta": a model this
		// provider does not serve; another may.
		return sdk.ClassModelUnavailable
	case "OUT_OF_RANGE", "UNIMPLEMENTED", "ALREADY_EXISTS":
		return sdk.ClassBadRequest
	case "UNAUTHENTICATED", "PERMISSION_DENIED":
		return sdk.ClassAuth
	case "RESOURCE_EXHAUSTED":
		if httpStatus == http.StatusPaymentRequired {
			// "Your prepaid credit balance is depleted": billing, not a rate.
			return sdk.ClassQuotaExhausted
		}
		return rateClass(e, retry)
	case "DEADLINE_EXCEEDED":
		return sdk.ClassTimeout
	case "INTERNAL", "UNAVAILABLE", "UNKNOWN", "ABORTED", "DATA_LOSS", "CANCELLED":
		return sdk.ClassUpstream5xx
	}
	if httpStatus == http.StatusTooManyRequests {
		return rateClass(e, retry)
	}
	return provkit.ClassForStatus(httpStatus)
}

// keyProblem reports whether a 400 is about the API key.
func keyProblem(e *apiError) bool {
	if e == nil {
		return false
	}
	for _, d := range e.Details {
		if strings.HasPrefix(d.Reason, "API_KEY_") {
			return true
		}
	}
	return strings.Contains(e.Message, "API key")
}

// rateClass tells a short-term rate limit (retry soon, or elsewhere) from an
// exhausted quota (a daily limit, or billing: retrying will not help today).
func rateClass(e *apiError, retry time.Duration) sdk.ErrorClass {
	if e == nil {
		return sdk.ClassRateLimited
	}
	for _, d := range e.Details {
		for _, v := range d.Violations {
			if strings.Contains(v.QuotaID, "PerDay") {
				return sdk.ClassQuotaExhausted
			}
		}
	}
	if retry == 0 {
		m := strings.ToLower(e.Message)
		if strings.Contains(m, "billing") || strings.Contains(m, "exceeded your current quota") ||
			strings.Contains(m, "quota exceeded") || strings.Contains(m, "credits") {
			return sdk.ClassQuotaExhausted
		}
	}
	return sdk.ClassRateLimited
}

// retryAfter reads the Retry-After header (seconds or an HTTP date), or else
// a google.rpc.RetryInfo detail's retryDelay ("1s", "0.5s", "47.43s").
func retryAfter(h http.Header, e *apiError) time.Duration {
	if d := provkit.RetryAfter(h, time.Now()); d > 0 || e == nil {
		return d
	}
	for _, d := range e.Details {
		if !strings.HasSuffix(d.Type, "google.rpc.RetryInfo") {
			continue
		}
		if v, ok := provkit.ParseDuration(d.RetryDelay); ok && v > 0 {
			return v
		}
	}
	return 0
}

// transportError classifies a failure to get or read an answer (see
// provkit.CallFailure); what says when it happened ("while streaming").
func (p *Provider) transportError(ctx, callCtx context.Context, err error, what string) error {
	return provkit.CallFailure(ctx, callCtx, err, p.timeout, "gemini: ", what)
}
