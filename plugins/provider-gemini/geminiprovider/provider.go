// Package geminiprovider is the llmgw provider for Google's native Gemini API
// (generativelanguage v1beta) over plain REST: generateContent for
// completions, streamGenerateContent?alt=sse for streams, with Gemini's
// answers, finish reasons, usage and errors mapped to the gateway's
// OpenAI-shaped protocol and error classes.
package geminiprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit"
	"github.com/llmgw/llmgw/sdk/go/provkit/sse"
)

// Defaults of the instance config.
const (
	DefaultBaseURL    = "https://generativelanguage.googleapis.com"
	DefaultAPIVersion = "v1beta"
	DefaultTimeout    = 120 * time.Second
)

const (
	// maxStreamEvent bounds one server-sent event of a stream.
	maxStreamEvent = 8 << 20
)

// Config is an instance's `config = { … }` block.
type Config struct {
	// APIKey is sent as x-goog-api-key. Empty is allowed (the pipeline may
	// be loaded without credentials); every call then fails with class auth.
	APIKey string `json:"api_key"`
	// BaseURL is the API's root, without the version.
	BaseURL string `json:"base_url"`
	// APIVersion is the path segment after the base URL ("v1beta").
	APIVersion string `json:"api_version"`
	// Timeout bounds one whole call, stream included ("120s").
	Timeout *sdk.Duration `json:"timeout"`
	// ImageFetch lets the plugin download https image URLs (default true);
	// false refuses them (data: URLs still work).
	ImageFetch *bool `json:"image_fetch"`
	// ImageMaxBytes bounds all of a request's images together, fetched or
	// inline (default 20 MiB).
	ImageMaxBytes *int64 `json:"image_max_bytes"`
	// ImageFetchTimeout bounds the download of one image URL ("10s").
	ImageFetchTimeout *sdk.Duration `json:"image_fetch_timeout"`
	// SchemaFormat is how tool parameters and json_schema reach Gemini:
	// "openapi" (default) converts them to responseSchema/parameters,
	// "json_schema" sends them as given in responseJsonSchema/
	// parametersJsonSchema (newer models only).
	SchemaFormat string `json:"schema_format"`
}

// The schema formats.
const (
	SchemaFormatOpenAPI    = "openapi"
	SchemaFormatJSONSchema = "json_schema"
)

// jsonSchemaHint ends the refusal of a schema Gemini's OpenAPI subset cannot
// express: what the operator can do about it.
const jsonSchemaHint = ` (on a model that takes full JSON Schema, set schema_format = "json_schema" in the provider's config)`

// callCacheEntries bounds the remembered thought signatures and model
// call ids (a few KB each at most).
const callCacheEntries = 4096

// Provider is one configured Gemini instance. It is safe for concurrent use.
type Provider struct {
	key     string
	base    string // base URL + "/" + api version, no trailing slash
	shown   string // base URL for Info, credentials removed
	version string
	timeout time.Duration
	client  *http.Client
	logger  hclog.Logger
	redact  *provkit.Redactor // applied to every upstream message
	images  *imageFetcher
	// schemaFormat is SchemaFormatOpenAPI or SchemaFormatJSONSchema.
	schemaFormat string
	calls        *callCache // thought signatures and model-issued ids of answered calls
}

var apiVersionPattern = regexp.MustCompile(`^v[0-9]+[a-z0-9]*$`)

// New builds an instance from its config (the sdk.Plugin Provider factory).
func New(c sdk.Config) (sdk.Provider, error) {
	var cfg Config
	if err := c.Decode(&cfg); err != nil {
		return nil, err
	}
	p, err := newProvider(cfg, c.Logger)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func newProvider(cfg Config, logger hclog.Logger) (*Provider, error) {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, sdk.ConfigError(`field "base_url": must be an http(s) URL such as %q`, DefaultBaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, sdk.ConfigError(`field "base_url": must not carry a query or fragment`)
	}
	version := cfg.APIVersion
	if version == "" {
		version = DefaultAPIVersion
	}
	if !apiVersionPattern.MatchString(version) {
		return nil, sdk.ConfigError(`field "api_version": %q is not an API version such as "v1beta"`, version)
	}
	timeout := DefaultTimeout
	if cfg.Timeout != nil {
		timeout = cfg.Timeout.D()
		if timeout <= 0 {
			return nil, sdk.ConfigError(`field "timeout": must be positive, e.g. "120s"`)
		}
	}
	if strings.ContainsAny(cfg.APIKey, "\r\n") {
		return nil, sdk.ConfigError(`field "api_key": must be a single line`)
	}
	key := strings.TrimSpace(cfg.APIKey)
	if key == "" {
		logger.Warn("no api_key configured: every call to this provider fails with class auth")
	}
	images, err := imageConfig(cfg)
	if err != nil {
		return nil, err
	}
	schemaFormat, err := schemaFormatOf(cfg)
	if err != nil {
		return nil, err
	}
	trimmed := strings.TrimRight(u.String(), "/")
	return &Provider{
		images:       images,
		schemaFormat: schemaFormat,
		calls:        newCallCache(callCacheEntries),
		key:          key,
		base:         trimmed + "/" + version,
		shown:        strings.TrimRight(u.Redacted(), "/"),
		version:      version,
		timeout:      timeout,
		client:       &http.Client{Transport: provkit.NewTransport(), CheckRedirect: provkit.NoRedirect},
		logger:       logger,
		redact:       provkit.NewRedactor(key),
	}, nil
}

// schemaFormatOf checks schema_format ("openapi" when unset).
func schemaFormatOf(cfg Config) (string, error) {
	switch cfg.SchemaFormat {
	case "":
		return SchemaFormatOpenAPI, nil
	case SchemaFormatOpenAPI, SchemaFormatJSONSchema:
		return cfg.SchemaFormat, nil
	}
	return "", sdk.ConfigError(`field "schema_format": %q is not "openapi" or "json_schema"`, cfg.SchemaFormat)
}

// imageConfig checks the image knobs and builds the fetcher.
func imageConfig(cfg Config) (*imageFetcher, error) {
	enabled := cfg.ImageFetch == nil || *cfg.ImageFetch
	maxBytes := int64(DefaultImageMaxBytes)
	if cfg.ImageMaxBytes != nil {
		maxBytes = *cfg.ImageMaxBytes
		if maxBytes <= 0 {
			return nil, sdk.ConfigError(`field "image_max_bytes": must be positive, e.g. %d`, DefaultImageMaxBytes)
		}
	}
	timeout := DefaultImageFetchTimeout
	if cfg.ImageFetchTimeout != nil {
		timeout = cfg.ImageFetchTimeout.D()
		if timeout <= 0 {
			return nil, sdk.ConfigError(`field "image_fetch_timeout": must be positive, e.g. "10s"`)
		}
	}
	return newImageFetcher(enabled, maxBytes, timeout, publicAddress, nil), nil
}

// Info reports the instance's non-secret settings.
func (p *Provider) Info() map[string]string {
	return map[string]string{
		"base_url":      p.shown,
		"api_version":   p.version,
		"has_key":       strconv.FormatBool(p.key != ""),
		"timeout":       p.timeout.String(),
		"image_fetch":   strconv.FormatBool(p.images.enabled),
		"schema_format": p.schemaFormat,
	}
}

// Close releases the instance's idle connections.
func (p *Provider) Close() error {
	p.client.CloseIdleConnections()
	p.images.client.CloseIdleConnections()
	return nil
}

// Complete answers a chat request with generateContent.
func (p *Provider) Complete(ctx context.Context, req *sdk.CompleteRequest) (*sdk.CompleteResponse, error) {
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.post(ctx, callCtx, req, "generateContent", "")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var gr generateResponse
	if err := provkit.DecodeAnswer(resp, "gemini: ", &gr, func(err error) error {
		return p.transportError(ctx, callCtx, err, "while sending its answer")
	}); err != nil {
		return nil, err
	}
	if gr.Error != nil {
		return nil, p.classify(resp.StatusCode, gr.Error, retryAfter(resp.Header, gr.Error))
	}
	if err := blocked(&gr); err != nil {
		return nil, err
	}
	if len(gr.Candidates) == 0 {
		return nil, sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "gemini: answer without candidates")
	}
	c0 := gr.first()
	text, reason := c0.text()
	calls := limitCalls(c0.calls(), req.GetRequest(), 0)
	if text == "" && len(calls) == 0 && !otherContent(&gr) {
		if isFilterReason(reason) {
			return nil, filtered(reason)
		}
		if err := emptyAnswer(resp.StatusCode, reason); err != nil {
			return nil, err
		}
	}
	out := &sdk.CompleteResponse{
		Id:           gr.ResponseID,
		Content:      text,
		FinishReason: callsFinish(reason, len(calls) > 0),
		Usage:        gr.UsageMetadata.usage(),
		Model:        gr.ModelVersion,
		ToolCalls:    p.toolCalls(calls, gr.ResponseID, 0),
		LogprobsJson: c0.logprobsJSON(),
	}
	// n > 1: the other candidates, in Gemini's order (never more than asked).
	for i := 1; i < len(gr.Candidates) && i < int(req.GetRequest().GetN()); i++ {
		c := &gr.Candidates[i]
		t, r := c.text()
		cl := limitCalls(c.calls(), req.GetRequest(), 0)
		out.MoreChoices = append(out.MoreChoices, &sdk.Choice{Index: int32(i), Content: t, FinishReason: callsFinish(r, len(cl) > 0),
			ToolCalls: p.toolCalls(cl, choiceSeed(gr.ResponseID, i), 0), LogprobsJson: c.logprobsJSON()})
	}
	return out, nil
}

// otherContent reports whether a candidate after the first has text or
// calls (n > 1): an empty first candidate is then one choice among others,
// not a failed answer.
func otherContent(gr *generateResponse) bool {
	for i := 1; i < len(gr.Candidates); i++ {
		if t, _ := gr.Candidates[i].text(); t != "" || len(gr.Candidates[i].calls()) > 0 {
			return true
		}
	}
	return false
}

// choiceSeed is what the tool call ids of choice i derive from.
func choiceSeed(responseID string, i int) string {
	if i == 0 || responseID == "" {
		return responseID
	}
	return responseID + "/" + strconv.Itoa(i)
}

// limitCalls keeps the first call only when the request said
// parallel_tool_calls false and none was sent yet (sent: the calls of the
// answer already sent): Gemini cannot be told, so the gateway enforces it.
func limitCalls(calls []part, req *sdk.ChatRequest, sent int) []part {
	if req.ParallelToolCalls == nil || req.GetParallelToolCalls() {
		return calls
	}
	if sent > 0 {
		return nil
	}
	if len(calls) > 1 {
		return calls[:1]
	}
	return calls
}

// callsFinish is the OpenAI finish reason of an answer; one with tool
// calls that Gemini ended with STOP finished for "tool_calls".
func callsFinish(reason string, calls bool) string {
	if calls && reason == "STOP" {
		return "tool_calls"
	}
	return finishReason(reason)
}

// Stream answers a chat request with streamGenerateContent?alt=sse, one
// chunk per event. Gemini sends no [DONE]: the event carrying a finish
// reason is the end, and a stream that closes before it was cut.
func (p *Provider) Stream(ctx context.Context, req *sdk.CompleteRequest, send sdk.ChunkSender) error {
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.post(ctx, callCtx, req, "streamGenerateContent", "alt=sse")
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	events := sse.NewReader(resp.Body, maxStreamEvent)
	defer events.Release()
	st := newStreamState(req.GetRequest())
	for {
		ev, err := events.Next()
		if err == io.EOF && st.complete() {
			if st.usage == nil {
				return nil
			}
			return send(&sdk.StreamChunk{Usage: st.usage}) // no candidate's finish carried it
		}
		if err == io.EOF || err == nil && ev.Unterminated {
			// The stream ended without an event carrying a finish reason,
			// or inside an event: the answer was cut.
			return sdk.Fail(sdk.ClassTransport, resp.StatusCode, 0, "", "gemini: upstream stream ended early (no finish reason)")
		}
		if errors.Is(err, sse.ErrTooLarge) {
			return sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "gemini: stream event too large")
		}
		if err != nil {
			return p.transportError(ctx, callCtx, err, "while streaming")
		}
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			continue
		}
		var gr generateResponse
		if err := json.Unmarshal(data, &gr); err != nil {
			return sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "gemini: malformed stream event (invalid JSON)")
		}
		done, err := p.streamEvent(&gr, resp.StatusCode, st, send)
		if err != nil || done {
			return err
		}
	}
}

// streamState is what a stream has sent so far.
type streamState struct {
	req      *sdk.ChatRequest
	want     int // choices asked for (n)
	usage    *sdk.Usage
	choices  map[int32]*choiceState
	finished int // choices that have finished
}

// choiceState is what one choice of a stream has sent.
type choiceState struct {
	started  bool // a chunk has gone to the client
	sent     bool // text or a call has gone to the client
	calls    int  // tool calls sent (the next one's index)
	finished bool
}

func newStreamState(req *sdk.ChatRequest) *streamState {
	return &streamState{req: req, want: int(max(req.GetN(), 1)), choices: map[int32]*choiceState{}}
}

func (st *streamState) choice(i int32) *choiceState {
	cs := st.choices[i]
	if cs == nil {
		cs = &choiceState{}
		st.choices[i] = cs
	}
	return cs
}

// complete reports whether a stream that ended (EOF) after this state is a
// whole answer: with n > 1, Gemini may return fewer candidates than asked,
// so every candidate that started has finished.
func (st *streamState) complete() bool {
	if st.want < 2 || st.finished == 0 {
		return false
	}
	for _, cs := range st.choices {
		if !cs.finished {
			return false
		}
	}
	return true
}

// streamEvent maps one event to chunks, one per candidate it carries; done
// once every choice asked for has finished. Gemini sends each function call
// whole, in one event: it goes out as one tool-call delta with its index,
// id, name and all of its arguments.
func (p *Provider) streamEvent(gr *generateResponse, status int, st *streamState, send sdk.ChunkSender) (bool, error) {
	if gr.Error != nil {
		return false, p.classify(0, gr.Error, retryAfter(http.Header{}, gr.Error))
	}
	if err := blocked(gr); err != nil {
		return false, err
	}
	if gr.UsageMetadata != nil {
		st.usage = gr.UsageMetadata.usage()
	}
	var chunks []*sdk.StreamChunk
	for i := range gr.Candidates {
		if int(gr.Candidates[i].Index) >= st.want {
			continue // never more choices than asked
		}
		cc, err := p.candidateChunks(gr, &gr.Candidates[i], status, st)
		if err != nil {
			return false, err
		}
		chunks = append(chunks, cc...)
	}
	done := st.finished >= st.want
	for i, chunk := range chunks {
		if done && i == len(chunks)-1 {
			chunk.Usage = st.usage
		}
		if err := send(chunk); err != nil {
			return false, err
		}
	}
	return done, nil
}

// candidateChunks maps one candidate of an event to its chunks (none when
// it carries nothing to send). A stream of one choice that finishes without
// content is a failure, as in Complete.
//
// Gemini sends each function call whole. It goes out as OpenAI streams a
// call, so that clients and SDK stream helpers see the same events from
// both: a delta with the call's index, id, type, name and empty arguments
// in the chunk of the event's text, then the arguments in fragments, one
// chunk each; the finish reason is on the last chunk.
func (p *Provider) candidateChunks(gr *generateResponse, c *candidate, status int, st *streamState) ([]*sdk.StreamChunk, error) {
	cs := st.choice(c.Index)
	text, reason := c.text()
	calls := limitCalls(c.calls(), st.req, cs.calls)
	if reason != "" && text == "" && len(calls) == 0 && !cs.sent && st.want == 1 {
		if isFilterReason(reason) {
			return nil, filtered(reason)
		}
		if err := emptyAnswer(status, reason); err != nil {
			return nil, err
		}
	}
	thought, logprobs := c.thoughts(), c.logprobsJSON()
	if text == "" && reason == "" && thought == "" && len(calls) == 0 && logprobs == "" {
		return nil, nil // a usage-only event
	}
	// A thought-only event still goes out: the model is at work (the
	// host's idle deadline), and a chat client may show it.
	chunk := &sdk.StreamChunk{Content: text, ReasoningContent: thought, Id: gr.ResponseID, Model: gr.ModelVersion,
		ChoiceIndex: c.Index, LogprobsJson: logprobs}
	if !cs.started {
		chunk.Role = "assistant"
		cs.started = true
	}
	out := []*sdk.StreamChunk{chunk}
	for _, tc := range p.toolCalls(calls, choiceSeed(gr.ResponseID, int(c.Index)), cs.calls) {
		chunk.ToolCalls = append(chunk.ToolCalls, &sdk.ToolCall{Index: tc.Index, Id: tc.Id, Type: tc.Type, Name: tc.Name})
		for _, frag := range fragments(tc.Arguments, 3) {
			out = append(out, &sdk.StreamChunk{Id: gr.ResponseID, Model: gr.ModelVersion, ChoiceIndex: c.Index,
				ToolCalls: []*sdk.ToolCall{{Index: tc.Index, Arguments: frag}}})
		}
	}
	cs.calls += len(calls)
	if reason != "" && !cs.finished {
		out[len(out)-1].FinishReason = callsFinish(reason, cs.calls > 0)
		cs.finished = true
		st.finished++
	}
	cs.sent = cs.sent || text != "" || len(calls) > 0
	return out, nil
}

// fragments cuts s into at most n pieces of about the same length, on rune
// boundaries (a chunk's strings must be UTF-8).
func fragments(s string, n int) []string {
	runes := []rune(s)
	if len(runes) < n {
		return []string{s}
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, string(runes[i*len(runes)/n:(i+1)*len(runes)/n]))
	}
	return out
}

// post sends the request to model:method. ctx is the caller's context and
// callCtx the same bounded by the instance timeout; a non-2xx answer comes
// back as a classified error.
func (p *Provider) post(ctx, callCtx context.Context, req *sdk.CompleteRequest, method, query string) (*http.Response, error) {
	if p.key == "" {
		return nil, sdk.Fail(sdk.ClassAuth, 0, 0, "", "gemini: no API key configured")
	}
	model := strings.TrimSpace(req.GetUpstreamModel())
	if model == "" {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", "gemini: no upstream model given")
	}
	gr, err := p.buildRequest(callCtx, req.GetRequest())
	if err != nil {
		return nil, err
	}
	if err := applyReasoningEffort(gr, model, req.GetRequest().GetReasoningEffort()); err != nil {
		return nil, err
	}
	return p.postJSON(ctx, callCtx, req.GetUpstreamModel(), method, query, gr)
}

// postJSON sends body as JSON to model:method (see post).
func (p *Provider) postJSON(ctx, callCtx context.Context, model, method, query string, v any) (*http.Response, error) {
	if p.key == "" {
		return nil, sdk.Fail(sdk.ClassAuth, 0, 0, "", "gemini: no API key configured")
	}
	model = strings.TrimSpace(model)
	if model == "" {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", "gemini: no upstream model given")
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", "gemini: cannot encode the request")
	}
	path, ok := modelPath(model)
	if !ok {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", fmt.Sprintf("gemini: invalid upstream model %q", model))
	}
	target := p.base + "/" + path + ":" + method
	if query != "" {
		target += "?" + query
	}
	hreq, err := http.NewRequestWithContext(callCtx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", fmt.Sprintf("gemini: invalid upstream model %q", model))
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("x-goog-api-key", p.key)
	if query != "" {
		hreq.Header.Set("Accept", "text/event-stream")
	}
	resp, err := p.client.Do(hreq)
	if err != nil {
		return nil, p.transportError(ctx, callCtx, err, "before answering")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, p.statusError(resp)
	}
	return resp, nil
}

// modelPath is the resource name of a model: "models/NAME", or the name as
// given when it already names a collection ("tunedModels/x", "models/x").
// Each segment is escaped so a model name cannot change the request path.
func modelPath(model string) (string, bool) {
	segs := strings.Split(model, "/")
	if len(segs) == 1 {
		segs = []string{"models", model}
	}
	for i, s := range segs {
		if s == "" || s == "." || s == ".." {
			return "", false
		}
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/"), true
}

// blocked returns a content_filter error when the prompt itself was blocked
// (promptFeedback.blockReason and no candidates).
func blocked(gr *generateResponse) error {
	if gr.PromptFeedback == nil || gr.PromptFeedback.BlockReason == "" || len(gr.Candidates) > 0 {
		return nil
	}
	reason := gr.PromptFeedback.BlockReason
	return sdk.Fail(sdk.ClassContentFilter, http.StatusOK, 0, reason,
		fmt.Sprintf("gemini: the prompt was blocked by the provider's safety filter (%s)", reason))
}

// filtered is the error for an answer stopped by a filter before any text.
func filtered(reason string) error {
	return sdk.Fail(sdk.ClassContentFilter, http.StatusOK, 0, reason,
		fmt.Sprintf("gemini: the answer was blocked by the provider's safety filter (%s)", reason))
}

// countRequest is a countTokens body: the whole generateContent request with
// its model, so that the system instruction and the tools count too.
type countRequest struct {
	GenerateContentRequest *countGenerate `json:"generateContentRequest"`
}

type countGenerate struct {
	Model string `json:"model"`
	*generateRequest
}

// CountTokens counts the request's input tokens with countTokens (free).
func (p *Provider) CountTokens(ctx context.Context, req *sdk.CountTokensRequest) (*sdk.CountTokensResponse, error) {
	if p.key == "" {
		return nil, sdk.Fail(sdk.ClassAuth, 0, 0, "", "gemini: no API key configured")
	}
	path, ok := modelPath(strings.TrimSpace(req.GetUpstreamModel()))
	if !ok {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", fmt.Sprintf("gemini: invalid upstream model %q", req.GetUpstreamModel()))
	}
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	gr, err := p.buildRequest(callCtx, req.GetRequest())
	if err != nil {
		return nil, err
	}
	resp, err := p.postJSON(ctx, callCtx, req.GetUpstreamModel(), "countTokens", "", &countRequest{&countGenerate{Model: path, generateRequest: gr}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		TotalTokens *int32    `json:"totalTokens"`
		Error       *apiError `json:"error"`
	}
	if err := provkit.DecodeAnswer(resp, "gemini: ", &out, func(err error) error {
		return p.transportError(ctx, callCtx, err, "while sending its answer")
	}); err != nil {
		return nil, err
	}
	if out.Error != nil {
		return nil, p.classify(resp.StatusCode, out.Error, retryAfter(resp.Header, out.Error))
	}
	if out.TotalTokens == nil || *out.TotalTokens < 0 {
		return nil, sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "gemini: the count has no totalTokens")
	}
	return &sdk.CountTokensResponse{InputTokens: *out.TotalTokens}, nil
}
