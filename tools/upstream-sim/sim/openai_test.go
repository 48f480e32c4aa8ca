package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// The structs below mirror the OpenAI client libraries' response types
// (openai-go / go-openai ChatCompletionResponse and stream chunks). Decoding
// with DisallowUnknownFields proves the simulator emits exactly these fields.
type oaUsage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails *struct {
		CachedTokens int `json:"cached_tokens"`
		AudioTokens  int `json:"audio_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails *struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
	// OpenRouter.
	Cost        *float64 `json:"cost"`
	IsByok      *bool    `json:"is_byok"`
	CostDetails *struct {
		UpstreamInferenceCost *float64 `json:"upstream_inference_cost"`
	} `json:"cost_details"`
	// Groq.
	QueueTime      *float64 `json:"queue_time"`
	PromptTime     *float64 `json:"prompt_time"`
	CompletionTime *float64 `json:"completion_time"`
	TotalTime      *float64 `json:"total_time"`
}

type oaXGroq struct {
	ID    string   `json:"id"`
	Usage *oaUsage `json:"usage"`
}

type oaResponse struct {
	ID       string `json:"id"`
	Provider string `json:"provider"`
	Object   string `json:"object"`
	Created  int64  `json:"created"`
	Model    string `json:"model"`
	Choices  []struct {
		Index   int `json:"index"`
		Message struct {
			Role             string  `json:"role"`
			Content          string  `json:"content"`
			Refusal          *string `json:"refusal"`
			Reasoning        *string `json:"reasoning"`
			ReasoningContent *string `json:"reasoning_content"`
		} `json:"message"`
		Logprobs           *json.RawMessage `json:"logprobs"`
		FinishReason       string           `json:"finish_reason"`
		NativeFinishReason string           `json:"native_finish_reason"`
	} `json:"choices"`
	Usage             oaUsage  `json:"usage"`
	ServiceTier       string   `json:"service_tier"`
	SystemFingerprint string   `json:"system_fingerprint"`
	XGroq             *oaXGroq `json:"x_groq"`
}

type oaChunk struct {
	ID                string `json:"id"`
	Provider          string `json:"provider"`
	Object            string `json:"object"`
	Created           int64  `json:"created"`
	Model             string `json:"model"`
	ServiceTier       string `json:"service_tier"`
	SystemFingerprint string `json:"system_fingerprint"`
	Choices           []struct {
		Index int `json:"index"`
		Delta struct {
			Role             string  `json:"role"`
			Content          *string `json:"content"`
			Reasoning        *string `json:"reasoning"`
			ReasoningContent *string `json:"reasoning_content"`
		} `json:"delta"`
		Logprobs           *json.RawMessage `json:"logprobs"`
		FinishReason       *string          `json:"finish_reason"`
		NativeFinishReason *string          `json:"native_finish_reason"`
	} `json:"choices"`
	Usage *oaUsage `json:"usage"`
	XGroq *oaXGroq `json:"x_groq"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func strictDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func TestOpenAIClientShape(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "What is the capital of France?", `"temperature":0.2`))
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var resp oaResponse
	strictDecode(t, r.body, &resp)
	if !strings.HasPrefix(resp.ID, "chatcmpl-") || resp.Object != "chat.completion" || resp.Created == 0 || resp.Model != "gpt-4o" || resp.SystemFingerprint == "" {
		t.Errorf("envelope: %+v", resp)
	}
	if len(resp.Choices) != 1 {
		t.Fatalf("choices: %s", r.body)
	}
	c := resp.Choices[0]
	want := "[sim openai gpt-4o] echo: What is the capital of France?"
	if c.Index != 0 || c.Message.Role != "assistant" || c.Message.Content != want || c.FinishReason != "stop" {
		t.Errorf("choice: %+v", c)
	}
	u := resp.Usage
	if u.PromptTokens <= 0 || u.CompletionTokens <= 0 || u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Errorf("usage: %+v", u)
	}
	if u.PromptTokens != 9 || u.CompletionTokens != 10 { // words: 3 system + 6 user; 10 in the answer
		t.Errorf("usage counts: %+v", u)
	}
	if !bytes.Contains(r.body, []byte(`"logprobs":null`)) {
		t.Errorf("logprobs not null: %s", r.body)
	}
}

func TestOpenAIRoutesAndFlavours(t *testing.T) {
	s, ts := newServer(t, Config{})
	cases := []struct{ path, model, flavour string }{
		{"/v1/chat/completions", "gpt-4o", "openai"},
		{"/chat/completions", "gpt-4o-mini", "openai"},
		{"/api/v1/chat/completions", "mistralai/mistral-7b-instruct", "openrouter"},
		{"/openai/v1/chat/completions", "moonshotai/kimi-k2-instruct", "groq"},
	}
	for _, c := range cases {
		r := do(t, "POST", ts.URL+c.path, bearer, chatBody(c.model, "hello", ""))
		if r.status != 200 {
			t.Fatalf("%s: %d %s", c.path, r.status, r.body)
		}
		var resp oaResponse
		strictDecode(t, r.body, &resp)
		want := "[sim " + c.flavour + " " + c.model + "] echo: hello"
		if resp.Choices[0].Message.Content != want || resp.Model != c.model {
			t.Errorf("%s: content %q model %q", c.path, resp.Choices[0].Message.Content, resp.Model)
		}
	}
	st := s.Stats()
	if st.Requests != 4 || st.ByAPI["openai"] != 2 || st.ByAPI["openrouter"] != 1 || st.ByAPI["groq"] != 1 || st.ByModel["gpt-4o"] != 1 || st.ByPath["/chat/completions"] != 1 {
		t.Errorf("stats: %+v", st)
	}
	if r := do(t, "GET", ts.URL+"/v1/chat/completions", bearer, ""); r.status != 405 {
		t.Errorf("GET chat: %d", r.status)
	}
	if r := do(t, "POST", ts.URL+"/v2/nothing", bearer, "{}"); r.status != 404 {
		t.Errorf("unknown route: %d", r.status)
	}
}

func TestOpenAIDeterministicAndEchoLimit(t *testing.T) {
	_, ts := newServer(t, Config{})
	long := strings.Repeat("é", 250)
	a := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", long, ""))
	b := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", long, ""))
	var ra, rb oaResponse
	decode(t, a.body, &ra)
	decode(t, b.body, &rb)
	if ra.Choices[0].Message.Content != rb.Choices[0].Message.Content {
		t.Error("answers differ")
	}
	if want := "[sim openai gpt-4o] echo: " + strings.Repeat("é", 200); ra.Choices[0].Message.Content != want {
		t.Errorf("echo not cut at 200 characters: %q", ra.Choices[0].Message.Content)
	}
	// Array content parts, last user message wins.
	body := `{"model":"gpt-4o","messages":[{"role":"user","content":"first"},{"role":"assistant","content":"x"},{"role":"user","content":[{"type":"text","text":"second"}]}]}`
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, body)
	var resp oaResponse
	decode(t, r.body, &resp)
	if resp.Choices[0].Message.Content != "[sim openai gpt-4o] echo: second" {
		t.Errorf("content %q", resp.Choices[0].Message.Content)
	}
}

func TestOpenAIMaxTokensAndStop(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, field := range []string{"max_tokens", "max_completion_tokens"} {
		r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "one two three four five", `"`+field+`":5`))
		var resp oaResponse
		decode(t, r.body, &resp)
		c := resp.Choices[0]
		if c.FinishReason != "length" || c.Message.Content != "[sim openai gpt-4o] echo: one" || resp.Usage.CompletionTokens != 5 {
			t.Errorf("%s: %+v %+v", field, c, resp.Usage)
		}
	}
	// A limit the answer fits in is not "length".
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "one", `"max_tokens":100`))
	var resp oaResponse
	decode(t, r.body, &resp)
	if resp.Choices[0].FinishReason != "stop" {
		t.Errorf("finish %q", resp.Choices[0].FinishReason)
	}
	r = do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "alpha beta STOPHERE gamma", `"stop":["STOPHERE"]`))
	decode(t, r.body, &resp)
	if resp.Choices[0].Message.Content != "[sim openai gpt-4o] echo: alpha beta " || resp.Choices[0].FinishReason != "stop" {
		t.Errorf("stop: %+v", resp.Choices[0])
	}
	r = do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "x", `"max_tokens":0`))
	var eb errBody
	decode(t, r.body, &eb)
	if r.status != 400 || eb.Error.Type != "invalid_request_error" || eb.Error.Param == nil || *eb.Error.Param != "max_tokens" {
		t.Errorf("max_tokens 0: %d %s", r.status, r.body)
	}
}

func TestOpenAIValidation(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, body := range []string{`{not json`, `{"messages":[{"role":"user","content":"x"}]}`, `{"model":"gpt-4o","messages":[]}`} {
		r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, body)
		var eb errBody
		decode(t, r.body, &eb)
		if r.status != 400 || eb.Error.Type != "invalid_request_error" || eb.Error.Message == "" {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
}

func TestOpenAIAuth(t *testing.T) {
	s, ts := newServer(t, Config{})
	body := chatBody("gpt-4o", "hi", "")
	for _, h := range []map[string]string{nil, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer sim-invalid-key"}} {
		r := do(t, "POST", ts.URL+"/v1/chat/completions", h, body)
		if r.status != 401 {
			t.Fatalf("%v: status %d", h, r.status)
		}
		var eb errBody
		strictDecode(t, r.body, &eb)
		if !strings.HasPrefix(eb.Error.Message, "Incorrect API key provided") || eb.Error.Type != "invalid_request_error" || eb.Error.Param != nil || string(eb.Error.Code) != `"invalid_api_key"` {
			t.Errorf("%v: %s", h, r.body)
		}
		if !bytes.Contains(r.body, []byte(`"param":null`)) {
			t.Errorf("param not null: %s", r.body)
		}
	}
	// OpenRouter's shape.
	r := do(t, "POST", ts.URL+"/api/v1/chat/completions", nil, body)
	var or struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	strictDecode(t, r.body, &or)
	if r.status != 401 || or.Error.Code != 401 || or.Error.Message == "" {
		t.Errorf("openrouter 401: %d %s", r.status, r.body)
	}
	if got := s.Stats().Requests; got != 5 {
		t.Errorf("requests %d, want 5 (refused calls count)", got)
	}
}

func TestOpenAITriggers(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "please SIM_SAFETY_FINISH now", ""))
	var resp oaResponse
	decode(t, r.body, &resp)
	if r.status != 200 || resp.Choices[0].FinishReason != "content_filter" || resp.Choices[0].Message.Content != "" || resp.Usage.CompletionTokens != 0 {
		t.Errorf("safety: %d %s", r.status, r.body)
	}
	r = do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "SIM_BLOCK_PROMPT", ""))
	var eb errBody
	decode(t, r.body, &eb)
	if r.status != 400 || string(eb.Error.Code) != `"content_policy_violation"` {
		t.Errorf("block: %d %s", r.status, r.body)
	}
}

// readStream parses an OpenAI stream into its chunks; it reports whether
// [DONE] ended it and the comment lines seen.
func readStream(t *testing.T, body []byte) (chunks []oaChunk, done bool, comments []string) {
	t.Helper()
	for _, ev := range sseEvents(body) {
		if strings.HasPrefix(ev, ":") {
			comments = append(comments, ev)
			continue
		}
		d, ok := dataOf(ev)
		if !ok {
			t.Fatalf("not a data event: %q", ev)
		}
		if done {
			t.Fatalf("event after [DONE]: %q", ev)
		}
		if d == "[DONE]" {
			done = true
			continue
		}
		var c oaChunk
		strictDecode(t, []byte(d), &c)
		chunks = append(chunks, c)
	}
	return chunks, done, comments
}

func TestOpenAIStream(t *testing.T) {
	_, ts := newServer(t, Config{})
	plain := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "What is the capital of France?", ""))
	var full oaResponse
	decode(t, plain.body, &full)

	for _, usage := range []bool{false, true} {
		extra := `"stream":true`
		if usage {
			extra += `,"stream_options":{"include_usage":true}`
		}
		r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "What is the capital of France?", extra))
		if r.status != 200 || r.err != nil {
			t.Fatalf("status %d err %v", r.status, r.err)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
			t.Errorf("Content-Type %q", ct)
		}
		if !bytes.HasSuffix(r.body, []byte("data: [DONE]\n\n")) {
			t.Errorf("does not end with [DONE]: %q", r.body)
		}
		chunks, done, comments := readStream(t, r.body)
		if !done || len(comments) != 0 {
			t.Fatalf("done %v comments %v", done, comments)
		}
		first := chunks[0]
		if first.Object != "chat.completion.chunk" || first.Choices[0].Delta.Role != "assistant" || first.Choices[0].Delta.Content == nil || *first.Choices[0].Delta.Content != "" {
			t.Errorf("first chunk: %+v", first)
		}
		var text strings.Builder
		contentChunks := 0
		finishAt := -1
		for i, c := range chunks[1:] {
			if c.ID != first.ID || c.Model != "gpt-4o" || c.Object != "chat.completion.chunk" {
				t.Errorf("chunk envelope: %+v", c)
			}
			if len(c.Choices) == 0 {
				continue
			}
			ch := c.Choices[0]
			if ch.FinishReason != nil {
				finishAt = i + 1
				if *ch.FinishReason != "stop" || ch.Delta.Content != nil || ch.Delta.Role != "" {
					t.Errorf("finish chunk: %+v", ch)
				}
				continue
			}
			contentChunks++
			text.WriteString(*ch.Delta.Content)
		}
		if contentChunks < 3 {
			t.Errorf("%d content chunks, want >= 3", contentChunks)
		}
		if text.String() != full.Choices[0].Message.Content {
			t.Errorf("stream text %q != %q", text.String(), full.Choices[0].Message.Content)
		}
		last := chunks[len(chunks)-1]
		if usage {
			if finishAt != len(chunks)-2 || last.Choices == nil || len(last.Choices) != 0 || last.Usage == nil || last.Usage.TotalTokens != full.Usage.TotalTokens || last.Usage.CompletionTokens != full.Usage.CompletionTokens {
				t.Errorf("usage chunk: %+v (finish at %d of %d)", last, finishAt, len(chunks))
			}
			if !bytes.Contains(r.body, []byte(`"choices":[],"usage"`)) {
				t.Errorf("usage chunk lacks empty choices array")
			}
		} else {
			if finishAt != len(chunks)-1 || last.Usage != nil {
				t.Errorf("unexpected usage chunk or finish position %d", finishAt)
			}
		}
	}
}

func TestOpenRouterStreamComment(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/api/v1/chat/completions", bearer, chatBody("mistralai/mistral-7b-instruct", "hi there", `"stream":true`))
	if !bytes.HasPrefix(r.body, []byte(": OPENROUTER PROCESSING\n\ndata: ")) {
		t.Fatalf("body starts %q", r.body[:min(len(r.body), 60)])
	}
	chunks, done, comments := readStream(t, r.body)
	if !done || len(comments) != 1 || len(chunks) < 5 {
		t.Errorf("done %v comments %v chunks %d", done, comments, len(chunks))
	}
}

func TestStreamMaxTokensLength(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "a b c d e f g", `"stream":true,"max_tokens":6`))
	chunks, done, _ := readStream(t, r.body)
	var text strings.Builder
	var finish string
	for _, c := range chunks[1:] {
		if c.Choices[0].FinishReason != nil {
			finish = *c.Choices[0].FinishReason
		} else {
			text.WriteString(*c.Choices[0].Delta.Content)
		}
	}
	if !done || finish != "length" || text.String() != "[sim openai gpt-4o] echo: a b" {
		t.Errorf("done %v finish %q text %q", done, finish, text.String())
	}
}

func TestModelLists(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, p := range []string{"/v1/models", "/models", "/api/v1/models", "/openai/v1/models"} {
		r := do(t, "GET", ts.URL+p, nil, "")
		var l struct {
			Object string `json:"object"`
			Data   []struct {
				ID      string `json:"id"`
				Object  string `json:"object"`
				OwnedBy string `json:"owned_by"`
			} `json:"data"`
		}
		decode(t, r.body, &l)
		if r.status != 200 || l.Object != "list" || len(l.Data) == 0 || l.Data[0].ID != "gpt-4o" || l.Data[0].Object != "model" {
			t.Errorf("%s: %d %s", p, r.status, r.body)
		}
	}
	r := do(t, "GET", ts.URL+"/v1/models/gpt-4o", nil, "")
	if r.status != 200 || !bytes.Contains(r.body, []byte(`"id":"gpt-4o"`)) {
		t.Errorf("model get: %d %s", r.status, r.body)
	}
	r = do(t, "GET", ts.URL+"/v1beta/models", gkey, "")
	if r.status != 200 || !bytes.Contains(r.body, []byte(`"name":"models/gemini-2.0-flash"`)) {
		t.Errorf("gemini list: %d %s", r.status, r.body)
	}
	r = do(t, "GET", ts.URL+"/v1beta/models/gemini-2.0-flash", gkey, "")
	if r.status != 200 || !bytes.Contains(r.body, []byte(`"supportedGenerationMethods"`)) {
		t.Errorf("gemini get: %d %s", r.status, r.body)
	}
}
