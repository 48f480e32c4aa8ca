package sim

import (
	"encoding/json"
	"strings"
	"testing"
)

var azureKeyHeader = map[string]string{"api-key": "azure-test-key", "Content-Type": "application/json"}

const azurePath = "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"

func TestAzureDeploymentRoute(t *testing.T) {
	s, ts := newServer(t, Config{})
	// The deployment picks the model, whatever the body says.
	r := do(t, "POST", ts.URL+azurePath, azureKeyHeader, chatBody("ignored", "hello azure", ""))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var resp struct {
		Model   string `json:"model"`
		Choices []struct {
			Message              struct{ Content string } `json:"message"`
			ContentFilterResults map[string]any           `json:"content_filter_results"`
		} `json:"choices"`
		PromptFilterResults []struct {
			PromptIndex          int            `json:"prompt_index"`
			ContentFilterResults map[string]any `json:"content_filter_results"`
		} `json:"prompt_filter_results"`
	}
	decode(t, r.body, &resp)
	if resp.Model != "gpt4o-prod" || resp.Choices[0].Message.Content != "[sim azure gpt4o-prod] echo: hello azure" ||
		len(resp.PromptFilterResults) != 1 || resp.PromptFilterResults[0].ContentFilterResults["hate"] == nil || resp.Choices[0].ContentFilterResults["violence"] == nil {
		t.Fatalf("answer %s", r.body)
	}
	// A Microsoft Entra token is accepted as well.
	if r := do(t, "POST", ts.URL+azurePath, bearer, chatBody("x", "hi", "")); r.status != 200 {
		t.Fatalf("bearer: %d %s", r.status, r.body)
	}
	st := s.Stats()
	if st.ByAPI["azure"] != 2 || st.ByModel["gpt4o-prod"] != 2 || st.ByPath["/openai/deployments/gpt4o-prod/chat/completions"] != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestAzureStreamStartsWithPromptFilterResults(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+azurePath, azureKeyHeader, chatBody("x", "one two three four five", `"stream":true,"stream_options":{"include_usage":true}`))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	events := sseEvents(r.body)
	first, _ := dataOf(events[0])
	var fc struct {
		Choices             []any `json:"choices"`
		ID                  string
		PromptFilterResults []any `json:"prompt_filter_results"`
	}
	decode(t, []byte(first), &fc)
	if len(fc.Choices) != 0 || fc.ID != "" || len(fc.PromptFilterResults) != 1 {
		t.Fatalf("first event %s", first)
	}
	var text strings.Builder
	for _, ev := range events[1 : len(events)-1] {
		d, _ := dataOf(ev)
		var c struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
		}
		decode(t, []byte(d), &c)
		if len(c.Choices) > 0 {
			text.WriteString(c.Choices[0].Delta.Content)
		}
	}
	if text.String() != "[sim azure gpt4o-prod] echo: one two three four five" || events[len(events)-1] != "data: [DONE]" {
		t.Fatalf("stream text %q, last %q", text.String(), events[len(events)-1])
	}
}

func TestAzureErrors(t *testing.T) {
	s, ts := newServer(t, Config{})
	type azureErr struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			Status     int    `json:"status"`
			InnerError *struct {
				Code                string         `json:"code"`
				ContentFilterResult map[string]any `json:"content_filter_result"`
			} `json:"innererror"`
		} `json:"error"`
	}
	check := func(name string, r result, status int, code, msg string) azureErr {
		t.Helper()
		var e azureErr
		if err := json.Unmarshal(r.body, &e); err != nil || r.status != status || e.Error.Code != code || !strings.Contains(e.Error.Message, msg) {
			t.Fatalf("%s: %d %s; want %d code %q message ~%q", name, r.status, r.body, status, code, msg)
		}
		return e
	}
	body := chatBody("x", "hi", "")
	check("no api-version", do(t, "POST", ts.URL+"/openai/deployments/d/chat/completions", azureKeyHeader, body), 404, "404", "Resource not found")
	check("bad api-version", do(t, "POST", ts.URL+"/openai/deployments/d/chat/completions?api-version=latest", azureKeyHeader, body), 400, "BadRequest", "API version not supported")
	check("unknown route", do(t, "POST", ts.URL+"/openai/deployments/d/embeddings?api-version=2024-10-21", azureKeyHeader, body), 404, "404", "Resource not found")
	check("no key", do(t, "POST", ts.URL+azurePath, map[string]string{"Content-Type": "application/json"}, body), 401, "401", "Access denied due to invalid subscription key")
	check("invalid key", do(t, "POST", ts.URL+azurePath, with(azureKeyHeader, "api-key", "sim-invalid-1"), body), 401, "401", "invalid subscription key")
	e := check("content filter", do(t, "POST", ts.URL+azurePath, azureKeyHeader, chatBody("x", "SIM_BLOCK_PROMPT", "")), 400, "content_filter", "content management policy")
	if e.Error.Status != 400 || e.Error.InnerError == nil || e.Error.InnerError.Code != "ResponsibleAIPolicyViolation" || e.Error.InnerError.ContentFilterResult["jailbreak"] == nil {
		t.Fatalf("content filter details: %+v", e)
	}
	// Faults go by deployment.
	s.SetModelFault("gpt4o-prod", Fault429)
	r := do(t, "POST", ts.URL+azurePath, azureKeyHeader, body)
	check("429", r, 429, "429", "exceeded token rate limit")
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("429 without Retry-After: %v", r.header)
	}
	s.SetModelFault("gpt4o-prod", Fault500)
	check("500", do(t, "POST", ts.URL+azurePath, azureKeyHeader, body), 500, "500", "The server had an error")
	if r := do(t, "POST", ts.URL+"/openai/deployments/other/chat/completions?api-version=2025-04-01-preview", azureKeyHeader, body); r.status != 200 {
		t.Fatalf("another deployment is not faulted: %d %s", r.status, r.body)
	}
}
