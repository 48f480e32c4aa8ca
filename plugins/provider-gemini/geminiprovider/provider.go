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
	"net"
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
	// maxResponseBody bounds a generateContent answer.
	maxResponseBody = 32 << 20
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
}

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
	trimmed := strings.TrimRight(u.String(), "/")
	return &Provider{
		key:     key,
		base:    trimmed + "/" + version,
		shown:   strings.TrimRight(u.Redacted(), "/"),
		version: version,
		timeout: timeout,
		client:  &http.Client{Transport: newTransport()},
		logger:  logger,
		redact:  provkit.NewRedactor(key),
	}, nil
}

// newTransport is the instance's one connection pool: keep-alive, HTTP/2
// when the server offers it, and enough idle connections per host for a busy
// gateway. It has no overall timeout: streams are bounded by the call's
// context instead.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Info reports the instance's non-secret settings.
func (p *Provider) Info() map[string]string {
	return map[string]string{
		"base_url":    p.shown,
		"api_version": p.version,
		"has_key":     strconv.FormatBool(p.key != ""),
		"timeout":     p.timeout.String(),
	}
}

// Close releases the instance's idle connections.
func (p *Provider) Close() error {
	p.client.CloseIdleConnections()
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
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return nil, p.transportError(ctx, callCtx, err, "while sending its answer")
	}
	if len(body) > maxResponseBody {
		return nil, sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "gemini: answer too large")
	}
	var gr generateResponse
	if err := json.Unmarshal(body, &gr); err != nil {
		return nil, sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "gemini: malformed answer (invalid JSON)")
	}
	if gr.Error != nil {
		return nil, p.classify(resp.StatusCode, gr.Error, retryAfter(resp.Header, gr.Error))
	}
	if err := blocked(&gr); err != nil {
		return nil, err
	}
	text, reason := gr.text()
	if len(gr.Candidates) == 0 {
		return nil, sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "gemini: answer without candidates")
	}
	if text == "" && isFilterReason(reason) {
		return nil, filtered(reason)
	}
	if text == "" {
		if err := emptyAnswer(resp.StatusCode, reason); err != nil {
			return nil, err
		}
	}
	return &sdk.CompleteResponse{
		Id:           gr.ResponseID,
		Content:      text,
		FinishReason: finishReason(reason),
		Usage:        gr.UsageMetadata.usage(),
		Model:        gr.ModelVersion,
	}, nil
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
	var (
		usage   *sdk.Usage
		sent    bool // text has gone to the client
		started bool // a chunk has gone to the client
	)
	for {
		ev, err := events.Next()
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
		if gr.Error != nil {
			return p.classify(0, gr.Error, retryAfter(http.Header{}, gr.Error))
		}
		if err := blocked(&gr); err != nil {
			return err
		}
		if gr.UsageMetadata != nil {
			usage = gr.UsageMetadata.usage()
		}
		text, reason := gr.text()
		if reason != "" && text == "" && !sent && isFilterReason(reason) {
			return filtered(reason)
		}
		if reason != "" && text == "" && !sent {
			if err := emptyAnswer(resp.StatusCode, reason); err != nil {
				return err
			}
		}
		thought := gr.thoughts()
		if text == "" && reason == "" && thought == "" {
			continue // a usage-only event
		}
		// A thought-only event still goes out: the model is at work (the
		// host's idle deadline), and a chat client may show it.
		chunk := &sdk.StreamChunk{Content: text, ReasoningContent: thought, Id: gr.ResponseID, Model: gr.ModelVersion}
		if !started {
			chunk.Role = "assistant"
			started = true
		}
		if reason != "" {
			chunk.FinishReason = finishReason(reason)
			chunk.Usage = usage
		}
		if err := send(chunk); err != nil {
			return err
		}
		sent = sent || text != ""
		if reason != "" {
			return nil
		}
	}
}

// post sends the request to model:method. ctx is the caller's context and
// callCtx the same bounded by the instance timeout; a non-2xx answer comes
// back as a classified error.
func (p *Provider) post(ctx, callCtx context.Context, req *sdk.CompleteRequest, method, query string) (*http.Response, error) {
	gr, err := buildRequest(req.GetRequest())
	if err != nil {
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
