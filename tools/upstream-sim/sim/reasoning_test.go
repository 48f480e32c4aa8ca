package sim

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOpenAIReasoningEffort: reasoning_effort is checked as OpenAI checks
// it (its values; only reasoning models on the OpenAI route) and charged as
// hidden reasoning tokens, so a test can tell which effort arrived.
func TestOpenAIReasoningEffort(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, c := range []struct {
		path, model, effort string
		status, reasoning   int
		code                string
	}{
		{"/v1/chat/completions", "o3-mini", "low", 200, 32, ""},
		{"/v1/chat/completions", "gpt-5", "high", 200, 512, ""},
		{"/v1/chat/completions", "gpt-5", "none", 200, 0, ""},
		{"/v1/chat/completions", "gpt-4o", "low", 400, 0, "unsupported_parameter"},
		{"/v1/chat/completions", "o3-mini", "max", 400, 0, "invalid_value"},
		{"/api/v1/chat/completions", "deepseek/deepseek-r1", "medium", 200, 128, ""},
		{"/openai/v1/chat/completions", "openai/gpt-oss-20b", "xhigh", 200, 2048, ""},
	} {
		r := do(t, "POST", ts.URL+c.path, bearer, chatBody(c.model, "hi", `"reasoning_effort":"`+c.effort+`"`))
		if r.status != c.status {
			t.Errorf("%s %s: status %d, want %d: %s", c.model, c.effort, r.status, c.status, r.body)
			continue
		}
		if c.status != 200 {
			if !strings.Contains(string(r.body), `"code":"`+c.code+`"`) || !strings.Contains(string(r.body), `"param":"reasoning_effort"`) {
				t.Errorf("%s %s: %s, want code %s on reasoning_effort", c.model, c.effort, r.body, c.code)
			}
			continue
		}
		var resp oaResponse
		if err := json.Unmarshal(r.body, &resp); err != nil {
			t.Fatal(err)
		}
		// Groq's usage has no details: the tokens are in completion_tokens.
		u := resp.Usage
		if d := u.CompletionTokensDetails; (d == nil && !strings.HasPrefix(c.path, "/openai/")) || (d != nil && d.ReasoningTokens != c.reasoning) ||
			u.CompletionTokens <= c.reasoning {
			t.Errorf("%s %s: %s, want %d reasoning tokens", c.model, c.effort, r.body, c.reasoning)
		}
	}
}

// TestGeminiThinkingConfig: a budget or a level, not both; a level only on
// Gemini 3; thought tokens charged for either.
func TestGeminiThinkingConfig(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, c := range []struct {
		model, config    string
		status, thoughts int
	}{
		{"gemini-2.5-flash", `{"thinkingBudget":1024}`, 200, 32},
		{"gemini-2.5-flash", `{"thinkingBudget":0}`, 200, 0},
		{"gemini-3-pro-preview", `{"thinkingLevel":"high"}`, 200, 512},
		{"gemini-3-pro-preview", `{"thinkingLevel":"low","thinkingBudget":1024}`, 400, 0},
		{"gemini-3-pro-preview", `{"thinkingLevel":"extreme"}`, 400, 0},
		{"gemini-2.5-flash", `{"thinkingLevel":"low"}`, 400, 0},
		{"gemini-2.0-flash", `{"thinkingBudget":1024}`, 400, 0},
	} {
		r := do(t, "POST", ts.URL+"/v1beta/models/"+c.model+":generateContent", gkey, geminiBody("hi", `"generationConfig":{"thinkingConfig":`+c.config+`}`))
		if r.status != c.status {
			t.Errorf("%s %s: status %d, want %d: %s", c.model, c.config, r.status, c.status, r.body)
			continue
		}
		if c.status != 200 {
			if !strings.Contains(string(r.body), "INVALID_ARGUMENT") {
				t.Errorf("%s %s: %s", c.model, c.config, r.body)
			}
			continue
		}
		var resp struct {
			UsageMetadata struct {
				ThoughtsTokenCount int `json:"thoughtsTokenCount"`
			} `json:"usageMetadata"`
		}
		if err := json.Unmarshal(r.body, &resp); err != nil || resp.UsageMetadata.ThoughtsTokenCount != c.thoughts {
			t.Errorf("%s %s: %s, want %d thought tokens", c.model, c.config, r.body, c.thoughts)
		}
	}
}

// TestOpenAIVerbosity: verbosity's values, and only medium for a model
// other than gpt-5, as OpenAI answers.
func TestOpenAIVerbosity(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, c := range []struct {
		model, verbosity string
		status           int
	}{
		{"gpt-5", "low", 200}, {"gpt-5-mini", "high", 200}, {"gpt-4o", "medium", 200},
		{"gpt-4o", "low", 400}, {"gpt-5", "terse", 400},
	} {
		r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody(c.model, "hi", `"verbosity":"`+c.verbosity+`"`))
		if r.status != c.status || (c.status == 400 && !strings.Contains(string(r.body), `"param":"verbosity"`)) {
			t.Errorf("%s %s: %d %s", c.model, c.verbosity, r.status, r.body)
		}
	}
}

// TestOpenAIStopSequencesAtMostFour: OpenAI and Azure refuse a fifth stop
// sequence as OpenAI does (400 array_above_max_length on stop).
func TestOpenAIStopSequencesAtMostFour(t *testing.T) {
	_, ts := newServer(t, Config{})
	four, five := `"stop":["a","b","c","d"]`, `"stop":["a","b","c","d","e"]`
	for _, c := range []struct {
		path, extra string
		status      int
	}{
		{"/v1/chat/completions", four, 200},
		{"/v1/chat/completions", `"stop":"a"`, 200},
		{"/v1/chat/completions", five, 400},
		{"/api/v1/chat/completions", five, 200},
	} {
		r := do(t, "POST", ts.URL+c.path, bearer, chatBody("gpt-4o", "hi", c.extra))
		if r.status != c.status {
			t.Errorf("%s %s: status %d, want %d: %s", c.path, c.extra, r.status, c.status, r.body)
			continue
		}
		if c.status == 400 && (!strings.Contains(string(r.body), `"code":"array_above_max_length"`) || !strings.Contains(string(r.body), `"param":"stop"`) ||
			!strings.Contains(string(r.body), "maximum length 4, but got an array with length 5")) {
			t.Errorf("five stop sequences: %s", r.body)
		}
	}
}
