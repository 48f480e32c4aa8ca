package sim

import (
	"fmt"
	"strings"
)

// Fault is a failure mode of the simulator's chat calls.
type Fault string

// The fault kinds. Each error fault answers in the format of the API that was
// called (OpenAI, Groq, OpenRouter or Gemini), with the body that provider
// documents for that failure.
const (
	// FaultNone answers normally.
	FaultNone Fault = "none"
	// Fault400 answers 400, an invalid-request error.
	Fault400 Fault = "400"
	// Fault402 answers 402: the account is out of credits (OpenRouter's
	// documented 402; the same status in each other provider's shape).
	Fault402 Fault = "402"
	// Fault403 answers 403: on OpenRouter a moderation flag (error.metadata
	// with reasons, flagged_input, provider_name, model_slug), on OpenAI and
	// Groq a forbidden region, on Gemini PERMISSION_DENIED.
	Fault403 Fault = "403"
	// Fault404 answers 404, the requested model is not served: OpenAI/Groq
	// code model_not_found, OpenRouter "No endpoints found for …", Gemini
	// NOT_FOUND.
	Fault404 Fault = "404"
	// Fault413 answers 413, Groq's "Request too large … on tokens per minute
	// (TPM)" with code rate_limit_exceeded.
	Fault413 Fault = "413"
	// Fault429 answers 429, a rate-limit error: Retry-After: 1 and
	// x-ratelimit-* headers on OpenAI-compatible routes; on Gemini
	// RESOURCE_EXHAUSTED with a google.rpc.RetryInfo retryDelay and no
	// Retry-After header, as the real API sends it.
	Fault429 Fault = "429"
	// Fault498 answers 498, Groq's flex-tier capacity_exceeded.
	Fault498 Fault = "498"
	// Fault500 answers 500, a server error.
	Fault500 Fault = "500"
	// Fault503 answers 503, an overloaded/unavailable error.
	Fault503 Fault = "503"
	// Fault529 answers 529 overloaded_error (Anthropic's overload status, as
	// OpenAI-compatible hosts relay it); Gemini, which has no 529, answers
	// its own overload: 503 UNAVAILABLE "The model is overloaded".
	Fault529 Fault = "529"
	// FaultErrorIn200 answers 200 whose body (or first stream event) is an
	// error object in the provider's shape instead of an answer.
	FaultErrorIn200 Fault = "error-in-200"
	// FaultMidstreamError streams the first half of the answer, then an
	// error event in the provider's shape, then ends the stream without a
	// finish reason or [DONE]; a non-stream request gets 200 with an error
	// body once the answer would have been generated.
	FaultMidstreamError Fault = "midstream-error"
	// FaultEmptyCandidate answers 200 with nothing: Gemini a candidate with
	// finishReason OTHER and no content; OpenAI-compatible routes an empty
	// content with finish_reason "stop" and 0 completion tokens.
	FaultEmptyCandidate Fault = "empty-candidate"
	// FaultEmptyStop is Gemini's other empty answer: finishReason STOP and a
	// content without parts (OpenAI-compatible routes: as
	// FaultEmptyCandidate).
	FaultEmptyStop Fault = "empty-stop"
	// FaultTimeout never answers: the handler blocks until the client goes away.
	FaultTimeout Fault = "timeout"
	// FaultStall sends the start of a stream (role chunk and one content
	// chunk) and then nothing until the client goes away; a non-stream
	// request behaves as FaultTimeout.
	FaultStall Fault = "stall"
	// FaultCutStream sends the start of a stream (at least one content
	// chunk) and then closes the connection abruptly, without [DONE] or a
	// finish reason; a non-stream request gets its headers and half of its
	// JSON body before the connection is closed.
	FaultCutStream Fault = "cut-stream"
	// FaultMalformed answers 200 with an invalid JSON body (for a stream, an
	// event "data: {not json").
	FaultMalformed Fault = "malformed"
)

// faultInherit is the pseudo-fault that removes a per-model override.
const faultInherit Fault = "inherit"

// Faults lists every valid fault kind, FaultNone first.
var Faults = []Fault{
	FaultNone, Fault400, Fault402, Fault403, Fault404, Fault413, Fault429, Fault498, Fault500, Fault503, Fault529,
	FaultErrorIn200, FaultMidstreamError, FaultEmptyCandidate, FaultEmptyStop,
	FaultTimeout, FaultStall, FaultCutStream, FaultMalformed,
}

// FaultNames lists the valid fault names, comma-separated, for help texts
// and error messages.
func FaultNames() string {
	names := make([]string, len(Faults))
	for i, f := range Faults {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// ParseFault returns the Fault named s (case-insensitive, surrounding spaces
// ignored); the empty string is FaultNone.
func ParseFault(s string) (Fault, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return FaultNone, nil
	}
	for _, f := range Faults {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown fault %q (want one of %s)", s, FaultNames())
}

// apiError describes one error answer in a provider-neutral way; writeError
// renders it in each provider's format.
type apiError struct {
	status int
	// OpenAI shape (also used for Groq).
	message string
	typ     string
	param   string // "" renders as null
	code    string // "" renders as null
	// OpenRouter shape: orMessage falls back to message, orMeta is
	// error.metadata.
	orMessage string
	orMeta    map[string]any
	// Gemini shape.
	gStatus  string
	gMessage string // falls back to message
	gDetails []any
	// retry adds Retry-After: 1 and x-ratelimit-* headers on
	// OpenAI-compatible routes (never on Gemini, which signals the delay
	// only in a RetryInfo detail).
	retry bool
}

const simNote = " (simulated by upstream-sim fault "

// faultError returns the error answer of an error fault on api, or false
// when f is not an error fault.
func faultError(f Fault, api apiKind, model string) (apiError, bool) {
	note := simNote + string(f) + ")"
	switch f {
	case Fault400:
		return apiError{
			status:   400,
			message:  "Invalid 'messages': the request was rejected as invalid." + note,
			typ:      "invalid_request_error",
			param:    "messages",
			code:     "invalid_request_error",
			gStatus:  "INVALID_ARGUMENT",
			gMessage: "Request contains an invalid argument." + note,
		}, true
	case Fault402:
		return apiError{
			status:    402,
			message:   "You exceeded your current quota, please check your plan and billing details." + note,
			typ:       "insufficient_quota",
			code:      "insufficient_quota",
			orMessage: "Insufficient credits. Add more using https://openrouter.ai/settings/credits" + note,
			gStatus:   "FAILED_PRECONDITION",
			gMessage:  "Your prepayment credits are depleted. Please go to AI Studio to manage your project and billing." + note,
		}, true
	case Fault403:
		return apiError{
			status:    403,
			message:   "Country, region, or territory not supported" + note,
			typ:       "request_forbidden",
			code:      "unsupported_country_region_territory",
			orMessage: model + " requires moderation on OpenAI. Your input was flagged for \"harassment\". No credits were charged." + note,
			orMeta: map[string]any{
				"reasons":       []string{"harassment"},
				"flagged_input": "simulated flagged input…",
				"provider_name": "OpenAI",
				"model_slug":    model,
			},
			gStatus:  "PERMISSION_DENIED",
			gMessage: "Permission denied: Consumer 'api_key:sim' has been suspended." + note,
		}, true
	case Fault404:
		return apiError{
			status:    404,
			message:   "The model `" + model + "` does not exist or you do not have access to it." + note,
			typ:       "invalid_request_error",
			code:      "model_not_found",
			orMessage: "No endpoints found for " + model + "." + note,
			gStatus:   "NOT_FOUND",
			gMessage:  "models/" + model + " is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods." + note,
		}, true
	case Fault413:
		return apiError{
			status:   413,
			message:  "Request too large for model `" + model + "` in organization `org_sim` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 7623, please reduce your message size and try again." + note,
			typ:      "tokens",
			code:     "rate_limit_exceeded",
			gStatus:  "INVALID_ARGUMENT",
			gMessage: "Request payload size exceeds the limit: 20971520 bytes." + note,
		}, true
	case Fault429:
		return apiError{
			status:   429,
			message:  "Rate limit reached for " + model + " in organization org-sim on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s." + note,
			typ:      "requests",
			code:     "rate_limit_exceeded",
			gStatus:  "RESOURCE_EXHAUSTED",
			gMessage: "You exceeded your current quota, please check your plan and billing details." + note,
			gDetails: []any{
				map[string]any{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []any{map[string]any{
					"quotaMetric":     "generativelanguage.googleapis.com/generate_content_free_tier_requests",
					"quotaId":         "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
					"quotaDimensions": map[string]string{"location": "global", "model": model},
					"quotaValue":      "15",
				}}},
				map[string]any{"@type": "type.googleapis.com/google.rpc.Help", "links": []any{map[string]string{
					"description": "Learn more about Gemini API quotas",
					"url":         "https://ai.google.dev/gemini-api/docs/rate-limits",
				}}},
				map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1s"},
			},
			retry: true,
		}, true
	case Fault498:
		return apiError{
			status:   498,
			message:  "Flex tier capacity exceeded. This model is currently experiencing high demand; please retry with backoff." + note,
			typ:      "capacity_exceeded",
			code:     "capacity_exceeded",
			gStatus:  "UNAVAILABLE",
			gMessage: "The service is currently unavailable." + note,
		}, true
	case Fault500:
		return apiError{
			status:   500,
			message:  "The server had an error while processing your request. Sorry about that!" + note,
			typ:      "server_error",
			gStatus:  "INTERNAL",
			gMessage: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting" + note,
		}, true
	case Fault503:
		return apiError{
			status:   503,
			message:  "The server is overloaded or not ready yet." + note,
			typ:      "server_error",
			gStatus:  "UNAVAILABLE",
			gMessage: "The model is overloaded. Please try again later." + note,
		}, true
	case Fault529:
		e := apiError{
			status:    529,
			message:   "Overloaded" + note,
			typ:       "overloaded_error",
			orMessage: "Provider returned error" + note,
			orMeta: map[string]any{
				"provider_name": "Anthropic",
				"raw":           `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
			},
		}
		if api == apiGemini {
			e.status, e.gStatus, e.gMessage = 503, "UNAVAILABLE", "The model is overloaded. Please try again later."+note
		}
		return e, true
	}
	return apiError{}, false
}

// inBandError is the error a 200 answer carries for FaultErrorIn200 and
// FaultMidstreamError: a provider failure after the request was accepted
// (code 502 on OpenRouter, 500 INTERNAL on Gemini).
func inBandError(f Fault, api apiKind) apiError {
	note := simNote + string(f) + ")"
	status := 502
	if api == apiGemini {
		status = 500
	}
	return apiError{
		status:    status,
		message:   "The server had an error while processing your request. Sorry about that!" + note,
		typ:       "server_error",
		orMessage: "Provider disconnected unexpectedly" + note,
		orMeta:    map[string]any{"provider_name": "OpenAI", "raw": "upstream connection reset"},
		gStatus:   "INTERNAL",
		gMessage:  "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting" + note,
	}
}
