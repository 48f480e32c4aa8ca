package e2e

import (
	"strings"
	"testing"
)

// TestReasoningEffort: reasoning_effort reaches OpenAI's wire under its name
// and Gemini's as a thinking budget (2.5) or level (3), answered and
// streamed with the reasoning tokens the upstream charged; a value the
// model's API has no equivalent for is refused before any call; OpenAI's own
// refusal for a model that does not reason comes back as a bad request
// without a fallback, and drop_params lets a chain that mixes the two serve
// it.
func TestReasoningEffort(t *testing.T) {
	s := startSim(t)
	hcl := providersHCL(s) + `
model "o3-reasoner" {
  provider = "openai"
  upstream = "o3-mini"
}

model "gemini-thinking" {
  provider = "gemini"
  upstream = "gemini-2.5-flash"
}

model "gemini-3" {
  provider = "gemini"
  upstream = "gemini-3-pro-preview"
}
`
	g := startGateway(t, writePipeline(t, hcl))
	chat := func(model, effort string) reply {
		return postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": model, "reasoning_effort": effort,
			"messages": []map[string]string{{"role": "user", "content": "think about it"}}}, nil)
	}
	lastBody := func() map[string]any { return s.lastBody(t) }
	reasoningTokens := func(r reply) float64 {
		t.Helper()
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		u, _ := r.json(t)["usage"].(map[string]any)
		d, _ := u["completion_tokens_details"].(map[string]any)
		return d["reasoning_tokens"].(float64)
	}

	// OpenAI: the field under its name; the simulator charges 32 hidden
	// reasoning tokens for low and 512 for high.
	if got := reasoningTokens(chat("o3-reasoner", "low")); got != 32 || lastBody()["reasoning_effort"] != "low" {
		t.Errorf("o3 low: %v reasoning tokens, upstream body %v", got, lastBody())
	}
	st := postStream(t, g.url()+"/v1/chat/completions", map[string]any{"model": "o3-reasoner", "reasoning_effort": "high", "stream": true,
		"stream_options": map[string]bool{"include_usage": true}, "messages": []map[string]string{{"role": "user", "content": "think"}}})
	if st.status != 200 || !strings.Contains(st.raw, `"reasoning_tokens":512`) || lastBody()["reasoning_effort"] != "high" {
		t.Errorf("o3 high streamed: %d %s", st.status, st.raw)
	}

	// Gemini 2.5: Google's budgets (medium = 8192; the simulator charges a
	// 32nd of the budget); Gemini 3: the level under the same name.
	if got := reasoningTokens(chat("gemini-thinking", "medium")); got != 256 {
		t.Errorf("gemini 2.5 medium: %v reasoning tokens", got)
	}
	tc, _ := lastBody()["generationConfig"].(map[string]any)["thinkingConfig"].(map[string]any)
	if tc["thinkingBudget"] != float64(8192) || tc["thinkingLevel"] != nil {
		t.Errorf("gemini 2.5 thinkingConfig: %v", tc)
	}
	if got := reasoningTokens(chat("gemini-3", "minimal")); got != 8 {
		t.Errorf("gemini 3 minimal: %v reasoning tokens", got)
	}
	tc, _ = lastBody()["generationConfig"].(map[string]any)["thinkingConfig"].(map[string]any)
	if tc["thinkingLevel"] != "minimal" || tc["thinkingBudget"] != nil {
		t.Errorf("gemini 3 thinkingConfig: %v", tc)
	}

	// No equivalent on the model: refused by the provider before any call.
	before, _ := s.requests(t)
	if r := chat("gemini-thinking", "xhigh"); r.status != 400 || !strings.Contains(string(r.body), "reasoning_effort") {
		t.Errorf("gemini 2.5 xhigh: %d %s", r.status, r.body)
	}
	if after, _ := s.requests(t); after != before {
		t.Errorf("a refused reasoning_effort reached the upstream: %d -> %d", before, after)
	}
	// Not one of OpenAI's values: refused by the gateway.
	if r := chat("o3-reasoner", "max"); r.status != 400 || r.errorCode(t) != "invalid_value" {
		t.Errorf("max: %d %s", r.status, r.body)
	}

	// gpt-4o does not reason: OpenAI refuses the field, and so does a chain
	// starting with it (a bad request is not retried elsewhere).
	for _, model := range []string{"gpt-4o-primary", "smart-router"} {
		r := chat(model, "low")
		// The upstream's param reaches the client (OpenAI's SDKs show it).
		if r.status != 400 || r.errorCode(t) != "upstream_bad_request" || !strings.Contains(string(r.body), "reasoning_effort") ||
			r.json(t)["error"].(map[string]any)["param"] != "reasoning_effort" {
			t.Errorf("%s low: %d %s", model, r.status, r.body)
		}
	}
	// The operator drops it for the model that does not reason.
	hcl = strings.Replace(hcl, "model \"gpt-4o-primary\" {", "model \"gpt-4o-primary\" {\n  drop_params = [\"reasoning_effort\"]", 1)
	g = startGateway(t, writePipeline(t, hcl))
	if r := chat("smart-router", "low"); r.status != 200 {
		t.Fatalf("smart-router with reasoning_effort dropped for gpt-4o: %d %s", r.status, r.body)
	}
	if b := lastBody(); b["model"] != "gpt-4o" || b["reasoning_effort"] != nil {
		t.Errorf("dropped reasoning_effort reached gpt-4o: %v", b)
	}
}

// TestOpenAIHints: verbosity, safety_identifier and prompt_cache_key reach
// OpenAI's wire under their names; a provider that cannot take them (Gemini,
// OpenRouter for the last two) gets a refusal before any call, and OpenAI's
// own refusal of a verbosity gpt-4o does not take comes back as a bad request.
func TestOpenAIHints(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)+`
model "gpt-5" {
  provider = "openai"
  upstream = "gpt-5-mini"
}
`))
	chat := func(model string, extra map[string]any) reply {
		body := map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": "hello"}}}
		for k, v := range extra {
			body[k] = v
		}
		return postJSON(t, g.url()+"/v1/chat/completions", body, nil)
	}
	hints := map[string]any{"verbosity": "low", "safety_identifier": "user-7f3a", "prompt_cache_key": "support-bot-v2"}
	if r := chat("gpt-5", hints); r.status != 200 {
		t.Fatalf("gpt-5: %d %s", r.status, r.body)
	}
	last := s.lastBody(t)
	for k, v := range hints {
		if last[k] != v {
			t.Errorf("upstream %s = %v, want %v (body %v)", k, last[k], v, last)
		}
	}
	before, _ := s.requests(t)
	for _, c := range []struct{ model, param string }{
		{"gemini-secondary", "verbosity"}, {"openrouter-fallback", "safety_identifier"}, {"openrouter-fallback", "prompt_cache_key"},
	} {
		r := chat(c.model, map[string]any{c.param: hints[c.param]})
		if r.status != 400 || r.errorCode(t) != "unsupported_parameter" || r.json(t)["error"].(map[string]any)["param"] != c.param {
			t.Errorf("%s %s: %d %s", c.model, c.param, r.status, r.body)
		}
	}
	if after, _ := s.requests(t); after != before {
		t.Errorf("a refused hint reached the upstream: %d -> %d", before, after)
	}
	if r := chat("gpt-4o-primary", map[string]any{"verbosity": "low"}); r.status != 400 || r.errorCode(t) != "upstream_bad_request" {
		t.Errorf("gpt-4o verbosity low: %d %s", r.status, r.body)
	}
	// OpenAI takes four stop sequences; its refusal of a fifth names stop.
	five := []string{"a", "b", "c", "d", "e"}
	if r := chat("gpt-4o-primary", map[string]any{"stop": five}); r.status != 400 || r.errorCode(t) != "upstream_bad_request" ||
		r.json(t)["error"].(map[string]any)["param"] != "stop" || !strings.Contains(string(r.body), "maximum length 4") {
		t.Errorf("gpt-4o with five stop sequences: %d %s", r.status, r.body)
	}
}
