package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testStageHCL adds the test plugin as a stage with the given settings.
func testStageHCL(stageBody string) string {
	return fmt.Sprintf(`
plugin "testplugin" {
  path = %q
}

pipeline "default" {
  stage "check" {
    plugin = "testplugin"
%s
  }
}
`, testPluginBin, stageBody)
}

func TestRoutesAnswerWithTheirContractShapes(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)+testStageHCL(`    config = { header = "seen" }`)))

	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "What is the capital of France?"}, map[string]string{"X-Request-ID": "my-req-1"})
	if r.status != 200 {
		t.Fatalf("generate: %d %s", r.status, r.body)
	}
	body := r.json(t)
	for _, k := range []string{"request_id", "response", "model_used", "provider", "requested_model", "usage", "latency_ms", "attempts", "security_status"} {
		if _, ok := body[k]; !ok {
			t.Errorf("/generate answer lacks %q: %s", k, r.body)
		}
	}
	if body["request_id"] != "my-req-1" || r.header.Get("X-Request-ID") != "my-req-1" {
		t.Errorf("the client's request id was not kept: %v / %q", body["request_id"], r.header.Get("X-Request-ID"))
	}
	if body["requested_model"] != "smart-router" || body["model_used"] != "gpt-4o-primary" || body["provider"] != "openai" {
		t.Errorf("routing: %s", r.body)
	}
	if !strings.Contains(body["response"].(string), "capital of France") {
		t.Errorf("response does not come from the upstream: %v", body["response"])
	}
	usage := body["usage"].(map[string]any)
	if usage["total_tokens"].(float64) <= 0 || usage["total_tokens"] != usage["prompt_tokens"].(float64)+usage["completion_tokens"].(float64) {
		t.Errorf("usage: %v", usage)
	}
	if st := r.header.Get("Server-Timing"); !strings.Contains(st, "check;dur=") || !strings.Contains(st, "provider;dur=") {
		t.Errorf("Server-Timing lacks the stage and provider entries: %q", st)
	}
	if r.header.Get("X-Test-Stage") != "seen" {
		t.Errorf("a stage's response header did not reach the client")
	}

	r = postJSON(t, g.url()+"/v1/chat/completions", map[string]any{
		"model": "gemini-secondary", "temperature": 0, "max_tokens": 50,
		"messages": []map[string]any{{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello"}},
	}, nil)
	if r.status != 200 {
		t.Fatalf("chat: %d %s", r.status, r.body)
	}
	var cc struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Model   string `json:"model"`
		Choices []struct {
			Message struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			TotalTokens int `json:"total_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(r.body, &cc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cc.ID, "chatcmpl-") || cc.Object != "chat.completion" || len(cc.Choices) != 1 || cc.Choices[0].Message.Role != "assistant" ||
		!strings.Contains(cc.Choices[0].Message.Content, "gemini") || cc.Choices[0].FinishReason != "stop" || cc.Usage.TotalTokens <= 0 {
		t.Errorf("chat completion shape: %s", r.body)
	}

	r = get(t, g.url()+"/models")
	var models struct {
		Models []struct {
			Name          string   `json:"name"`
			Provider      string   `json:"provider"`
			UpstreamModel string   `json:"upstream_model"`
			Fallback      []string `json:"fallback"`
		} `json:"models"`
	}
	if err := json.Unmarshal(r.body, &models); err != nil || r.status != 200 || len(models.Models) != 4 {
		t.Fatalf("/models: %d %s", r.status, r.body)
	}
	if m := models.Models[0]; m.Name != "gpt-4o-primary" || m.Provider != "openai" || m.UpstreamModel != "gpt-4o" {
		t.Errorf("/models first entry: %+v", m)
	}
	if m := models.Models[3]; m.Name != "smart-router" || strings.Join(m.Fallback, ",") != "gpt-4o-primary,gemini-secondary,openrouter-fallback" {
		t.Errorf("/models smart-router: %+v", m)
	}

	r = get(t, g.url()+"/v1/models")
	var list struct {
		Object string `json:"object"`
		Data   []struct {
			ID, Object, OwnedBy string
		} `json:"data"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil || list.Object != "list" || len(list.Data) != 4 || list.Data[0].Object != "model" {
		t.Errorf("/v1/models: %s", r.body)
	}

	r = get(t, g.url()+"/health")
	var health struct {
		Status     string `json:"status"`
		Generation int    `json:"generation"`
		Plugins    []struct {
			Name, State, Version string
			Pid                  int
			Restarts             int
		} `json:"plugins"`
	}
	if err := json.Unmarshal(r.body, &health); err != nil || r.status != 200 || health.Status != "ok" || health.Generation != 1 || len(health.Plugins) != 3 {
		t.Fatalf("/health: %d %s", r.status, r.body)
	}
	children := childPIDs(g.cmd.Process.Pid)
	for _, p := range health.Plugins {
		if p.State != "serving" || p.Pid <= 0 || p.Version == "" {
			t.Errorf("plugin %s: %+v", p.Name, p)
		}
		found := false
		for _, c := range children {
			found = found || c == p.Pid
		}
		if !found {
			t.Errorf("plugin %s pid %d is not a child process of the gateway (children %v)", p.Name, p.Pid, children)
		}
	}

	r = get(t, g.url()+"/security-status")
	if sb := r.json(t); r.status != 200 || sb["status"] != "protected" {
		t.Errorf("/security-status: %s", r.body)
	}
	r = get(t, g.url()+"/security-metrics")
	sm := r.json(t)
	for _, k := range []string{"total_requests", "allowed_requests", "blocked_requests", "prompt_injections_detected", "validation_errors", "rate_limited_requests"} {
		if _, ok := sm[k]; !ok {
			t.Errorf("/security-metrics lacks %q: %s", k, r.body)
		}
	}
	if sm["total_requests"].(float64) != 2 || sm["allowed_requests"].(float64) != 2 {
		t.Errorf("/security-metrics counts: %s", r.body)
	}
	r = get(t, g.url()+"/metrics")
	if r.status != 200 || !bytes.Contains(r.body, []byte(`llmgw_requests_total{model="smart-router",route="generate",status="200"} 1`)) {
		t.Errorf("/metrics lacks the request counter:\n%s", tail(string(r.body), 2000))
	}
	for _, path := range []string{"/health", "/models", "/metrics", "/nope"} {
		r := get(t, g.url()+path)
		if r.header.Get("X-Request-ID") == "" || r.header.Get("Server-Timing") == "" {
			t.Errorf("%s: missing X-Request-ID or Server-Timing: %v", path, r.header)
		}
	}
}

func TestErrorsAreContractJSON(t *testing.T) {
	s := startSim(t)
	text := providersHCL(s) + `
model "slow" {
  provider = "openai"
  upstream = "gpt-4o-slow"
  first_byte_timeout = "5s"
  total_timeout = "400ms"
}
`
	g := startGateway(t, writePipeline(t, text))
	gen := g.url() + "/generate"
	raw := func(method, path, ctype, body string) reply {
		h := map[string]string{}
		if ctype != "" {
			h["Content-Type"] = ctype
		}
		return do(t, method, g.url()+path, strings.NewReader(body), h)
	}
	cases := []struct {
		name   string
		r      reply
		status int
		code   string
	}{
		{"broken json", raw("POST", "/generate", "application/json", `{"prompt": `), 400, "invalid_json"},
		{"not an object", raw("POST", "/generate", "application/json", `[1,2]`), 400, "invalid_json"},
		{"no prompt", raw("POST", "/generate", "application/json", `{"model":"smart-router"}`), 400, "missing_field"},
		{"temperature of the wrong type", raw("POST", "/generate", "application/json", `{"prompt":"x","temperature":"hot"}`), 400, "invalid_temperature"},
		{"unknown model", postJSON(t, gen, map[string]any{"prompt": "x", "model": "malicious-model"}, nil), 400, "unknown_model"},
		{"unknown model on /v1", postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "nope", "messages": []map[string]string{{"role": "user", "content": "x"}}}, nil), 404, "model_not_found"},
		{"no route", raw("GET", "/nope", "", ""), 404, "not_found"},
		{"wrong method", raw("GET", "/generate", "", ""), 405, "method_not_allowed"},
		{"too large", raw("POST", "/generate", "application/json", `{"prompt":"`+strings.Repeat("a", 1<<20+10)+`"}`), 413, "payload_too_large"},
		{"not json", raw("POST", "/generate", "text/plain", "hello"), 415, "unsupported_media_type"},
	}
	for _, c := range cases {
		if c.r.status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, c.r.status, c.status, c.r.body)
			continue
		}
		if code := c.r.errorCode(t); code != c.code {
			t.Errorf("%s: code %q, want %q", c.name, code, c.code)
		}
	}
	if n, _ := s.requests(t); n != 0 {
		t.Errorf("bad requests reached the simulator %d times", n)
	}

	// 504: the whole request's deadline passes before the provider answers.
	s.fault(t, "gpt-4o-slow", "timeout")
	r := postJSON(t, gen, map[string]any{"prompt": "x", "model": "slow"}, nil)
	if r.status != 504 || r.errorCode(t) != "deadline_exceeded" {
		t.Errorf("deadline: %d %s", r.status, r.body)
	}

	// 502: every provider of the chain fails; attempts list each.
	s.fault(t, "", "500")
	r = postJSON(t, gen, map[string]any{"prompt": "x"}, nil)
	if r.status != 502 || r.errorCode(t) != "all_providers_failed" {
		t.Fatalf("all failing: %d %s", r.status, r.body)
	}
	var failed struct {
		Attempts []struct{ Model, Provider, Outcome string } `json:"attempts"`
	}
	_ = json.Unmarshal(r.body, &failed)
	if len(failed.Attempts) != 3 || failed.Attempts[0].Outcome != "error" || failed.Attempts[2].Model != "openrouter-fallback" {
		t.Errorf("502 attempts: %s", r.body)
	}

	// 400 upstream_bad_request: no fallback after the caller's mistake.
	s.fault(t, "", "400")
	s.reset(t)
	r = postJSON(t, gen, map[string]any{"prompt": "x"}, nil)
	if r.status != 400 || r.errorCode(t) != "upstream_bad_request" {
		t.Errorf("bad request upstream: %d %s", r.status, r.body)
	}
	if n, by := s.requests(t); n != 1 || by["gpt-4o"] != 1 {
		t.Errorf("a bad request was passed on to other providers: %d %v", n, by)
	}
	s.fault(t, "", "none")
}

func TestFailClosedStageAnswers503(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)+testStageHCL(`    timeout = "50ms"
    config = { sleep = "2s" }`)))
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x"}, nil)
	if r.status != 503 || r.errorCode(t) != "plugin_unavailable" || !strings.Contains(string(r.body), `did not answer within its timeout (50ms)`) {
		t.Fatalf("fail-closed stage: %d %s", r.status, r.body)
	}
	if n, _ := s.requests(t); n != 0 {
		t.Errorf("the request went on to a provider")
	}
}

func TestStageRejectShortCircuits(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)+testStageHCL(`    config = { reject_word = "forbidden-word", mutate_suffix = " (checked)" }`)))
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "say forbidden-word"}, nil)
	if r.status != 400 || r.errorCode(t) != "blocked_keyword" {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	if n, _ := s.requests(t); n != 0 {
		t.Errorf("a rejected request reached a provider")
	}
	r = postJSON(t, g.url()+"/generate", map[string]any{"prompt": "hello"}, nil)
	if r.status != 200 || !strings.Contains(r.json(t)["response"].(string), "hello (checked)") {
		t.Errorf("a stage's mutation did not reach the provider: %s", r.body)
	}
	sm := get(t, g.url()+"/security-metrics").json(t)
	if sm["blocked_requests"].(float64) != 1 || sm["allowed_requests"].(float64) != 1 {
		t.Errorf("security metrics: %v", sm)
	}
}

var positionRE = regexp.MustCompile(`pipeline\.hcl:\d+:\d+: `)

func TestValidateReportsPositions(t *testing.T) {
	s := startSim(t)
	good := writePipeline(t, providersHCL(s))
	out, err := exec.Command(binPath("llmgw"), "validate", "--config", good).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "valid") {
		t.Fatalf("a valid pipeline was refused: %v\n%s", err, out)
	}
	cases := map[string]string{
		"syntax":          providersHCL(s) + "\nmodel \"x\" {\n  provider = \n}\n",
		"unknown plugin":  providersHCL(s) + "\nprovider \"p\" {\n  plugin = \"nope\"\n}\n",
		"unknown setting": "server {\n  lisen = \"x\"\n}\n" + providersHCL(s),
		"bad duration":    providersHCL(s) + "\nmodel \"x\" {\n  provider = \"openai\"\n  upstream = \"u\"\n  total_timeout = \"soon\"\n}\n",
		"plugin config":   providersHCL(s) + testStageHCL(`    config = { reject_word = "bad-config" }`),
		"unknown field":   providersHCL(s) + testStageHCL(`    config = { rejectword = "x" }`),
	}
	for name, text := range cases {
		file := writePipeline(t, text)
		cmd := exec.Command(binPath("llmgw"), "validate", "--config", file)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("%s: want exit 1, got %v\n%s", name, err, out)
			continue
		}
		if !positionRE.Match(out) {
			t.Errorf("%s: no file:line:col in\n%s", name, out)
		}
	}
	// The plugin's complaint points at the offending key, not just the block.
	text := providersHCL(s) + testStageHCL(`    config = { reject_word = "bad-config" }`)
	file := writePipeline(t, text)
	out, _ = exec.Command(binPath("llmgw"), "validate", "--config", file).CombinedOutput()
	before, _, _ := strings.Cut(text, "reject_word")
	line, col := strings.Count(before, "\n")+1, len(before)-strings.LastIndex(before, "\n")
	if !strings.Contains(string(out), fmt.Sprintf("pipeline.hcl:%d:%d:", line, col)) || !strings.Contains(string(out), "reject_word") {
		t.Errorf("plugin config error not located on its key (%d:%d):\n%s", line, col, out)
	}
}

func TestShutdownStopsEveryPlugin(t *testing.T) {
	s := startSim(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		g := startGateway(t, writePipeline(t, providersHCL(s)+testStageHCL("")))
		plugins := childPIDs(g.cmd.Process.Pid)
		if len(plugins) != 3 {
			t.Fatalf("want 3 plugin processes, got %v", plugins)
		}
		_ = g.cmd.Process.Signal(sig)
		select {
		case <-g.done:
		case <-time.After(15 * time.Second):
			t.Fatalf("%v: the gateway did not exit", sig)
		}
		waitFor(t, fmt.Sprintf("plugins to exit after %v", sig), 5*time.Second, func() bool {
			for _, pid := range plugins {
				if alive(pid) {
					return false
				}
			}
			return true
		})
		if sig == syscall.SIGTERM && g.cmd.ProcessState.ExitCode() != 0 {
			t.Errorf("SIGTERM: exit code %d", g.cmd.ProcessState.ExitCode())
		}
	}
	_ = os.Getpid
}
