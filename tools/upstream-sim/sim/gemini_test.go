package sim

import (
	"bytes"
	"strings"
	"testing"
)

// gResponse mirrors genai's GenerateContentResponse (the fields the
// simulator emits).
type gResponse struct {
	Candidates []struct {
		Content *struct {
			Role  string `json:"role"`
			Parts []struct {
				Text    string `json:"text"`
				Thought bool   `json:"thought"`
			} `json:"parts"`
		} `json:"content"`
		FinishReason  string `json:"finishReason"`
		Index         int    `json:"index"`
		SafetyRatings []struct {
			Category    string `json:"category"`
			Probability string `json:"probability"`
			Blocked     bool   `json:"blocked"`
		} `json:"safetyRatings"`
	} `json:"candidates"`
	PromptFeedback *struct {
		BlockReason   string `json:"blockReason"`
		SafetyRatings []struct {
			Category    string `json:"category"`
			Probability string `json:"probability"`
			Blocked     bool   `json:"blocked"`
		} `json:"safetyRatings"`
	} `json:"promptFeedback"`
	UsageMetadata *struct {
		PromptTokenCount     int `json:"promptTokenCount"`
		CandidatesTokenCount int `json:"candidatesTokenCount"`
		ThoughtsTokenCount   int `json:"thoughtsTokenCount"`
		TotalTokenCount      int `json:"totalTokenCount"`
	} `json:"usageMetadata"`
	ModelVersion string `json:"modelVersion"`
	ResponseID   string `json:"responseId"`
}

const gemGenerate = "/v1beta/models/gemini-2.0-flash:generateContent"
const gemStream = "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"

func TestGeminiGenerate(t *testing.T) {
	s, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("What is the capital of France?", `"generationConfig":{"temperature":0.3,"topP":0.9}`))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var g gResponse
	strictDecode(t, r.body, &g)
	if len(g.Candidates) != 1 || g.Candidates[0].Content == nil {
		t.Fatalf("candidates: %s", r.body)
	}
	c := g.Candidates[0]
	if c.Content.Role != "model" || len(c.Content.Parts) != 1 || c.Content.Parts[0].Text != "[sim gemini gemini-2.0-flash] echo: What is the capital of France?" || c.FinishReason != "STOP" {
		t.Errorf("candidate: %s", r.body)
	}
	u := g.UsageMetadata
	if u == nil || u.PromptTokenCount != 9 || u.CandidatesTokenCount != 10 || u.TotalTokenCount != 19 {
		t.Errorf("usage: %s", r.body)
	}
	if g.ModelVersion != "gemini-2.0-flash" || g.ResponseID == "" {
		t.Errorf("envelope: %s", r.body)
	}
	// Key in the query; v1 path.
	r = do(t, "POST", ts.URL+"/v1/models/gemini-1.5-pro:generateContent?key=abc", nil, geminiBody("hi", ""))
	if r.status != 200 || !bytes.Contains(r.body, []byte("[sim gemini gemini-1.5-pro] echo: hi")) {
		t.Errorf("query key: %d %s", r.status, r.body)
	}
	st := s.Stats()
	if st.Requests != 2 || st.ByAPI["gemini"] != 2 || st.ByModel["gemini-2.0-flash"] != 1 || st.ByModel["gemini-1.5-pro"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestGeminiMaxTokensAndStop(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("a b c d", `"generationConfig":{"maxOutputTokens":5}`))
	var g gResponse
	decode(t, r.body, &g)
	if g.Candidates[0].FinishReason != "MAX_TOKENS" || g.Candidates[0].Content.Parts[0].Text != "[sim gemini gemini-2.0-flash] echo: a" || g.UsageMetadata.CandidatesTokenCount != 5 {
		t.Errorf("max tokens: %s", r.body)
	}
	r = do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("a b END c", `"generationConfig":{"stopSequences":["END"]}`))
	decode(t, r.body, &g)
	if g.Candidates[0].FinishReason != "STOP" || g.Candidates[0].Content.Parts[0].Text != "[sim gemini gemini-2.0-flash] echo: a b " {
		t.Errorf("stop: %s", r.body)
	}
}

func TestGeminiAuthAndValidation(t *testing.T) {
	s, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+gemGenerate, nil, geminiBody("hi", ""))
	var eb errBody
	strictDecode(t, r.body, &eb)
	if r.status != 403 || eb.Error.Status != "PERMISSION_DENIED" || string(eb.Error.Code) != "403" || eb.Error.Message == "" {
		t.Errorf("no key: %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	r = do(t, "POST", ts.URL+gemGenerate, map[string]string{"x-goog-api-key": "sim-invalid"}, geminiBody("hi", ""))
	if r.status != 400 || !bytes.Contains(r.body, []byte("API key not valid")) {
		t.Errorf("invalid key: %d %s", r.status, r.body)
	}
	for _, body := range []string{`{nope`, `{}`, `{"contents":[{"role":"assistant","parts":[{"text":"x"}]}]}`} {
		r = do(t, "POST", ts.URL+gemGenerate, gkey, body)
		var eb errBody
		decode(t, r.body, &eb)
		if r.status != 400 || eb.Error.Status != "INVALID_ARGUMENT" {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	if r = do(t, "POST", ts.URL+"/v1beta/models/gemini-2.0-flash:embedText", gkey, "{}"); r.status != 404 {
		t.Errorf("unknown method: %d", r.status)
	}
	if s.Stats().Requests != 5 {
		t.Errorf("requests %d, want 5", s.Stats().Requests)
	}
}

func TestGeminiTriggers(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, path := range []string{gemGenerate, gemStream} {
		r := do(t, "POST", ts.URL+path, gkey, geminiBody("please SIM_BLOCK_PROMPT", ""))
		body := r.body
		if strings.Contains(path, "alt=sse") {
			evs := sseEvents(body)
			if len(evs) != 1 {
				t.Fatalf("events %q", evs)
			}
			d, _ := dataOf(evs[0])
			body = []byte(d)
		}
		var g gResponse
		strictDecode(t, body, &g)
		if r.status != 200 || len(g.Candidates) != 0 || g.PromptFeedback == nil || g.PromptFeedback.BlockReason != "SAFETY" {
			t.Errorf("%s block: %d %s", path, r.status, r.body)
		}
		if bytes.Contains(body, []byte("candidates")) {
			t.Errorf("blocked answer has candidates: %s", body)
		}

		r = do(t, "POST", ts.URL+path, gkey, geminiBody("SIM_SAFETY_FINISH", ""))
		body = r.body
		if strings.Contains(path, "alt=sse") {
			d, _ := dataOf(sseEvents(body)[0])
			body = []byte(d)
		}
		g = gResponse{}
		strictDecode(t, body, &g)
		if r.status != 200 || len(g.Candidates) != 1 || g.Candidates[0].FinishReason != "SAFETY" || g.Candidates[0].Content != nil {
			t.Errorf("%s safety: %d %s", path, r.status, r.body)
		}
	}
}

func TestGeminiStreamSSE(t *testing.T) {
	_, ts := newServer(t, Config{})
	plain := do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("What is the capital of France?", ""))
	var full gResponse
	decode(t, plain.body, &full)

	r := do(t, "POST", ts.URL+gemStream, gkey, geminiBody("What is the capital of France?", ""))
	if r.status != 200 || r.err != nil {
		t.Fatalf("%d %v", r.status, r.err)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type %q", ct)
	}
	if !bytes.HasSuffix(r.body, []byte("}\r\n\r\n")) || bytes.Contains(r.body, []byte("[DONE]")) {
		t.Errorf("stream framing: %q", r.body)
	}
	evs := sseEvents(r.body)
	if len(evs) < 3 {
		t.Fatalf("%d events", len(evs))
	}
	var text strings.Builder
	for i, ev := range evs {
		d, ok := dataOf(ev)
		if !ok {
			t.Fatalf("event %q", ev)
		}
		var g gResponse
		strictDecode(t, []byte(d), &g)
		c := g.Candidates[0]
		text.WriteString(c.Content.Parts[0].Text)
		last := i == len(evs)-1
		// Every event carries the usage so far (as Gemini sends it); only
		// the last one a finish reason.
		if last != (c.FinishReason != "") || g.UsageMetadata == nil || g.UsageMetadata.CandidatesTokenCount != countWords(text.String()) {
			t.Errorf("event %d finish %q usage %v", i, c.FinishReason, g.UsageMetadata)
		}
		if last && (c.FinishReason != "STOP" || *g.UsageMetadata != *full.UsageMetadata) {
			t.Errorf("last event: %s", d)
		}
		if g.ModelVersion != "gemini-2.0-flash" || c.Content.Role != "model" {
			t.Errorf("event %s", d)
		}
	}
	if text.String() != full.Candidates[0].Content.Parts[0].Text {
		t.Errorf("stream text %q", text.String())
	}
}

func TestGeminiStreamJSONArray(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1beta/models/gemini-2.0-flash:streamGenerateContent", gkey, geminiBody("hello world", ""))
	var arr []gResponse
	decode(t, r.body, &arr)
	if r.status != 200 || len(arr) < 3 || arr[len(arr)-1].Candidates[0].FinishReason != "STOP" {
		t.Errorf("array stream: %d %s", r.status, r.body)
	}
}

// TestGeminiCountTokens: countTokens answers the promptTokenCount
// generateContent reports for the same input, for a whole
// generateContentRequest (its model required) or bare contents.
func TestGeminiCountTokens(t *testing.T) {
	_, ts := newServer(t, Config{})
	gen := `{"systemInstruction":{"parts":[{"text":"You are terse."}]},"contents":[{"role":"user","parts":[{"text":"What is the capital of France?"}]}]}`
	r := do(t, "POST", ts.URL+"/v1beta/models/gemini-2.0-flash:generateContent", gkey, gen)
	var g gResponse
	decode(t, r.body, &g)
	var c struct {
		TotalTokens int `json:"totalTokens"`
	}
	r = do(t, "POST", ts.URL+"/v1beta/models/gemini-2.0-flash:countTokens", gkey, `{"generateContentRequest":{"model":"models/gemini-2.0-flash",`+gen[1:]+`}`)
	decode(t, r.body, &c)
	if r.status != 200 || g.UsageMetadata == nil || c.TotalTokens != g.UsageMetadata.PromptTokenCount {
		t.Fatalf("count %d %s; generate %+v", r.status, r.body, g.UsageMetadata)
	}
	r = do(t, "POST", ts.URL+"/v1beta/models/gemini-2.0-flash:countTokens", gkey, `{"contents":[{"role":"user","parts":[{"text":"one two three"}]}]}`)
	decode(t, r.body, &c)
	if r.status != 200 || c.TotalTokens != 3 {
		t.Fatalf("contents: %d %s", r.status, r.body)
	}
	for _, bad := range []string{`{"generateContentRequest":{"contents":[{"role":"user","parts":[{"text":"x"}]}]}}`, `{}`} {
		if r := do(t, "POST", ts.URL+"/v1beta/models/gemini-2.0-flash:countTokens", gkey, bad); r.status != 400 {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}
