// Package anthropicprovider is the llmgw provider for Anthropic's native
// Messages API (POST /v1/messages) over plain REST: the gateway's
// OpenAI-shaped chat requests (system prompt, turns, tools and tool results,
// images, stop sequences) translated to Messages requests, and Anthropic's
// answers, stream events, stop reasons, usage (cache reads and writes
// included) and errors mapped back to the gateway's protocol and error
// classes.
package anthropicprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit"
)

// Defaults of the instance config.
const (
	DefaultBaseURL = "https://api.anthropic.com"
	// DefaultVersion is the anthropic-version header every call sends.
	DefaultVersion = "2023-06-01"
	// DefaultMaxTokens is max_tokens when the client sends none: the
	// Messages API requires it, OpenAI's API does not.
	DefaultMaxTokens = 4096
	DefaultTimeout   = 120 * time.Second
)

const (
	// maxStreamEvent bounds one server-sent event of a stream.
	maxStreamEvent = 8 << 20
	// maxErrorBody bounds how much of an error answer is read.
	maxErrorBody = 64 << 10
)

// Config is an instance's `config = { … }` block.
type Config struct {
	// APIKey is sent as x-api-key. Empty is allowed (the pipeline may be
	// loaded without credentials); every call then fails with class auth.
	APIKey string `json:"api_key"`
	// BaseURL is the API's root, without /v1.
	BaseURL string `json:"base_url"`
	// Version is the anthropic-version header (default 2023-06-01).
	Version string `json:"anthropic_version"`
	// MaxTokens is max_tokens when the client sends none (default 4096).
	MaxTokens *int32 `json:"max_tokens"`
	// Timeout bounds one whole call, stream included ("120s").
	Timeout *sdk.Duration `json:"timeout"`
}

// Provider is one configured Anthropic instance. It is safe for concurrent use.
type Provider struct {
	key       string
	endpoint  string // base URL + "/v1/messages"
	shown     string // base URL for Info, credentials removed
	version   string
	maxTokens int32
	timeout   time.Duration
	client    *http.Client
	logger    hclog.Logger
	redact    *provkit.Redactor // applied to every upstream message
}

var _ sdk.Closer = (*Provider)(nil)

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
	u, err := provkit.BaseURL(cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	version := strings.TrimSpace(cfg.Version)
	if version == "" {
		version = DefaultVersion
	}
	if strings.ContainsAny(version, "\r\n\x00 ") {
		return nil, sdk.ConfigError(`field "anthropic_version": %q is not a version such as %q`, version, DefaultVersion)
	}
	maxTokens := int32(DefaultMaxTokens)
	if cfg.MaxTokens != nil {
		if *cfg.MaxTokens < 1 {
			return nil, sdk.ConfigError(`field "max_tokens": must be at least 1`)
		}
		maxTokens = *cfg.MaxTokens
	}
	timeout, err := provkit.Timeout(cfg.Timeout, DefaultTimeout)
	if err != nil {
		return nil, err
	}
	key, err := provkit.APIKey(cfg.APIKey)
	if err != nil {
		return nil, err
	}
	if key == "" {
		logger.Warn("no api_key configured: every call to this provider fails with class auth")
	}
	trimmed := strings.TrimRight(u.String(), "/")
	// A base URL given with the version ("…/v1", as some SDKs take it)
	// names the same API.
	root := strings.TrimSuffix(trimmed, "/v1")
	return &Provider{
		key:       key,
		endpoint:  root + "/v1/messages",
		shown:     strings.TrimRight(u.Redacted(), "/"),
		version:   version,
		maxTokens: maxTokens,
		timeout:   timeout,
		client:    &http.Client{Transport: provkit.NewTransport(), CheckRedirect: provkit.NoRedirect},
		logger:    logger,
		redact:    provkit.NewRedactor(key),
	}, nil
}

// Info reports the instance's non-secret settings.
func (p *Provider) Info() map[string]string {
	return map[string]string{
		"base_url":          p.shown,
		"anthropic_version": p.version,
		"has_key":           strconv.FormatBool(p.key != ""),
		"max_tokens":        strconv.Itoa(int(p.maxTokens)),
		"timeout":           p.timeout.String(),
	}
}

// Close releases the instance's idle connections.
func (p *Provider) Close() error {
	p.client.CloseIdleConnections()
	return nil
}

// Complete answers a chat request with one Messages call.
func (p *Provider) Complete(ctx context.Context, req *sdk.CompleteRequest) (*sdk.CompleteResponse, error) {
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.post(ctx, callCtx, req, false)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var mr messageResponse
	if err := provkit.DecodeAnswer(resp, "anthropic: ", &mr, func(err error) error {
		return p.transportError(ctx, callCtx, err, "while sending its answer")
	}); err != nil {
		return nil, err
	}
	if mr.Error != nil {
		return nil, p.classify(resp.StatusCode, resp.Header, mr.Error)
	}
	if mr.Type != "message" {
		return nil, sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "anthropic: the answer is not a message")
	}
	return completeFrom(&mr)
}

// completeFrom maps a whole message: text blocks to the content, tool_use
// blocks to tool calls (numbered among themselves), thinking to reasoning
// with its signature.
func completeFrom(mr *messageResponse) (*sdk.CompleteResponse, error) {
	out := &sdk.CompleteResponse{Id: mr.ID, Model: mr.Model, FinishReason: finishReason(mr.StopReason), Usage: mr.Usage.toSDK()}
	var text, thinking strings.Builder
	for _, b := range mr.Content {
		switch b.Type {
		case "text":
			if b.Text != nil {
				text.WriteString(*b.Text)
			}
		case "thinking":
			thinking.WriteString(b.Thinking)
			out.ReasoningSignature += b.Signature
		case "tool_use":
			out.ToolCalls = append(out.ToolCalls, &sdk.ToolCall{Index: int32(len(out.ToolCalls)), Id: b.ID, Type: "function",
				Name: b.Name, Arguments: toolInputJSON(b.Input)})
		}
	}
	out.Content, out.ReasoningContent = text.String(), thinking.String()
	if mr.StopReason == "refusal" && out.Content == "" && len(out.ToolCalls) == 0 {
		return nil, refused()
	}
	return out, nil
}

// refused is the failure of an answer the model declined to give at all
// (stop_reason refusal, nothing said): the content filter class, as for
// every provider, so the router may try another model.
func refused() error {
	return sdk.Fail(sdk.ClassContentFilter, http.StatusOK, 0, "refusal", "anthropic: the model declined to answer (stop_reason refusal)")
}

// post sends the request. ctx is the caller's context and callCtx the same
// bounded by the instance timeout; a non-2xx answer comes back as a
// classified error.
func (p *Provider) post(ctx, callCtx context.Context, req *sdk.CompleteRequest, stream bool) (*http.Response, error) {
	mr, err := p.messagesRequest(req.GetUpstreamModel(), req.GetRequest(), stream)
	if err != nil {
		return nil, err
	}
	return p.send(ctx, callCtx, p.endpoint, mr, stream)
}

// messagesRequest is the Messages request for chat, or why there is none.
func (p *Provider) messagesRequest(upstream string, chat *sdk.ChatRequest, stream bool) (*messagesRequest, error) {
	if p.key == "" {
		return nil, sdk.Fail(sdk.ClassAuth, 0, 0, "", "anthropic: no API key configured")
	}
	model := strings.TrimSpace(upstream)
	if model == "" {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", "anthropic: no upstream model given")
	}
	return buildRequest(model, chat, p.maxTokens, stream)
}

// send posts v as JSON to url.
func (p *Provider) send(ctx, callCtx context.Context, url string, v any, stream bool) (*http.Response, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", "anthropic: cannot encode the request")
	}
	hreq, err := http.NewRequestWithContext(callCtx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", "anthropic: cannot build the request")
	}
	h := hreq.Header
	h.Set("Content-Type", "application/json")
	h.Set("x-api-key", p.key)
	h.Set("anthropic-version", p.version)
	if stream {
		h.Set("Accept", "text/event-stream")
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

// countRequest is a count_tokens request: the Messages request without
// what a count does not take (max_tokens, sampling, stop sequences,
// metadata, stream).
type countRequest struct {
	Model      string      `json:"model"`
	System     []block     `json:"system,omitempty"`
	Messages   []message   `json:"messages"`
	Tools      []tool      `json:"tools,omitempty"`
	ToolChoice *toolChoice `json:"tool_choice,omitempty"`
	Thinking   *thinking   `json:"thinking,omitempty"`
}

// CountTokens counts the request's input tokens with the Messages API's
// count_tokens endpoint (free, and rate-limited apart from messages).
func (p *Provider) CountTokens(ctx context.Context, req *sdk.CountTokensRequest) (*sdk.CountTokensResponse, error) {
	mr, err := p.messagesRequest(req.GetUpstreamModel(), req.GetRequest(), false)
	if err != nil {
		return nil, err
	}
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.send(ctx, callCtx, p.endpoint+"/count_tokens",
		&countRequest{Model: mr.Model, System: mr.System, Messages: mr.Messages, Tools: mr.Tools, ToolChoice: mr.ToolChoice, Thinking: mr.Thinking}, false)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		InputTokens *int32    `json:"input_tokens"`
		Error       *apiError `json:"error"`
	}
	if err := provkit.DecodeAnswer(resp, "anthropic: ", &out, func(err error) error {
		return p.transportError(ctx, callCtx, err, "while sending its answer")
	}); err != nil {
		return nil, err
	}
	if out.Error != nil {
		return nil, p.classify(resp.StatusCode, resp.Header, out.Error)
	}
	if out.InputTokens == nil || *out.InputTokens < 0 {
		return nil, sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "anthropic: the count has no input_tokens")
	}
	return &sdk.CountTokensResponse{InputTokens: *out.InputTokens}, nil
}

// Stream answers with a streamed Messages call (see stream.go).
func (p *Provider) Stream(ctx context.Context, req *sdk.CompleteRequest, send sdk.ChunkSender) error {
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.post(ctx, callCtx, req, true)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	st := &streamState{p: p, send: send, status: resp.StatusCode, tools: map[int]int32{}, argsSent: map[int32]bool{}}
	return st.read(ctx, callCtx, resp.Body)
}

// errorf is a classified failure with a message made safe by the redactor.
func (p *Provider) errorf(class sdk.ErrorClass, status int, retry time.Duration, code, format string, args ...any) error {
	return sdk.Fail(class, status, retry, code, "anthropic: "+p.redact.Message(fmt.Sprintf(format, args...)))
}
