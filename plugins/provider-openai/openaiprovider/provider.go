// Package openaiprovider is an llmgw provider for OpenAI's chat completions
// API and every server that speaks it: OpenAI, OpenRouter, Groq, and local or
// self-hosted servers (Ollama, vLLM, llama.cpp, LiteLLM) by base URL.
//
// Non-streaming calls go through github.com/sashabaranov/go-openai; streams
// are read by this package's own SSE reader, because go-openai's cannot tell
// a stream that was cut from one that ended cleanly. Every failure is
// returned as a classified sdk error whose class decides the host's fallback.
package openaiprovider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	openai "github.com/sashabaranov/go-openai"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit"
)

// Flavors of OpenAI-compatible APIs; the flavor picks default headers.
const (
	FlavorOpenAI     = "openai"
	FlavorOpenRouter = "openrouter"
	FlavorGroq       = "groq"
	FlavorGeneric    = "generic"
)

// Defaults of the instance config.
const (
	DefaultBaseURL = "https://api.openai.com/v1"
	DefaultTimeout = 120 * time.Second
)

// OpenRouter's attribution headers, sent by the openrouter flavor unless the
// config sets them.
const (
	DefaultOpenRouterReferer = "https://github.com/llmgw/llmgw"
	DefaultOpenRouterTitle   = "llmgw"
)

// Config is an instance's `config = { … }` block.
type Config struct {
	// APIKey is sent as "Authorization: Bearer KEY". It may be empty: the
	// instance then configures, but every call fails with class auth
	// (except with flavor generic, where local servers need no key).
	APIKey string `json:"api_key"`
	// BaseURL is the API root, e.g. https://openrouter.ai/api/v1.
	BaseURL string `json:"base_url"`
	// Flavor is openai, openrouter, groq, azure or generic; inferred from the
	// base URL's host when empty.
	Flavor string `json:"flavor"`
	// Headers are extra request headers (e.g. OpenRouter's X-Title).
	Headers map[string]string `json:"headers"`
	// Timeout bounds a whole HTTP call, streams included (default 120s).
	Timeout *timeoutValue `json:"timeout"`
	// Organization is sent as OpenAI-Organization when set.
	Organization string `json:"organization"`
	// APIVersion is Azure's api-version (flavor azure; default
	// DefaultAzureAPIVersion).
	APIVersion string `json:"api_version"`
	// Deployments maps upstream model names to Azure deployment names
	// (flavor azure); a model not listed is its own deployment name.
	Deployments map[string]string `json:"deployments"`
}

// timeoutValue is an sdk.Duration whose decoding error names the field.
type timeoutValue struct{ D sdk.Duration }

// UnmarshalJSON implements json.Unmarshaler.
func (t *timeoutValue) UnmarshalJSON(b []byte) error {
	if err := t.D.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("field %q: %v", "timeout", err)
	}
	return nil
}

// Provider is one configured instance. It is safe for concurrent use.
type Provider struct {
	name    string
	flavor  string
	baseURL string // without a trailing slash
	hasKey  bool
	keyless bool // calls may go out without a key (flavor generic)
	apiKey  string
	org     string
	timeout time.Duration
	headers map[string]string
	// azure is set for flavor azure.
	azure *azureSettings

	httpClient *http.Client
	doer       *doer
	client     *openai.Client
	classify   *classifier
	log        hclog.Logger
}

var (
	_ sdk.Provider = (*Provider)(nil)
	_ sdk.Closer   = (*Provider)(nil)
)

// New builds an instance from its config; it is the plugin's provider factory.
func New(c sdk.Config) (sdk.Provider, error) {
	return newProvider(c)
}

func newProvider(c sdk.Config) (*Provider, error) {
	var cfg Config
	if err := c.Decode(&cfg); err != nil {
		return nil, err
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, sdk.ConfigError("field %q: must be an absolute http(s) URL such as %s", "base_url", DefaultBaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, sdk.ConfigError("field %q: must not have a query or fragment", "base_url")
	}
	flavor := cfg.Flavor
	switch flavor {
	case "":
		flavor = inferFlavor(u.Hostname())
	case FlavorOpenAI, FlavorOpenRouter, FlavorGroq, FlavorGeneric, FlavorAzure:
	default:
		return nil, sdk.ConfigError("field %q: must be one of openai, openrouter, groq, generic, azure; got %q", "flavor", flavor)
	}
	if err := checkFlavorFields(&cfg, flavor); err != nil {
		return nil, err
	}
	var azure *azureSettings
	if flavor == FlavorAzure {
		if azure, err = newAzureSettings(&cfg); err != nil {
			return nil, err
		}
		base = azureEndpoint(base)
	}
	timeout := DefaultTimeout
	if cfg.Timeout != nil {
		timeout = cfg.Timeout.D.D()
		if timeout <= 0 {
			return nil, sdk.ConfigError("field %q: must be a positive duration", "timeout")
		}
	}
	headers := map[string]string{}
	if flavor == FlavorOpenRouter {
		headers[http.CanonicalHeaderKey("HTTP-Referer")] = DefaultOpenRouterReferer
		headers[http.CanonicalHeaderKey("X-Title")] = DefaultOpenRouterTitle
	}
	for k, v := range cfg.Headers {
		if !validHeaderName(k) {
			return nil, sdk.ConfigError("field %q: invalid header name %q", "headers", k)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return nil, sdk.ConfigError("field %q: header %q: value must not contain line breaks", "headers", k)
		}
		headers[http.CanonicalHeaderKey(k)] = v
	}
	if strings.ContainsAny(cfg.APIKey, "\r\n\x00 ") {
		return nil, sdk.ConfigError("field %q: must not contain spaces or line breaks", "api_key")
	}
	if strings.ContainsAny(cfg.Organization, "\r\n\x00") {
		return nil, sdk.ConfigError("field %q: must not contain line breaks", "organization")
	}

	logger := c.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	name := c.Name
	if name == "" {
		name = "provider-openai"
	}
	p := &Provider{
		name:       name,
		flavor:     flavor,
		baseURL:    strings.TrimRight(base, "/"),
		hasKey:     cfg.APIKey != "",
		keyless:    flavor == FlavorGeneric,
		apiKey:     cfg.APIKey,
		org:        cfg.Organization,
		timeout:    timeout,
		headers:    headers,
		azure:      azure,
		httpClient: newHTTPClient(timeout),
		classify:   &classifier{name: name, redact: provkit.NewRedactor(cfg.APIKey)},
		log:        logger,
	}
	p.doer = &doer{client: p.httpClient, headers: headers}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = p.baseURL
	oc.OrgID = cfg.Organization
	if azure != nil {
		oc = azure.clientConfig(cfg.APIKey, p.baseURL)
	}
	oc.HTTPClient = p.doer
	p.client = openai.NewClientWithConfig(oc)
	return p, nil
}

// inferFlavor picks the flavor from a well-known API host.
func inferFlavor(host string) string {
	host = strings.ToLower(host)
	switch {
	case host == "api.openai.com":
		return FlavorOpenAI
	case host == "openrouter.ai" || strings.HasSuffix(host, ".openrouter.ai"):
		return FlavorOpenRouter
	case host == "api.groq.com":
		return FlavorGroq
	case isAzureHost(host):
		return FlavorAzure
	}
	return FlavorGeneric
}

// validHeaderName reports whether s is an HTTP token (RFC 9110).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// Info lists the instance's non-secret settings (never the key or header values).
func (p *Provider) Info() map[string]string {
	names := make([]string, 0, len(p.headers))
	for k := range p.headers {
		names = append(names, k)
	}
	sort.Strings(names)
	info := map[string]string{
		"base_url": provkit.SafeURL(p.baseURL),
		"has_key":  strconv.FormatBool(p.hasKey),
		"flavor":   p.flavor,
		"timeout":  p.timeout.String(),
		"headers":  strings.Join(names, ","),
	}
	if p.azure != nil {
		info["api_version"] = p.azure.apiVersion
	}
	return info
}

// Close releases the instance's idle connections.
func (p *Provider) Close() error {
	p.httpClient.CloseIdleConnections()
	return nil
}

// checkKey fails a call when the instance has no key and needs one.
func (p *Provider) checkKey() error {
	if p.hasKey || p.keyless {
		return nil
	}
	return sdk.Fail(sdk.ClassAuth, 0, 0, "no_api_key", fmt.Sprintf("no API key configured for provider %s", p.name))
}

// Complete asks the upstream for a whole answer.
func (p *Provider) Complete(ctx context.Context, req *sdk.CompleteRequest) (*sdk.CompleteResponse, error) {
	if err := p.checkKey(); err != nil {
		return nil, err
	}
	oreq, patch := buildRequest(req, false)
	x := &exchange{patch: patch}
	resp, err := p.client.CreateChatCompletion(withExchange(ctx, x), oreq)
	if err := p.exchangeError(ctx, x, err); err != nil {
		return nil, err
	}
	if len(resp.Choices) == 0 {
		return nil, p.classify.fail(sdk.ClassUpstream5xx, x.status, 0, "", "upstream answer has no choices")
	}
	out := answerOf(&resp, x.body)
	if out.FinishReason == "error" {
		return nil, p.classify.fail(sdk.ClassUpstream5xx, x.status, 0, "", "upstream ended the generation with an error")
	}
	if out.FinishReason == string(openai.FinishReasonContentFilter) && out.Content == "" {
		return nil, p.classify.fail(sdk.ClassContentFilter, x.status, 0, "content_filter", "the upstream's content filter blocked the answer")
	}
	return out, nil
}

// answerOf maps a whole answer from its body as sent (tool calls,
// refusal, logprobs, every choice), or from go-openai's decoding when the
// body was not kept.
func answerOf(resp *openai.ChatCompletionResponse, body []byte) *sdk.CompleteResponse {
	var w wireAnswer
	if len(body) > 0 && json.Unmarshal(body, &w) == nil && len(w.Choices) > 0 {
		return w.toResponse()
	}
	ch := resp.Choices[0]
	finish := string(ch.FinishReason)
	if finish == "" {
		finish = "stop"
	}
	return &sdk.CompleteResponse{Id: resp.ID, Content: ch.Message.Content, Refusal: ch.Message.Refusal, FinishReason: finish, Model: resp.Model, Usage: toUsage(&resp.Usage)}
}

// exchangeError classifies a failed non-streaming call (err from go-openai)
// or a 200 that is not an answer: another 2xx status, or an error object in
// the body. nil when the answer is good.
func (p *Provider) exchangeError(ctx context.Context, x *exchange, err error) error {
	if err != nil {
		return p.completeError(ctx, x, err)
	}
	if x.status != 0 && x.status != http.StatusOK {
		return p.classify.fail(sdk.ClassUpstream5xx, x.status, 0, "", fmt.Sprintf("upstream answered with unexpected HTTP %d", x.status))
	}
	if ue := parseErrorBodyIfAny(x.body); ue != nil {
		return p.classify.embeddedError(x.status, x.header, ue)
	}
	return nil
}

// parseErrorBodyIfAny finds an error object in a 2xx body cheaply.
func parseErrorBodyIfAny(body []byte) *upstreamError {
	if !strings.Contains(string(body), `"error"`) {
		return nil
	}
	return parseErrorBody(body)
}

// completeError classifies what go-openai returned for a failed call.
func (p *Provider) completeError(ctx context.Context, x *exchange, err error) error {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode > 0 && x.status == apiErr.HTTPStatusCode && parseErrorBody(x.body) != nil:
		// The one classifier of error bodies, on the body as sent.
		return p.classify.httpError(x.status, x.header, x.body)
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode > 0:
		return p.httpErrorFromAPIError(apiErr, x.header)
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode > 0:
		return p.classify.httpError(reqErr.HTTPStatusCode, x.header, reqErr.Body)
	case x.status/100 == 2 && x.body != nil:
		// The whole answer arrived but is not a completion.
		p.log.Debug("malformed upstream answer", "error", p.classify.redact.Message(err.Error()))
		return p.classify.fail(sdk.ClassUpstream5xx, x.status, 0, "", "upstream sent a malformed answer")
	case x.status != 0 && x.status/100 != 2 && x.status < 400:
		return p.classify.fail(sdk.ClassUpstream5xx, x.status, 0, "", fmt.Sprintf("upstream answered with unexpected HTTP %d", x.status))
	case x.status == 0 && ctx.Err() == nil && !isTransportFailure(err):
		// go-openai refused the request before sending it (e.g. parameters a
		// reasoning model does not take).
		return p.classify.fail(sdk.ClassBadRequest, 0, 0, "invalid_request", err.Error())
	}
	if errors.Is(err, errBodyTooLarge) {
		return p.classify.fail(sdk.ClassUpstream5xx, x.status, 0, "", "upstream answer too large")
	}
	p.log.Debug("upstream call failed", "error", p.classify.redact.Message(err.Error()))
	return p.classify.transportError(ctx, err)
}

// httpErrorFromAPIError classifies a JSON error answer go-openai decoded.
func (p *Provider) httpErrorFromAPIError(e *openai.APIError, header http.Header) error {
	code := ""
	switch v := e.Code.(type) {
	case string:
		code = v
	case int: // go-openai turns a null code into 0
		if v != 0 {
			code = strconv.Itoa(v)
		}
	}
	msg := e.Message
	if msg == "" {
		msg = fmt.Sprintf("upstream returned HTTP %d", e.HTTPStatusCode)
	}
	status := e.HTTPStatusCode
	return p.classify.fail(classForStatus(status, code, e.Type), status, retryAfter(header, status), upstreamCode(code, e.Type), msg)
}

// isTransportFailure reports whether err came from the HTTP round trip
// rather than from go-openai's own checks before sending.
func isTransportFailure(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue)
}
