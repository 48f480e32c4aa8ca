package anthropicprovider

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// fixture is a canned upstream answer.
type fixture struct {
	status int
	file   string
	header map[string]string
}

// upstream serves one fixture per call and keeps what it was sent.
type upstream struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	answer fixture
	header http.Header
	body   map[string]any
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{t: t, answer: fixture{status: 200, file: "message_text.json"}}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.header = r.Header.Clone()
		u.body = nil
		_ = json.Unmarshal(raw, &u.body)
		a := u.answer
		u.mu.Unlock()
		if r.URL.Path != "/v1/messages" {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", a.file))
		if err != nil {
			t.Errorf("fixture: %v", err)
		}
		ct := "application/json"
		if strings.HasSuffix(a.file, ".sse") {
			ct = "text/event-stream"
		}
		w.Header().Set("Content-Type", ct)
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(b)
	}))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) serve(status int, file string, header map[string]string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.answer = fixture{status: status, file: file, header: header}
}

// sent is the JSON body of the last call.
func (u *upstream) sent() map[string]any {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.body
}

func (u *upstream) provider(t *testing.T) *Provider {
	t.Helper()
	p, err := newProvider(Config{APIKey: "sk-ant-test-secret-key-123", BaseURL: u.srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func request(msgs ...*sdk.Message) *sdk.CompleteRequest {
	if len(msgs) == 0 {
		msgs = []*sdk.Message{{Role: "user", Content: "Hello"}}
	}
	return &sdk.CompleteRequest{UpstreamModel: "claude-sonnet-4-5", Request: &sdk.ChatRequest{Model: "claude-sonnet", Messages: msgs}}
}

func providerError(t *testing.T, err error) *sdk.ProviderError {
	t.Helper()
	var e *sdk.Error
	if !errors.As(err, &e) {
		t.Fatalf("want a classified error, got %v", err)
	}
	return e.PE
}

func collect(p *Provider, req *sdk.CompleteRequest) ([]*sdk.StreamChunk, error) {
	var out []*sdk.StreamChunk
	err := p.Stream(context.Background(), req, func(c *sdk.StreamChunk) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

func TestCompleteTextAndUsage(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	resp, err := p.Complete(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "Hello! How can I help you today?" || resp.FinishReason != "stop" || resp.Id != "msg_01XFDUDYJgAACzvnptvVoYEL" {
		t.Fatalf("answer: %+v", resp)
	}
	// input 12 + cache read 2048 + cache creation 100.
	us := resp.Usage
	if us.PromptTokens != 2160 || us.CompletionTokens != 9 || us.TotalTokens != 2169 || us.CachedTokens != 2048 || us.CacheCreationTokens != 100 {
		t.Fatalf("usage: %+v", us)
	}
	h := u.header
	if h.Get("X-Api-Key") != "sk-ant-test-secret-key-123" || h.Get("Anthropic-Version") != DefaultVersion || h.Get("Authorization") != "" {
		t.Fatalf("headers: %v", h)
	}
	body := u.sent()
	if body["model"] != "claude-sonnet-4-5" || body["max_tokens"] != float64(DefaultMaxTokens) || body["stream"] != nil {
		t.Fatalf("body: %v", body)
	}
}

func TestCompleteToolUseAndStopReasons(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	u.serve(200, "message_tool_use.json", nil)
	resp, err := p.Complete(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	if resp.FinishReason != "tool_calls" || resp.Content != "I'll check the current weather in Paris for you." || len(resp.ToolCalls) != 1 {
		t.Fatalf("answer: %+v", resp)
	}
	tc := resp.ToolCalls[0]
	if tc.Index != 0 || tc.Id != "toolu_01A09q90qw90lq917835lq9" || tc.Type != "function" || tc.Name != "get_weather" || tc.Arguments != `{"location":"Paris"}` {
		t.Fatalf("tool call: %+v", tc)
	}
	u.serve(200, "message_max_tokens.json", nil)
	if resp, err = p.Complete(context.Background(), request()); err != nil || resp.FinishReason != "length" {
		t.Fatalf("max_tokens: %v %+v", err, resp)
	}
	u.serve(200, "message_refusal.json", nil)
	_, err = p.Complete(context.Background(), request())
	if pe := providerError(t, err); pe.Class != sdk.ClassContentFilter {
		t.Fatalf("refusal: %+v", pe)
	}
	for in, want := range map[string]string{"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_calls", "refusal": "content_filter", "pause_turn": "stop"} {
		if got := finishReason(in); got != want {
			t.Errorf("finishReason(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestErrorClasses(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	cases := []struct {
		status int
		file   string
		header map[string]string
		class  sdk.ErrorClass
		retry  time.Duration
	}{
		{400, "error_400.json", nil, sdk.ClassBadRequest, 0},
		{400, "error_400_credit.json", nil, sdk.ClassQuotaExhausted, 0},
		{401, "error_401.json", nil, sdk.ClassAuth, 0},
		{403, "error_403.json", nil, sdk.ClassAuth, 0},
		{404, "error_404.json", nil, sdk.ClassModelUnavailable, 0},
		{429, "error_429.json", map[string]string{"Retry-After": "7"}, sdk.ClassRateLimited, 7 * time.Second},
		{500, "error_500.json", nil, sdk.ClassUpstream5xx, 0},
		{529, "error_529.json", nil, sdk.ClassUpstream5xx, 0},
		{502, "README.md", nil, sdk.ClassUpstream5xx, 0}, // not JSON: the status decides
	}
	for _, c := range cases {
		u.serve(c.status, c.file, c.header)
		_, err := p.Complete(context.Background(), request())
		pe := providerError(t, err)
		if pe.Class != c.class || pe.Status != int32(c.status) || time.Duration(pe.RetryAfterMs)*time.Millisecond != c.retry {
			t.Errorf("%d %s: %+v", c.status, c.file, pe)
		}
		if !strings.HasPrefix(pe.Message, "anthropic: ") || strings.Contains(pe.Message, "sk-ant-test") {
			t.Errorf("%d %s: message %q", c.status, c.file, pe.Message)
		}
		// The stream call classifies the same answer the same way.
		_, err = collect(p, request())
		if spe := providerError(t, err); spe.Class != c.class {
			t.Errorf("%d %s stream: %+v", c.status, c.file, spe)
		}
	}
	u.serve(529, "error_529.json", nil)
	_, err := p.Complete(context.Background(), request())
	if pe := providerError(t, err); pe.UpstreamCode != "overloaded_error" || pe.Message != "anthropic: Overloaded" {
		t.Fatalf("529: %+v", pe)
	}
}

func TestNoKeyIsAuth(t *testing.T) {
	p, err := newProvider(Config{BaseURL: "http://127.0.0.1:1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Complete(context.Background(), request())
	if pe := providerError(t, err); pe.Class != sdk.ClassAuth {
		t.Fatalf("%+v", pe)
	}
}

func TestStreamText(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	u.serve(200, "stream_text.sse", nil)
	chunks, err := collect(p, request())
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, c := range chunks {
		text.WriteString(c.Content)
	}
	first, last := chunks[0], chunks[len(chunks)-1]
	if text.String() != "Hello!" || first.Role != "assistant" || first.Id != "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY" || first.Model != "claude-sonnet-4-5-20250929" {
		t.Fatalf("chunks: %+v", chunks)
	}
	// output_tokens of message_delta is cumulative: 15, not 1 + 15.
	if last.FinishReason != "stop" || last.Usage == nil || last.Usage.PromptTokens != 35 || last.Usage.CachedTokens != 10 || last.Usage.CompletionTokens != 15 {
		t.Fatalf("last chunk: %+v", last)
	}
	if body := u.sent(); body["stream"] != true || u.header.Get("Accept") != "text/event-stream" {
		t.Fatalf("stream request: %v %v", body, u.header)
	}
}

func TestStreamToolUse(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	u.serve(200, "stream_tool_use.sse", nil)
	chunks, err := collect(p, request())
	if err != nil {
		t.Fatal(err)
	}
	type call struct{ id, name, args string }
	calls := map[int32]*call{}
	var text strings.Builder
	for _, c := range chunks {
		text.WriteString(c.Content)
		for _, tc := range c.ToolCalls {
			cl := calls[tc.Index]
			if cl == nil {
				cl = &call{}
				calls[tc.Index] = cl
				if tc.Id == "" || tc.Name == "" || tc.Type != "function" {
					t.Fatalf("the first delta of call %d has no id/name: %+v", tc.Index, tc)
				}
			} else if tc.Id != "" {
				t.Fatalf("a later delta of call %d repeats the id", tc.Index)
			}
			cl.id += tc.Id
			cl.name += tc.Name
			cl.args += tc.Arguments
		}
	}
	// Block 1 and 2 are tool calls 0 and 1 (block 0 is text).
	if len(calls) != 2 || calls[0].id != "toolu_01T1x1fJ34qAmk2tNTrN7Up6" || calls[0].args != `{"location": "San Francisco, CA"}` ||
		calls[1].name != "get_time" || calls[1].args != "{}" {
		t.Fatalf("calls: %+v %+v", calls[0], calls[1])
	}
	if text.String() != "Okay, let's check the weather:" || chunks[len(chunks)-1].FinishReason != "tool_calls" {
		t.Fatalf("text %q, last %+v", text.String(), chunks[len(chunks)-1])
	}
}

func TestStreamThinking(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	u.serve(200, "stream_thinking.sse", nil)
	chunks, err := collect(p, request())
	if err != nil {
		t.Fatal(err)
	}
	var text, reasoning, signature strings.Builder
	for _, c := range chunks {
		text.WriteString(c.Content)
		reasoning.WriteString(c.ReasoningContent)
		signature.WriteString(c.ReasoningSignature)
	}
	last := chunks[len(chunks)-1]
	if text.String() != "27 * 453 = 12,231" || reasoning.String() != "Let me solve this step by step." || last.Usage.CompletionTokens != 40 || last.Usage.PromptTokens != 30 {
		t.Fatalf("text %q reasoning %q last %+v", text.String(), reasoning.String(), last)
	}
	// The signature_delta comes through, for a client to send back.
	if signature.String() != "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" {
		t.Fatalf("signature %q", signature.String())
	}
}

func TestStreamFailures(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	u.serve(200, "stream_error.sse", nil)
	chunks, err := collect(p, request())
	if pe := providerError(t, err); pe.Class != sdk.ClassUpstream5xx || pe.UpstreamCode != "overloaded_error" || pe.Status != 529 {
		t.Fatalf("error event: %+v", pe)
	}
	if len(chunks) != 1 || chunks[0].Content != "Hello" || chunks[0].FinishReason != "" {
		t.Fatalf("before the error: %+v", chunks)
	}
	u.serve(200, "stream_cut.sse", nil)
	_, err = collect(p, request())
	if pe := providerError(t, err); pe.Class != sdk.ClassTransport {
		t.Fatalf("cut: %+v", pe)
	}
}

func TestConfig(t *testing.T) {
	for _, bad := range []Config{
		{BaseURL: "ftp://x"}, {BaseURL: "https://x/?q=1"}, {APIKey: "a\nb"},
		{MaxTokens: new(int32)}, {Timeout: new(sdk.Duration)}, {Version: "2023 06"},
	} {
		if _, err := newProvider(bad, nil); err == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
	mt := int32(1000)
	p, err := newProvider(Config{APIKey: "k", BaseURL: "https://user:pw@api.example.com/v1/", MaxTokens: &mt}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.endpoint != "https://user:pw@api.example.com/v1/messages" || p.maxTokens != 1000 {
		t.Fatalf("%+v", p)
	}
	info := p.Info()
	if strings.Contains(info["base_url"], "pw") || info["has_key"] != "true" || info["anthropic_version"] != DefaultVersion {
		t.Fatalf("info: %v", info)
	}
}
