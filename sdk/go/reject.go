package sdk

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Error types a stage's rejection may carry (the error JSON's `type`,
// docs/writing-plugins.md "Rejections"), each with the statuses it goes with.
const (
	// TypeInvalidRequest goes with any 4xx status except 401, 403 and 429.
	TypeInvalidRequest = "invalid_request_error"
	// TypeAuthentication goes with 401.
	TypeAuthentication = "authentication_error"
	// TypePermission goes with 403.
	TypePermission = "permission_error"
	// TypeRateLimit goes with 429 (set RetryAfter).
	TypeRateLimit = "rate_limit_error"
	// TypeServiceUnavailable goes with 503, for a stage that cannot decide
	// and refuses rather than let the request through (fail closed).
	TypeServiceUnavailable = "service_unavailable"
)

// Rejection is a stage's refusal of a request, built with named fields so
// that no two strings can be swapped by accident:
//
//	return sdk.Rejection{
//		Status:   400,
//		Type:     sdk.TypeInvalidRequest,
//		Code:     "pii_detected",
//		Message:  "the prompt contains an email address",
//		Param:    "messages",
//		Category: "pii",
//	}.Response(), nil
//
// The client gets Status and the error JSON
// {"error":{"message","type","code","param","request_id"}}; Code and
// Category also label the gateway's metrics. Validate states the rules; the
// sdktest harness and `llmgw plugin check` fail a rejection that breaks them.
type Rejection struct {
	// Status is the HTTP status: a 4xx, or 503.
	Status int
	// Type is the error type; empty means the type of Status
	// (TypeForStatus).
	Type string
	// Code is the machine-readable reason in lower snake_case, a fixed
	// string per reason (e.g. "pii_detected"); it is a metric label.
	Code string
	// Message is shown to the client and logged: say what was wrong, never
	// the secret or personal data that was found.
	Message string
	// Param names the request field at fault ("messages", "prompt",
	// "model"); empty shows as "param": null.
	Param string
	// Category groups refusals in /security-metrics and labels /metrics
	// ("pii", "injection", "validation", "rate_limit", …), lower snake_case.
	Category string
	// RetryAfter becomes the Retry-After header (whole seconds, rounded
	// up); only with 429 or 503.
	RetryAfter time.Duration
	// Counter is the /security-metrics counter the refusal adds to besides
	// blocked_requests and its category (CountValidation,
	// CountPromptInjection, CountRateLimit); unset means CounterFor(Category).
	// The host never guesses it from the code or the plugin's name.
	Counter SecurityCounter
}

// Response returns the stage answer that refuses the request. It sends the
// fields as they are (an empty Type becomes the type of Status); a
// rejection that breaks Validate's rules still refuses the request, and the
// host fills in what it must (see docs/writing-plugins.md, "Rejections").
func (r Rejection) Response() *StageResponse {
	if r.Type == "" {
		r.Type = TypeForStatus(r.Status)
	}
	if r.Counter == pb.SecurityCounter_SECURITY_COUNTER_UNSPECIFIED {
		r.Counter = CounterFor(r.Category)
	}
	return &StageResponse{Action: pb.StageResponse_REJECT, Reject: &pb.Rejection{
		Status:       int32(r.Status),
		Type:         r.Type,
		Code:         r.Code,
		Message:      r.Message,
		Param:        r.Param,
		Category:     r.Category,
		RetryAfterMs: r.RetryAfter.Milliseconds(),
		Counter:      r.Counter,
	}}
}

// TypeForStatus is the error type that goes with an allowed status, or ""
// for a status a stage may not answer with.
func TypeForStatus(status int) string {
	switch {
	case status == 401:
		return TypeAuthentication
	case status == 403:
		return TypePermission
	case status == 429:
		return TypeRateLimit
	case status == 503:
		return TypeServiceUnavailable
	case status >= 400 && status <= 499:
		return TypeInvalidRequest
	}
	return ""
}

// snakeCase is the shape of a code and a category: they are metric label
// values and machine-readable, so short, fixed and lower snake_case.
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Validate reports the first rule the rejection breaks: Status is a 4xx or
// 503; Type, when set, is the type of Status; Code and Category are lower
// snake_case (at most 64 characters); Message is not empty; RetryAfter is
// not negative and only set with 429 or 503.
func (r Rejection) Validate() error {
	want := TypeForStatus(r.Status)
	switch {
	case want == "":
		return fmt.Errorf("rejection: status %d: a stage answers with a 4xx status or 503", r.Status)
	case r.Type != "" && r.Type != want:
		return fmt.Errorf("rejection: type %q does not go with status %d (want %q)", r.Type, r.Status, want)
	case !snakeCase.MatchString(r.Code):
		return fmt.Errorf("rejection: code %q: want lower snake_case, e.g. \"pii_detected\"", r.Code)
	case !snakeCase.MatchString(r.Category):
		return fmt.Errorf("rejection: category %q: want lower snake_case, e.g. \"pii\" (it groups the refusal in /security-metrics)", r.Category)
	case r.Message == "":
		return errors.New("rejection: message is empty")
	case r.RetryAfter < 0:
		return fmt.Errorf("rejection: negative retry-after %s", r.RetryAfter)
	case r.RetryAfter > 0 && r.Status != 429 && r.Status != 503:
		return fmt.Errorf("rejection: retry-after with status %d (only with 429 or 503)", r.Status)
	}
	return nil
}

// ValidateRejection checks a rejection as it travels (a StageResponse's
// Reject) against the rules of Rejection.Validate; its type must be set.
func ValidateRejection(rj *pb.Rejection) error {
	if rj == nil {
		return errors.New("rejection: action REJECT without a rejection")
	}
	if rj.Type == "" {
		return errors.New("rejection: type is empty")
	}
	return Rejection{
		Status:     int(rj.Status),
		Type:       rj.Type,
		Code:       rj.Code,
		Message:    rj.Message,
		Param:      rj.Param,
		Category:   rj.Category,
		RetryAfter: time.Duration(rj.RetryAfterMs) * time.Millisecond,
	}.Validate()
}

// Reject refuses the request with positional arguments.
//
// Deprecated: the two last strings are easily swapped; use
// Rejection{…}.Response(), which also sets Param and RetryAfter.
func Reject(status int, errType, code, category, message string) *StageResponse {
	return Rejection{Status: status, Type: errType, Code: code, Category: category, Message: message}.Response()
}

// PromptParam is the Param for a finding in the prompt: the field the
// client sent it in, "messages" on /v1/chat/completions and "prompt" on
// /generate.
func PromptParam(req *StageRequest) string {
	if req.GetRoute() == "chat" {
		return "messages"
	}
	return "prompt"
}
