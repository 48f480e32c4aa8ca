package openaiprovider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func joinContent(chunks []*sdk.StreamChunk) string {
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString(c.Content)
	}
	return b.String()
}

func TestStreamOpenAIWithUsage(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_stream_usage.sse"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	req := chatReq("gpt-4o")
	req.Request.Stream = true
	chunks, err := collect(context.Background(), p, req)
	if err != nil {
		t.Fatal(err)
	}
	if got := joinContent(chunks); got != "The capital of France is Paris." {
		t.Fatalf("content %q", got)
	}
	first, last := chunks[0], chunks[len(chunks)-1]
	if first.Role != "assistant" || first.Id != "chatcmpl-BeKQ9xY2pT1sVbN8mQ4rLc6dWfZeH" || first.Model != "gpt-4o-2024-08-06" {
		t.Fatalf("first chunk: %+v", first)
	}
	for _, c := range chunks[1:] {
		if c.Role != "" {
			t.Fatalf("role repeated: %+v", c)
		}
	}
	for _, c := range chunks[:len(chunks)-1] {
		if c.FinishReason != "" || c.Usage != nil {
			t.Fatalf("finish or usage before the last chunk: %+v", c)
		}
	}
	if last.FinishReason != "stop" || last.Usage == nil || last.Usage.PromptTokens != 14 || last.Usage.CompletionTokens != 8 || last.Usage.TotalTokens != 22 {
		t.Fatalf("last chunk: %+v", last)
	}
	// role chunk, 3 deltas, finish(+usage)
	if len(chunks) != 5 {
		t.Fatalf("%d chunks, want 5", len(chunks))
	}

	got := u.last(t)
	if got.body["stream"] != true {
		t.Fatalf("stream not requested: %s", got.raw)
	}
	so, _ := got.body["stream_options"].(map[string]any)
	if so["include_usage"] != true {
		t.Fatalf("include_usage not requested: %s", got.raw)
	}
	if got.header.Get("Authorization") != "Bearer "+testKey || got.header.Get("Accept") != "text/event-stream" {
		t.Fatalf("headers: %v", got.header)
	}
}

func TestStreamOpenRouterComments(t *testing.T) {
	u := newUpstream(t, reply{file: "openrouter_stream_ok.sse"})
	p := newTestProvider(t, "openrouter", configFor(u, `"flavor":"openrouter"`))
	chunks, err := collect(context.Background(), p, chatReq("mistralai/mistral-7b-instruct"))
	if err != nil {
		t.Fatal(err)
	}
	if got := joinContent(chunks); got != "Paris is the capital of France." {
		t.Fatalf("content %q", got)
	}
	last := chunks[len(chunks)-1]
	if last.FinishReason != "stop" || last.Usage == nil || last.Usage.TotalTokens != 25 {
		t.Fatalf("last chunk: %+v", last)
	}
	if chunks[0].Role != "assistant" || chunks[0].Model != "mistralai/mistral-7b-instruct" {
		t.Fatalf("first chunk: %+v", chunks[0])
	}
}

func TestStreamGroqUsage(t *testing.T) {
	u := newUpstream(t, reply{file: "groq_stream.sse"})
	p := newTestProvider(t, "groq", configFor(u, `"flavor":"groq"`))
	chunks, err := collect(context.Background(), p, chatReq("moonshotai/kimi-k2-instruct"))
	if err != nil {
		t.Fatal(err)
	}
	last := chunks[len(chunks)-1]
	if joinContent(chunks) != "Paris." || last.FinishReason != "stop" || last.Usage == nil || last.Usage.TotalTokens != 17 {
		t.Fatalf("chunks: %+v", chunks)
	}
}

func TestStreamFailures(t *testing.T) {
	cases := []struct {
		name       string
		reply      reply
		class      sdk.ErrorClass
		msg        string
		wantChunks int // chunks sent before the error
		retryMs    int64
	}{
		{name: "cut after first chunk", reply: reply{file: "openai_stream_cut.sse"}, class: sdk.ClassTransport, msg: "upstream stream ended early", wantChunks: 2},
		{name: "cut mid-line", reply: reply{file: "openai_stream_cut_midline.sse"}, class: sdk.ClassTransport, msg: "upstream stream ended early", wantChunks: 2},
		{name: "[DONE] cut before its blank line, no finish", reply: reply{body: "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}\n\ndata: [DONE]", contentType: "text/event-stream"}, class: sdk.ClassTransport, msg: "upstream stream ended early", wantChunks: 1},
		{name: "malformed chunk", reply: reply{file: "openai_stream_malformed.sse"}, class: sdk.ClassUpstream5xx, msg: "malformed", wantChunks: 2},
		{name: "openrouter mid-stream error", reply: reply{file: "openrouter_stream_midstream_error.sse"}, class: sdk.ClassUpstream5xx, msg: "Provider disconnected", wantChunks: 1},
		{name: "openai mid-stream error", reply: reply{file: "openai_stream_midstream_error.sse"}, class: sdk.ClassUpstream5xx, msg: "The server had an error", wantChunks: 1},
		{name: "mid-stream rate limit", reply: reply{body: "data: {\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"}}\n\n", contentType: "text/event-stream"}, class: sdk.ClassRateLimited},
		{name: "finish_reason error", reply: reply{body: "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n", contentType: "text/event-stream"}, class: sdk.ClassUpstream5xx},
		{name: "empty stream", reply: reply{body: "", contentType: "text/event-stream"}, class: sdk.ClassTransport, msg: "ended early"},
		{name: "only comments", reply: reply{body: ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n", contentType: "text/event-stream"}, class: sdk.ClassTransport, msg: "ended early"},
		{name: "429 before the stream", reply: reply{status: 429, file: "openai_429_rate_limit.json", headers: map[string]string{"Retry-After": "3"}}, class: sdk.ClassRateLimited, retryMs: 3000},
		{name: "503 before the stream", reply: reply{status: 503, file: "openai_503.json"}, class: sdk.ClassUpstream5xx},
		{name: "openrouter 402 before the stream", reply: reply{status: 402, file: "openrouter_402.json"}, class: sdk.ClassQuotaExhausted},
		{name: "openrouter 403 moderation before the stream", reply: reply{status: 403, file: "openrouter_403_moderation.json"}, class: sdk.ClassContentFilter, msg: "flagged"},
		{name: "openrouter 404 no endpoints before the stream", reply: reply{status: 404, file: "openrouter_404_no_endpoints.json"}, class: sdk.ClassModelUnavailable},
		{name: "openrouter 503 before the stream", reply: reply{status: 503, file: "openrouter_503.json", headers: map[string]string{"Retry-After": "4"}}, class: sdk.ClassUpstream5xx, retryMs: 4000},
		{name: "groq 413 tpm before the stream", reply: reply{status: 413, file: "groq_413_tpm.json"}, class: sdk.ClassRateLimited},
		{name: "groq 498 before the stream", reply: reply{status: 498, file: "groq_498_capacity.json"}, class: sdk.ClassUpstream5xx},
		{name: "openrouter error in 200 json", reply: reply{status: 200, file: "openrouter_error_in_200.json"}, class: sdk.ClassUpstream5xx, msg: "Provider returned error"},
		{name: "malformed 200 json", reply: reply{status: 200, file: "openai_malformed.json"}, class: sdk.ClassUpstream5xx, msg: "malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := newUpstream(t, c.reply)
			p := newTestProvider(t, "openrouter", configFor(u, ""))
			chunks, err := collect(context.Background(), p, chatReq("gpt-4o"))
			pe := providerError(t, err)
			if pe.Class != c.class {
				t.Fatalf("class %s, want %s (%q)", sdk.ClassName(pe.Class), sdk.ClassName(c.class), pe.Message)
			}
			if c.msg != "" && !strings.Contains(pe.Message, c.msg) {
				t.Errorf("message %q does not contain %q", pe.Message, c.msg)
			}
			if len(chunks) != c.wantChunks {
				t.Errorf("%d chunks before the error, want %d", len(chunks), c.wantChunks)
			}
			if pe.RetryAfterMs != c.retryMs {
				t.Errorf("retry_after_ms %d, want %d", pe.RetryAfterMs, c.retryMs)
			}
			for _, ch := range chunks {
				if ch.FinishReason != "" {
					t.Errorf("a failed stream sent a finish_reason: %+v", ch)
				}
			}
		})
	}
}

func TestStreamEndings(t *testing.T) {
	const role = "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
	const hi = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
	const stop = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	cases := []struct {
		name, body string
		finish     string
	}{
		{name: "finish without [DONE]", body: role + hi + stop, finish: "stop"},
		{name: "[DONE] without finish", body: role + hi + "data: [DONE]\n\n"},
		{name: "[DONE] at EOF without a blank line", body: role + hi + stop + "data: [DONE]", finish: "stop"},
		{name: "CRLF line ends", body: strings.ReplaceAll(role+hi+stop+"data: [DONE]\n\n", "\n", "\r\n"), finish: "stop"},
		{name: "lone CR line ends", body: strings.ReplaceAll(role+hi+stop+"data: [DONE]\n\n", "\n", "\r"), finish: "stop"},
		{name: "byte order mark", body: "\ufeff" + role + hi + stop + "data: [DONE]\n\n", finish: "stop"},
		{name: "keep-alive deltas skipped", body: role + "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":null}]}\n\n" + hi + stop + "data: [DONE]\n\n", finish: "stop"},
		{name: "no role from upstream", body: hi + stop + "data: [DONE]\n\n", finish: "stop"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := newUpstream(t, reply{body: c.body, contentType: "text/event-stream"})
			p := newTestProvider(t, "local", `{"base_url":"`+u.URL+`"}`)
			chunks, err := collect(context.Background(), p, chatReq("m"))
			if err != nil {
				t.Fatal(err)
			}
			if joinContent(chunks) != "Hi" || chunks[0].Role != "assistant" || chunks[len(chunks)-1].FinishReason != c.finish {
				t.Fatalf("chunks: %+v", chunks)
			}
			for _, ch := range chunks {
				if ch.Content == "" && ch.Role == "" && ch.FinishReason == "" && ch.Usage == nil {
					t.Fatalf("an empty chunk was sent: %+v", chunks)
				}
			}
		})
	}
}

func TestStreamServerIgnoringStreamFlag(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_success.json"})
	p := newTestProvider(t, "local", `{"base_url":"`+u.URL+`"}`)
	chunks, err := collect(context.Background(), p, chatReq("m"))
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 1 || chunks[0].Content != "The capital of France is Paris." || chunks[0].FinishReason != "stop" || chunks[0].Usage.TotalTokens != 22 {
		t.Fatalf("chunks: %+v", chunks)
	}
}

func TestStreamStopsWhenTheHostFails(t *testing.T) {
	aborted := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; ; i++ {
			if _, err := w.Write([]byte("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n")); err != nil {
				close(aborted)
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				close(aborted)
				return
			default:
			}
		}
	}))
	defer srv.Close()
	p := newTestProvider(t, "local", `{"base_url":"`+srv.URL+`"}`)
	gone := errors.New("host gone")
	n := 0
	err := p.Stream(context.Background(), chatReq("m"), func(*sdk.StreamChunk) error {
		n++
		if n == 3 {
			return gone
		}
		return nil
	})
	if !errors.Is(err, gone) {
		t.Fatalf("err = %v", err)
	}
	<-aborted
}

// Reasoning and tool-call deltas carry no content but show the model at
// work: each is sent on (so the host's idle deadline does not fire), the
// reasoning as reasoning_content.
func TestStreamReasoningAndToolCallsAreChunks(t *testing.T) {
	u := newUpstream(t, reply{file: "openrouter_stream_reasoning.sse"})
	p := newTestProvider(t, "openrouter", configFor(u, `"flavor":"openrouter"`))
	chunks, err := collect(context.Background(), p, chatReq("openai/o3-mini"))
	if err != nil {
		t.Fatal(err)
	}
	var reasoning strings.Builder
	for _, c := range chunks {
		reasoning.WriteString(c.ReasoningContent)
	}
	if len(chunks) != 5 || reasoning.String() != "Think hard." || joinContent(chunks) != "Hi" || chunks[len(chunks)-1].FinishReason != "stop" {
		t.Fatalf("chunks: %+v", chunks)
	}
}

// A refusal is streamed as such, never as content.
func TestStreamRefusal(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_stream_refusal.sse"})
	p := newTestProvider(t, "openai", configFor(u, ""))
	chunks, err := collect(context.Background(), p, chatReq("gpt-4o"))
	if err != nil {
		t.Fatal(err)
	}
	var refusal strings.Builder
	for _, c := range chunks {
		refusal.WriteString(c.Refusal)
	}
	if refusal.String() != "I'm sorry, I can't help with that." || joinContent(chunks) != "" {
		t.Fatalf("chunks: %+v", chunks)
	}
}
