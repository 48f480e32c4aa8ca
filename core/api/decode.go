package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// DefaultModel is the model /generate uses when the body names none.
const DefaultModel = "smart-router"

// defaultTemperature is /generate's default, as in the course.
const defaultTemperature = 0.7

// decodeError is a bad request body, already in the contract's terms.
type decodeError struct {
	status int
	code   string
	param  string
	msg    string
}

func (e *decodeError) Error() string { return e.msg }

func badRequest(code, param, format string, args ...any) *decodeError {
	return &decodeError{status: http.StatusBadRequest, code: code, param: param, msg: fmt.Sprintf(format, args...)}
}

// readBody checks the media type and reads the body within the limit.
func readBody(r *http.Request, limit int64) ([]byte, *decodeError) {
	declaredJSON := true
	// The usual type is taken as is: ParseMediaType builds a map per call.
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != "application/json" {
		mt, _, err := mime.ParseMediaType(ct)
		declaredJSON = err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &decodeError{status: http.StatusRequestEntityTooLarge, code: "payload_too_large", msg: fmt.Sprintf("the body is larger than %d bytes", limit)}
		}
		return nil, badRequest("invalid_json", "", "could not read the body")
	}
	// A JSON object sent with another media type (curl -d sends
	// application/x-www-form-urlencoded) is still JSON; anything else is not.
	if !declaredJSON && !json.Valid(body) {
		return nil, &decodeError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: "the body must be JSON (Content-Type: application/json)"}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("invalid_json", "", "the body is empty; send a JSON object")
	}
	return body, nil
}

// jsonError explains a JSON decoding error without Go internals; a value of
// the wrong type in a known field gets that field's code.
func jsonError(err error, fieldCodes map[string]string) *decodeError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return badRequest("invalid_json", "", "the body must be one JSON object (got %s)", te.Value)
		}
		if code, ok := fieldCodes[field]; ok {
			return badRequest(code, field, "%s must be %s", field, article(jsonTypeName(te.Type.Kind().String())))
		}
		return badRequest("invalid_json", field, "%s has the wrong type (got %s)", field, te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return badRequest("invalid_json", "", "the body is not valid JSON (at byte %d)", se.Offset)
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest("unknown_field", field, "unknown field %q", field)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return badRequest("invalid_json", "", "the body is not valid JSON (it ends too early)")
	}
	return badRequest("invalid_json", "", "the body is not a valid JSON object")
}

func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func jsonTypeName(kind string) string {
	switch kind {
	case "float64", "float32":
		return "number"
	case "int", "int32", "int64", "uint", "uint32", "uint64":
		return "integer"
	case "bool":
		return "boolean"
	case "slice":
		return "list"
	case "struct", "map":
		return "object"
	}
	return kind
}

// strictDecode decodes one JSON object, rejecting unknown fields and trailing data.
func strictDecode(body []byte, v any, fieldCodes map[string]string) *decodeError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, fieldCodes)
	}
	if dec.More() {
		return badRequest("invalid_json", "", "the body has data after its JSON object")
	}
	return nil
}

// generateBody is the body of POST /generate.
type generateBody struct {
	Prompt      *string  `json:"prompt"`
	Model       string   `json:"model"`
	Temperature *float64 `json:"temperature"`
	MaxTokens   *int32   `json:"max_tokens"`
	System      string   `json:"system"`
	Stream      bool     `json:"stream"`
	// IncludeReasoning asks for the model's thinking in the answer's
	// `reasoning` (off by default: the course's clients read `response`).
	IncludeReasoning bool `json:"include_reasoning"`
}

var generateFieldCodes = map[string]string{
	"temperature": "invalid_temperature",
	"max_tokens":  "invalid_max_tokens",
	"prompt":      "missing_field",
}

// answerOptions are what a body asks of the answer's shape rather than of
// the model: the route's writer reads them.
type answerOptions struct {
	includeReasoning bool // /generate: the answer carries `reasoning`
	// /v1/responses: the response object's echo of the request.
	responses *responseObject
}

// decodeGenerate turns a /generate body into the pipeline's chat request.
func decodeGenerate(body []byte) (*pb.ChatRequest, *decodeError) {
	req, _, err := decodeGenerateAnswer(body)
	return req, err
}

// decodeGenerateAnswer is decodeGenerate with what the body asks of the
// answer.
func decodeGenerateAnswer(body []byte) (*pb.ChatRequest, answerOptions, *decodeError) {
	var b generateBody
	if err := strictDecode(body, &b, generateFieldCodes); err != nil {
		return nil, answerOptions{}, err
	}
	if b.Prompt == nil || strings.TrimSpace(*b.Prompt) == "" {
		return nil, answerOptions{}, badRequest("missing_field", "prompt", "prompt is required and must not be empty")
	}
	req := &pb.ChatRequest{Model: b.Model, Stream: b.Stream, IncludeUsage: true}
	if req.Model == "" {
		req.Model = DefaultModel
	}
	t := defaultTemperature
	if b.Temperature != nil {
		t = *b.Temperature
	}
	req.Temperature = &t
	if b.MaxTokens != nil {
		req.MaxTokens = b.MaxTokens
	}
	if b.System != "" {
		req.Messages = append(req.Messages, &pb.Message{Role: "system", Content: b.System})
	}
	req.Messages = append(req.Messages, &pb.Message{Role: "user", Content: *b.Prompt})
	return req, answerOptions{includeReasoning: b.IncludeReasoning}, nil
}

// chatBody is the body of POST /v1/chat/completions. Every OpenAI chat
// parameter is either carried to the provider or refused (unsupported_parameter):
// none is silently dropped.
type chatBody struct {
	Model               string          `json:"model"`
	Messages            []chatMessage   `json:"messages"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	MaxTokens           *int32          `json:"max_tokens"`
	MaxCompletionTokens *int32          `json:"max_completion_tokens"`
	Stop                json.RawMessage `json:"stop"`
	Stream              bool            `json:"stream"`
	StreamOptions       *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	User              string             `json:"user"`
	Seed              *int64             `json:"seed"`
	N                 *int32             `json:"n"`
	FrequencyPenalty  *float64           `json:"frequency_penalty"`
	PresencePenalty   *float64           `json:"presence_penalty"`
	LogitBias         map[string]float64 `json:"logit_bias"`
	ResponseFormat    json.RawMessage    `json:"response_format"`
	Tools             json.RawMessage    `json:"tools"`
	ToolChoice        json.RawMessage    `json:"tool_choice"`
	ParallelToolCalls *bool              `json:"parallel_tool_calls"`
	Logprobs          *bool              `json:"logprobs"`
	TopLogprobs       *int32             `json:"top_logprobs"`
	ReasoningEffort   *string            `json:"reasoning_effort"`
	Verbosity         *string            `json:"verbosity"`
	SafetyIdentifier  string             `json:"safety_identifier"`
	PromptCacheKey    string             `json:"prompt_cache_key"`

	// Refused when set to anything but their default (see refuseUnsupported).
	Metadata    json.RawMessage `json:"metadata"`
	Store       *bool           `json:"store"`
	ServiceTier *string         `json:"service_tier"`

	// OpenAI parameters the gateway does not carry: refused by name with the
	// reason (not as unknown fields) when set (notCarried). A flag each,
	// rather than the raw value, keeps the body small.
	Functions        setFlag         `json:"functions"`
	FunctionCall     setFlag         `json:"function_call"`
	Modalities       json.RawMessage `json:"modalities"` // ["text"] is the default
	Audio            setFlag         `json:"audio"`
	Prediction       setFlag         `json:"prediction"`
	WebSearchOptions setFlag         `json:"web_search_options"`
}

// setFlag records whether a field carries a value other than null or an
// empty list/object (isSet), not the value.
type setFlag bool

func (f *setFlag) UnmarshalJSON(b []byte) error {
	*f = setFlag(isSet(b))
	return nil
}

// notCarried are chatBody's parameters the gateway does not carry, each
// with why (a table, so that checking them allocates nothing per request).
var notCarried = []struct {
	name, why string
	set       func(*chatBody) bool
}{
	{"functions", "deprecated by OpenAI: use tools", func(b *chatBody) bool { return bool(b.Functions) }},
	{"function_call", "deprecated by OpenAI: use tool_choice", func(b *chatBody) bool { return bool(b.FunctionCall) }},
	{"modalities", "the gateway answers text only", func(b *chatBody) bool { return isSet(b.Modalities) && !isTextOnly(b.Modalities) }},
	{"audio", "the gateway answers text only", func(b *chatBody) bool { return bool(b.Audio) }},
	{"prediction", "predicted outputs are not carried to providers", func(b *chatBody) bool { return bool(b.Prediction) }},
	{"web_search_options", "web search is not carried to providers", func(b *chatBody) bool { return bool(b.WebSearchOptions) }},
}

// reasoningEfforts are the values of reasoning_effort OpenAI's models take
// (each model takes some of them; the provider refuses the others).
var reasoningEfforts = []string{"none", "minimal", "low", "medium", "high", "xhigh"}

// verbosities are the values of verbosity (OpenAI's gpt-5 models).
var verbosities = []string{"low", "medium", "high"}

// isTextOnly reports whether raw is the list ["text"].
func isTextOnly(raw json.RawMessage) bool {
	var m []string
	return json.Unmarshal(raw, &m) == nil && len(m) == 1 && m[0] == "text"
}

// isSet reports whether a raw JSON field carries a value other than null or
// an empty list/object.
func isSet(raw json.RawMessage) bool {
	switch strings.TrimSpace(string(raw)) {
	case "", "null", "[]", "{}":
		return false
	}
	return true
}

func unsupported(param, what string) *decodeError {
	return badRequest("unsupported_parameter", param, "%s is not supported by this gateway (%s)", param, what)
}

// refuseUnsupported refuses the OpenAI parameters no provider of the gateway
// can honour.
func refuseUnsupported(b *chatBody) *decodeError {
	if err := refuseStored(b.Store, b.ServiceTier); err != nil {
		return err
	}
	for _, p := range notCarried {
		if p.set(b) {
			return unsupported(p.name, p.why)
		}
	}
	return nil
}

// refuseStored refuses store = true (the gateway keeps no answers upstream)
// and a service tier other than the default.
func refuseStored(store *bool, tier *string) *decodeError {
	switch {
	case store != nil && *store:
		return unsupported("store", "the gateway stores no answers upstream")
	case tier != nil && *tier != "auto" && *tier != "default":
		return unsupported("service_tier", "only auto or default")
	}
	return nil
}

// OpenAI's bounds on metadata.
const (
	maxMetadataPairs    = 16
	maxMetadataKeyLen   = 64
	maxMetadataValueLen = 512
)

// decodeMetadata reads metadata, the client's own tags for the request: an
// object of at most 16 string values, keys up to 64 characters and values up
// to 512, as OpenAI takes it; nil when absent, null or empty. The gateway
// records them with the request (its trace) and sends them to no provider.
func decodeMetadata(raw json.RawMessage) (map[string]string, *decodeError) {
	if !isSet(raw) {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, badRequest("invalid_type", "metadata", "metadata must be an object of strings")
	}
	if len(m) > maxMetadataPairs {
		return nil, badRequest("invalid_value", "metadata", "metadata has %d keys; at most %d", len(m), maxMetadataPairs)
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) { // the same error for the same body
		v := m[k]
		s, ok := v.(string)
		switch {
		case !ok:
			return nil, badRequest("invalid_type", "metadata."+k, "metadata values must be strings")
		case k == "":
			return nil, badRequest("invalid_value", "metadata", "a metadata key is empty")
		case utf8.RuneCountInString(k) > maxMetadataKeyLen:
			return nil, badRequest("invalid_value", "metadata", "a metadata key is longer than %d characters", maxMetadataKeyLen)
		case utf8.RuneCountInString(s) > maxMetadataValueLen:
			return nil, badRequest("invalid_value", "metadata."+k, "metadata values are at most %d characters", maxMetadataValueLen)
		}
		out[k] = s
	}
	return out, nil
}

var chatFieldCodes = map[string]string{
	"temperature":           "invalid_temperature",
	"max_tokens":            "invalid_max_tokens",
	"max_completion_tokens": "invalid_max_tokens",
}

// decodeChat turns an OpenAI chat completions body into the pipeline's request.
func decodeChat(body []byte) (*pb.ChatRequest, *decodeError) {
	var b chatBody
	if !decodeChatFast(body, &b) {
		b = chatBody{}
		if err := strictDecode(body, &b, chatFieldCodes); err != nil {
			return nil, err
		}
	}
	if b.Model == "" {
		return nil, badRequest("missing_field", "model", "model is required")
	}
	if len(b.Messages) == 0 {
		return nil, badRequest("missing_field", "messages", "messages is required and must not be empty")
	}
	if err := refuseUnsupported(&b); err != nil {
		return nil, err
	}
	metadata, derr := decodeMetadata(b.Metadata)
	if derr != nil {
		return nil, derr
	}
	req := &pb.ChatRequest{Model: b.Model, Metadata: metadata, Temperature: b.Temperature, TopP: b.TopP, Stream: b.Stream, User: b.User, Seed: b.Seed,
		PresencePenalty: b.PresencePenalty, FrequencyPenalty: b.FrequencyPenalty, LogitBias: b.LogitBias}
	req.MaxTokens = b.MaxTokens
	if b.MaxCompletionTokens != nil {
		// Both names with different values: which one the client meant is
		// not ours to guess, and taking one would drop the other silently.
		if b.MaxTokens != nil && *b.MaxTokens != *b.MaxCompletionTokens {
			return nil, badRequest("invalid_value", "max_tokens",
				"max_tokens (%d) and max_completion_tokens (%d) disagree; send one of them", *b.MaxTokens, *b.MaxCompletionTokens)
		}
		req.MaxTokens = b.MaxCompletionTokens
		req.MaxCompletionTokens = true
	}
	if b.StreamOptions != nil {
		req.IncludeUsage = b.StreamOptions.IncludeUsage
	}
	if len(b.Stop) > 0 && string(b.Stop) != "null" {
		var one string
		if json.Unmarshal(b.Stop, &one) == nil {
			req.Stop = []string{one}
		} else if json.Unmarshal(b.Stop, &req.Stop) != nil {
			return nil, badRequest("invalid_json", "stop", "stop must be a string or a list of strings")
		}
	}
	steps := []func(*chatBody, *pb.ChatRequest) *decodeError{decodeMessages, decodeTools, decodeResponseFormat, decodeChoices}
	for _, step := range steps {
		if err := step(&b, req); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// decodeChoices reads n, logprobs, top_logprobs, reasoning_effort,
// verbosity, safety_identifier and prompt_cache_key.
func decodeChoices(b *chatBody, req *pb.ChatRequest) *decodeError {
	if b.N != nil {
		if *b.N < 1 || *b.N > maxChoices {
			return badRequest("invalid_value", "n", "n must be between 1 and %d", maxChoices)
		}
		if *b.N > 1 {
			req.N = b.N
		}
	}
	var err *decodeError
	if req.ReasoningEffort, err = oneOf("reasoning_effort", b.ReasoningEffort, reasoningEfforts); err != nil {
		return err
	}
	if req.Verbosity, err = oneOf("verbosity", b.Verbosity, verbosities); err != nil {
		return err
	}
	req.SafetyIdentifier, req.PromptCacheKey = b.SafetyIdentifier, b.PromptCacheKey
	req.Logprobs = b.Logprobs != nil && *b.Logprobs
	if b.TopLogprobs != nil {
		if *b.TopLogprobs < 0 || *b.TopLogprobs > maxTopLogprobs {
			return badRequest("invalid_value", "top_logprobs", "top_logprobs must be between 0 and %d", maxTopLogprobs)
		}
		if !req.Logprobs {
			return badRequest("invalid_value", "top_logprobs", "top_logprobs needs logprobs = true")
		}
		req.TopLogprobs = b.TopLogprobs
	}
	return nil
}

// oneOf is v when it is one of allowed, "" when unset; param names it in
// the error.
func oneOf(param string, v *string, allowed []string) (string, *decodeError) {
	if v == nil {
		return "", nil
	}
	if !slices.Contains(allowed, *v) {
		return "", badRequest("invalid_value", param, "%s must be one of %s", param, strings.Join(allowed, ", "))
	}
	return *v, nil
}
