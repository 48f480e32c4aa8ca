package openaiprovider

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func TestConfig(t *testing.T) {
	cases := []struct {
		name, cfg, wantErr string
		info               map[string]string
	}{
		{name: "defaults", cfg: `{}`, info: map[string]string{"base_url": DefaultBaseURL, "has_key": "false", "flavor": "openai", "timeout": "2m0s"}},
		{name: "openrouter inferred", cfg: `{"api_key":"k","base_url":"https://openrouter.ai/api/v1"}`, info: map[string]string{"flavor": "openrouter", "has_key": "true", "headers": "Http-Referer,X-Title"}},
		{name: "groq inferred", cfg: `{"base_url":"https://api.groq.com/openai/v1/"}`, info: map[string]string{"flavor": "groq", "base_url": "https://api.groq.com/openai/v1"}},
		{name: "generic inferred", cfg: `{"base_url":"http://127.0.0.1:11434/v1","timeout":"5s"}`, info: map[string]string{"flavor": "generic", "timeout": "5s"}},
		{name: "explicit flavor", cfg: `{"base_url":"http://litellm:4000","flavor":"openrouter"}`, info: map[string]string{"flavor": "openrouter"}},
		{name: "user info hidden", cfg: `{"base_url":"https://user:secret@proxy.example/v1"}`, info: map[string]string{"base_url": "https://proxy.example/v1"}},
		{name: "unknown field", cfg: `{"api_keys":"x"}`, wantErr: `unknown field "api_keys"`},
		{name: "wrong type", cfg: `{"headers":"x"}`, wantErr: `"headers"`},
		{name: "relative url", cfg: `{"base_url":"api.openai.com/v1"}`, wantErr: `field "base_url"`},
		{name: "ftp url", cfg: `{"base_url":"ftp://api.openai.com/v1"}`, wantErr: `field "base_url"`},
		{name: "query", cfg: `{"base_url":"https://x.example/v1?key=abc"}`, wantErr: `field "base_url"`},
		{name: "bad flavor", cfg: `{"flavor":"bedrock"}`, wantErr: `field "flavor"`},
		{name: "bad timeout", cfg: `{"timeout":"soon"}`, wantErr: `"timeout"`},
		{name: "zero timeout", cfg: `{"timeout":"0s"}`, wantErr: `field "timeout"`},
		{name: "bad header name", cfg: `{"headers":{"X Title":"a"}}`, wantErr: `field "headers"`},
		{name: "header injection", cfg: `{"headers":{"X-Title":"a\r\nEvil: 1"}}`, wantErr: `field "headers"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := newProvider(sdk.Config{Name: "x", Raw: []byte(c.cfg)})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !sdk.IsConfigError(err) {
					t.Fatalf("want config error containing %q, got %v", c.wantErr, err)
				}
				if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "key=abc") {
					t.Fatalf("config error echoes a secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			info := p.Info()
			for k, v := range c.info {
				if info[k] != v {
					t.Errorf("Info()[%q] = %q, want %q (all: %v)", k, info[k], v, info)
				}
			}
		})
	}
}

func TestInfoNeverShowsTheKey(t *testing.T) {
	p := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","organization":"org-1","headers":{"X-Secret-Header":"hidden-value"}}`)
	for k, v := range p.Info() {
		if strings.Contains(v, testKey) || strings.Contains(v, "hidden-value") {
			t.Fatalf("Info()[%q] shows a secret: %q", k, v)
		}
	}
}

func TestCompleteSuccess(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_success.json"})
	p := newTestProvider(t, "openai", configFor(u, `"organization":"org-test"`))
	req := chatReq("gpt-4o")
	req.Request.Temperature = f64(0.7)
	req.Request.MaxTokens = i32(50)
	req.Request.TopP = f64(0.9)
	req.Request.Stop = []string{"\n\n"}
	req.Request.Seed = i64(42)
	req.Request.User = "user-hash"

	resp, err := p.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "The capital of France is Paris." || resp.FinishReason != "stop" ||
		resp.Id != "chatcmpl-BeKQ8mJ1W4vYwZ7r0c3pXgT9nLsDa" || resp.Model != "gpt-4o-2024-08-06" {
		t.Fatalf("response: %+v", resp)
	}
	if u := resp.Usage; u.PromptTokens != 14 || u.CompletionTokens != 8 || u.TotalTokens != 22 {
		t.Fatalf("usage: %+v", u)
	}

	got := u.last(t)
	if h := got.header.Get("Authorization"); h != "Bearer "+testKey {
		t.Fatalf("Authorization = %q", h)
	}
	if h := got.header.Get("OpenAI-Organization"); h != "org-test" {
		t.Fatalf("OpenAI-Organization = %q", h)
	}
	b := got.body
	if b["model"] != "gpt-4o" || b["temperature"] != 0.7 || b["max_tokens"] != float64(50) || b["top_p"] != 0.9 ||
		b["seed"] != float64(42) || b["user"] != "user-hash" || b["stream"] != false {
		t.Fatalf("request body: %s", got.raw)
	}
	msgs := b["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" || msgs[1].(map[string]any)["content"] != "What is the capital of France?" {
		t.Fatalf("messages: %s", got.raw)
	}
	if stop := b["stop"].([]any); len(stop) != 1 || stop[0] != "\n\n" {
		t.Fatalf("stop: %s", got.raw)
	}
}

func TestTemperatureZeroIsSent(t *testing.T) {
	for _, stream := range []bool{false, true} {
		file := "openai_success.json"
		if stream {
			file = "openai_stream_usage.sse"
		}
		u := newUpstream(t, reply{file: file})
		p := newTestProvider(t, "openai", configFor(u, ""))
		req := chatReq("gpt-4o")
		req.Request.Temperature = f64(0)
		req.Request.TopP = f64(0)
		var err error
		if stream {
			_, err = collect(context.Background(), p, req)
		} else {
			_, err = p.Complete(context.Background(), req)
		}
		if err != nil {
			t.Fatal(err)
		}
		b := u.last(t).body
		if v, ok := b["temperature"]; !ok || v != float64(0) {
			t.Fatalf("stream=%v: temperature 0 did not reach the upstream: %s", stream, u.last(t).raw)
		}
		if v, ok := b["top_p"]; !ok || v != float64(0) {
			t.Fatalf("stream=%v: top_p 0 did not reach the upstream: %s", stream, u.last(t).raw)
		}

		// Unset stays unset.
		req.Request.Temperature, req.Request.TopP = nil, nil
		if stream {
			_, err = collect(context.Background(), p, req)
		} else {
			_, err = p.Complete(context.Background(), req)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := u.last(t).body["temperature"]; ok {
			t.Fatalf("an unset temperature was sent: %s", u.last(t).raw)
		}
	}
}

func TestReasoningModelsGetMaxCompletionTokens(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_success.json"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	req := chatReq("o3-mini")
	req.Request.MaxTokens = i32(64)
	if _, err := p.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	b := u.last(t).body
	if b["max_completion_tokens"] != float64(64) || b["max_tokens"] != nil {
		t.Fatalf("body: %s", u.last(t).raw)
	}
}

func TestErrorClasses(t *testing.T) {
	cases := []struct {
		name      string
		reply     reply
		class     sdk.ErrorClass
		status    int32
		retryMs   int64
		code      string
		msgSubstr string
		param     string
	}{
		{name: "openai 400", reply: reply{status: 400, file: "openai_400.json"}, class: sdk.ClassBadRequest, status: 400, code: "empty_array", msgSubstr: "Invalid 'messages'", param: "messages"},
		{name: "openai 401", reply: reply{status: 401, file: "openai_401.json"}, class: sdk.ClassAuth, status: 401, code: "invalid_api_key"},
		{name: "openai 403", reply: reply{status: 403, body: `{"error":{"message":"Project does not have access to model gpt-4o","type":"invalid_request_error","param":null,"code":"model_not_found"}}`}, class: sdk.ClassAuth, status: 403},
		{name: "openai 403 region", reply: reply{status: 403, file: "openai_403_region.json"}, class: sdk.ClassAuth, status: 403, code: "unsupported_country_region_territory"},
		// A model the provider does not serve: fallback, no retry here.
		{name: "openai 404 model", reply: reply{status: 404, file: "openai_404_model.json"}, class: sdk.ClassModelUnavailable, status: 404, code: "model_not_found"},
		{name: "openrouter 404 no endpoints", reply: reply{status: 404, file: "openrouter_404_no_endpoints.json"}, class: sdk.ClassModelUnavailable, status: 404, msgSubstr: "No endpoints found"},
		// OpenRouter's moderation: the input, not the provider (never a breaker failure).
		{name: "openrouter 403 moderation", reply: reply{status: 403, file: "openrouter_403_moderation.json"}, class: sdk.ClassContentFilter, status: 403, code: "content_filter", msgSubstr: "flagged"},
		// Groq's per-minute token budget: another provider does not share it.
		{name: "groq 413 tpm", reply: reply{status: 413, file: "groq_413_tpm.json"}, class: sdk.ClassRateLimited, status: 413, code: "rate_limit_exceeded", msgSubstr: "tokens per minute"},
		{name: "413 without a rate-limit code", reply: reply{status: 413, body: `{"error":{"message":"payload too large","type":"invalid_request_error"}}`}, class: sdk.ClassBadRequest, status: 413},
		{name: "groq 498 flex capacity", reply: reply{status: 498, file: "groq_498_capacity.json"}, class: sdk.ClassUpstream5xx, status: 498, code: "capacity_exceeded"},
		{name: "422", reply: reply{status: 422, body: `{"detail":"bad"}`}, class: sdk.ClassBadRequest, status: 422},
		{name: "openai 429 rate limit", reply: reply{status: 429, file: "openai_429_rate_limit.json", headers: map[string]string{"Retry-After": "2", "Retry-After-Ms": "2032", "X-Ratelimit-Reset-Tokens": "2.032s"}}, class: sdk.ClassRateLimited, status: 429, retryMs: 2032, code: "rate_limit_exceeded"},
		{name: "429 retry-after seconds", reply: reply{status: 429, file: "openai_429_rate_limit.json", headers: map[string]string{"Retry-After": "7"}}, class: sdk.ClassRateLimited, status: 429, retryMs: 7000},
		{name: "429 ratelimit reset", reply: reply{status: 429, file: "openai_429_rate_limit.json", headers: map[string]string{"X-Ratelimit-Reset-Requests": "120ms", "X-Ratelimit-Reset-Tokens": "6s"}}, class: sdk.ClassRateLimited, status: 429, retryMs: 6000},
		{name: "openai 429 insufficient quota", reply: reply{status: 429, file: "openai_429_insufficient_quota.json"}, class: sdk.ClassQuotaExhausted, status: 429, code: "insufficient_quota"},
		{name: "openai 500", reply: reply{status: 500, file: "openai_500.json"}, class: sdk.ClassUpstream5xx, status: 500, code: "server_error", msgSubstr: "The server had an error"},
		{name: "openai 503", reply: reply{status: 503, file: "openai_503.json", headers: map[string]string{"Retry-After": "1"}}, class: sdk.ClassUpstream5xx, status: 503, retryMs: 1000},
		{name: "proxy 502 html", reply: reply{status: 502, file: "proxy_502.html"}, class: sdk.ClassUpstream5xx, status: 502, msgSubstr: "HTTP 502"},
		{name: "504 gateway timeout", reply: reply{status: 504, body: "<html><body>504 Gateway Time-out</body></html>", contentType: "text/html"}, class: sdk.ClassTimeout, status: 504},
		{name: "408", reply: reply{status: 408, body: `{"error":{"code":408,"message":"Request timed out"}}`}, class: sdk.ClassTimeout, status: 408},
		{name: "openrouter 402", reply: reply{status: 402, file: "openrouter_402.json"}, class: sdk.ClassQuotaExhausted, status: 402, code: "402", msgSubstr: "Insufficient credits"},
		{name: "openrouter 429", reply: reply{status: 429, file: "openrouter_429.json"}, class: sdk.ClassRateLimited, status: 429, code: "429"},
		{name: "openrouter error in 200", reply: reply{status: 200, file: "openrouter_error_in_200.json"}, class: sdk.ClassUpstream5xx, status: 502, code: "502", msgSubstr: "Provider returned error"},
		{name: "402 inside 200", reply: reply{status: 200, body: `{"error":{"code":402,"message":"Insufficient credits"}}`}, class: sdk.ClassQuotaExhausted, status: 402},
		{name: "malformed 200", reply: reply{status: 200, file: "openai_malformed.json"}, class: sdk.ClassUpstream5xx, status: 200, msgSubstr: "malformed"},
		{name: "empty 200", reply: reply{status: 200, body: ""}, class: sdk.ClassUpstream5xx, status: 200, msgSubstr: "malformed"},
		{name: "html 200", reply: reply{status: 200, file: "proxy_502.html"}, class: sdk.ClassUpstream5xx, status: 200},
		{name: "no choices", reply: reply{status: 200, body: `{"id":"x","object":"chat.completion","choices":[]}`}, class: sdk.ClassUpstream5xx, status: 200, msgSubstr: "no choices"},
		{name: "content filter", reply: reply{status: 200, body: `{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}]}`}, class: sdk.ClassContentFilter},
		{name: "azure content filter 400", reply: reply{status: 400, body: `{"error":{"message":"The response was filtered","type":null,"param":"prompt","code":"content_filter","status":400}}`}, class: sdk.ClassContentFilter, status: 400, param: "prompt"},
		// OpenRouter's documented statuses (openrouter.ai/docs/api/reference/errors-and-debugging):
		// the HTTP status equals error.code. See testdata/README.md for the classes.
		{name: "openrouter 400", reply: reply{status: 400, file: "openrouter_400.json"}, class: sdk.ClassBadRequest, status: 400, code: "400", msgSubstr: "Input required"},
		{name: "openrouter 401", reply: reply{status: 401, file: "openrouter_401.json"}, class: sdk.ClassAuth, status: 401, code: "401", msgSubstr: "No auth credentials"},
		{name: "openrouter 408", reply: reply{status: 408, file: "openrouter_408.json"}, class: sdk.ClassTimeout, status: 408, code: "408", msgSubstr: "timed out"},
		{name: "openrouter 429 retry-after", reply: reply{status: 429, file: "openrouter_429.json", headers: map[string]string{"Retry-After": "3"}}, class: sdk.ClassRateLimited, status: 429, retryMs: 3000, code: "429"},
		{name: "openrouter 502 model down", reply: reply{status: 502, file: "openrouter_502.json"}, class: sdk.ClassUpstream5xx, status: 502, code: "502", msgSubstr: "Provider returned error"},
		{name: "openrouter 503 no provider", reply: reply{status: 503, file: "openrouter_503.json", headers: map[string]string{"Retry-After": "4"}}, class: sdk.ClassUpstream5xx, status: 503, retryMs: 4000, code: "503", msgSubstr: "No available model provider"},
		// Groq's documented statuses (console.groq.com/docs/errors, /docs/rate-limits).
		{name: "groq 400", reply: reply{status: 400, file: "groq_400.json"}, class: sdk.ClassBadRequest, status: 400, code: "invalid_request_error", msgSubstr: "minimum number of items"},
		{name: "groq 401", reply: reply{status: 401, file: "groq_401.json"}, class: sdk.ClassAuth, status: 401, code: "invalid_api_key", msgSubstr: "Invalid API Key"},
		{name: "groq 404 model", reply: reply{status: 404, file: "groq_404.json"}, class: sdk.ClassModelUnavailable, status: 404, code: "model_not_found", msgSubstr: "does not exist"},
		{name: "groq 422", reply: reply{status: 422, file: "groq_422.json"}, class: sdk.ClassBadRequest, status: 422, code: "invalid_request_error"},
		// Groq sends retry-after only on a 429, with the x-ratelimit-* windows; retry-after wins.
		{name: "groq 429 with its headers", reply: reply{status: 429, file: "groq_429.json", headers: groq429Headers(true)}, class: sdk.ClassRateLimited, status: 429, retryMs: 8000, code: "rate_limit_exceeded", msgSubstr: "tokens per minute"},
		{name: "groq 429 without retry-after", reply: reply{status: 429, file: "groq_429.json", headers: groq429Headers(false)}, class: sdk.ClassRateLimited, status: 429, retryMs: 7660, code: "rate_limit_exceeded"},
		{name: "groq 500", reply: reply{status: 500, file: "groq_500.json"}, class: sdk.ClassUpstream5xx, status: 500, code: "internal_server_error"},
		{name: "groq 503", reply: reply{status: 503, file: "groq_503.json", headers: map[string]string{"Retry-After": "5"}}, class: sdk.ClassUpstream5xx, status: 503, retryMs: 5000},
		// OpenAI's documented codes (platform.openai.com/docs/guides/error-codes).
		{name: "openai 401 no organization", reply: reply{status: 401, file: "openai_401_no_org.json"}, class: sdk.ClassAuth, status: 401, code: "no_organization"},
		{name: "openai 429 credit balance exhausted", reply: reply{status: 429, file: "openai_429_credit_balance.json"}, class: sdk.ClassQuotaExhausted, status: 429, code: "credit_balance_exhausted"},
		{name: "openai 429 slow down", reply: reply{status: 429, file: "openai_429_slow_down.json", headers: map[string]string{"Retry-After": "20"}}, class: sdk.ClassRateLimited, status: 429, retryMs: 20000, code: "slow_down"},
		{name: "redirect", reply: reply{status: 307, headers: map[string]string{"Location": "https://elsewhere.example/v1/chat/completions"}}, class: sdk.ClassUpstream5xx, status: 307},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := newUpstream(t, c.reply)
			p := newTestProvider(t, "openai", configFor(u, ""))
			_, err := p.Complete(context.Background(), chatReq("gpt-4o"))
			pe := providerError(t, err)
			if pe.Class != c.class {
				t.Fatalf("class = %s, want %s (%s)", sdk.ClassName(pe.Class), sdk.ClassName(c.class), pe.Message)
			}
			if c.status != 0 && pe.Status != c.status {
				t.Errorf("status = %d, want %d", pe.Status, c.status)
			}
			if pe.RetryAfterMs != c.retryMs {
				t.Errorf("retry_after_ms = %d, want %d", pe.RetryAfterMs, c.retryMs)
			}
			if c.code != "" && pe.UpstreamCode != c.code {
				t.Errorf("upstream_code = %q, want %q", pe.UpstreamCode, c.code)
			}
			if c.msgSubstr != "" && !strings.Contains(pe.Message, c.msgSubstr) {
				t.Errorf("message %q does not contain %q", pe.Message, c.msgSubstr)
			}
			if pe.UpstreamParam != c.param {
				t.Errorf("upstream_param = %q, want %q", pe.UpstreamParam, c.param)
			}
			if !strings.HasPrefix(pe.Message, "openai: ") {
				t.Errorf("message %q does not name the instance", pe.Message)
			}
		})
	}
}

// groq429Headers are the headers Groq documents on a 429 (its rate-limits
// page): the x-ratelimit-* windows on every answer (requests per day, tokens
// per minute), retry-after on a 429. Without retry-after, the window whose
// budget is spent (remaining 0) says when to come back, not the longest.
func groq429Headers(withRetryAfter bool) map[string]string {
	h := map[string]string{
		"X-Ratelimit-Limit-Requests":     "14400",
		"X-Ratelimit-Limit-Tokens":       "6000",
		"X-Ratelimit-Remaining-Requests": "14370",
		"X-Ratelimit-Remaining-Tokens":   "0",
		"X-Ratelimit-Reset-Requests":     "2m59.56s",
		"X-Ratelimit-Reset-Tokens":       "7.66s",
	}
	if withRetryAfter {
		h["Retry-After"] = "8"
	}
	return h
}

func TestRetryAfterHTTPDate(t *testing.T) {
	when := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	u := newUpstream(t, reply{status: 429, file: "openai_429_rate_limit.json", headers: map[string]string{"Retry-After": when}})
	p := newTestProvider(t, "openai", configFor(u, ""))
	_, err := p.Complete(context.Background(), chatReq("gpt-4o"))
	pe := providerError(t, err)
	if pe.RetryAfterMs < 25000 || pe.RetryAfterMs > 31000 {
		t.Fatalf("retry_after_ms = %d, want about 30000", pe.RetryAfterMs)
	}
}

func TestTheKeyNeverLeaks(t *testing.T) {
	// A hostile or careless upstream echoes the Authorization header and a
	// URL with a key in its error message.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		msg := "bad credentials " + r.Header.Get("Authorization") + " raw=" + testKey + " see https://api.example/v1?key=" + testKey + "&x=1 or https://user:pw@host.example/p"
		_, _ = w.Write([]byte(`{"error":{"message":"` + msg + `","type":"invalid_request_error","code":"invalid_api_key"}}`))
	}))
	defer srv.Close()
	p := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","base_url":"`+srv.URL+`"}`)
	_, err := p.Complete(context.Background(), chatReq("gpt-4o"))
	pe := providerError(t, err)
	for _, bad := range []string{testKey, "key=", "pw@", "Zk3pQ9"} {
		if strings.Contains(pe.Message, bad) {
			t.Fatalf("message leaks %q: %s", bad, pe.Message)
		}
	}
	_, err = collect(context.Background(), p, chatReq("gpt-4o"))
	pe = providerError(t, err)
	if strings.Contains(pe.Message, "Zk3pQ9") {
		t.Fatalf("stream error leaks the key: %s", pe.Message)
	}
}

func TestNoKeyFailsWithAuth(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_success.json"})
	p := newTestProvider(t, "openrouter", `{"base_url":"`+u.URL+`","flavor":"openrouter"}`)
	if p.Info()["has_key"] != "false" {
		t.Fatal("has_key should be false")
	}
	_, err := p.Complete(context.Background(), chatReq("m"))
	pe := providerError(t, err)
	if pe.Class != sdk.ClassAuth || pe.Message != "no API key configured for provider openrouter" {
		t.Fatalf("got %s %q", sdk.ClassName(pe.Class), pe.Message)
	}
	_, err = collect(context.Background(), p, chatReq("m"))
	if pe := providerError(t, err); pe.Class != sdk.ClassAuth {
		t.Fatalf("stream: %v", err)
	}
	if len(u.reqs) != 0 {
		t.Fatal("a call without a key reached the upstream")
	}

	// A generic (local) server needs no key.
	g := newTestProvider(t, "ollama", `{"base_url":"`+u.URL+`/v1"}`)
	if _, err := g.Complete(context.Background(), chatReq("llama3")); err != nil {
		t.Fatalf("generic without key: %v", err)
	}
	if h := u.last(t).header.Get("Authorization"); h != "" {
		t.Fatalf("an empty key sent Authorization %q", h)
	}
}

func TestOpenRouterHeaders(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_success.json"})
	p := newTestProvider(t, "openrouter", configFor(u, `"flavor":"openrouter"`))
	if _, err := p.Complete(context.Background(), chatReq("mistralai/mistral-7b-instruct")); err != nil {
		t.Fatal(err)
	}
	h := u.last(t).header
	if h.Get("HTTP-Referer") != DefaultOpenRouterReferer || h.Get("X-Title") != DefaultOpenRouterTitle || h.Get("Authorization") != "Bearer "+testKey {
		t.Fatalf("headers: %v", h)
	}

	p = newTestProvider(t, "openrouter", configFor(u, `"flavor":"openrouter","headers":{"X-Title":"my app","x-extra":"1"}`))
	if _, err := collect(context.Background(), p, chatReq("mistralai/mistral-7b-instruct")); err != nil {
		t.Fatal(err)
	}
	h = u.last(t).header
	if h.Get("HTTP-Referer") != DefaultOpenRouterReferer || h.Get("X-Title") != "my app" || h.Get("X-Extra") != "1" || h.Get("Authorization") != "Bearer "+testKey {
		t.Fatalf("headers: %v", h)
	}

	// Other flavors send no attribution headers.
	p = newTestProvider(t, "openai", configFor(u, ""))
	if _, err := p.Complete(context.Background(), chatReq("gpt-4o")); err != nil {
		t.Fatal(err)
	}
	if h := u.last(t).header; h.Get("X-Title") != "" || h.Get("HTTP-Referer") != "" {
		t.Fatalf("openai flavor sent OpenRouter headers: %v", h)
	}
}

func TestTransportErrors(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		p := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","base_url":"http://`+addr+`/v1"}`)
		_, err = p.Complete(context.Background(), chatReq("gpt-4o"))
		if pe := providerError(t, err); pe.Class != sdk.ClassTransport || !strings.Contains(pe.Message, "refused") {
			t.Fatalf("complete: %s %q", sdk.ClassName(pe.Class), pe.Message)
		}
		_, err = collect(context.Background(), p, chatReq("gpt-4o"))
		if pe := providerError(t, err); pe.Class != sdk.ClassTransport {
			t.Fatalf("stream: %s %q", sdk.ClassName(pe.Class), pe.Message)
		}
	})
	t.Run("connection closed mid-body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "5000")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"id":"chatcmpl-x","choices":[`))
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}))
		defer srv.Close()
		p := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","base_url":"`+srv.URL+`"}`)
		_, err := p.Complete(context.Background(), chatReq("gpt-4o"))
		if pe := providerError(t, err); pe.Class != sdk.ClassTransport {
			t.Fatalf("%s %q", sdk.ClassName(pe.Class), pe.Message)
		}
	})
	t.Run("client timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		defer close(release)
		p := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","base_url":"`+srv.URL+`","timeout":"200ms"}`)
		_, err := p.Complete(context.Background(), chatReq("gpt-4o"))
		if pe := providerError(t, err); pe.Class != sdk.ClassTimeout {
			t.Fatalf("%s %q", sdk.ClassName(pe.Class), pe.Message)
		}
	})
	t.Run("context deadline", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body) // the server notices a gone client only once the body is read
			<-r.Context().Done()
		}))
		defer srv.Close()
		p := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","base_url":"`+srv.URL+`"}`)
		_, err := p.Complete(withTimeout(t, 150*time.Millisecond), chatReq("gpt-4o"))
		if pe := providerError(t, err); pe.Class != sdk.ClassTimeout {
			t.Fatalf("%s %q", sdk.ClassName(pe.Class), pe.Message)
		}
	})
}

// TestCancelAbortsTheUpstreamRequest checks that cancelling the call's
// context (the client went away) cancels the HTTP request upstream.
func TestCancelAbortsTheUpstreamRequest(t *testing.T) {
	for _, stream := range []bool{false, true} {
		aborted := make(chan struct{})
		started := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The server notices a gone client only once the body is read.
			_, _ = io.Copy(io.Discard, r.Body)
			if stream {
				w.Header().Set("Content-Type", "text/event-stream")
				_, _ = w.Write([]byte("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"))
				w.(http.Flusher).Flush()
			}
			close(started)
			select {
			case <-r.Context().Done():
				close(aborted)
			case <-time.After(10 * time.Second):
			}
		}))
		p := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","base_url":"`+srv.URL+`"}`)
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		var chunks int
		go func() {
			if stream {
				errc <- p.Stream(ctx, chatReq("gpt-4o"), func(*sdk.StreamChunk) error { chunks++; return nil })
			} else {
				_, err := p.Complete(ctx, chatReq("gpt-4o"))
				errc <- err
			}
		}()
		<-started
		time.Sleep(50 * time.Millisecond)
		cancel()
		select {
		case <-aborted:
		case <-time.After(5 * time.Second):
			t.Fatalf("stream=%v: the upstream request was not cancelled", stream)
		}
		err := <-errc
		if err == nil {
			t.Fatalf("stream=%v: a cancelled call succeeded", stream)
		}
		if pe := sdk.AsProviderError(err); pe.Class != sdk.ClassTimeout {
			t.Fatalf("stream=%v: class %s", stream, sdk.ClassName(pe.Class))
		}
		if stream && chunks != 1 {
			t.Fatalf("chunks before cancel = %d", chunks)
		}
		srv.Close()
	}
}

func TestClassForCode(t *testing.T) {
	cases := map[string]sdk.ErrorClass{
		"server_error":            sdk.ClassUpstream5xx,
		"rate_limit_exceeded":     sdk.ClassRateLimited,
		"insufficient_quota":      sdk.ClassQuotaExhausted,
		"invalid_api_key":         sdk.ClassAuth,
		"context_length_exceeded": sdk.ClassBadRequest,
		"content_filter":          sdk.ClassContentFilter,
		"something_new":           sdk.ClassUpstream5xx,
	}
	for code, want := range cases {
		if got := classForCode(code, ""); got != want {
			t.Errorf("classForCode(%q) = %s, want %s", code, sdk.ClassName(got), sdk.ClassName(want))
		}
	}
}

func TestBodyPatch(t *testing.T) {
	p := bodyPatch{temperatureZero: true}
	if got := string(p.apply([]byte(`{"model":"m"}`))); got != `{"temperature":0,"model":"m"}` {
		t.Fatal(got)
	}
	if got := string(p.apply([]byte(`{}`))); got != `{"temperature":0}` {
		t.Fatal(got)
	}
	if got := string((bodyPatch{}).apply([]byte(`{"a":1}`))); got != `{"a":1}` {
		t.Fatal(got)
	}
}

// TestSamplingParamsArePassedThrough: every parameter the provider declares
// reaches the upstream body under its OpenAI name.
func TestSamplingParamsArePassedThrough(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_success.json"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	req := chatReq("gpt-4o")
	seed := int64(42)
	r := req.Request
	r.Seed, r.TopP, r.Stop, r.User = &seed, f64(0.5), []string{"END", "STOP"}, "u-1"
	r.PresencePenalty, r.FrequencyPenalty, r.ResponseFormat = f64(0.5), f64(-0.25), "json_object"
	r.LogitBias = map[string]float64{"50256": -100}
	if _, err := p.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	b := u.last(t).body
	rf, _ := b["response_format"].(map[string]any)
	lb, _ := b["logit_bias"].(map[string]any)
	stop, _ := b["stop"].([]any)
	if b["seed"] != float64(42) || b["top_p"] != 0.5 || len(stop) != 2 || b["user"] != "u-1" || b["presence_penalty"] != 0.5 ||
		b["frequency_penalty"] != -0.25 || rf["type"] != "json_object" || lb["50256"] != float64(-100) {
		t.Errorf("upstream body: %s", u.last(t).raw)
	}
	for _, name := range sdk.ChatParams {
		if slices.Contains(Params, sdk.ParamCap(name)) == slices.Contains(notCarried, name) {
			t.Errorf("%s: declared %v, not carried %v", name, slices.Contains(Params, sdk.ParamCap(name)), slices.Contains(notCarried, name))
		}
	}
}
