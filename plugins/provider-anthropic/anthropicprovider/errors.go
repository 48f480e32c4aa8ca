package anthropicprovider

import (
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

// statusError classifies a non-2xx answer from the API.
func (p *Provider) statusError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var env errorEnvelope
	if json.Unmarshal(body, &env) != nil {
		env.Error = nil // an HTML page from a proxy, say: the status decides
	}
	return p.classify(resp.StatusCode, resp.Header, env.Error)
}

// classify turns an HTTP status (0 inside a stream), the answer's headers
// and Anthropic's error object (either may be missing) into a classified
// provider error with a message safe to show.
func (p *Provider) classify(status int, h http.Header, e *apiError) error {
	var typ, msg string
	if e != nil {
		typ, msg = e.Type, e.Message
	}
	if status == 0 {
		status = statusOf(typ)
	}
	if msg == "" {
		msg = fmt.Sprintf("upstream answered HTTP %d", status)
		if typ != "" {
			msg += " " + typ
		}
	}
	retry := provkit.RetryAfter(h, time.Now())
	return p.errorf(classOf(status, typ, msg), status, retry, typ, "%s", msg)
}

// classOf decides the error class: Anthropic's error type first, the HTTP
// status when the type settles nothing (docs.claude.com/en/api/errors).
func classOf(status int, typ, msg string) sdk.ErrorClass {
	switch typ {
	case "overloaded_error", "api_error":
		return sdk.ClassUpstream5xx
	case "rate_limit_error":
		return sdk.ClassRateLimited
	case "authentication_error", "permission_error":
		return sdk.ClassAuth
	case "billing_error":
		return sdk.ClassQuotaExhausted
	case "not_found_error":
		// The model (retired, misspelt, not on this account): another
		// provider may serve the request.
		return sdk.ClassModelUnavailable
	case "timeout_error":
		return sdk.ClassTimeout
	case "invalid_request_error":
		// An account out of credits is told so with a 400.
		if strings.Contains(strings.ToLower(msg), "credit balance") {
			return sdk.ClassQuotaExhausted
		}
		return sdk.ClassBadRequest
	case "request_too_large":
		return sdk.ClassBadRequest
	}
	return provkit.ClassForStatus(status)
}

// statusOf is the HTTP status Anthropic documents for an error type, for an
// error that arrives inside a stream (after the 200).
func statusOf(typ string) int {
	switch typ {
	case "invalid_request_error":
		return http.StatusBadRequest
	case "authentication_error":
		return http.StatusUnauthorized
	case "billing_error":
		return http.StatusPaymentRequired
	case "permission_error":
		return http.StatusForbidden
	case "not_found_error":
		return http.StatusNotFound
	case "request_too_large":
		return http.StatusRequestEntityTooLarge
	case "rate_limit_error":
		return http.StatusTooManyRequests
	case "timeout_error":
		return http.StatusGatewayTimeout
	case "overloaded_error":
		return statusOverloaded
	}
	return http.StatusInternalServerError
}

// statusOverloaded is Anthropic's "the API is temporarily overloaded".
const statusOverloaded = 529

// transportError classifies a failure to get or read an answer (see
// provkit.CallFailure); what says when it happened ("while streaming").
func (p *Provider) transportError(ctx, callCtx context.Context, err error, what string) error {
	return provkit.CallFailure(ctx, callCtx, err, p.timeout, "anthropic: ", what)
}
