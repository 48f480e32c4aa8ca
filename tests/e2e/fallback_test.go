package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// attemptsOf decodes the attempts array of a /generate answer or a 502.
func attemptsOf(t testing.TB, body []byte) []struct {
	Model, Provider, Outcome string
	ErrorCode                *string `json:"error_code"`
} {
	t.Helper()
	var v struct {
		Attempts []struct {
			Model, Provider, Outcome string
			ErrorCode                *string `json:"error_code"`
		} `json:"attempts"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("attempts: %v: %s", err, body)
	}
	return v.Attempts
}

// streamReply is a streamed answer split into events.
type streamReply struct {
	status int
	events []string
	raw    string
}

func (s streamReply) done() bool { return len(s.events) > 0 && s.events[len(s.events)-1] == "[DONE]" }

func (s streamReply) errorEvent() map[string]any {
	for _, e := range s.events {
		if strings.HasPrefix(e, `{"error"`) {
			var m map[string]any
			_ = json.Unmarshal([]byte(e), &m)
			return m["error"].(map[string]any)
		}
	}
	return nil
}

func postStream(t testing.TB, url string, body any) streamReply {
	t.Helper()
	r := postJSON(t, url, body, nil)
	return streamReply{status: r.status, events: sseEvents(r.body), raw: string(r.body)}
}

// realisticPacing is the simulator's pacing for the fallback suite, no
// kinder than a real API: the first token after 150 ms, then one every 10 ms,
// so a 20-token answer takes 0.36 s and a fallback costs what it costs against
// real providers (the failed attempt's latency, then a whole answer at the
// next one). Every error fault answers after the latency too.
var realisticPacing = []string{"--latency", "150ms", "--tokens", "20", "--token-interval", "10ms"}

// pacedAnswer is the least time a whole answer takes under realisticPacing:
// the latency and 20 tokens, 10 ms apart.
const pacedAnswer = 150*time.Millisecond + 19*10*time.Millisecond

// TestFallbackMatrix runs every simulator fault, streamed or not, with only
// the primary failing and with every provider failing.
func TestFallbackMatrix(t *testing.T) {
	s := startSim(t, realisticPacing...)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	chat := g.url() + "/v1/chat/completions"
	gen := g.url() + "/generate"
	chatBody := func(stream bool) map[string]any {
		return map[string]any{"model": "smart-router", "stream": stream, "messages": []map[string]string{{"role": "user", "content": "hello fallback"}}}
	}

	type want struct {
		status    int
		code      string // error code, or the answering model when 200
		committed bool   // stream: the answer began and must end with an error event
	}
	faults := []string{"400", "429", "500", "503", "timeout", "stall", "cut-stream", "malformed",
		"402", "413", "498", "error-in-200", "midstream-error"}
	primary := map[string][2]want{ // [plain, stream]
		"400":        {{400, "upstream_bad_request", false}, {400, "upstream_bad_request", false}},
		"429":        {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		"500":        {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		"503":        {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		"timeout":    {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		"stall":      {{200, "gemini-secondary", false}, {200, "stream_timeout", true}},
		"cut-stream": {{200, "gemini-secondary", false}, {200, "upstream_stream_error", true}},
		"malformed":  {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		"402":        {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		"413":        {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		"498":        {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		// An error inside a 200: before anything reached the client it falls
		// back; a streamed one that already sent content ends with an error event.
		"error-in-200":    {{200, "gemini-secondary", false}, {200, "gemini-secondary", false}},
		"midstream-error": {{200, "gemini-secondary", false}, {200, "upstream_stream_error", true}},
	}
	all := map[string][2]want{
		"400":             {{400, "upstream_bad_request", false}, {400, "upstream_bad_request", false}},
		"429":             {{502, "all_providers_failed", false}, {502, "all_providers_failed", false}},
		"500":             {{502, "all_providers_failed", false}, {502, "all_providers_failed", false}},
		"503":             {{502, "all_providers_failed", false}, {502, "all_providers_failed", false}},
		"timeout":         {{502, "all_providers_failed", false}, {502, "all_providers_failed", false}},
		"stall":           {{502, "all_providers_failed", false}, {200, "stream_timeout", true}},
		"cut-stream":      {{502, "all_providers_failed", false}, {200, "upstream_stream_error", true}},
		"malformed":       {{502, "all_providers_failed", false}, {502, "all_providers_failed", false}},
		"402":             {{502, "all_providers_failed", false}, {502, "all_providers_failed", false}},
		"498":             {{502, "all_providers_failed", false}, {502, "all_providers_failed", false}},
		"error-in-200":    {{502, "all_providers_failed", false}, {502, "all_providers_failed", false}},
		"midstream-error": {{502, "all_providers_failed", false}, {200, "upstream_stream_error", true}},
	}
	wantClass := map[string]string{"429": "rate_limited", "500": "upstream_5xx", "503": "upstream_5xx", "timeout": "timeout", "stall": "timeout",
		"402": "quota_exhausted", "413": "rate_limited", "498": "upstream_5xx", "error-in-200": "upstream_5xx", "midstream-error": "upstream_5xx"}

	check := func(t *testing.T, scope, fault string, stream bool, w want) {
		s.reset(t)
		if !stream {
			start := time.Now()
			r := postJSON(t, chat, chatBody(false), nil)
			if r.status != w.status {
				t.Fatalf("%s %s plain: status %d, want %d: %s", scope, fault, r.status, w.status, r.body)
			}
			if el := time.Since(start); w.status == 200 && el < pacedAnswer {
				t.Errorf("a served answer took %v, less than the simulator's pacing allows (%v): the suite runs unpaced", el, pacedAnswer)
			}
			if w.status == 200 {
				var cc struct{ Model string }
				_ = json.Unmarshal(r.body, &cc)
				if cc.Model != w.code {
					t.Errorf("served by %q, want %q", cc.Model, w.code)
				}
			} else if code := r.errorCode(t); code != w.code {
				t.Errorf("code %q, want %q", code, w.code)
			}
			// The same through /generate, which lists the attempts.
			r = postJSON(t, gen, map[string]any{"prompt": "hello fallback"}, nil)
			if r.status != w.status {
				t.Fatalf("/generate status %d, want %d: %s", r.status, w.status, r.body)
			}
			at := attemptsOf(t, r.body)
			switch {
			case w.status == 200:
				if len(at) != 2 || at[0].Outcome != "error" || at[0].Model != "gpt-4o-primary" || at[1].Outcome != "ok" {
					t.Errorf("attempts: %s", r.body)
				}
				if c, ok := wantClass[fault]; ok && (at[0].ErrorCode == nil || *at[0].ErrorCode != c) {
					t.Errorf("primary's error class: %v, want %s", at[0].ErrorCode, c)
				}
			case w.status == 502:
				if len(at) != 3 {
					t.Errorf("502 must list 3 attempts: %s", r.body)
				}
				for _, a := range at {
					if a.Outcome != "error" || a.ErrorCode == nil {
						t.Errorf("attempt %+v", a)
					}
				}
			}
			if w.status == 400 {
				if n, by := s.requests(t); by["gemini-2.0-flash"] != 0 || by["mistralai/mistral-7b-instruct"] != 0 || n == 0 {
					t.Errorf("a 400 fell back: %v", by)
				}
			}
			return
		}
		r := postStream(t, chat, chatBody(true))
		if r.status != w.status {
			t.Fatalf("%s %s stream: status %d, want %d: %s", scope, fault, r.status, w.status, r.raw)
		}
		switch {
		case w.committed:
			ev := r.errorEvent()
			if ev == nil || ev["code"] != w.code {
				t.Errorf("a failure after the first byte must end with an SSE error event %q: %s", w.code, r.raw)
			}
			if r.done() {
				t.Errorf("a failed stream must not end with [DONE]: %s", r.raw)
			}
		case w.status == 200:
			if !r.done() || r.errorEvent() != nil {
				t.Fatalf("stream did not complete cleanly: %s", r.raw)
			}
			var first struct{ Model string }
			_ = json.Unmarshal([]byte(r.events[0]), &first)
			if first.Model != w.code {
				t.Errorf("stream served by %q, want %q", first.Model, w.code)
			}
			var text strings.Builder
			for _, e := range r.events[:len(r.events)-1] {
				var c struct {
					Choices []struct {
						Delta struct{ Content string }
					}
				}
				_ = json.Unmarshal([]byte(e), &c)
				if len(c.Choices) > 0 {
					text.WriteString(c.Choices[0].Delta.Content)
				}
			}
			if !strings.Contains(text.String(), "hello fallback") || strings.Contains(text.String(), "openai") {
				t.Errorf("the stream mixes providers or lost text: %q", text.String())
			}
		default:
			var e struct{ Error struct{ Code string } }
			if err := json.Unmarshal([]byte(r.raw), &e); err != nil || e.Error.Code != w.code {
				t.Errorf("a failure before the first byte must be a JSON error %q: %s", w.code, r.raw)
			}
		}
	}

	for _, fault := range faults {
		for _, stream := range []bool{false, true} {
			mode := map[bool]string{false: "plain", true: "stream"}[stream]
			t.Run("primary-"+fault+"-"+mode, func(t *testing.T) {
				s.fault(t, "", "none")
				s.fault(t, "gpt-4o", fault)
				check(t, "primary", fault, stream, primary[fault][boolIndex(stream)])
			})
			if _, ok := all[fault]; !ok {
				continue // Gemini's 413 is its payload limit, a bad request
			}
			t.Run("all-"+fault+"-"+mode, func(t *testing.T) {
				s.fault(t, "", fault)
				check(t, "all", fault, stream, all[fault][boolIndex(stream)])
			})
		}
	}
	s.fault(t, "", "none")
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestPinnedModelNeverFallsBack(t *testing.T) {
	s := startSim(t, realisticPacing...)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	s.fault(t, "gpt-4o", "500")
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x", "model": "gpt-4o-primary"}, nil)
	if r.status != 502 || r.errorCode(t) != "all_providers_failed" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if at := attemptsOf(t, r.body); len(at) != 1 || at[0].Model != "gpt-4o-primary" {
		t.Errorf("attempts: %s", r.body)
	}
	if _, by := s.requests(t); by["gemini-2.0-flash"] != 0 || by["mistralai/mistral-7b-instruct"] != 0 {
		t.Errorf("a pinned model fell back: %v", by)
	}
}

func TestCircuitBreakerSkipsThenProbes(t *testing.T) {
	s := startSim(t, realisticPacing...)
	text := strings.Replace(providersHCL(s), "breaker_failures = 0", "breaker_failures = 2\n  breaker_cooldown = \"1s\"", 1)
	g := startGateway(t, writePipeline(t, text))
	s.fault(t, "gpt-4o", "500")
	for i := 0; i < 2; i++ {
		r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x"}, nil)
		if at := attemptsOf(t, r.body); r.status != 200 || at[0].Outcome != "error" {
			t.Fatalf("request %d: %d %s", i, r.status, r.body)
		}
	}
	s.reset(t)
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x"}, nil)
	at := attemptsOf(t, r.body)
	if r.status != 200 || at[0].Outcome != "skipped" || at[0].Model != "gpt-4o-primary" || at[1].Outcome != "ok" {
		t.Fatalf("an open circuit must skip the primary: %s", r.body)
	}
	if _, by := s.requests(t); by["gpt-4o"] != 0 {
		t.Errorf("the skipped provider was called: %v", by)
	}
	time.Sleep(1100 * time.Millisecond)
	s.fault(t, "gpt-4o", "none")
	r = postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x"}, nil)
	at = attemptsOf(t, r.body)
	if r.status != 200 || len(at) != 1 || at[0].Outcome != "ok" || at[0].Model != "gpt-4o-primary" {
		t.Fatalf("after the cool-down one probe goes through and closes the circuit: %s", r.body)
	}
}

func TestRetriesHonourRetryAfter(t *testing.T) {
	s := startSim(t, realisticPacing...)
	text := providersHCL(s) + `
model "retrying" {
  provider = "openai"
  upstream = "gpt-4o-retry"
  retries = 2
  retry_backoff = "20ms"
}
`
	g := startGateway(t, writePipeline(t, text))
	s.fault(t, "gpt-4o-retry", "503")
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x", "model": "retrying"}, nil)
	if at := attemptsOf(t, r.body); r.status != 502 || len(at) != 3 {
		t.Fatalf("two retries then give up: %d %s", r.status, r.body)
	}
	s.fault(t, "gpt-4o-retry", "429") // Retry-After: 1
	start := time.Now()
	r = postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x", "model": "retrying"}, nil)
	if el := time.Since(start); r.status != 502 || el < 2*time.Second {
		t.Errorf("retries must wait for Retry-After (1s each): %d after %v", r.status, el)
	}
}

func TestClientDisconnectCancelsUpstream(t *testing.T) {
	s := startSim(t, realisticPacing...)
	g := startGateway(t, writePipeline(t, strings.ReplaceAll(providersHCL(s), `first_byte_timeout = "1s"`, `first_byte_timeout = "30s"`)))
	s.fault(t, "gpt-4o", "timeout")
	inFlight := func() int {
		var st struct {
			InFlight int `json:"in_flight"`
		}
		_ = json.Unmarshal(get(t, s.url()+"/sim/stats").body, &st)
		return st.InFlight
	}
	for _, stream := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		body := `{"model":"gpt-4o-primary","stream":` + map[bool]string{false: "false", true: "true"}[stream] + `,"messages":[{"role":"user","content":"x"}]}`
		req, _ := http.NewRequestWithContext(ctx, "POST", g.url()+"/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		done := make(chan struct{})
		go func() {
			defer close(done)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
		waitFor(t, "the request to reach the upstream", 5*time.Second, func() bool { return inFlight() == 1 })
		cancel()
		<-done
		waitFor(t, "the upstream call to be cancelled", 3*time.Second, func() bool { return inFlight() == 0 })
	}
}
