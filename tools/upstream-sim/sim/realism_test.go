package sim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// decodeErr decodes an error answer into the superset of the providers'
// error formats, rejecting any field none of them has.
func decodeErr(t *testing.T, b []byte) errBody {
	t.Helper()
	var eb errBody
	strictDecode(t, b, &eb)
	return eb
}

// TestProviderErrorFaults checks the new status faults on each route: the
// status, the provider's documented body and no Retry-After.
func TestProviderErrorFaults(t *testing.T) {
	type check func(t *testing.T, name string, status int, eb errBody)
	oa := func(status int, typ, code, msg string) check {
		return func(t *testing.T, name string, got int, eb errBody) {
			if got != status || eb.Error.Type != typ || string(eb.Error.Code) != code || !strings.Contains(eb.Error.Message, msg) || eb.Error.Param != nil {
				t.Errorf("%s: %d %+v", name, got, eb.Error)
			}
		}
	}
	or := func(status int, msg string, meta ...string) check {
		return func(t *testing.T, name string, got int, eb errBody) {
			if got != status || string(eb.Error.Code) != jsonInt(status) || !strings.Contains(eb.Error.Message, msg) {
				t.Errorf("%s: %d %+v", name, got, eb.Error)
			}
			for _, k := range meta {
				if len(eb.Error.Metadata[k]) == 0 {
					t.Errorf("%s: metadata lacks %s: %+v", name, k, eb.Error.Metadata)
				}
			}
		}
	}
	gm := func(status int, st, msg string) check {
		return func(t *testing.T, name string, got int, eb errBody) {
			if got != status || string(eb.Error.Code) != jsonInt(status) || eb.Error.Status != st || !strings.Contains(eb.Error.Message, msg) {
				t.Errorf("%s: %d %+v", name, got, eb.Error)
			}
		}
	}
	cases := []struct {
		fault                         Fault
		openai, groq, openrouter, gem check
	}{
		{Fault402, oa(402, "insufficient_quota", `"insufficient_quota"`, "quota"), oa(402, "insufficient_quota", `"insufficient_quota"`, "quota"),
			or(402, "Insufficient credits"), gm(402, "FAILED_PRECONDITION", "credits")},
		{Fault403, oa(403, "request_forbidden", `"unsupported_country_region_territory"`, "not supported"), oa(403, "request_forbidden", `"unsupported_country_region_territory"`, "not supported"),
			or(403, "requires moderation", "reasons", "flagged_input", "provider_name", "model_slug"), gm(403, "PERMISSION_DENIED", "Permission denied")},
		{Fault404, oa(404, "invalid_request_error", `"model_not_found"`, "The model `gpt-4o` does not exist"), oa(404, "invalid_request_error", `"model_not_found"`, "`moonshotai/kimi-k2-instruct` does not exist"),
			or(404, "No endpoints found for mistralai/mistral-7b-instruct."), gm(404, "NOT_FOUND", "models/gemini-2.0-flash is not found")},
		{Fault413, oa(413, "tokens", `"rate_limit_exceeded"`, "Request too large"), oa(413, "tokens", `"rate_limit_exceeded"`, "on tokens per minute (TPM)"),
			or(413, "Request too large"), gm(413, "INVALID_ARGUMENT", "payload size exceeds")},
		{Fault498, oa(498, "capacity_exceeded", `"capacity_exceeded"`, "Flex tier capacity exceeded"), oa(498, "capacity_exceeded", `"capacity_exceeded"`, "Flex tier capacity exceeded"),
			or(498, "Flex tier"), gm(498, "UNAVAILABLE", "unavailable")},
		{Fault529, oa(529, "overloaded_error", "null", "Overloaded"), oa(529, "overloaded_error", "null", "Overloaded"),
			or(529, "Provider returned error", "provider_name", "raw"), gm(503, "UNAVAILABLE", "The model is overloaded")},
	}
	for _, c := range cases {
		_, ts := newServer(t, Config{Fault: c.fault})
		for _, stream := range []bool{false, true} {
			for i, rt := range routes(stream) {
				r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
				name := string(c.fault) + "/" + rt.name
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("%s: Content-Type %q", name, ct)
				}
				if ra := r.header.Get("Retry-After"); ra != "" {
					t.Errorf("%s: Retry-After %q", name, ra)
				}
				[]check{c.openai, c.groq, c.openrouter, c.gem}[i](t, name, r.status, decodeErr(t, r.body))
			}
		}
		ts.Close()
	}
}

// TestOpenRouterModerationMetadata pins the moderation body OpenRouter
// documents for its 403.
func TestOpenRouterModerationMetadata(t *testing.T) {
	_, ts := newServer(t, Config{})
	rt := routes(false)[2]
	r := do(t, "POST", ts.URL+rt.path, with(rt.header, "X-Sim-Fault", "403"), rt.body)
	var eb struct {
		Error struct {
			Code     int    `json:"code"`
			Message  string `json:"message"`
			Metadata struct {
				Reasons      []string `json:"reasons"`
				FlaggedInput string   `json:"flagged_input"`
				ProviderName string   `json:"provider_name"`
				ModelSlug    string   `json:"model_slug"`
			} `json:"metadata"`
		} `json:"error"`
	}
	strictDecode(t, r.body, &eb)
	m := eb.Error.Metadata
	if r.status != 403 || eb.Error.Code != 403 || len(m.Reasons) == 0 || m.FlaggedInput == "" || len([]rune(m.FlaggedInput)) > 100 || m.ProviderName == "" || m.ModelSlug != "mistralai/mistral-7b-instruct" {
		t.Errorf("%d %s", r.status, r.body)
	}
}

func TestGeminiRealAuth(t *testing.T) {
	_, ts := newServer(t, Config{})
	// A Bearer token is an OAuth token to Gemini: an API key sent so is refused.
	r := do(t, "POST", ts.URL+gemGenerate, map[string]string{"Authorization": "Bearer AIza-test"}, geminiBody("hi", ""))
	eb := decodeErr(t, r.body)
	if r.status != 401 || eb.Error.Status != "UNAUTHENTICATED" || len(eb.Error.Details) != 1 || eb.Error.Details[0].Reason != "ACCESS_TOKEN_TYPE_UNSUPPORTED" {
		t.Errorf("bearer: %d %s", r.status, r.body)
	}
	r = do(t, "POST", ts.URL+gemStream, map[string]string{"Authorization": "Bearer AIza-test"}, geminiBody("hi", ""))
	if r.status != 401 {
		t.Errorf("bearer stream: %d", r.status)
	}
	// The header and the query parameter work; the header wins over a Bearer.
	for _, c := range []struct {
		url string
		h   map[string]string
	}{
		{ts.URL + gemGenerate, gkey},
		{ts.URL + gemGenerate + "?key=test-key", nil},
		{ts.URL + gemGenerate, with(gkey, "Authorization", "Bearer ya29.token")},
	} {
		if r := do(t, "POST", c.url, c.h, geminiBody("hi", "")); r.status != 200 {
			t.Errorf("%s %v: %d %s", c.url, c.h, r.status, r.body)
		}
	}
	r = do(t, "POST", ts.URL+gemGenerate, map[string]string{"x-goog-api-key": "sim-invalid"}, geminiBody("hi", ""))
	if eb := decodeErr(t, r.body); r.status != 400 || eb.Error.Details[0].Reason != "API_KEY_INVALID" {
		t.Errorf("invalid key: %d %s", r.status, r.body)
	}
}

func TestErrorIn200(t *testing.T) {
	_, ts := newServer(t, Config{Fault: FaultErrorIn200})
	for _, rt := range routes(false) {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		eb := decodeErr(t, r.body)
		if r.status != 200 || eb.Error.Message == "" || bytes.Contains(r.body, []byte("choices")) || bytes.Contains(r.body, []byte("candidates")) {
			t.Errorf("%s: %d %s", rt.name, r.status, r.body)
		}
		switch rt.name {
		case "openai", "groq":
			if eb.Error.Type != "server_error" {
				t.Errorf("%s: %s", rt.name, r.body)
			}
		case "openrouter":
			if string(eb.Error.Code) != "502" {
				t.Errorf("%s: %s", rt.name, r.body)
			}
		case "gemini":
			if string(eb.Error.Code) != "500" || eb.Error.Status != "INTERNAL" {
				t.Errorf("%s: %s", rt.name, r.body)
			}
		}
	}
	for _, rt := range routes(true) {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		var data []string
		for _, ev := range sseEvents(r.body) {
			if d, ok := dataOf(ev); ok {
				data = append(data, d)
			}
		}
		if r.status != 200 || len(data) != 1 || bytes.Contains(r.body, []byte("[DONE]")) {
			t.Fatalf("%s: %d %q", rt.name, r.status, r.body)
		}
		checkStreamError(t, rt.name, data[0])
	}
}

// checkStreamError checks an in-stream error event of the route's flavour.
func checkStreamError(t *testing.T, route, d string) {
	t.Helper()
	if route == "openrouter" {
		var c oaChunk
		strictDecode(t, []byte(d), &c)
		if c.Error == nil || c.Error.Code != "server_error" || c.Error.Message == "" || len(c.Choices) != 1 || c.Choices[0].FinishReason == nil || *c.Choices[0].FinishReason != "error" || !strings.HasPrefix(c.ID, "gen-") {
			t.Errorf("%s: error event %s", route, d)
		}
		return
	}
	eb := decodeErr(t, []byte(d))
	if eb.Error.Message == "" || (route == "gemini") != (eb.Error.Status == "INTERNAL") {
		t.Errorf("%s: error event %s", route, d)
	}
}

func TestMidstreamError(t *testing.T) {
	_, ts := newServer(t, Config{Fault: FaultMidstreamError})
	for _, rt := range routes(true) {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		if r.status != 200 || r.err != nil || bytes.Contains(r.body, []byte("[DONE]")) || bytes.Contains(r.body, []byte(`"finish_reason":"stop"`)) || bytes.Contains(r.body, []byte(`"STOP"`)) {
			t.Fatalf("%s: %d %v %q", rt.name, r.status, r.err, r.body)
		}
		var data []string
		for _, ev := range sseEvents(r.body) {
			if d, ok := dataOf(ev); ok {
				data = append(data, d)
			}
		}
		if len(data) < 2 || !strings.Contains(strings.Join(data[:len(data)-1], ""), "[sim ") {
			t.Fatalf("%s: no content before the error: %q", rt.name, data)
		}
		checkStreamError(t, rt.name, data[len(data)-1])
	}
	for _, rt := range routes(false) {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		if eb := decodeErr(t, r.body); r.status != 200 || eb.Error.Message == "" {
			t.Errorf("%s: %d %s", rt.name, r.status, r.body)
		}
	}
}

func TestEmptyCandidate(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, c := range []struct {
		fault   Fault
		finish  string
		content bool
	}{{FaultEmptyCandidate, "OTHER", false}, {FaultEmptyStop, "STOP", true}} {
		for _, path := range []string{gemGenerate, gemStream} {
			r := do(t, "POST", ts.URL+path, with(gkey, "X-Sim-Fault", string(c.fault)), geminiBody("hello there", ""))
			body := r.body
			if strings.Contains(path, "alt=sse") {
				evs := sseEvents(body)
				if len(evs) != 1 {
					t.Fatalf("%s: events %q", c.fault, evs)
				}
				d, _ := dataOf(evs[0])
				body = []byte(d)
			}
			var g gResponse
			strictDecode(t, body, &g)
			if r.status != 200 || len(g.Candidates) != 1 || g.Candidates[0].FinishReason != c.finish || (g.Candidates[0].Content != nil) != c.content || bytes.Contains(body, []byte(`"parts"`)) || g.UsageMetadata == nil || g.UsageMetadata.CandidatesTokenCount != 0 {
				t.Errorf("%s %s: %d %s", c.fault, path, r.status, body)
			}
		}
		for _, rt := range routes(false)[:3] {
			r := do(t, "POST", ts.URL+rt.path, with(rt.header, "X-Sim-Fault", string(c.fault)), rt.body)
			var resp oaResponse
			strictDecode(t, r.body, &resp)
			if r.status != 200 || resp.Choices[0].Message.Content != "" || resp.Choices[0].FinishReason != "stop" || resp.Usage.CompletionTokens != 0 {
				t.Errorf("%s %s: %s", c.fault, rt.name, r.body)
			}
		}
	}
}

func TestOpenAICompatibleExtras(t *testing.T) {
	_, ts := newServer(t, Config{})
	rs := routes(false)
	get := func(rt route) (result, oaResponse) {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		var resp oaResponse
		strictDecode(t, r.body, &resp)
		return r, resp
	}
	_, o := get(rs[0])
	if o.ServiceTier != "default" || o.SystemFingerprint == "" || o.XGroq != nil || o.Provider != "" || o.Usage.CompletionTokensDetails == nil {
		t.Errorf("openai: %+v", o)
	}
	_, g := get(rs[1])
	if g.ServiceTier != "on_demand" || g.XGroq == nil || !strings.HasPrefix(g.XGroq.ID, "req_") || g.Usage.QueueTime == nil || g.Usage.TotalTime == nil {
		t.Errorf("groq: %+v", g)
	}
	r, or := get(rs[2])
	if !strings.HasPrefix(or.ID, "gen-") || or.Provider == "" || or.SystemFingerprint != "" || or.Usage.Cost == nil || or.Usage.IsByok == nil || or.Choices[0].NativeFinishReason != "stop" || r.header.Get("X-Generation-Id") != or.ID {
		t.Errorf("openrouter: %+v %v", or, r.header)
	}

	// Streams with include_usage: every chunk but the usage chunk says
	// "usage": null.
	for _, rt := range routes(true)[:3] {
		rt.body = chatBody(modelOf(rt), "hello there", `"stream":true,"stream_options":{"include_usage":true}`)
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		chunks, done, _ := readStream(t, r.body)
		if !done {
			t.Fatalf("%s: no [DONE]", rt.name)
		}
		events := 0
		for _, ev := range sseEvents(r.body) {
			if d, ok := dataOf(ev); ok && d != "[DONE]" {
				events++
				if events < len(chunks) && !strings.Contains(d, `"usage":null`) {
					t.Errorf("%s: chunk without usage null: %s", rt.name, d)
				}
			}
		}
		last := chunks[len(chunks)-1]
		if last.Usage == nil || last.Usage.TotalTokens == 0 {
			t.Fatalf("%s: last chunk %+v", rt.name, last)
		}
		switch rt.name {
		case "openrouter":
			// OpenRouter's usage chunk keeps one choice with an empty delta.
			if len(last.Choices) != 1 || *last.Choices[0].Delta.Content != "" || last.Choices[0].FinishReason != nil || last.Usage.Cost == nil || !strings.HasPrefix(last.ID, "gen-") {
				t.Errorf("openrouter usage chunk: %+v", last)
			}
		case "groq":
			fin := chunks[len(chunks)-2]
			if len(last.Choices) != 0 || fin.XGroq == nil || fin.XGroq.Usage == nil || fin.XGroq.Usage.TotalTokens != last.Usage.TotalTokens || chunks[0].XGroq == nil {
				t.Errorf("groq chunks: first %+v finish %+v", chunks[0].XGroq, fin.XGroq)
			}
		default:
			if len(last.Choices) != 0 || last.ServiceTier != "default" {
				t.Errorf("openai usage chunk: %+v", last)
			}
		}
	}
	// Without include_usage no chunk mentions usage.
	r = do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "hi", `"stream":true`))
	if bytes.Contains(r.body, []byte(`"usage"`)) {
		t.Errorf("usage without include_usage: %s", r.body)
	}
}

func modelOf(rt route) string {
	var b struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal([]byte(rt.body), &b)
	return b.Model
}

// timedEvent is one server-sent event and when it arrived.
type timedEvent struct {
	at   time.Duration
	data string
}

// timedStream sends a streaming request and records when each data event
// arrives, relative to the moment the request was sent.
func timedStream(t *testing.T, url string, h map[string]string, body string) []timedEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", url, strings.NewReader(body))
	for k, v := range h {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var out []timedEvent
	br := bufio.NewReader(resp.Body)
	for {
		line, err := br.ReadString('\n')
		if d, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "data: "); ok && d != "[DONE]" {
			out = append(out, timedEvent{at: time.Since(start), data: d})
		}
		if err != nil {
			return out
		}
	}
}

func TestPacingTokens(t *testing.T) {
	t.Parallel()
	s, ts := newServer(t, Config{Latency: 50 * time.Millisecond, Pacing: Pacing{Tokens: 12, TokenInterval: 20 * time.Millisecond}})
	// Non-streamed: N tokens, sent once all are generated.
	start := time.Now()
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "hi", ""))
	took := time.Since(start)
	var resp oaResponse
	strictDecode(t, r.body, &resp)
	if resp.Usage.CompletionTokens != 12 || countWords(resp.Choices[0].Message.Content) != 12 || !strings.HasPrefix(resp.Choices[0].Message.Content, "[sim openai gpt-4o] echo: hi lorem") {
		t.Errorf("content %q usage %+v", resp.Choices[0].Message.Content, resp.Usage)
	}
	if want := 50*time.Millisecond + 12*20*time.Millisecond; took < want {
		t.Errorf("plain answer after %v, want >= %v", took, want)
	}
	// Streamed: first token after the latency, then one token per interval.
	evs := timedStream(t, ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "hi", `"stream":true`))
	var content []timedEvent
	for _, ev := range evs[1:] {
		var c oaChunk
		strictDecode(t, []byte(ev.data), &c)
		if c.Choices[0].Delta.Content != nil {
			if countWords(*c.Choices[0].Delta.Content) != 1 {
				t.Errorf("delta %q is not one token", *c.Choices[0].Delta.Content)
			}
			content = append(content, ev)
		}
	}
	if len(content) != 12 {
		t.Fatalf("%d content chunks, want 12", len(content))
	}
	if content[0].at < 50*time.Millisecond {
		t.Errorf("first token at %v, before the latency", content[0].at)
	}
	for i := 1; i < len(content); i++ {
		if min := 50*time.Millisecond + time.Duration(i)*20*time.Millisecond; content[i].at < min {
			t.Errorf("token %d at %v, want >= %v", i, content[i].at, min)
		}
	}
	if last := evs[len(evs)-1]; last.at < 50*time.Millisecond+12*20*time.Millisecond {
		t.Errorf("finish at %v", last.at)
	}
	// Gemini: same pacing, paced events carry the running usage.
	gevs := timedStream(t, ts.URL+gemStream, gkey, geminiBody("hi", ""))
	if len(gevs) != 12 || gevs[0].at < 50*time.Millisecond || gevs[11].at < 50*time.Millisecond+11*20*time.Millisecond {
		t.Errorf("gemini events %d, first %v", len(gevs), gevs[0].at)
	}
	// Per-request headers override the global pacing (global: 50ms + 2×20ms).
	start = time.Now()
	r = do(t, "POST", ts.URL+"/v1/chat/completions", with(bearer, "X-Sim-Tokens", "2", "X-Sim-Token-Interval", "300ms"), chatBody("gpt-4o", "hi", ""))
	strictDecode(t, r.body, &resp)
	if resp.Usage.CompletionTokens != 2 || time.Since(start) < 650*time.Millisecond {
		t.Errorf("header override: %d tokens after %v", resp.Usage.CompletionTokens, time.Since(start))
	}
	// max_tokens still cuts a paced answer.
	r = do(t, "POST", ts.URL+"/v1/chat/completions", with(bearer, "X-Sim-Token-Interval", "0s"), chatBody("gpt-4o", "hi", `"max_tokens":5`))
	strictDecode(t, r.body, &resp)
	if resp.Usage.CompletionTokens != 5 || resp.Choices[0].FinishReason != "length" {
		t.Errorf("max_tokens: %+v", resp)
	}
	// The control endpoint sets the global pacing.
	r = do(t, "POST", ts.URL+"/sim/fault", nil, `{"tokens":400,"token_interval":"50ms","reasoning":"1s"}`)
	var fs FaultStatus
	decode(t, r.body, &fs)
	if r.status != 200 || fs.Tokens != 400 || fs.TokenInterval != "50ms" || fs.Reasoning != "1s" || s.pacingFor(httptestReq()).Tokens != 400 {
		t.Errorf("control: %d %s", r.status, r.body)
	}
	for _, bad := range []string{`{"tokens":-1}`, `{"token_interval":"fast"}`, `{"reasoning":"-1s"}`} {
		if r := do(t, "POST", ts.URL+"/sim/fault", nil, bad); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
	if fs := s.FaultStatus(); fs.Tokens != 400 {
		t.Errorf("a refused control body changed the state: %+v", fs)
	}
}

func httptestReq() *http.Request {
	r, _ := http.NewRequest("POST", "/", nil)
	return r
}

func TestReasoningStreams(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, Config{Pacing: Pacing{Reasoning: 200 * time.Millisecond, TokenInterval: 20 * time.Millisecond}})
	for _, rt := range routes(true)[:3] {
		evs := timedStream(t, ts.URL+rt.path, rt.header, rt.body)
		var reasoning, content int
		var firstContent time.Duration
		for _, ev := range evs[1:] {
			var c oaChunk
			strictDecode(t, []byte(ev.data), &c)
			d := c.Choices[0].Delta
			var r *string
			switch rt.name {
			case "openai":
				r = d.ReasoningContent
				if d.Reasoning != nil {
					t.Errorf("openai: reasoning field %s", ev.data)
				}
			default:
				r = d.Reasoning
				if d.ReasoningContent != nil {
					t.Errorf("%s: reasoning_content field %s", rt.name, ev.data)
				}
			}
			switch {
			case r != nil:
				if content > 0 {
					t.Errorf("%s: reasoning after content", rt.name)
				}
				reasoning++
			case d.Content != nil && *d.Content != "":
				if content == 0 {
					firstContent = ev.at
				}
				content++
			}
		}
		if reasoning != 10 || content == 0 || firstContent < 200*time.Millisecond {
			t.Errorf("%s: %d reasoning deltas, %d content, first content at %v", rt.name, reasoning, content, firstContent)
		}
	}
	// Non-streamed: the reasoning in the message, counted in the usage.
	for _, rt := range routes(false)[:3] {
		start := time.Now()
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		var resp oaResponse
		strictDecode(t, r.body, &resp)
		m := resp.Choices[0].Message
		text := m.Reasoning
		if rt.name == "openai" {
			text = m.ReasoningContent
		}
		if text == nil || countWords(*text) != 10 || time.Since(start) < 200*time.Millisecond {
			t.Errorf("%s: %s after %v", rt.name, r.body, time.Since(start))
		}
		if d := resp.Usage.CompletionTokensDetails; rt.name != "groq" && (d == nil || d.ReasoningTokens != 10) {
			t.Errorf("%s: usage %+v", rt.name, resp.Usage)
		}
	}
}

func TestGeminiThinking(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, Config{Pacing: Pacing{Reasoning: 200 * time.Millisecond, TokenInterval: 20 * time.Millisecond}})
	include := `"generationConfig":{"thinkingConfig":{"includeThoughts":true}}`
	// With includeThoughts: thought parts first, thoughtsTokenCount on each event.
	evs := timedStream(t, ts.URL+gemStream, gkey, geminiBody("hello there", include))
	thoughts, text := 0, 0
	var firstText time.Duration
	for _, ev := range evs {
		var g gResponse
		strictDecode(t, []byte(ev.data), &g)
		p := g.Candidates[0].Content.Parts[0]
		if p.Thought {
			if text > 0 {
				t.Error("thought after text")
			}
			thoughts++
		} else {
			if text == 0 {
				firstText = ev.at
			}
			text++
		}
		if g.UsageMetadata == nil || g.UsageMetadata.ThoughtsTokenCount != min(thoughts, 10) {
			t.Errorf("event usage %s", ev.data)
		}
	}
	if thoughts != 10 || text == 0 || firstText < 200*time.Millisecond {
		t.Errorf("%d thoughts, %d text events, first text at %v", thoughts, text, firstText)
	}
	// Without: silence while thinking, the tokens still counted.
	evs = timedStream(t, ts.URL+gemStream, gkey, geminiBody("hello there", ""))
	if evs[0].at < 200*time.Millisecond || strings.Contains(evs[0].data, `"thought"`) {
		t.Errorf("first event at %v: %s", evs[0].at, evs[0].data)
	}
	var g gResponse
	strictDecode(t, []byte(evs[len(evs)-1].data), &g)
	if u := g.UsageMetadata; u.ThoughtsTokenCount != 10 || u.TotalTokenCount != u.PromptTokenCount+u.CandidatesTokenCount+10 {
		t.Errorf("usage %+v", u)
	}
	// Non-streamed with includeThoughts: a thought part before the text.
	r := do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("hello there", include))
	g = gResponse{}
	strictDecode(t, r.body, &g)
	parts := g.Candidates[0].Content.Parts
	if len(parts) != 2 || !parts[0].Thought || parts[1].Thought || g.UsageMetadata.ThoughtsTokenCount != 10 {
		t.Errorf("plain: %s", r.body)
	}
}

// TestStreamFlushing checks when a stream's events leave: at zero latency
// without pacing every event is due at once, so the handler writes the
// whole stream without flushing (the server sends it when the handler
// returns); paced, each token is flushed when it is due, not held back
// until the next one.
func TestStreamFlushing(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	unpaced := append(routes(true), route{"anthropic", "/v1/messages", anthropicBody("hello there", `"stream":true`), akey},
		route{"gemini-json", "/v1beta/models/gemini-2.0-flash:streamGenerateContent", geminiBody("hello there", ""), gkey})
	for _, rt := range unpaced {
		req := httptest.NewRequest(http.MethodPost, rt.path, strings.NewReader(rt.body))
		for k, v := range rt.header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK || w.Flushed || w.Body.Len() == 0 {
			t.Errorf("%s: status %d, flushed %v, %d bytes", rt.name, w.Code, w.Flushed, w.Body.Len())
		}
	}
	const interval = 80 * time.Millisecond
	_, ts := newServer(t, Config{Pacing: Pacing{Tokens: 4, TokenInterval: interval}})
	for _, rt := range routes(true) {
		evs := timedStream(t, ts.URL+rt.path, rt.header, rt.body)
		if len(evs) < 4 {
			t.Fatalf("%s: %d events", rt.name, len(evs))
		}
		// The last four events are three intervals apart in all (between
		// tokens, and the last token and the finish, OpenAI-style; or the
		// four token events, Gemini): held back to the end they would arrive
		// together. Only the span is checked, with half of it as slack — on
		// a loaded machine a reader woken late shortens single gaps.
		first, last := evs[len(evs)-4], evs[len(evs)-1]
		if span := last.at - first.at; span < 3*interval/2 {
			t.Errorf("%s: the last four events arrived within %v, want about %v (sent as they were due)", rt.name, span, 3*interval)
		}
	}
}
