// Package sdk is everything a plugin author imports to write an llmgw plugin:
// the protocol's message types, one small interface per kind (Stage, Provider,
// Tracker), Serve for a plugin's main, and the helpers to build answers.
//
// A plugin's main is a few lines:
//
//	func main() {
//		sdk.Serve(sdk.Plugin{
//			Name:    "keyword-block",
//			Version: "0.1.0",
//			Stage:   keywordblock.New,
//		})
//	}
//
// The host starts the binary as a separate process (hashicorp/go-plugin over
// gRPC), calls Describe, then Configure once per configured instance, then the
// kind's calls, then Close. One process can serve several instances, each with
// its own config; the factory is called once per instance.
//
// Subpackages: provkit (for providers: the HTTP status and transport error to
// class table, Retry-After, a secret redactor) with provkit/sse (the
// server-sent event reader), refpool (state that outlives a reload), sdktest
// (an in-process harness for tests) and plugincheck (the conformance check).
package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// ProtocolVersion is the newest plugin protocol version this SDK speaks.
const ProtocolVersion = 1

// SupportedProtocolVersions lists every protocol version this SDK speaks.
var SupportedProtocolVersions = []uint32{1}

// Kind names, as they appear in pipeline.hcl and in Describe.
const (
	KindStage    = "stage"
	KindProvider = "provider"
	KindTracker  = "tracker"
)

// Capabilities a plugin may declare in Plugin.Capabilities.
const (
	// CapStageAfter asks the host to call Stage.After once a response is done.
	CapStageAfter = "stage.after"
	// CapProviderStream says the provider implements Stream.
	CapProviderStream = "provider.stream"
	// CapRoleGuard says the stage guards prompts; /security-status shows
	// the first such stage's settings as "guard".
	CapRoleGuard = "stage.role.guard"
	// CapRoleRateLimit says the stage limits rates; /security-status shows
	// the first such stage's settings as "rate_limit".
	CapRoleRateLimit = "stage.role.rate_limit"
	// CapStageKeys says the stage keeps virtual keys: the host forwards
	// /admin/keys… to the first such stage (it implements StageAdmin).
	CapStageKeys = "stage.keys"
	// CapProviderEmbeddings says the provider implements Embedder
	// (POST /v1/embeddings); a model whose provider lacks it is not an
	// embeddings model.
	CapProviderEmbeddings = "provider.embeddings"
	// CapProviderCountTokens says the provider implements TokenCounter
	// (POST /v1/messages/count_tokens).
	CapProviderCountTokens = "provider.count_tokens"
	// CapStageCountTokens says the stage takes count_tokens requests (route
	// RouteCountTokens): the host runs only such stages on them — a key
	// stage authenticates them; a rate limiter, guard or cache that does not
	// declare it is not asked (a count is no model call).
	CapStageCountTokens = "stage.count_tokens"
	// CapProviderEmbeddingTokens says the provider accepts token-array
	// embeddings input (EmbeddingsRequest.input_tokens).
	CapProviderEmbeddingTokens = "provider.embeddings.tokens"
	// CapStageAnswer says the stage may answer requests itself
	// (StageResponse action ANSWER, e.g. a cache).
	CapStageAnswer = "stage.answer"
	// CapStageVerdict says the stage only judges a request: it answers
	// CONTINUE (with headers, annotations and a category) or a Reject, and
	// never changes the request or answers it itself. Only such a stage may
	// run `during_call` (beside the provider call, its verdict awaited before
	// the first byte of the answer).
	CapStageVerdict = "stage.verdict"
	// CapStageMetadata says the stage reads a request's metadata only —
	// route, model, client address, key hash, headers, most cost,
	// annotations — and never its messages: the host sends it the request
	// as its model and end-user ids alone (StageRequest.request and
	// StageAfterRequest.request hold only model, user and
	// safety_identifier; no tools, no parameters) and no answer in
	// StageAfterRequest.response. On the embeddings route the inputs go as
	// they are (their tokens may be counted). Such a stage may not change
	// the request (StageResponse.mutated): the host treats that as the
	// stage failing. Key and rate-limit stages declare it: a coding agent's
	// request of a megabyte costs them a decoding of that megabyte each
	// for nothing they read.
	CapStageMetadata = "stage.metadata"
)

// Message types of the protocol, re-exported so a plugin imports one package.
type (
	ChatRequest         = pb.ChatRequest
	Message             = pb.Message
	Usage               = pb.Usage
	StageRequest        = pb.StageRequest
	StageResponse       = pb.StageResponse
	StageAfterRequest   = pb.StageAfterRequest
	CompleteRequest     = pb.CompleteRequest
	CompleteResponse    = pb.CompleteResponse
	StreamChunk         = pb.StreamChunk
	ProviderError       = pb.ProviderError
	ErrorClass          = pb.ErrorClass
	Event               = pb.Event
	Attempt             = pb.Attempt
	StageSpan           = pb.StageSpan
	HostInfo            = pb.HostInfo
	DescribeResponse    = pb.DescribeResponse
	ConfigureResponse   = pb.ConfigureResponse
	StageAction         = pb.StageResponse_Action
	SecurityCounter     = pb.SecurityCounter
	AdminRequest        = pb.AdminRequest
	AdminResponse       = pb.AdminResponse
	ContentPart         = pb.ContentPart
	ToolCall            = pb.ToolCall
	ThinkingBlock       = pb.ThinkingBlock
	Tool                = pb.Tool
	ToolChoice          = pb.ToolChoice
	JsonSchema          = pb.JsonSchema
	Choice              = pb.Choice
	EmbeddingsRequest   = pb.EmbeddingsRequest
	EmbedRequest        = pb.EmbedRequest
	EmbedResponse       = pb.EmbedResponse
	CountTokensRequest  = pb.CountTokensRequest
	CountTokensResponse = pb.CountTokensResponse
	Embedding           = pb.Embedding
	StageAnswer         = pb.StageAnswer
)

// Counters of GET /security-metrics a rejection adds to (Rejection.Counter),
// besides blocked_requests and its category.
const (
	CountValidation      = pb.SecurityCounter_SECURITY_COUNTER_VALIDATION
	CountPromptInjection = pb.SecurityCounter_SECURITY_COUNTER_PROMPT_INJECTION
	CountRateLimit       = pb.SecurityCounter_SECURITY_COUNTER_RATE_LIMIT
)

// Error classes decide whether the host's router falls back to the next provider.
const (
	ClassRateLimited    = pb.ErrorClass_RATE_LIMITED
	ClassUpstream5xx    = pb.ErrorClass_UPSTREAM_5XX
	ClassTimeout        = pb.ErrorClass_TIMEOUT
	ClassTransport      = pb.ErrorClass_TRANSPORT
	ClassBadRequest     = pb.ErrorClass_BAD_REQUEST
	ClassAuth           = pb.ErrorClass_AUTH
	ClassQuotaExhausted = pb.ErrorClass_QUOTA_EXHAUSTED
	ClassContentFilter  = pb.ErrorClass_CONTENT_FILTER
	// ClassModelUnavailable: the provider does not serve the model; the
	// router falls back without retrying and without a breaker failure.
	ClassModelUnavailable = pb.ErrorClass_MODEL_UNAVAILABLE
)

// ClassName is the contract's snake_case name of an error class
// ("rate_limited", "upstream_5xx", …).
func ClassName(c ErrorClass) string {
	switch c {
	case ClassRateLimited:
		return "rate_limited"
	case ClassUpstream5xx:
		return "upstream_5xx"
	case ClassTimeout:
		return "timeout"
	case ClassTransport:
		return "transport"
	case ClassBadRequest:
		return "bad_request"
	case ClassAuth:
		return "auth"
	case ClassQuotaExhausted:
		return "quota_exhausted"
	case ClassContentFilter:
		return "content_filter"
	case ClassModelUnavailable:
		return "model_unavailable"
	}
	return "unknown"
}

// Stage checks, mutates or rejects a request before any provider is called.
// Process must be safe for concurrent use.
type Stage interface {
	Process(ctx context.Context, req *StageRequest) (*StageResponse, error)
}

// StageAfter is implemented by stages that want to see the finished response
// (declare CapStageAfter too). It runs after the client got its answer.
type StageAfter interface {
	After(ctx context.Context, req *StageAfterRequest) error
}

// StageAdmin is implemented by stages that serve admin routes (declare the
// route's capability too, e.g. CapStageKeys). The host has already checked
// the admin token; the stage answers with a status and a JSON body.
//
// A key stage (CapStageKeys) is also asked a key holder's own questions,
// with AdminRequest.api_key_hash, client_ip and headers set and the admin
// token not checked: GET HolderKeyPath and GET HolderModelsPath. It
// authenticates them as it would a model call.
type StageAdmin interface {
	Admin(ctx context.Context, req *AdminRequest) (*AdminResponse, error)
}

// A key holder's own requests to the key stage (AdminRequest.path).
const (
	// HolderKeyPath asks for the key's own view (GET /v1/key): the stage
	// answers its JSON, or the error a model call with the key would get.
	HolderKeyPath = "/v1/key"
	// HolderModelsPath asks which models the key may use (GET /v1/models
	// and GET /models list only those): the stage answers HolderModels, or
	// the error a model call with the key would get. A stage that answers
	// 404 does not know the question, and the lists are the pipeline's.
	HolderModelsPath = "/v1/models"
)

// HolderModels is the answer to HolderModelsPath: All, or the names of
// the pipeline models the key may use.
type HolderModels struct {
	All    bool     `json:"all"`
	Models []string `json:"models"`
}

// ChunkSender sends one stream chunk to the host.
type ChunkSender func(*StreamChunk) error

// Provider serves chat completions from an upstream API. Both methods must be
// safe for concurrent use. A failure is returned as an error made by Fail (or
// any error, which is classed as transport / timeout). The host asks for a
// Stream for plain requests too and assembles the answer, so that its
// first-byte and idle deadlines watch the upstream's progress: a Stream sends
// a chunk for every sign of it (reasoning, refusal, a tool-call delta).
type Provider interface {
	Complete(ctx context.Context, req *CompleteRequest) (*CompleteResponse, error)
	Stream(ctx context.Context, req *CompleteRequest, send ChunkSender) error
}

// Embedder is implemented by providers that serve embeddings (declare
// CapProviderEmbeddings too). A failure is returned as an error made by Fail.
type Embedder interface {
	Embed(ctx context.Context, req *EmbedRequest) (*EmbedResponse, error)
}

// RouteCountTokens is StageRequest.route for the token counts (POST
// /v1/messages/count_tokens and /v1/responses/input_tokens), which only
// stages declaring CapStageCountTokens see.
const RouteCountTokens = "count_tokens"

// TokenCounter is implemented by providers that count a request's input
// tokens with their upstream (declare CapProviderCountTokens too). A
// failure is returned as an error made by Fail.
type TokenCounter interface {
	CountTokens(ctx context.Context, req *CountTokensRequest) (*CountTokensResponse, error)
}

// Tracker receives finished-request events. It answers with the event ids it
// has sent or durably stored; the host re-sends the others later.
type Tracker interface {
	Track(ctx context.Context, events []*Event) (acked []string, err error)
}

// StateReporter is implemented by trackers that can say how they are doing;
// the host shows the state in /health ("ok", "spooling", …).
type StateReporter interface {
	State() string
}

// CapabilityReporter is implemented by instances whose capabilities depend
// on their config: a stage that needs no After call for this config returns
// none, and the host skips the call (one RPC less per request).
type CapabilityReporter interface {
	Capabilities() []string
}

// Closer is implemented by instances that hold resources. Close is called when
// the host closes the instance or the process shuts down.
type Closer interface {
	Close() error
}

// Config is what a factory receives for one instance.
type Config struct {
	// InstanceID is unique within the process (the pipeline's instance name,
	// suffixed by the pipeline generation).
	InstanceID string
	// Name is the instance's name in pipeline.hcl (e.g. "openrouter").
	Name string
	// Kind is KindStage, KindProvider or KindTracker.
	Kind string
	// Raw is the instance's `config = { … }` block as JSON ("{}" when absent).
	Raw []byte
	// Host carries facts about the pipeline (its models, the data dir).
	Host *HostInfo
	// Logger writes to the host's log, tagged with the instance.
	Logger hclog.Logger
}

// Decode decodes the instance config into v strictly: an unknown field or a
// value of the wrong type is an error naming the field.
func (c Config) Decode(v any) error {
	raw := c.Raw
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return ConfigError("%s", describeDecodeError(err))
	}
	return nil
}

func describeDecodeError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q: expected %s, got %s", te.Field, te.Type.String(), te.Value)
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown field " + rest
	}
	return strings.TrimPrefix(msg, "json: ")
}

// configError marks an error as the user's config being wrong (the host shows
// it with the position of the config block).
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

// ConfigError returns an error that tells the host the config is invalid.
// Name the field in msg: `field "rpm": must be positive`.
func ConfigError(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...)}
}

// IsConfigError reports whether err was made by ConfigError.
func IsConfigError(err error) bool {
	var ce *configError
	return errors.As(err, &ce)
}

// Duration is a time.Duration that decodes from a JSON string such as "200ms"
// or a number of seconds.
type Duration time.Duration

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("invalid duration %q", s)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("invalid duration %s", b)
	}
	*d = Duration(time.Duration(secs * float64(time.Second)))
	return nil
}

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Continue lets the request go on to the next stage.
func Continue() *StageResponse { return &StageResponse{} }

// CounterFor is the /security-metrics counter of the documented categories:
// "validation" counts as a validation error; "injection", "jailbreak",
// "prompt_leak", "template_token" and "obfuscation" as a prompt injection;
// "rate_limit" as rate limited. Any other category counts as blocked only.
func CounterFor(category string) SecurityCounter {
	switch category {
	case "validation":
		return CountValidation
	case "injection", "jailbreak", "prompt_leak", "template_token", "obfuscation":
		return CountPromptInjection
	case "rate_limit":
		return CountRateLimit
	}
	return pb.SecurityCounter_SECURITY_COUNTER_UNSPECIFIED
}

// IsReject reports whether a stage answer refuses the request.
func IsReject(r *StageResponse) bool {
	return r != nil && r.Action == pb.StageResponse_REJECT && r.Reject != nil
}

// Error is a classified provider failure. Make one with Fail.
type Error struct{ PE *ProviderError }

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", ClassName(e.PE.Class), e.PE.Message)
}

// Fail returns a provider error of the given class. status is the upstream's
// HTTP status (0 when none); retryAfter is the upstream's Retry-After (0 when
// none); message must be safe to show to a client (no keys, no URLs with keys).
func Fail(class ErrorClass, status int, retryAfter time.Duration, upstreamCode, message string) error {
	return &Error{PE: &ProviderError{
		Class:        class,
		Status:       int32(status),
		Message:      message,
		RetryAfterMs: retryAfter.Milliseconds(),
		UpstreamCode: upstreamCode,
	}}
}

// WithParam names the request field a provider error is about (the
// upstream's "param"), which a bad request's error passes on to the client;
// err is returned unchanged when it is no Fail error or param is "".
func WithParam(err error, param string) error {
	var e *Error
	if param != "" && errors.As(err, &e) {
		e.PE.UpstreamParam = param
	}
	return err
}

// AsProviderError turns any error from a provider into a ProviderError:
// a Fail error keeps its class, a deadline becomes timeout, the rest transport.
func AsProviderError(err error) *ProviderError {
	var e *Error
	if errors.As(err, &e) {
		return e.PE
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &ProviderError{Class: ClassTimeout, Message: "upstream timed out"}
	}
	if errors.Is(err, context.Canceled) {
		return &ProviderError{Class: ClassTimeout, Message: "request canceled"}
	}
	return &ProviderError{Class: ClassTransport, Message: err.Error()}
}
