package sim

import (
	"fmt"
	"strings"
)

// Fault is a failure mode of the simulator's chat calls.
type Fault string

// The fault kinds. Each error fault answers in the format of the API that was
// called (OpenAI, OpenRouter or Gemini).
const (
	// FaultNone answers normally.
	FaultNone Fault = "none"
	// Fault400 answers 400, an invalid-request error.
	Fault400 Fault = "400"
	// Fault500 answers 500, a server error.
	Fault500 Fault = "500"
	// Fault503 answers 503, an overloaded/unavailable error.
	Fault503 Fault = "503"
	// Fault429 answers 429, a rate-limit error, with Retry-After: 1.
	Fault429 Fault = "429"
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
var Faults = []Fault{FaultNone, Fault400, Fault500, Fault503, Fault429, FaultTimeout, FaultStall, FaultCutStream, FaultMalformed}

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
	return "", fmt.Errorf("unknown fault %q (want one of none, 400, 500, 503, 429, timeout, stall, cut-stream, malformed)", s)
}

// apiError describes one error answer in a provider-neutral way; write*Error
// render it in each provider's format.
type apiError struct {
	status int
	// OpenAI shape (also used for Groq).
	message string
	typ     string
	param   string // "" renders as null
	code    string // "" renders as null
	// Gemini shape.
	gStatus  string
	gMessage string // falls back to message
	// retry adds Retry-After: 1 (and Gemini's RetryInfo detail).
	retry bool
}

// faultError returns the error answer of an error fault, or false when f is
// not an error fault.
func faultError(f Fault, model string) (apiError, bool) {
	switch f {
	case Fault400:
		return apiError{
			status:   400,
			message:  "Invalid 'messages': the request was rejected as invalid (simulated by upstream-sim fault 400).",
			typ:      "invalid_request_error",
			param:    "messages",
			code:     "invalid_request_error",
			gStatus:  "INVALID_ARGUMENT",
			gMessage: "Request contains an invalid argument. (simulated by upstream-sim fault 400)",
		}, true
	case Fault500:
		return apiError{
			status:   500,
			message:  "The server had an error while processing your request. Sorry about that! (simulated by upstream-sim fault 500)",
			typ:      "server_error",
			gStatus:  "INTERNAL",
			gMessage: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting (simulated by upstream-sim fault 500)",
		}, true
	case Fault503:
		return apiError{
			status:   503,
			message:  "The server is overloaded or not ready yet. (simulated by upstream-sim fault 503)",
			typ:      "server_error",
			gStatus:  "UNAVAILABLE",
			gMessage: "The model is overloaded. Please try again later. (simulated by upstream-sim fault 503)",
		}, true
	case Fault429:
		return apiError{
			status:   429,
			message:  "Rate limit reached for " + model + " in organization org-sim on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s. (simulated by upstream-sim fault 429)",
			typ:      "requests",
			code:     "rate_limit_exceeded",
			gStatus:  "RESOURCE_EXHAUSTED",
			gMessage: "You exceeded your current quota, please check your plan and billing details. (simulated by upstream-sim fault 429)",
			retry:    true,
		}, true
	}
	return apiError{}, false
}
