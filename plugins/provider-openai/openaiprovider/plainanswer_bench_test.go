package openaiprovider

// The provider's side of one plain answer, part by part: encoding the
// request for the upstream, reading the upstream's stream (the SSE reader,
// each event's JSON, the mapping to chunks) and assembling the answer with
// sdk.Assembler, with and without the HTTP round trip. The streams are the
// simulator's own answers to the gateway benchmark's request: as
// bin/upstream-sim sends it (a role event, 3 content events, the finish, the
// usage, [DONE]) and one event per token as a real API sends it (32 tokens).
// Run
//
//	go test -run '^$' -bench . -benchmem -count 5 ./plugins/provider-openai/openaiprovider/
//
// cpu-ns/op is the process's user + system CPU per answer (the test
// upstream of the HTTP benchmarks runs in the same process); bench/README.md
// "The plugin hop (issue 21)" has the numbers.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit/sse"
	"github.com/llmgw/llmgw/sdk/go/sdktest/cpubench"
	"github.com/llmgw/llmgw/tools/upstream-sim/sim"
)

// benchPrompt is the gateway benchmark's prompt (bench/load.go).
const benchPrompt = "What is the capital of France? Answer in one short sentence."

// benchRequest is the gateway benchmark's request as the provider gets it.
func benchRequest() *sdk.CompleteRequest {
	return &sdk.CompleteRequest{RequestId: "req-1", UpstreamModel: "gpt-4o", Request: &sdk.ChatRequest{Model: "gpt-4o-primary",
		Messages: []*sdk.Message{{Role: "user", Content: benchPrompt}}, MaxTokens: i32(32)}}
}

// simStream is the simulator's stream of the answer to the benchmark's
// request; tokens > 0 asks for one event per token, tokens of them.
func simStream(tb testing.TB, tokens int) []byte {
	tb.Helper()
	body := `{"model":"gpt-4o","messages":[{"role":"user","content":"` + benchPrompt + `"}],"max_tokens":32,"stream":true,"stream_options":{"include_usage":true}}`
	r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+testKey)
	if tokens > 0 {
		r.Header.Set("X-Sim-Tokens", "32")
		r.Header.Set("X-Sim-Token-Interval", "1ns")
	}
	w := httptest.NewRecorder()
	sim.New(sim.Config{}).ServeHTTP(w, r)
	if w.Code != http.StatusOK || !bytes.HasSuffix(w.Body.Bytes(), []byte("data: [DONE]\n\n")) {
		tb.Fatalf("simulator: HTTP %d %q", w.Code, w.Body.String())
	}
	return w.Body.Bytes()
}

// benchStreams are the two streams the benchmarks read.
var benchStreams = []struct {
	name   string
	tokens int
}{{"sim-3-events", 0}, {"api-32-events", 32}}

// events are the data of a stream's events but [DONE].
func events(tb testing.TB, stream []byte) [][]byte {
	r := sse.NewReader(bytes.NewReader(stream), 0)
	var out [][]byte
	for {
		ev, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			tb.Fatal(err)
		}
		if string(ev.Data) != "[DONE]" {
			out = append(out, ev.Data)
		}
	}
}

// BenchmarkEncodeRequest is the body of the benchmark's request as the
// provider writes it (direct: appendChatRequest) and as go-openai encodes
// it (the provider's way before, still its way for other requests).
func BenchmarkEncodeRequest(b *testing.B) {
	req := benchRequest()
	for _, c := range []struct {
		name   string
		encode func(*sdk.CompleteRequest) ([]byte, error)
	}{
		{"direct", encodeStreamRequest},
		{"go-openai", func(r *sdk.CompleteRequest) ([]byte, error) { return encodeWithGoOpenAI(r, true) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpubench.PerOp(b)()
			for b.Loop() {
				if _, err := c.encode(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// agentRequest is a coding agent's conversation: 40 turns of a tool call
// and its result (about 2 kB of source each, with newlines and quotes to
// escape), about 100 kB as JSON.
func agentRequest() *sdk.CompleteRequest {
	src := strings.Repeat("func (s *Server) handle(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, \"%s\", r.URL.Path)\n}\n", 20)
	msgs := []*sdk.Message{{Role: "system", Content: "You are a coding agent."}, {Role: "user", Content: "Fix the handler."}}
	for i := range 40 {
		id := fmt.Sprintf("call_%d", i)
		msgs = append(msgs, &sdk.Message{Role: "assistant", ToolCalls: []*sdk.ToolCall{{Id: id, Type: "function", Name: "read", Arguments: `{"path":"server.go"}`}}},
			&sdk.Message{Role: "tool", ToolCallId: id, Content: src})
	}
	return &sdk.CompleteRequest{Request: &sdk.ChatRequest{Model: "gpt-4o", Messages: msgs,
		Tools: []*sdk.Tool{{Name: "read", Description: "Read a file", ParametersJson: `{"type":"object","properties":{"path":{"type":"string"}}}`}}}}
}

// BenchmarkEncodeAgentRequest is agentRequest's body as go-openai's struct
// is marshalled: json.Marshal, marshalGoOpenAI (which skips json.Marshal's
// second pass over each message), and as the provider writes it since tool
// calls and tools are written directly (appendChatRequest, the same bytes).
func BenchmarkEncodeAgentRequest(b *testing.B) {
	req := agentRequest()
	oreq, _ := buildRequest(req, true)
	for _, c := range []struct {
		name    string
		marshal func(openai.ChatCompletionRequest) ([]byte, error)
	}{
		{"json.Marshal", func(r openai.ChatCompletionRequest) ([]byte, error) { return json.Marshal(r) }},
		{"marshalGoOpenAI", marshalGoOpenAI},
		{"direct", func(openai.ChatCompletionRequest) ([]byte, error) { return encodeStreamRequest(req) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpubench.PerOp(b)()
			for b.Loop() {
				if _, err := c.marshal(oreq); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeChunk(b *testing.B) {
	for _, s := range benchStreams {
		evs := events(b, simStream(b, s.tokens))
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpubench.PerOp(b)()
			for b.Loop() {
				var dec chunkDecoder
				for _, data := range evs {
					var c streamChunk
					if err := dec.decode(data, &c); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkSSE is the SSE reader alone over the answer's stream.
func BenchmarkSSE(b *testing.B) {
	for _, s := range benchStreams {
		stream := simStream(b, s.tokens)
		b.Run(s.name, func(b *testing.B) {
			body := bytes.NewReader(stream)
			b.ReportAllocs()
			defer cpubench.PerOp(b)()
			for b.Loop() {
				body.Reset(stream)
				r := sse.NewReader(body, maxStreamEvent)
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkAssemble is sdk.Assembler alone over the chunks the provider
// sends for the answer.
func BenchmarkAssemble(b *testing.B) {
	p := newTestProvider(b, "openai", `{"api_key":"`+testKey+`"}`)
	for _, s := range benchStreams {
		var chunks []*sdk.StreamChunk
		resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(simStream(b, s.tokens)))}
		if err := p.readStream(context.Background(), resp, func(c *sdk.StreamChunk) error { chunks = append(chunks, c); return nil }); err != nil {
			b.Fatal(err)
		}
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpubench.PerOp(b)()
			for b.Loop() {
				var acc sdk.Assembler
				for _, c := range chunks {
					acc.Add(c)
				}
				if _, pe := acc.Response(); pe != nil {
					b.Fatal(pe.Message)
				}
			}
		})
	}
}

// assembled folds the chunks read sends into sdk.Assembler, as the SDK's
// serve layer does for a plain answer.
func assembled(b *testing.B, read func(send sdk.ChunkSender) error) {
	var acc sdk.Assembler
	if err := read(func(c *sdk.StreamChunk) error {
		acc.Add(c)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	if _, pe := acc.Response(); pe != nil {
		b.Fatal(pe.Message)
	}
}

// BenchmarkReadStream is the answer's stream read from memory: the SSE
// reader, each event's JSON, the chunks, the assembly; no HTTP.
func BenchmarkReadStream(b *testing.B) {
	p := newTestProvider(b, "openai", `{"api_key":"`+testKey+`"}`)
	for _, s := range benchStreams {
		stream := simStream(b, s.tokens)
		b.Run(s.name, func(b *testing.B) {
			body := bytes.NewReader(stream)
			resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(body)}
			b.ReportAllocs()
			defer cpubench.PerOp(b)()
			for b.Loop() {
				body.Reset(stream)
				assembled(b, func(send sdk.ChunkSender) error { return p.readStream(context.Background(), resp, send) })
			}
		})
	}
}

// cannedUpstream answers every request with stream: in one write
// (perEvent false) or flushed event by event, as an upstream generating
// tokens does.
func cannedUpstream(b *testing.B, stream []byte, perEvent bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		if !perEvent {
			_, _ = w.Write(stream)
			return
		}
		f := w.(http.Flusher)
		for rest := stream; len(rest) > 0; {
			n := bytes.Index(rest, []byte("\n\n")) + 2
			_, _ = w.Write(rest[:n])
			f.Flush()
			rest = rest[n:]
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkPlainAnswer is the provider's whole part of a plain answer over
// HTTP: the request encoded and sent, the stream read and assembled. The
// upstream is a canned server in this process (its CPU is in cpu-ns/op).
func BenchmarkPlainAnswer(b *testing.B) {
	for _, s := range benchStreams {
		stream := simStream(b, s.tokens)
		for _, perEvent := range []bool{false, true} {
			name := s.name + "/one-write"
			if perEvent {
				name = s.name + "/write-per-event"
			}
			b.Run(name, func(b *testing.B) {
				srv := cannedUpstream(b, stream, perEvent)
				p := newTestProvider(b, "openai", `{"api_key":"`+testKey+`","base_url":"`+srv.URL+`/v1"}`)
				req := benchRequest()
				b.ReportAllocs()
				defer cpubench.PerOp(b)()
				for b.Loop() {
					assembled(b, func(send sdk.ChunkSender) error { return p.Stream(context.Background(), req, send) })
				}
			})
		}
	}
}
