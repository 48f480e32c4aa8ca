package geminiprovider

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// testKey looks like a Google key and is the one quoted by
// testdata/error_403_permission_denied.json, so the test proves it is
// scrubbed from upstream messages.
const testKey = "AIzaSyTEST-not-a-real-key-0123456789abc"

// reply is what the replay server answers.
type reply struct {
	status  int
	file    string // under testdata/
	ctype   string
	headers map[string]string
	lf      bool // convert the file's CRLF to LF
}

// seen is a request as the replay server received it.
type seen struct {
	method string
	path   string
	query  string
	header http.Header
	body   []byte
}

type replay struct {
	t    *testing.T
	srv  *httptest.Server
	mu   sync.Mutex
	got  []seen
	next reply
}

func newReplay(t *testing.T, r reply) *replay {
	t.Helper()
	rp := &replay{t: t, next: r}
	rp.srv = httptest.NewServer(http.HandlerFunc(rp.serve))
	t.Cleanup(rp.srv.Close)
	return rp
}

func (rp *replay) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rp.mu.Lock()
	rp.got = append(rp.got, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
	next := rp.next
	rp.mu.Unlock()
	data := readTestdata(rp.t, next.file)
	if next.lf {
		data = []byte(strings.ReplaceAll(string(data), "\r\n", "\n"))
	}
	ctype := next.ctype
	if ctype == "" {
		ctype = "application/json; charset=UTF-8"
		if strings.HasSuffix(next.file, ".sse") {
			ctype = "text/event-stream"
		}
	}
	w.Header().Set("Content-Type", ctype)
	for k, v := range next.headers {
		w.Header().Set(k, v)
	}
	status := next.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func (rp *replay) last() seen {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if len(rp.got) == 0 {
		rp.t.Fatal("the upstream got no request")
	}
	return rp.got[len(rp.got)-1]
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newTestProvider(t *testing.T, cfg string) *Provider {
	t.Helper()
	p, err := New(sdk.Config{InstanceID: "gemini@1", Name: "gemini", Kind: sdk.KindProvider, Raw: []byte(cfg)})
	if err != nil {
		t.Fatalf("New(%s): %v", cfg, err)
	}
	t.Cleanup(func() { _ = p.(*Provider).Close() })
	return p.(*Provider)
}

func providerFor(t *testing.T, base string) *Provider {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"api_key": testKey, "base_url": base})
	return newTestProvider(t, string(b))
}

func f64(v float64) *float64 { return &v }
func i32(v int32) *int32     { return &v }
func i64(v int64) *int64     { return &v }

func chatRequest() *sdk.CompleteRequest {
	return &sdk.CompleteRequest{
		UpstreamModel: "gemini-2.0-flash",
		Request: &sdk.ChatRequest{
			Model: "gemini-secondary",
			Messages: []*sdk.Message{
				{Role: "system", Content: "You are terse."},
				{Role: "user", Content: "Why is the sky blue?"},
				{Role: "assistant", Content: "Scattering."},
				{Role: "user", Content: "Say more."},
				{Role: "user", Content: "Two sentences."},
			},
			Temperature: f64(0),
			MaxTokens:   i32(64),
			TopP:        f64(0.9),
			Stop:        []string{"END"},
			Seed:        i64(7),
		},
	}
}

// providerError extracts the classified error, failing the test otherwise.
func providerError(t *testing.T, err error) *sdk.ProviderError {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error, got none")
	}
	var e *sdk.Error
	if !errors.As(err, &e) {
		t.Fatalf("error is not classified: %T %v", err, err)
	}
	if strings.Contains(e.PE.Message, testKey) || strings.Contains(e.PE.Message, "AIza") {
		t.Fatalf("the API key leaked into the error message: %q", e.PE.Message)
	}
	if strings.Contains(e.PE.Message, "?") && strings.Contains(e.PE.Message, "key=") {
		t.Fatalf("a query string leaked into the error message: %q", e.PE.Message)
	}
	return e.PE
}

func TestCompleteMapsRequestAndResponse(t *testing.T) {
	rp := newReplay(t, reply{file: "generate_success.json"})
	p := providerFor(t, rp.srv.URL)
	resp, err := p.Complete(context.Background(), chatRequest())
	if err != nil {
		t.Fatal(err)
	}
	want := "The sky looks blue because air molecules scatter short (blue) wavelengths of sunlight much more than long (red) ones. This is called Rayleigh scattering."
	if resp.Content != want {
		t.Errorf("content = %q", resp.Content)
	}
	if resp.FinishReason != "stop" || resp.Model != "gemini-2.5-flash" || resp.Id != "Zx4MaLmUHMy0nvgPkNDT2Ak" {
		t.Errorf("finish/model/id = %q %q %q", resp.FinishReason, resp.Model, resp.Id)
	}
	// Thinking tokens are output; the total is Gemini's own (562 > 14 + 29).
	if u := resp.Usage; u.PromptTokens != 14 || u.CompletionTokens != 29+519 || u.TotalTokens != 562 {
		t.Errorf("usage = %+v", u)
	}

	got := rp.last()
	if got.method != http.MethodPost || got.path != "/v1beta/models/gemini-2.0-flash:generateContent" || got.query != "" {
		t.Errorf("request line: %s %s?%s", got.method, got.path, got.query)
	}
	if got.header.Get("x-goog-api-key") != testKey {
		t.Errorf("x-goog-api-key header = %q", got.header.Get("x-goog-api-key"))
	}
	if strings.Contains(got.path+got.query, testKey) {
		t.Error("the key was sent in the URL")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(got.body, &raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw["generationConfig"]), `"temperature":0`) {
		t.Errorf("temperature 0 was not sent: %s", raw["generationConfig"])
	}
	var body generateRequest
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatal(err)
	}
	if body.SystemInstruction == nil || len(body.SystemInstruction.Parts) != 1 || body.SystemInstruction.Parts[0].Text != "You are terse." || body.SystemInstruction.Role != "" {
		t.Errorf("systemInstruction = %+v", body.SystemInstruction)
	}
	roles := []string{}
	for _, c := range body.Contents {
		roles = append(roles, c.Role)
	}
	if strings.Join(roles, ",") != "user,model,user" || len(body.Contents[2].Parts) != 2 {
		t.Errorf("contents = %+v", body.Contents)
	}
	gc := body.GenerationConfig
	if gc == nil || *gc.Temperature != 0 || *gc.MaxOutputTokens != 64 || *gc.TopP != 0.9 || gc.StopSequences[0] != "END" || *gc.Seed != 7 {
		t.Errorf("generationConfig = %+v", gc)
	}
}

func TestCompleteOmitsUnsetGenerationConfig(t *testing.T) {
	rp := newReplay(t, reply{file: "generate_max_tokens.json"})
	p := providerFor(t, rp.srv.URL+"/")
	resp, err := p.Complete(context.Background(), &sdk.CompleteRequest{
		UpstreamModel: "models/gemini-2.0-flash",
		Request:       &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "user", Content: "Tell me a story"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.FinishReason != "length" || resp.Usage.CompletionTokens != 12 || resp.Usage.TotalTokens != 19 {
		t.Errorf("resp = %+v", resp)
	}
	got := rp.last()
	if got.path != "/v1beta/models/gemini-2.0-flash:generateContent" {
		t.Errorf("path = %s", got.path)
	}
	if strings.Contains(string(got.body), "generationConfig") || strings.Contains(string(got.body), "systemInstruction") {
		t.Errorf("unset fields were sent: %s", got.body)
	}
}

func TestErrorClasses(t *testing.T) {
	cases := []struct {
		name   string
		reply  reply
		class  sdk.ErrorClass
		status int32
		retry  time.Duration
		code   string
		msg    string
	}{
		{"400 invalid argument", reply{status: 400, file: "error_400_invalid_argument.json"}, sdk.ClassBadRequest, 400, 0, "INVALID_ARGUMENT", "max_output_tokens must be positive"},
		{"400 bad key is auth", reply{status: 400, file: "error_400_api_key_invalid.json"}, sdk.ClassAuth, 400, 0, "INVALID_ARGUMENT", "API key not valid"},
		{"400 location", reply{status: 400, file: "error_400_location.json"}, sdk.ClassAuth, 400, 0, "FAILED_PRECONDITION", "location is not supported"},
		{"400 failed precondition billing", reply{status: 400, file: "error_400_failed_precondition_billing.json"}, sdk.ClassQuotaExhausted, 400, 0, "FAILED_PRECONDITION", "enable billing"},
		// Prepaid credits used up: this account's money, not a rate; no retry helps.
		{"402 prepaid credits", reply{status: 402, file: "error_402_prepaid_credits.json"}, sdk.ClassQuotaExhausted, 402, 0, "RESOURCE_EXHAUSTED", "prepaid credit balance"},
		{"403 suspended", reply{status: 403, file: "error_403_permission_denied.json"}, sdk.ClassAuth, 403, 0, "PERMISSION_DENIED", "api_key:[redacted]"},
		{"403 unregistered", reply{status: 403, file: "error_403_unregistered.json"}, sdk.ClassAuth, 403, 0, "PERMISSION_DENIED", "unregistered callers"},
		// A model this provider does not serve: fallback without retry.
		{"404", reply{status: 404, file: "error_404_not_found.json"}, sdk.ClassModelUnavailable, 404, 0, "NOT_FOUND", "is not found"},
		// An empty candidate is a failure another provider may not repeat.
		{"empty candidate OTHER", reply{file: "empty_other.json"}, sdk.ClassUpstream5xx, 200, 0, "OTHER", "finished (OTHER) without any content"},
		{"empty candidate STOP", reply{file: "empty_stop.json"}, sdk.ClassUpstream5xx, 200, 0, "STOP", "finished (STOP) without any content"},
		{"429 retry info", reply{status: 429, file: "error_429_retryinfo.json"}, sdk.ClassRateLimited, 429, 23 * time.Second, "RESOURCE_EXHAUSTED", "exceeded your current quota"},
		{"429 retry-after header wins", reply{status: 429, file: "error_429_retryinfo.json", headers: map[string]string{"Retry-After": "2"}}, sdk.ClassRateLimited, 429, 2 * time.Second, "RESOURCE_EXHAUSTED", ""},
		{"429 plain", reply{status: 429, file: "error_429_plain.json"}, sdk.ClassRateLimited, 429, 0, "RESOURCE_EXHAUSTED", "Resource has been exhausted"},
		{"429 daily quota", reply{status: 429, file: "error_429_daily_quota.json"}, sdk.ClassQuotaExhausted, 429, 41 * time.Second, "RESOURCE_EXHAUSTED", ""},
		{"500", reply{status: 500, file: "error_500.json"}, sdk.ClassUpstream5xx, 500, 0, "INTERNAL", "internal error"},
		{"502 html", reply{status: 502, file: "error_502_html.txt", ctype: "text/html"}, sdk.ClassUpstream5xx, 502, 0, "", "upstream answered HTTP 502"},
		{"503", reply{status: 503, file: "error_503.json", headers: map[string]string{"Retry-After": "1"}}, sdk.ClassUpstream5xx, 503, time.Second, "UNAVAILABLE", "overloaded"},
		{"504", reply{status: 504, file: "error_504.json"}, sdk.ClassTimeout, 504, 0, "DEADLINE_EXCEEDED", "timed out"},
		{"504 html", reply{status: 504, file: "error_502_html.txt", ctype: "text/html"}, sdk.ClassTimeout, 504, 0, "", "upstream answered HTTP 504"},
		{"blocked prompt", reply{file: "prompt_blocked.json"}, sdk.ClassContentFilter, 200, 0, "SAFETY", "blocked by the provider's safety filter (SAFETY)"},
		{"safety finish", reply{file: "finish_safety.json"}, sdk.ClassContentFilter, 200, 0, "SAFETY", "blocked by the provider's safety filter (SAFETY)"},
		{"malformed", reply{file: "malformed.json"}, sdk.ClassUpstream5xx, 200, 0, "", "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rp := newReplay(t, tc.reply)
			p := providerFor(t, rp.srv.URL)
			_, err := p.Complete(context.Background(), chatRequest())
			pe := providerError(t, err)
			if pe.Class != tc.class || pe.Status != tc.status || pe.RetryAfterMs != tc.retry.Milliseconds() || pe.UpstreamCode != tc.code {
				t.Errorf("got class=%s status=%d retry=%dms code=%q, want %s %d %dms %q (msg %q)",
					sdk.ClassName(pe.Class), pe.Status, pe.RetryAfterMs, pe.UpstreamCode,
					sdk.ClassName(tc.class), tc.status, tc.retry.Milliseconds(), tc.code, pe.Message)
			}
			if !strings.Contains(pe.Message, tc.msg) || !strings.HasPrefix(pe.Message, "gemini: ") {
				t.Errorf("message %q does not contain %q", pe.Message, tc.msg)
			}
			if strings.Contains(pe.Message, "\n") {
				t.Errorf("message spans lines: %q", pe.Message)
			}
		})
	}
}

func TestStreamErrorsBeforeFirstByte(t *testing.T) {
	for _, tc := range []struct {
		file   string
		status int
		class  sdk.ErrorClass
	}{
		{"error_429_retryinfo.json", 429, sdk.ClassRateLimited},
		{"error_500.json", 500, sdk.ClassUpstream5xx},
		{"error_503.json", 503, sdk.ClassUpstream5xx},
		{"error_400_invalid_argument.json", 400, sdk.ClassBadRequest},
	} {
		rp := newReplay(t, reply{status: tc.status, file: tc.file})
		p := providerFor(t, rp.srv.URL)
		var chunks int
		err := p.Stream(context.Background(), chatRequest(), func(*sdk.StreamChunk) error { chunks++; return nil })
		if pe := providerError(t, err); pe.Class != tc.class || chunks != 0 {
			t.Errorf("%s: class %s, %d chunks", tc.file, sdk.ClassName(pe.Class), chunks)
		}
	}
}

func collect(t *testing.T, p *Provider, ctx context.Context) ([]*sdk.StreamChunk, error) {
	t.Helper()
	var chunks []*sdk.StreamChunk
	err := p.Stream(ctx, chatRequest(), func(c *sdk.StreamChunk) error {
		chunks = append(chunks, c)
		return nil
	})
	return chunks, err
}

func TestStreamSuccess(t *testing.T) {
	for _, lf := range []bool{false, true} {
		rp := newReplay(t, reply{file: "stream_success.sse", lf: lf})
		p := providerFor(t, rp.srv.URL)
		chunks, err := collect(t, p, context.Background())
		if err != nil {
			t.Fatalf("lf=%v: %v", lf, err)
		}
		if len(chunks) != 4 {
			t.Fatalf("lf=%v: %d chunks, want one per event (4)", lf, len(chunks))
		}
		var text strings.Builder
		for i, c := range chunks {
			text.WriteString(c.Content)
			if (i == 0) != (c.Role == "assistant") {
				t.Errorf("chunk %d role %q", i, c.Role)
			}
			if (i == 3) != (c.FinishReason != "") || (i == 3) != (c.Usage != nil) {
				t.Errorf("chunk %d finish %q usage %v", i, c.FinishReason, c.Usage)
			}
			if c.Model != "gemini-2.0-flash" || c.Id != "Oh8MaP_qIOWRnvgPxMWr0A8" {
				t.Errorf("chunk %d model/id %q %q", i, c.Model, c.Id)
			}
		}
		if text.String() != "The sky is blue because of Rayleigh scattering: air molecules scatter blue light from the sun more than the other colors.\n" {
			t.Errorf("text = %q", text.String())
		}
		last := chunks[3]
		if last.FinishReason != "stop" || last.Usage.PromptTokens != 9 || last.Usage.CompletionTokens != 24 || last.Usage.TotalTokens != 33 {
			t.Errorf("last chunk = %+v", last)
		}
		got := rp.last()
		if got.path != "/v1beta/models/gemini-2.0-flash:streamGenerateContent" || got.query != "alt=sse" {
			t.Errorf("stream request: %s?%s", got.path, got.query)
		}
		if got.header.Get("x-goog-api-key") != testKey {
			t.Error("key not sent in the header")
		}
	}
}

func TestStreamFailures(t *testing.T) {
	cases := []struct {
		file    string
		chunks  int
		class   sdk.ErrorClass
		msg     string
		wantErr bool
	}{
		{"stream_cut.sse", 2, sdk.ClassTransport, "ended early", true},
		{"stream_midstream_error.sse", 1, sdk.ClassUpstream5xx, "overloaded", true},
		{"stream_blocked.sse", 0, sdk.ClassContentFilter, "safety filter (PROHIBITED_CONTENT)", true},
		{"stream_malformed.sse", 1, sdk.ClassUpstream5xx, "malformed", true},
		{"stream_empty_other.sse", 0, sdk.ClassUpstream5xx, "finished (OTHER) without any content", true},
	}
	for _, tc := range cases {
		rp := newReplay(t, reply{file: tc.file})
		p := providerFor(t, rp.srv.URL)
		chunks, err := collect(t, p, context.Background())
		pe := providerError(t, err)
		if pe.Class != tc.class || len(chunks) != tc.chunks || !strings.Contains(pe.Message, tc.msg) {
			t.Errorf("%s: class %s, %d chunks, msg %q", tc.file, sdk.ClassName(pe.Class), len(chunks), pe.Message)
		}
		for _, c := range chunks {
			if c.FinishReason != "" {
				t.Errorf("%s: a failed stream sent a finish reason", tc.file)
			}
		}
	}
}

// A thought-only event is sent on as reasoning: the host's idle deadline
// sees the model at work.
func TestStreamThoughtsAreReasoning(t *testing.T) {
	rp := newReplay(t, reply{file: "stream_thought_then_text.sse"})
	p := providerFor(t, rp.srv.URL)
	chunks, err := collect(t, p, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 2 || chunks[0].ReasoningContent != "Weighing the options" || chunks[0].Content != "" ||
		chunks[1].Content != "Hello" || chunks[1].FinishReason != "stop" {
		t.Fatalf("chunks: %v", chunks)
	}
}

func TestStreamSafetyAfterText(t *testing.T) {
	rp := newReplay(t, reply{file: "stream_safety_after_text.sse"})
	p := providerFor(t, rp.srv.URL)
	chunks, err := collect(t, p, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 2 || chunks[1].FinishReason != "content_filter" || chunks[1].Usage.TotalTokens != 15 {
		t.Fatalf("chunks = %+v", chunks)
	}
}

// A stream whose last event is not followed by its blank line was cut, even
// if that event carries the finish reason; a lone CR ends lines as well as
// CRLF does.
func TestStreamLineEnds(t *testing.T) {
	data := string(readTestdata(t, "stream_success.sse"))
	serve := func(body string) ([]*sdk.StreamChunk, error) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return collect(t, providerFor(t, srv.URL), context.Background())
	}
	chunks, err := serve(strings.ReplaceAll(data, "\r\n", "\r"))
	if err != nil || len(chunks) != 4 || chunks[3].FinishReason != "stop" {
		t.Fatalf("lone CR: %d chunks, %v", len(chunks), err)
	}
	chunks, err = serve(strings.TrimSuffix(data, "\r\n\r\n"))
	pe := providerError(t, err)
	if pe.Class != sdk.ClassTransport || !strings.Contains(pe.Message, "ended early") || len(chunks) != 3 {
		t.Fatalf("unterminated last event: class %s, %d chunks, %q", sdk.ClassName(pe.Class), len(chunks), pe.Message)
	}
}

// A connection that breaks in the middle of the stream is a transport error.
func TestStreamConnectionDrop(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		data := string(readTestdata(t, "stream_cut.sse"))
		first := strings.Index(data, "\r\n\r\n") + 4
		_, _ = io.WriteString(w, data[:first+20])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}))
	t.Cleanup(srv.Close)
	p := providerFor(t, srv.URL)
	chunks, err := collect(t, p, context.Background())
	pe := providerError(t, err)
	if pe.Class != sdk.ClassTransport || len(chunks) != 1 {
		t.Fatalf("class %s, %d chunks, %q", sdk.ClassName(pe.Class), len(chunks), pe.Message)
	}
}

// Cancelling the caller's context aborts the upstream request at once.
func TestStreamCancelAbortsUpstream(t *testing.T) {
	upstreamGone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		data := readTestdata(t, "stream_cut.sse")
		first := strings.SplitAfter(string(data), "\r\n\r\n")[0]
		_, _ = io.WriteString(w, first)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		close(upstreamGone)
	}))
	t.Cleanup(srv.Close)
	p := providerFor(t, srv.URL)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- p.Stream(ctx, chatRequest(), func(*sdk.StreamChunk) error { cancel(); return nil })
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Stream did not return after cancel")
	}
	select {
	case <-upstreamGone:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream request was not aborted")
	}
}

func TestCompleteCancelAndTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })

	b, _ := json.Marshal(map[string]string{"api_key": testKey, "base_url": srv.URL, "timeout": "150ms"})
	p := newTestProvider(t, string(b))
	start := time.Now()
	_, err := p.Complete(context.Background(), chatRequest())
	if pe := providerError(t, err); pe.Class != sdk.ClassTimeout || time.Since(start) > 3*time.Second {
		t.Fatalf("timeout: class %s after %v", sdk.ClassName(pe.Class), time.Since(start))
	}

	p = providerFor(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = p.Complete(ctx, chatRequest())
	if !errors.Is(err, context.DeadlineExceeded) || sdk.AsProviderError(err).Class != sdk.ClassTimeout {
		t.Fatalf("caller deadline: %v", err)
	}
}

func TestConnectionRefusedIsTransport(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	p := providerFor(t, "http://"+addr)
	_, err = p.Complete(context.Background(), chatRequest())
	pe := providerError(t, err)
	if pe.Class != sdk.ClassTransport || strings.Contains(pe.Message, "generateContent") {
		t.Fatalf("class %s msg %q", sdk.ClassName(pe.Class), pe.Message)
	}
}

func TestNoKeyFailsWithAuth(t *testing.T) {
	rp := newReplay(t, reply{file: "generate_success.json"})
	p := newTestProvider(t, `{"api_key": "", "base_url": "`+rp.srv.URL+`"}`)
	if info := p.Info(); info["has_key"] != "false" {
		t.Errorf("info = %v", info)
	}
	_, err := p.Complete(context.Background(), chatRequest())
	if pe := providerError(t, err); pe.Class != sdk.ClassAuth || pe.Message != "gemini: no API key configured" {
		t.Errorf("complete: %+v", pe)
	}
	err = p.Stream(context.Background(), chatRequest(), func(*sdk.StreamChunk) error { return nil })
	if pe := providerError(t, err); pe.Class != sdk.ClassAuth {
		t.Errorf("stream: %+v", pe)
	}
	if len(rp.got) != 0 {
		t.Error("a call without a key reached the upstream")
	}
}

func TestConfig(t *testing.T) {
	p := newTestProvider(t, `{"api_key":"`+testKey+`"}`)
	info := p.Info()
	if info["base_url"] != DefaultBaseURL || info["api_version"] != "v1beta" || info["has_key"] != "true" || info["timeout"] != "2m0s" {
		t.Errorf("defaults: %v", info)
	}
	for _, v := range info {
		if strings.Contains(v, testKey) {
			t.Fatal("Info shows the key")
		}
	}
	p = newTestProvider(t, `{"api_key":"k","base_url":"https://user:secret@proxy.example/gemini/","api_version":"v1","timeout":"3s"}`)
	if p.Info()["base_url"] != "https://user:xxxxx@proxy.example/gemini" || p.base != "https://user:secret@proxy.example/gemini/v1" || p.timeout != 3*time.Second {
		t.Errorf("info %v base %q", p.Info(), p.base)
	}
	for cfg, want := range map[string]string{
		`{"apikey":"x"}`:                   `unknown field "apikey"`,
		`{"base_url":"ftp://x"}`:           `field "base_url"`,
		`{"base_url":"https://x/?key=1"}`:  `field "base_url"`,
		`{"api_version":"../v1"}`:          `field "api_version"`,
		`{"timeout":"0s"}`:                 `field "timeout"`,
		`{"timeout":"soon"}`:               `invalid duration`,
		`{"api_key":"a\nb"}`:               `field "api_key"`,
		`{"max_idle_conns_per_host":1000}`: `unknown field`,
	} {
		_, err := New(sdk.Config{Raw: []byte(cfg)})
		if err == nil || !sdk.IsConfigError(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want config error with %q", cfg, err, want)
		}
	}
	if tr := p.client.Transport.(*http.Transport); tr.MaxIdleConnsPerHost < 256 {
		t.Errorf("MaxIdleConnsPerHost = %d", tr.MaxIdleConnsPerHost)
	}
}

func TestBadRequestsFailLocally(t *testing.T) {
	rp := newReplay(t, reply{file: "generate_success.json"})
	p := providerFor(t, rp.srv.URL)
	for _, req := range []*sdk.CompleteRequest{
		{UpstreamModel: "gemini-2.0-flash", Request: &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "system", Content: "only a system prompt"}}}},
		{UpstreamModel: "../../v1/x", Request: chatRequest().Request},
		{UpstreamModel: "", Request: chatRequest().Request},
	} {
		_, err := p.Complete(context.Background(), req)
		if pe := providerError(t, err); pe.Class != sdk.ClassBadRequest {
			t.Errorf("%q: class %s", req.UpstreamModel, sdk.ClassName(pe.Class))
		}
	}
	if len(rp.got) != 0 {
		t.Error("an invalid request reached the upstream")
	}
}

// The provider through the real gRPC protocol, as the host calls it.
func TestThroughSDK(t *testing.T) {
	ok := newReplay(t, reply{file: "stream_success.sse"})
	limited := newReplay(t, reply{status: 429, file: "error_429_retryinfo.json"})
	cut := newReplay(t, reply{file: "stream_cut.sse"})
	gen := newReplay(t, reply{file: "generate_success.json"})

	h := sdktest.Start(t, sdk.Plugin{Name: "provider-gemini", Version: "test", Provider: New})
	ctx := context.Background()
	if _, err := h.Configure(ctx, sdk.KindProvider, "bad", `{"timeout":"-1s"}`); err == nil || !strings.Contains(err.Error(), `field "timeout"`) {
		t.Fatalf("bad config: %v", err)
	}
	cfg := func(base string) string {
		b, _ := json.Marshal(map[string]string{"api_key": testKey, "base_url": base})
		return string(b)
	}

	id := h.MustConfigure(t, sdk.KindProvider, "gemini-gen", cfg(gen.srv.URL))
	resp, err := h.Complete(ctx, id, chatRequest())
	if err != nil || resp.Error != nil || resp.Usage.TotalTokens != 562 || resp.FinishReason != "stop" {
		t.Fatalf("complete: %v %+v", err, resp)
	}

	id = h.MustConfigure(t, sdk.KindProvider, "gemini-limited", cfg(limited.srv.URL))
	resp, err = h.Complete(ctx, id, chatRequest())
	if err != nil || resp.Error == nil || resp.Error.Class != sdk.ClassRateLimited || resp.Error.RetryAfterMs != 23000 || resp.Error.Status != 429 {
		t.Fatalf("429: %v %+v", err, resp)
	}

	id = h.MustConfigure(t, sdk.KindProvider, "gemini-ok", cfg(ok.srv.URL))
	chunks, err := h.Stream(ctx, id, chatRequest())
	if err != nil || len(chunks) != 4 || chunks[3].FinishReason != "stop" || chunks[3].Usage.TotalTokens != 33 || chunks[3].Error != nil {
		t.Fatalf("stream: %v %+v", err, chunks)
	}

	id = h.MustConfigure(t, sdk.KindProvider, "gemini-cut", cfg(cut.srv.URL))
	chunks, err = h.Stream(ctx, id, chatRequest())
	if err != nil || len(chunks) != 3 || chunks[2].Error == nil || chunks[2].Error.Class != sdk.ClassTransport {
		t.Fatalf("cut stream: %v %+v", err, chunks)
	}
}

// TestSamplingParamsReachGenerationConfig: penalties and response_format
// json_object are mapped into Gemini's generationConfig; the provider does
// not declare logit_bias (no Gemini equivalent), so the host refuses it.
func TestSamplingParamsReachGenerationConfig(t *testing.T) {
	rp := newReplay(t, reply{file: "generate_success.json"})
	p := providerFor(t, rp.srv.URL)
	req := chatRequest()
	pp, fp := 0.5, -0.25
	req.Request.PresencePenalty, req.Request.FrequencyPenalty, req.Request.ResponseFormat = &pp, &fp, "json_object"
	if _, err := p.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	var body struct {
		GenerationConfig map[string]any `json:"generationConfig"`
	}
	if err := json.Unmarshal(rp.last().body, &body); err != nil {
		t.Fatal(err)
	}
	gc := body.GenerationConfig
	if gc["presencePenalty"] != 0.5 || gc["frequencyPenalty"] != -0.25 || gc["responseMimeType"] != "application/json" || gc["seed"] != float64(7) {
		t.Errorf("generationConfig = %v", gc)
	}
	if slices.Contains(Params, sdk.ParamCap("logit_bias")) || !slices.Contains(Params, sdk.ParamCap("seed")) {
		t.Errorf("declared parameters: %v", Params)
	}
}

// TestRedirectIsNotFollowed: an upstream that redirects a call must not make
// the provider resend the x-goog-api-key header to wherever it points.
func TestRedirectIsNotFollowed(t *testing.T) {
	var elsewhere sync.Map
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Store(r.URL.Path, r.Header.Get("x-goog-api-key"))
	}))
	t.Cleanup(other.Close)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(up.Close)
	p := providerFor(t, up.URL)
	_, err := p.Complete(context.Background(), chatRequest())
	if pe := providerError(t, err); pe.Class != sdk.ClassUpstream5xx {
		t.Errorf("a redirect is an upstream failure: %s %q", sdk.ClassName(pe.Class), pe.Message)
	}
	err = p.Stream(context.Background(), chatRequest(), func(*sdk.StreamChunk) error { return nil })
	providerError(t, err)
	elsewhere.Range(func(path, key any) bool {
		t.Errorf("the redirect was followed to %v (x-goog-api-key %q)", path, key)
		return true
	})
}
