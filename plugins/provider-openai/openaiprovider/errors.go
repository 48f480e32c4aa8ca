package openaiprovider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit"
)

// upstreamError is the error object of an OpenAI-compatible API:
// {"error":{"message","type","param","code"}}. OpenRouter sends code as a
// number (the HTTP status), OpenAI as a string.
type upstreamError struct {
	Message json.RawMessage `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	// Param is the request field the error is about (null when none).
	Param *string `json:"param"`
	// OpenRouter's 403 moderation refusal names the flagged categories.
	Metadata *struct {
		Reasons []string `json:"reasons"`
	} `json:"metadata"`
}

// flagged reports an OpenRouter moderation refusal: a 403 whose metadata
// lists the reasons the input was flagged.
func (u *upstreamError) flagged() bool {
	return u != nil && u.Metadata != nil && len(u.Metadata.Reasons) > 0
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
	name   string            // the instance name, prefixed to every message
	redact *provkit.Redactor // applied to every message
}

// httpError classifies a non-2xx answer: its status, headers and body.
func (c *classifier) httpError(status int, header http.Header, body []byte) error {
	ue := parseErrorBody(body)
	code, _ := ue.code()
	msg := ue.message()
	if msg == "" {
		msg = bareErrorMessage(body)
	}
	if msg == "" {
		msg = fmt.Sprintf("upstream returned HTTP %d", status)
	}
	class := classForStatus(status, code, ue.typ())
	if status == http.StatusForbidden && ue.flagged() {
		// OpenRouter: "… requires moderation … Your input was flagged": a
		// judgement on this input, never the provider's failure.
		class, code = sdk.ClassContentFilter, "content_filter"
	}
	return sdk.WithParam(c.fail(class, status, retryAfter(header, status), upstreamCode(code, ue.typ()), msg), ue.param())
}

// param is the request field the error names, "" when none.
func (u *upstreamError) param() string {
	if u == nil || u.Param == nil || len(*u.Param) > 128 {
		return ""
	}
	return *u.Param
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

// classForStatus maps an HTTP status and the upstream's code to a class:
// what the OpenAI-style body settles (a content filter, a 429 that is an
// exhausted quota), else the kit's status table.
func classForStatus(status int, code, typ string) sdk.ErrorClass {
	switch {
	case isContentFilterCode(code):
		return sdk.ClassContentFilter
	case status == http.StatusTooManyRequests && (code == "insufficient_quota" || typ == "insufficient_quota"):
		return sdk.ClassQuotaExhausted
	case status == http.StatusRequestEntityTooLarge && isRateLimitCode(code):
		// Groq: "Request too large … on tokens per minute": over this
		// account's per-minute budget, which another provider does not share.
		return sdk.ClassRateLimited
	}
	return provkit.ClassForStatus(status)
}

// classForCode maps an error code without an HTTP status (a mid-stream error
// such as {"code":"server_error"}) to a class. Unknown codes are the
// upstream's failure, not the caller's.
func classForCode(code, typ string) sdk.ErrorClass {
	for _, s := range []string{code, typ} {
		switch {
		case s == "insufficient_quota":
			return sdk.ClassQuotaExhausted
		case isRateLimitCode(s) || s == "tokens" || s == "requests":
			return sdk.ClassRateLimited
		case s == "invalid_api_key" || s == "authentication_error" || s == "permission_error":
			return sdk.ClassAuth
		case isContentFilterCode(s):
			return sdk.ClassContentFilter
		case s == "model_not_found":
			return sdk.ClassModelUnavailable
		case s == "context_length_exceeded" || s == "invalid_request_error":
			return sdk.ClassBadRequest
		case s == "timeout":
			return sdk.ClassTimeout
		}
	}
	return sdk.ClassUpstream5xx
}

func isRateLimitCode(code string) bool {
	return code == "rate_limit_exceeded" || code == "rate_limit_error"
}

func isContentFilterCode(code string) bool {
	return code == "content_filter" || code == "content_policy_violation"
}

// retryAfter reads how long the upstream asks to wait: Retry-After-Ms or
// Retry-After, else, on a 429 only, when OpenAI's rate-limit windows reset.
func retryAfter(h http.Header, status int) time.Duration {
	if d := provkit.RetryAfter(h, time.Now()); d > 0 || status != http.StatusTooManyRequests {
		return d
	}
	return provkit.RateLimitReset(h)
}

// fail builds a classified error with a safe message.
func (c *classifier) fail(class sdk.ErrorClass, status int, after time.Duration, code, msg string) error {
	return sdk.Fail(class, status, after, c.redact.Message(code), c.name+": "+c.redact.Message(msg))
}

// transportError classifies a failure to talk to the upstream at all. The
// Go error text is not used in the message: it carries the request URL.
func (c *classifier) transportError(ctx context.Context, err error) error {
	class, msg := provkit.ClassifyTransport(ctx, err)
	return c.fail(class, 0, 0, "", msg)
}
