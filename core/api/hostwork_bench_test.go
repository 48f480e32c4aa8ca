package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pipeline"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// The host's per-request work outside the pipeline, on the benchmark's
// request (bench/: one short user message, max_tokens 32). Run with
// -benchmem: allocs/op is the stable number on a shared machine.

var benchChatBody = []byte(`{"model":"gpt-4o-primary","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32}`)

func BenchmarkDecodeChat(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeChat(benchChatBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeRequest is what servePipeline does before the pipeline:
// the body read, the request's identity and headers, the decode.
func BenchmarkDecodeRequest(b *testing.B) {
	s := &Server{settings: config.Settings{MaxBodyBytes: 1 << 20}}
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(benchChatBody))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("User-Agent", "bench")
		body, derr := readBody(r, s.settings.MaxBodyBytes)
		if derr != nil {
			b.Fatal(derr)
		}
		if _, _, derr := s.decode(r, chatRoute, body, time.Now()); derr != nil {
			b.Fatal(derr)
		}
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Flush()                      {}

func BenchmarkChatComplete(b *testing.B) {
	req := &pipeline.Request{ID: "7b559549093c82cacb7e5627", Route: pipeline.RouteChat, Start: time.Now(), Chat: &pb.ChatRequest{Model: "gpt-4o-primary"}}
	res := &pipeline.Result{Content: "[sim openai gpt-4o] echo: Say hello in one short sentence.", FinishReason: "stop", ModelUsed: "gpt-4o-primary",
		Provider: "openai", CostKnown: true, CostNanos: 52500, Usage: &pb.Usage{PromptTokens: 8, CompletionTokens: 12, TotalTokens: 20}}
	tr := &pipeline.Trace{Headers: map[string]string{"X-RateLimit-Limit": "100000000", "X-RateLimit-Remaining": "99998349", "X-RateLimit-Reset": "58"},
		Timings: []pipeline.Timing{{Name: "guard", Dur: 516 * time.Microsecond}, {Name: "ratelimit", Dur: 902 * time.Microsecond}, {Name: "provider", Dur: 2981 * time.Microsecond}}}
	r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := &discardWriter{h: http.Header{}}
		(&chatWriter{answer: answer{w: w, r: r, req: req, created: 1}}).Complete(res, tr)
	}
}

// benchLongChatBody is a conversation of 12 messages of ~1 KB each: where
// a second parse of every message's content shows.
var benchLongChatBody = func() []byte {
	var b bytes.Buffer
	b.WriteString(`{"model":"gpt-4o-primary","max_tokens":32,"messages":[`)
	for i := range 12 {
		if i > 0 {
			b.WriteByte(',')
		}
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		b.WriteString(`{"role":"` + role + `","content":"`)
		for range 20 {
			b.WriteString("The quick brown fox jumps over the lazy dog. ")
		}
		b.WriteString(`"}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}()

func BenchmarkDecodeChatLong(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeChat(benchLongChatBody); err != nil {
			b.Fatal(err)
		}
	}
}

// benchAgentChatBody is a coding agent's conversation: 40 turns of a tool
// call and its result (about 2 kB of source each, whose newlines and
// quotes are escaped in JSON), about 100 kB.
var benchAgentChatBody = func() []byte {
	src := strings.Repeat("func (s *Server) handle(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, \"%s\", r.URL.Path)\n}\n", 20)
	msgs := []map[string]any{{"role": "system", "content": "You are a coding agent."}, {"role": "user", "content": "Fix the handler."}}
	for i := range 40 {
		id := fmt.Sprintf("call_%d", i)
		msgs = append(msgs,
			map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{"id": id, "type": "function", "function": map[string]any{"name": "read", "arguments": `{"path":"server.go"}`}}}},
			map[string]any{"role": "tool", "tool_call_id": id, "content": src})
	}
	b, _ := json.Marshal(map[string]any{"model": "gpt-4o-primary", "messages": msgs})
	return b
}()

func BenchmarkDecodeChatAgent(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchAgentChatBody)))
	for b.Loop() {
		if _, err := decodeChat(benchAgentChatBody); err != nil {
			b.Fatal(err)
		}
	}
}

// benchMessagesAgentBody is Claude Code's conversation on /v1/messages: 40
// turns of a tool_use and its tool_result (about 2 kB of source each), the
// system prompt as cached text blocks, about 100 kB.
var benchMessagesAgentBody = func() []byte {
	src := strings.Repeat("func (s *Server) handle(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, \"%s\", r.URL.Path)\n}\n", 20)
	msgs := []map[string]any{{"role": "user", "content": []any{map[string]any{"type": "text", "text": "Fix the handler."}}}}
	for i := range 40 {
		id := fmt.Sprintf("toolu_%02d", i)
		msgs = append(msgs,
			map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "tool_use", "id": id, "name": "Read", "input": map[string]any{"file_path": "server.go"}}}},
			map[string]any{"role": "user", "content": []any{map[string]any{"type": "tool_result", "tool_use_id": id, "content": src}}})
	}
	b, _ := json.Marshal(map[string]any{"model": "claude-sonnet", "max_tokens": 32000, "stream": true, "messages": msgs,
		"system": []any{map[string]any{"type": "text", "text": "You are Claude Code.", "cache_control": map[string]any{"type": "ephemeral"}}}})
	return b
}()

func BenchmarkDecodeMessagesAgent(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMessagesAgentBody)))
	for b.Loop() {
		if _, err := decodeAnthropicMessages(benchMessagesAgentBody); err != nil {
			b.Fatal(err.msg)
		}
	}
}

// benchResponsesAgentBody is Codex's conversation on /v1/responses: 40
// turns of a function_call and its output (about 2 kB of source each),
// about 100 kB.
var benchResponsesAgentBody = func() []byte {
	src := strings.Repeat("func (s *Server) handle(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, \"%s\", r.URL.Path)\n}\n", 20)
	items := []map[string]any{{"type": "message", "role": "user", "content": []any{map[string]any{"type": "input_text", "text": "Fix the handler."}}}}
	for i := range 40 {
		id := fmt.Sprintf("call_%02d", i)
		items = append(items,
			map[string]any{"type": "function_call", "call_id": id, "name": "shell", "arguments": `{"command":["cat","server.go"]}`},
			map[string]any{"type": "function_call_output", "call_id": id, "output": src})
	}
	b, _ := json.Marshal(map[string]any{"model": "gpt-4o-primary", "instructions": "You are Codex.", "stream": true, "input": items})
	return b
}()

func BenchmarkDecodeResponsesAgent(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchResponsesAgentBody)))
	for b.Loop() {
		if _, _, err := decodeResponses(benchResponsesAgentBody); err != nil {
			b.Fatal(err.msg)
		}
	}
}
