package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// The deadlines below are the course pipeline's scaled down for CI time:
// providersHCL gives every model a 1 s first-byte and a 1 s idle deadline
// (15 s / 30 s by default), and the simulator's answers take 4 s (400 tokens
// at 10 ms; in production 400 at 50 ms = 20 s). The property is the same: an
// answer that takes longer than the first-byte deadline but keeps coming is
// served, plain or streamed, by the first provider, with one upstream call.

// generateModel decodes the model_used of a /generate answer.
func generateModel(t *testing.T, body []byte) (string, string) {
	t.Helper()
	var v struct {
		ModelUsed string `json:"model_used"`
		Response  string `json:"response"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("generate answer: %v: %s", err, body)
	}
	return v.ModelUsed, v.Response
}

func TestLongAnswerIsNotATimeout(t *testing.T) {
	s := startSim(t, "--latency", "50ms", "--tokens", "400", "--token-interval", "10ms")
	g := startGateway(t, writePipeline(t, providersHCL(s)))

	t.Run("plain", func(t *testing.T) {
		s.reset(t)
		r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "write a long answer", "model": "gpt-4o-primary"}, nil)
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if model, text := generateModel(t, r.body); model != "gpt-4o-primary" || len(strings.Fields(text)) != 400 {
			t.Fatalf("served by %q with %d words: %s", model, len(strings.Fields(text)), r.body)
		}
		if n, _ := s.requests(t); n != 1 {
			t.Fatalf("%d upstream calls, want 1 (a long answer was retried)", n)
		}
	})
	t.Run("stream", func(t *testing.T) {
		s.reset(t)
		sr := postStream(t, g.url()+"/generate", map[string]any{"prompt": "write a long answer", "model": "gpt-4o-primary", "stream": true})
		if sr.status != 200 || !sr.done() || sr.errorEvent() != nil {
			t.Fatalf("status %d: %s", sr.status, sr.raw)
		}
		if model, _ := generateModel(t, []byte(sr.events[len(sr.events)-2])); model != "gpt-4o-primary" {
			t.Fatalf("served by %q", model)
		}
		if n, _ := s.requests(t); n != 1 {
			t.Fatalf("%d upstream calls, want 1", n)
		}
	})
}

// Reasoning deltas are progress: 4 s of them (40 s in production) with a 1 s
// idle deadline is one successful stream, and a chat client sees them as
// delta.reasoning_content.
func TestReasoningKeepsStreamAlive(t *testing.T) {
	s := startSim(t, "--latency", "50ms", "--reasoning", "4s", "--tokens", "20", "--token-interval", "20ms")
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	spec := loadSpec(t)
	for _, model := range []string{"gpt-4o-primary", "openrouter-fallback"} {
		s.reset(t)
		r := postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": model, "stream": true,
			"messages": []map[string]string{{"role": "user", "content": "think first"}}}, nil)
		spec.check(t, "POST", "/v1/chat/completions", r)
		sr := streamReply{status: r.status, events: sseEvents(r.body), raw: string(r.body)}
		if sr.status != 200 || !sr.done() || sr.errorEvent() != nil {
			t.Fatalf("%s: status %d: %s", model, sr.status, sr.raw)
		}
		var reasoning, content strings.Builder
		for _, e := range sr.events {
			var c struct {
				Model   string
				Choices []struct {
					Delta struct {
						Content          string `json:"content"`
						ReasoningContent string `json:"reasoning_content"`
					}
				}
			}
			if json.Unmarshal([]byte(e), &c) != nil || len(c.Choices) == 0 {
				continue
			}
			if c.Model != model {
				t.Fatalf("chunk from %q, want %q", c.Model, model)
			}
			reasoning.WriteString(c.Choices[0].Delta.ReasoningContent)
			content.WriteString(c.Choices[0].Delta.Content)
		}
		if reasoning.Len() == 0 || len(strings.Fields(content.String())) != 20 {
			t.Fatalf("%s: reasoning %q, content %q", model, reasoning.String(), content.String())
		}
		if n, _ := s.requests(t); n != 1 {
			t.Fatalf("%s: %d upstream calls, want 1", model, n)
		}
	}
	// The plain chat answer carries the thinking in message.reasoning_content.
	r := postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary",
		"messages": []map[string]string{{"role": "user", "content": "think first"}}}, nil)
	spec.check(t, "POST", "/v1/chat/completions", r)
	var cc struct {
		Choices []struct {
			Message struct {
				Content          string `json:"content"`
				ReasoningContent string `json:"reasoning_content"`
			}
		}
	}
	if r.status != 200 || json.Unmarshal(r.body, &cc) != nil || len(cc.Choices) != 1 || cc.Choices[0].Message.ReasoningContent == "" || cc.Choices[0].Message.Content == "" {
		t.Fatalf("plain answer: %d %s", r.status, r.body)
	}
}

// /generate leaves a reasoning model's thinking out unless the body sets
// include_reasoning: then the plain answer carries `reasoning` and the stream
// {"reasoning": …} events before the text. The simulator thinks for 500 ms
// (reasoning deltas every 20 ms) on the OpenAI and OpenRouter routes alike.
func TestGenerateIncludeReasoning(t *testing.T) {
	s := startSim(t, "--latency", "50ms", "--reasoning", "500ms", "--tokens", "10", "--token-interval", "20ms")
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	spec := loadSpec(t)
	type answer struct {
		ModelUsed string  `json:"model_used"`
		Response  string  `json:"response"`
		Reasoning *string `json:"reasoning"`
	}
	for _, model := range []string{"gpt-4o-primary", "openrouter-fallback"} {
		for _, include := range []any{nil, false, true} {
			body := map[string]any{"prompt": "think first", "model": model}
			if include != nil {
				body["include_reasoning"] = include
			}
			r := postJSON(t, g.url()+"/generate", body, nil)
			spec.check(t, "POST", "/generate", r)
			var a answer
			if r.status != 200 || json.Unmarshal(r.body, &a) != nil || a.ModelUsed != model || len(strings.Fields(a.Response)) != 10 {
				t.Fatalf("%s include_reasoning=%v: %d %s", model, include, r.status, r.body)
			}
			if want := include == true; (a.Reasoning != nil) != want || (want && strings.TrimSpace(*a.Reasoning) == "") {
				t.Fatalf("%s include_reasoning=%v: reasoning %v in %s", model, include, a.Reasoning != nil, r.body)
			}
			if a.Reasoning != nil && strings.Contains(a.Response, *a.Reasoning) {
				t.Fatalf("%s: the thinking is in the response: %s", model, r.body)
			}
		}
	}

	// Streamed: thinking events first, then the text, then the whole answer.
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "think first", "model": "gpt-4o-primary", "stream": true, "include_reasoning": true}, nil)
	spec.check(t, "POST", "/generate", r)
	sr := streamReply{status: r.status, events: sseEvents(r.body), raw: string(r.body)}
	if sr.status != 200 || !sr.done() || sr.errorEvent() != nil {
		t.Fatalf("stream: %d %s", sr.status, sr.raw)
	}
	var thinking, text strings.Builder
	sawText := false
	for _, e := range sr.events[:len(sr.events)-2] {
		var ev struct {
			Response  *string `json:"response"`
			Reasoning *string `json:"reasoning"`
		}
		if json.Unmarshal([]byte(e), &ev) != nil {
			t.Fatalf("event %q", e)
		}
		switch {
		case ev.Reasoning != nil:
			if sawText {
				t.Fatalf("thinking after the text: %s", sr.raw)
			}
			thinking.WriteString(*ev.Reasoning)
		case ev.Response != nil:
			sawText = true
			text.WriteString(*ev.Response)
		}
	}
	var last answer
	if err := json.Unmarshal([]byte(sr.events[len(sr.events)-2]), &last); err != nil || last.Reasoning == nil {
		t.Fatalf("last event: %v %s", err, sr.events[len(sr.events)-2])
	}
	if thinking.Len() == 0 || *last.Reasoning != thinking.String() || len(strings.Fields(text.String())) != 10 {
		t.Fatalf("thinking %q (last event %q), text %q", thinking.String(), *last.Reasoning, text.String())
	}

	// Not asked for, the stream has no thinking events.
	r = postJSON(t, g.url()+"/generate", map[string]any{"prompt": "think first", "model": "gpt-4o-primary", "stream": true}, nil)
	if r.status != 200 || strings.Contains(string(r.body), `"reasoning"`) {
		t.Fatalf("stream without include_reasoning: %d %s", r.status, r.body)
	}
}

// Provider-side refusals another provider could answer fall back: Groq's
// 413 "tokens per minute" is a rate limit, a model the provider does not
// serve (404) falls back without a retry on the same provider, an empty
// Gemini candidate is a failure.
func TestProviderSideErrorsFallBack(t *testing.T) {
	s := startSim(t, realisticPacing...)
	text := strings.ReplaceAll(providersHCL(s), `idle_timeout = "1s"`, "idle_timeout = \"1s\"\n  retries = 2\n  retry_backoff = \"10ms\"") + `
model "gemini-first" {
  fallback = ["gemini-secondary", "openrouter-fallback"]
}
`
	g := startGateway(t, writePipeline(t, text))
	cases := []struct {
		upstream, fault, model, class, served string
		calls                                 int // calls to the failing upstream model
	}{
		{"gpt-4o", "413", "smart-router", "rate_limited", "gemini-secondary", 0},
		{"gpt-4o", "404", "smart-router", "model_unavailable", "gemini-secondary", 1},
		{"gemini-2.0-flash", "404", "gemini-first", "model_unavailable", "openrouter-fallback", 1},
		{"mistralai/mistral-7b-instruct", "404", "openrouter-fallback", "", "", 1},
		{"gemini-2.0-flash", "empty-candidate", "gemini-first", "upstream_5xx", "openrouter-fallback", 0},
		{"gemini-2.0-flash", "empty-stop", "gemini-first", "upstream_5xx", "openrouter-fallback", 0},
	}
	for _, c := range cases {
		for _, stream := range []bool{false, true} {
			s.fault(t, c.upstream, c.fault)
			s.reset(t)
			var body []byte
			status := 0
			if stream {
				sr := postStream(t, g.url()+"/generate", map[string]any{"prompt": "hello", "model": c.model, "stream": true})
				status = sr.status
				if status == 200 {
					body = []byte(sr.events[len(sr.events)-2])
				} else {
					body = []byte(sr.raw)
				}
			} else {
				r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "hello", "model": c.model}, nil)
				status, body = r.status, r.body
			}
			name := c.upstream + " " + c.fault
			if c.served == "" {
				// A pinned model the provider does not serve: 502, tried once.
				if status != 502 {
					t.Fatalf("%s stream=%v: status %d: %s", name, stream, status, body)
				}
			} else {
				if status != 200 {
					t.Fatalf("%s stream=%v: status %d: %s", name, stream, status, body)
				}
				if model, _ := generateModel(t, body); model != c.served {
					t.Fatalf("%s stream=%v: served by %q, want %q", name, stream, model, c.served)
				}
				at := attemptsOf(t, body)
				if len(at) < 2 || at[0].ErrorCode == nil || *at[0].ErrorCode != c.class {
					t.Fatalf("%s stream=%v: attempts %s", name, stream, body)
				}
			}
			if _, by := s.requests(t); c.calls > 0 && by[c.upstream] != c.calls {
				t.Fatalf("%s stream=%v: %d calls to %s, want %d (no retry)", name, stream, by[c.upstream], c.upstream, c.calls)
			}
			s.fault(t, c.upstream, "none")
		}
	}
}

// OpenRouter's 403 says the input was flagged by moderation: a judgement on
// one prompt, never a failure of the provider, so ten of them leave its
// breaker (2 failures) closed for everyone else.
func TestModerationDoesNotOpenBreaker(t *testing.T) {
	s := startSim(t, realisticPacing...)
	text := strings.Replace(providersHCL(s), `flavor   = "openrouter"
  }
  breaker_failures = 0`, `flavor   = "openrouter"
  }
  breaker_failures = 2
  breaker_cooldown = "1m"`, 1)
	if !strings.Contains(text, `breaker_cooldown = "1m"`) {
		t.Fatal("pipeline: the openrouter provider block was not found")
	}
	g := startGateway(t, writePipeline(t, text))
	gen := g.url() + "/generate"
	s.fault(t, "mistralai/mistral-7b-instruct", "403")
	for i := 0; i < 10; i++ {
		r := postJSON(t, gen, map[string]any{"prompt": "something flagged", "model": "openrouter-fallback"}, nil)
		at := attemptsOf(t, r.body)
		if r.status != 502 || len(at) != 1 || at[0].ErrorCode == nil || *at[0].ErrorCode != "content_filter" {
			t.Fatalf("moderation %d: status %d: %s", i, r.status, r.body)
		}
	}
	s.fault(t, "mistralai/mistral-7b-instruct", "none")
	r := postJSON(t, gen, map[string]any{"prompt": "hello", "model": "openrouter-fallback"}, nil)
	if r.status != 200 {
		t.Fatalf("after ten moderation refusals the provider must still serve: %d %s", r.status, r.body)
	}
}
