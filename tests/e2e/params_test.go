package e2e

import (
	"strings"
	"testing"
)

// TestChatParams: seed, stop, top_p, presence_penalty and response_format
// json_object reach both wire formats under their
// upstream names (the simulator's last request); logit_bias on a Gemini
// model is refused before any provider is called, and served once the
// pipeline drops it for that model.
func TestChatParams(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	chat := func(model string, extra map[string]any) reply {
		body := map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": "hello"}}}
		for k, v := range extra {
			body[k] = v
		}
		return postJSON(t, g.url()+"/v1/chat/completions", body, nil)
	}
	lastBody := func() map[string]any { return s.lastBody(t) }
	params := map[string]any{"seed": 7, "stop": []string{"END"}, "top_p": 0.5, "presence_penalty": 0.25, "response_format": map[string]string{"type": "json_object"}}

	if r := chat("gpt-4o-primary", params); r.status != 200 {
		t.Fatalf("gpt-4o-primary: %d %s", r.status, r.body)
	}
	b := lastBody()
	rf, _ := b["response_format"].(map[string]any)
	if stop, _ := b["stop"].([]any); b["seed"] != float64(7) || b["top_p"] != 0.5 || len(stop) != 1 || stop[0] != "END" ||
		b["presence_penalty"] != 0.25 || rf["type"] != "json_object" {
		t.Errorf("openai upstream body: %v", b)
	}

	if r := chat("gemini-secondary", params); r.status != 200 {
		t.Fatalf("gemini-secondary: %d %s", r.status, r.body)
	}
	gc, _ := lastBody()["generationConfig"].(map[string]any)
	if stop, _ := gc["stopSequences"].([]any); gc["seed"] != float64(7) || gc["topP"] != 0.5 || len(stop) != 1 || stop[0] != "END" ||
		gc["presencePenalty"] != 0.25 || gc["responseMimeType"] != "application/json" {
		t.Errorf("gemini generationConfig: %v", gc)
	}

	// logit_bias: Gemini has no equivalent. Refused, naming the parameter
	// and the provider, and no provider is called (on the model or a chain
	// that reaches it).
	before, _ := s.requests(t)
	for _, model := range []string{"gemini-secondary", "smart-router"} {
		r := chat(model, map[string]any{"logit_bias": map[string]int{"50256": -100}})
		if r.status != 400 || r.errorCode(t) != "unsupported_parameter" {
			t.Fatalf("%s logit_bias: %d %s", model, r.status, r.body)
		}
		e := r.json(t)["error"].(map[string]any)
		if e["param"] != "logit_bias" || e["type"] != "invalid_request_error" || !strings.Contains(e["message"].(string), `"gemini"`) {
			t.Errorf("%s: error %v", model, e)
		}
	}
	if after, _ := s.requests(t); after != before {
		t.Fatalf("a refused parameter reached the simulator: %d -> %d", before, after)
	}

	// With drop_params the operator chooses to serve it without the bias.
	hcl := strings.Replace(providersHCL(s), "model \"gemini-secondary\" {", "model \"gemini-secondary\" {\n  drop_params = [\"logit_bias\"]", 1)
	g = startGateway(t, writePipeline(t, hcl))
	if r := chat("gemini-secondary", map[string]any{"logit_bias": map[string]int{"50256": -100}}); r.status != 200 {
		t.Fatalf("dropped logit_bias: %d %s", r.status, r.body)
	}
	if strings.Contains(string(get(t, s.url()+"/sim/last-request").body), "50256") {
		t.Error("a dropped parameter reached the upstream")
	}
}
