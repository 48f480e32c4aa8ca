package sim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// chatRequest is the part of an OpenAI chat completions request the
// simulator reads.
type chatRequest struct {
	Model               string          `json:"model"`
	Messages            []chatMessage   `json:"messages"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Stop                json.RawMessage `json:"stop"`
	Stream              bool            `json:"stream"`
	StreamOptions       *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Tools []struct {
		Type     string `json:"type"`
		Function struct {
			Name       string          `json:"name"`
			Parameters json.RawMessage `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`
	ToolChoice        json.RawMessage `json:"tool_choice"`
	ParallelToolCalls *bool           `json:"parallel_tool_calls"`
	ResponseFormat    *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
	N               *int    `json:"n"`
	Logprobs        bool    `json:"logprobs"`
	TopLogprobs     int     `json:"top_logprobs"`
	ReasoningEffort *string `json:"reasoning_effort"`
	Verbosity       *string `json:"verbosity"`
}

// reasoningEffortTokens are the hidden reasoning tokens the simulator
// charges per reasoning_effort (usage's reasoning_tokens, as OpenAI's
// reasoning models report thinking they do not show): deterministic, so a
// test can tell which effort reached the upstream.
var reasoningEffortTokens = map[string]int{"none": 0, "minimal": 8, "low": 32, "medium": 128, "high": 512, "xhigh": 2048}

// openAIReasoningModel reports whether OpenAI's API takes reasoning_effort
// for a model (its o-series and gpt-5 family; gpt-4o refuses it).
func openAIReasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

type chatMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	ToolCallID string          `json:"tool_call_id"`
}

// text returns the text of a message content: a string or an array of parts.
func (m *chatMessage) text() string {
	c := m.Content
	if len(c) == 0 || c[0] == 'n' {
		return ""
	}
	if c[0] == '"' {
		var s string
		_ = json.Unmarshal(c, &s)
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(c, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// stops decodes the stop field: a string, an array of strings or null.
func (r *chatRequest) stops() []string {
	if len(r.Stop) == 0 || r.Stop[0] == 'n' {
		return nil
	}
	if r.Stop[0] == '"' {
		var s string
		_ = json.Unmarshal(r.Stop, &s)
		return []string{s}
	}
	var ss []string
	_ = json.Unmarshal(r.Stop, &ss)
	return ss
}

type usage struct {
	PromptTokens            int                `json:"prompt_tokens"`
	CompletionTokens        int                `json:"completion_tokens"`
	TotalTokens             int                `json:"total_tokens"`
	PromptTokensDetails     *promptDetails     `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *completionDetails `json:"completion_tokens_details,omitempty"`
	// OpenRouter's usage accounting.
	Cost        *float64     `json:"cost,omitempty"`
	IsByok      *bool        `json:"is_byok,omitempty"`
	CostDetails *costDetails `json:"cost_details,omitempty"`
	// Groq's timings, in seconds.
	QueueTime      *float64 `json:"queue_time,omitempty"`
	PromptTime     *float64 `json:"prompt_time,omitempty"`
	CompletionTime *float64 `json:"completion_time,omitempty"`
	TotalTime      *float64 `json:"total_time,omitempty"`
}

type promptDetails struct {
	CachedTokens int `json:"cached_tokens"`
	AudioTokens  int `json:"audio_tokens"`
}

type completionDetails struct {
	ReasoningTokens int `json:"reasoning_tokens"`
}

type costDetails struct {
	UpstreamInferenceCost *float64 `json:"upstream_inference_cost"`
}

// xGroq is Groq's x_groq extension: the request id, and on the last chunk
// of a stream the usage.
type xGroq struct {
	ID    string `json:"id"`
	Usage *usage `json:"usage,omitempty"`
}

type chatCompletion struct {
	ID                string       `json:"id"`
	Provider          string       `json:"provider,omitempty"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []chatChoice `json:"choices"`
	Usage             usage        `json:"usage"`
	ServiceTier       string       `json:"service_tier,omitempty"`
	SystemFingerprint string       `json:"system_fingerprint,omitempty"`
	XGroq             *xGroq       `json:"x_groq,omitempty"`
	// PromptFilterResults is Azure's content-filter verdict on the prompt.
	PromptFilterResults []any `json:"prompt_filter_results,omitempty"`
}

type chatChoice struct {
	Index              int             `json:"index"`
	Message            assistantMsg    `json:"message"`
	Logprobs           json.RawMessage `json:"logprobs"`
	FinishReason       string          `json:"finish_reason"`
	NativeFinishReason string          `json:"native_finish_reason,omitempty"`
	// ContentFilterResults is Azure's verdict on the answer.
	ContentFilterResults map[string]any `json:"content_filter_results,omitempty"`
}

type assistantMsg struct {
	Role             string         `json:"role"`
	Content          *string        `json:"content"`
	Refusal          *string        `json:"refusal"`
	ToolCalls        []toolCallJSON `json:"tool_calls,omitempty"`
	Reasoning        *string        `json:"reasoning,omitempty"`
	ReasoningContent *string        `json:"reasoning_content,omitempty"`
}

type chatChunk struct {
	ID                string          `json:"id"`
	Provider          string          `json:"provider,omitempty"`
	Object            string          `json:"object"`
	Created           int64           `json:"created"`
	Model             string          `json:"model"`
	ServiceTier       string          `json:"service_tier,omitempty"`
	SystemFingerprint string          `json:"system_fingerprint,omitempty"`
	Choices           []chunkChoice   `json:"choices"`
	Usage             json.RawMessage `json:"usage,omitempty"`
	XGroq             *xGroq          `json:"x_groq,omitempty"`
	Error             *orStreamError  `json:"error,omitempty"`
}

// orStreamError is the error of an OpenRouter stream event.
type orStreamError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type chunkChoice struct {
	Index              int             `json:"index"`
	Delta              chunkDelta      `json:"delta"`
	Logprobs           json.RawMessage `json:"logprobs"`
	FinishReason       *string         `json:"finish_reason"`
	NativeFinishReason json.RawMessage `json:"native_finish_reason,omitempty"`
}

type chunkDelta struct {
	Role             string          `json:"role,omitempty"`
	Content          json.RawMessage `json:"content,omitempty"`
	ToolCalls        []toolCallJSON  `json:"tool_calls,omitempty"`
	Reasoning        *string         `json:"reasoning,omitempty"`
	ReasoningContent *string         `json:"reasoning_content,omitempty"`
}

// toolCallJSON is a tool call of a message, or a delta of one in a
// stream (Index set; only the first delta has the id, type and name).
type toolCallJSON struct {
	Index    *int   `json:"index,omitempty"`
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name      string `json:"name,omitempty"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

var jsonNull = json.RawMessage("null")

// jsonString is s as a JSON string.
func jsonString(s string) json.RawMessage { return encodeJSON(s) }

const fingerprint = "fp_sim0001"

// malformedChat is the invalid JSON body of the malformed fault.
const malformedChat = `{"id":"chatcmpl-sim-malformed","object":"chat.completion",choices:[{not json]` + "\n"

// chatAnswer is one generated answer, before it is sent.
type chatAnswer struct {
	api       apiKind
	id        string
	created   int64
	model     string
	full      string // the whole answer before max_tokens and stops
	content   string
	finish    string
	reasoning int // reasoning tokens
	// hiddenReasoning: reasoning tokens charged for reasoning_effort, not
	// shown (reasoningEffortTokens).
	hiddenReasoning int
	usage           usage
	toolCalls       []simToolCall
	choices         int // n: every choice is the same answer
	// logprobs: one entry per word, with topLogprobs alternatives.
	logprobs    bool
	topLogprobs int
}

// simToolCall is one tool call of an answer.
type simToolCall struct {
	id, name, arguments string
}

// chat answers the OpenAI-compatible chat completions routes.
func (s *Simulator) chat(w http.ResponseWriter, r *http.Request, api apiKind) {
	if r.Method != http.MethodPost {
		notAllowed(w, api)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)

	var req chatRequest
	raw, bodyErr := readJSONBody(w, r, &req, true)
	key, hasKey := bearerKey(r)
	if api == apiAzure {
		req.Model = azureDeployment(r)
		key, hasKey = azureKey(r)
	}
	s.remember(r.URL.Path, raw)
	s.count(api, r.URL.Path, req.Model, req.Stream)

	if e, ok := checkKey(api, key, hasKey); !ok {
		writeError(w, api, e)
		return
	}
	fault := s.faultFor(r, req.Model)
	tl := newTimeline(r.Context(), s.latencyFor(r), s.pacingFor(r))
	if !tl.wait(tl.lat) {
		return
	}
	if fault == FaultTimeout || (fault == FaultStall && !req.Stream) {
		waitGone(r)
		return
	}
	if e, ok := faultError(fault, api, req.Model); ok {
		writeError(w, api, e)
		return
	}
	if fault == FaultMalformed && !req.Stream {
		w.Header().Set("Content-Type", jsonType)
		_, _ = w.Write([]byte(malformedChat))
		return
	}
	if e, ok := validateChat(&req, api, bodyErr); !ok {
		writeError(w, api, e)
		return
	}
	a, e, ok := s.buildChat(&req, api, fault, tl)
	if !ok {
		writeError(w, api, e)
		return
	}
	w.Header().Set("X-Request-Id", "req_"+a.id[strings.IndexByte(a.id, '-')+1:])
	if api == apiOpenRouter {
		w.Header().Set("X-Generation-Id", a.id)
	}
	if req.Stream {
		s.streamChat(w, r, &req, a, fault, tl)
		return
	}
	plainChat(w, a, fault, tl)
}

// buildChat generates the answer to req, or the error it triggers.
func (s *Simulator) buildChat(req *chatRequest, api apiKind, fault Fault, tl *timeline) (*chatAnswer, apiError, bool) {
	prompt, promptWords := req.prompt()
	if strings.Contains(prompt, triggerBlock) {
		return nil, apiError{status: http.StatusBadRequest, message: "Your request was rejected as a result of our safety system. (simulated by upstream-sim trigger " + triggerBlock + ")", typ: "invalid_request_error", param: "messages", code: "content_policy_violation"}, false
	}
	if e, ok := req.validateTools(); !ok {
		return nil, e, false
	}
	limit := 0
	if req.MaxCompletionTokens != nil {
		limit = *req.MaxCompletionTokens
	} else if req.MaxTokens != nil {
		limit = *req.MaxTokens
	}
	a := &chatAnswer{api: api, model: req.Model, created: time.Now().Unix(), finish: "stop", reasoning: tl.reasoningTokens(),
		choices: 1, logprobs: req.Logprobs, topLogprobs: req.TopLogprobs}
	if req.ReasoningEffort != nil {
		a.hiddenReasoning = reasoningEffortTokens[*req.ReasoningEffort]
	}
	if req.N != nil && *req.N > 1 {
		a.choices = *req.N
	}
	a.full = req.answerFull(apiNames[api], prompt, tl.pace.Tokens)
	mode, name, parallel := req.toolChoice()
	results, afterTool := req.toolResults()
	for _, plan := range planToolCalls(req.toolDecls(), mode, name, parallel, afterTool, prompt) {
		a.toolCalls = append(a.toolCalls, simToolCall{id: s.nextID("call_sim"), name: plan.Name, arguments: string(plan.Arguments)})
	}
	if afterTool && len(results) > 0 && req.ResponseFormat == nil {
		a.full = toolResultText(apiNames[api], req.Model, results)
	}
	var cut bool
	a.content, cut = shapeAnswer(a.full, req.stops(), limit)
	switch {
	case strings.Contains(prompt, triggerSafety):
		a.content, a.finish = "", "content_filter"
	case fault == FaultEmptyCandidate || fault == FaultEmptyStop:
		a.content = ""
	case len(a.toolCalls) > 0:
		a.content, a.finish = "", "tool_calls"
	case cut:
		a.finish = "length"
	}
	if api == apiOpenRouter {
		a.id = "gen-" + strconv.FormatInt(a.created, 10) + "-" + s.nextID("")
	} else {
		a.id = s.nextID("chatcmpl-sim")
	}
	completion := countWords(a.content)
	for _, c := range a.toolCalls {
		completion += 1 + countWords(strings.NewReplacer(",", " ", ":", " ").Replace(c.arguments))
	}
	a.usage = a.makeUsage(max(promptWords, 1), completion*a.choices)
	return a, apiError{}, true
}

// prompt is the text the answer echoes, the last user message (the first
// message when no message is the user's), and the prompt's tokens: the
// words of every message.
func (req *chatRequest) prompt() (string, int) {
	pi := 0
	for i := len(req.Messages) - 1; i > 0; i-- {
		if req.Messages[i].Role == "user" {
			pi = i
			break
		}
	}
	words, prompt := 0, ""
	for i := range req.Messages {
		t := req.Messages[i].text()
		words += countWords(t)
		if i == pi {
			prompt = t
		}
	}
	return prompt, words
}

// answerFull is the whole answer before limits: the echo, or a JSON value
// when response_format asks for one (a json_schema's value generated from
// the schema; spaced so that a stream splits it into several deltas).
func (req *chatRequest) answerFull(flavour, prompt string, tokens int) string {
	text := answerText(flavour, req.Model, prompt)
	if rf := req.ResponseFormat; rf != nil {
		switch rf.Type {
		case "json_schema":
			var schema json.RawMessage
			if rf.JSONSchema != nil {
				schema = rf.JSONSchema.Schema
			}
			return spacedJSON(schemaValue(schema))
		case "json_object":
			return jsonAnswer(text)
		}
	}
	return fitTokens(text, tokens)
}

// toolDecls are the functions the request offers.
func (req *chatRequest) toolDecls() []toolDecl {
	out := make([]toolDecl, 0, len(req.Tools))
	for _, t := range req.Tools {
		out = append(out, toolDecl{Name: t.Function.Name, Parameters: t.Function.Parameters})
	}
	return out
}

// toolChoice reads tool_choice ("auto" by default) and parallel_tool_calls
// (true by default).
func (req *chatRequest) toolChoice() (mode, name string, parallel bool) {
	mode, parallel = toolModeAuto, req.ParallelToolCalls == nil || *req.ParallelToolCalls
	var s string
	if json.Unmarshal(req.ToolChoice, &s) == nil && s != "" {
		return s, "", parallel
	}
	var obj struct {
		Type     string `json:"type"`
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if json.Unmarshal(req.ToolChoice, &obj) == nil && obj.Function.Name != "" {
		return toolModeFunction, obj.Function.Name, parallel
	}
	return mode, "", parallel
}

// toolResults are the contents of the tool messages that end the
// conversation, and whether it ends with one (the model then answers).
func (req *chatRequest) toolResults() ([]string, bool) {
	var out []string
	i := len(req.Messages) - 1
	for ; i >= 0 && req.Messages[i].Role == "tool"; i-- {
		out = append([]string{req.Messages[i].text()}, out...)
	}
	return out, len(out) > 0
}

// validateTools refuses what OpenAI refuses: a tool_choice naming a
// function that is not offered, or tool_choice without tools.
func (req *chatRequest) validateTools() (apiError, bool) {
	mode, name, _ := req.toolChoice()
	bad := apiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: "tool_choice", code: "invalid_value"}
	if isJSONSet(req.ToolChoice) && len(req.Tools) == 0 && mode != toolModeNone {
		bad.message = "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."
		return bad, false
	}
	if mode == toolModeFunction {
		for _, t := range req.Tools {
			if t.Function.Name == name {
				return apiError{}, true
			}
		}
		bad.message = "Invalid value for 'tool_choice': function '" + name + "' is not among the tools."
		return bad, false
	}
	return apiError{}, true
}

func isJSONSet(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && s != "null"
}

// makeUsage is the usage object of the answer's flavour; completion tokens
// include the reasoning tokens, as OpenAI counts them.
func (a *chatAnswer) makeUsage(prompt, content int) usage {
	u := usage{PromptTokens: prompt, CompletionTokens: content + a.reasoning + a.hiddenReasoning}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	switch a.api {
	case apiGroq:
		q, p, c := 0.01, 0.002, float64(u.CompletionTokens)/1000
		tot := q + p + c
		u.QueueTime, u.PromptTime, u.CompletionTime, u.TotalTime = &q, &p, &c, &tot
	case apiOpenRouter:
		cost := float64(u.TotalTokens) * 1e-7
		byok := false
		u.Cost, u.IsByok, u.CostDetails = &cost, &byok, &costDetails{}
		fallthrough
	default:
		u.PromptTokensDetails = &promptDetails{}
		u.CompletionTokensDetails = &completionDetails{ReasoningTokens: a.reasoning + a.hiddenReasoning}
	}
	return u
}

// serviceTier is the service_tier the flavour reports ("" omits it).
func (a *chatAnswer) serviceTier() string {
	switch a.api {
	case apiOpenAI:
		return "default"
	case apiGroq:
		return "on_demand"
	}
	return ""
}

// fingerprint is the system_fingerprint ("" omits it: OpenRouter's answers
// carry none).
func (a *chatAnswer) fingerprint() string {
	if a.api == apiOpenRouter {
		return ""
	}
	return fingerprint
}

// groqID is the x_groq request id.
func (a *chatAnswer) groqID() string { return "req_" + a.id[len("chatcmpl-"):] }

// plainChat writes a non-streamed answer once it is generated.
func plainChat(w http.ResponseWriter, a *chatAnswer, fault Fault, tl *timeline) {
	if fault == FaultErrorIn200 {
		writeJSON(w, http.StatusOK, jsonType, errorBody(a.api, inBandError(fault, a.api)))
		return
	}
	if !tl.wait(tl.doneAt(countWords(a.content))) {
		return
	}
	if fault == FaultMidstreamError {
		writeJSON(w, http.StatusOK, jsonType, errorBody(a.api, inBandError(fault, a.api)))
		return
	}
	msg := assistantMsg{Role: "assistant", Content: &a.content}
	if len(a.toolCalls) > 0 && a.content == "" {
		msg.Content = nil
	}
	for _, c := range a.toolCalls {
		tc := toolCallJSON{ID: c.id, Type: "function"}
		tc.Function.Name, tc.Function.Arguments = c.name, c.arguments
		msg.ToolCalls = append(msg.ToolCalls, tc)
	}
	if a.reasoning > 0 {
		text := reasoningText(a.reasoning)
		if a.api == apiOpenAI {
			msg.ReasoningContent = &text
		} else {
			msg.Reasoning = &text
		}
	}
	resp := chatCompletion{
		ID: a.id, Object: "chat.completion", Created: a.created, Model: a.model,
		Choices:     make([]chatChoice, a.choices),
		Usage:       a.usage,
		ServiceTier: a.serviceTier(), SystemFingerprint: a.fingerprint(),
	}
	for i := range resp.Choices {
		resp.Choices[i] = chatChoice{Index: i, Message: msg, Logprobs: a.logprobsOf(a.content), FinishReason: a.finish}
	}
	switch a.api {
	case apiOpenRouter:
		resp.Provider = "OpenAI"
		for i := range resp.Choices {
			resp.Choices[i].NativeFinishReason = a.finish
		}
	case apiGroq:
		resp.XGroq = &xGroq{ID: a.groqID()}
	case apiAzure:
		resp.PromptFilterResults = azurePromptFilter()
		resp.Choices[0].ContentFilterResults = azureFilterResults(false)
	}
	if fault == FaultCutStream {
		body := encodeJSON(&resp)
		w.Header().Set("Content-Type", jsonType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		abort(w)
	}
	writeJSON(w, http.StatusOK, jsonType, &resp)
}

// chunkWriter writes the chunks of one streamed answer.
type chunkWriter struct {
	sse   *sseWriter
	a     *chatAnswer
	usage bool // stream_options.include_usage
}

// chunk returns an envelope with one choice and the given delta.
func (c *chunkWriter) chunk(d chunkDelta) chatChunk {
	ch := chatChunk{
		ID: c.a.id, Object: "chat.completion.chunk", Created: c.a.created, Model: c.a.model,
		ServiceTier: c.a.serviceTier(), SystemFingerprint: c.a.fingerprint(),
		Choices: []chunkChoice{{Delta: d, Logprobs: jsonNull}},
	}
	if c.a.api == apiOpenRouter {
		ch.Provider = "OpenAI"
		ch.Choices[0].NativeFinishReason = jsonNull
	}
	if c.usage {
		// With include_usage every chunk but the last carries "usage": null.
		ch.Usage = jsonNull
	}
	return ch
}

func (c *chunkWriter) send(ch *chatChunk) { c.sse.data(ch) }

// reasoningDelta is one reasoning token in the flavour's field:
// reasoning_content on OpenAI-style routes (as DeepSeek-style reasoning
// servers send it), reasoning on Groq and OpenRouter.
func (c *chunkWriter) reasoningDelta(text string) chunkDelta {
	switch c.a.api {
	case apiOpenAI:
		return chunkDelta{Content: jsonNull, ReasoningContent: &text}
	case apiOpenRouter:
		return chunkDelta{Content: jsonString(""), Reasoning: &text}
	}
	return chunkDelta{Reasoning: &text}
}

// streamError sends the flavour's in-stream error event.
func (c *chunkWriter) streamError(f Fault) {
	e := inBandError(f, c.a.api)
	if c.a.api != apiOpenRouter {
		c.sse.data(errorBody(c.a.api, e))
		return
	}
	ch := c.chunk(chunkDelta{Content: jsonString("")})
	ch.Usage = nil
	ch.Error = &orStreamError{Code: "server_error", Message: e.orMessage}
	fin := "error"
	ch.Choices[0].FinishReason = &fin
	c.send(&ch)
}

// streamChat writes a streamed answer, token by token on its timeline.
func (s *Simulator) streamChat(w http.ResponseWriter, r *http.Request, req *chatRequest, a *chatAnswer, fault Fault, tl *timeline) {
	sse := newSSE(w)
	tl.streamTo(sse.flush)
	if a.api == apiOpenRouter {
		sse.raw(": OPENROUTER PROCESSING\n\n")
	}
	if a.api == apiAzure {
		sse.data(azureFirstChunk())
	}
	if fault == FaultMalformed {
		sse.raw("data: {not json\n\n")
		sse.raw("data: [DONE]\n\n")
		return
	}
	cw := &chunkWriter{sse: sse, a: a, usage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage}
	if fault == FaultErrorIn200 {
		cw.streamError(fault)
		return
	}
	role := chunkDelta{Role: "assistant", Content: jsonString("")}
	if len(a.toolCalls) > 0 {
		role.Content = jsonNull
	}
	for c := 0; c < a.choices; c++ {
		ch := cw.chunk(role)
		ch.Choices[0].Index = c
		if a.api == apiGroq {
			ch.XGroq = &xGroq{ID: a.groqID()}
		}
		cw.send(&ch)
	}
	for i := 0; i < a.reasoning; i++ {
		if !tl.wait(tl.reasoningAt(i)) {
			return
		}
		ch := cw.chunk(cw.reasoningDelta(reasoningPiece(i)))
		cw.send(&ch)
	}
	pieces := tl.pieces(a.content)
	if len(pieces) == 0 && len(a.toolCalls) == 0 && (fault == FaultStall || fault == FaultCutStream || fault == FaultMidstreamError) {
		pieces = tl.pieces(a.full)
	}
	steps := a.streamSteps(pieces)
	for i, st := range steps {
		if !tl.wait(tl.contentAt(i)) {
			return
		}
		for c := 0; c < a.choices; c++ {
			ch := cw.chunk(st.delta)
			ch.Choices[0].Index, ch.Choices[0].Logprobs = c, st.logprobs
			cw.send(&ch)
		}
		switch {
		case fault == FaultStall:
			tl.waitGone(r)
			return
		case fault == FaultCutStream:
			abort(w)
		case fault == FaultMidstreamError && i+1 >= max(1, len(steps)/2):
			cw.streamError(fault)
			return
		}
	}
	if !tl.wait(tl.contentAt(len(steps))) {
		return
	}
	for c := 0; c < a.choices; c++ {
		ch := cw.chunk(chunkDelta{})
		ch.Choices[0].Index = c
		ch.Choices[0].FinishReason = &a.finish
		if a.api == apiOpenRouter {
			ch.Choices[0].NativeFinishReason = jsonString(a.finish)
		}
		if a.api == apiGroq && c == a.choices-1 {
			ch.XGroq = &xGroq{ID: a.groqID(), Usage: &a.usage}
		}
		cw.send(&ch)
	}
	if cw.usage {
		cw.sendUsage()
	}
	sse.raw("data: [DONE]\n\n")
}

// streamStep is one delta of a streamed answer and its logprobs.
type streamStep struct {
	delta    chunkDelta
	logprobs json.RawMessage
}

// streamSteps are the deltas after the role chunk: the content pieces,
// then each tool call as OpenAI streams it: a delta with its index, id,
// type, name and empty arguments, then the arguments in three fragments.
func (a *chatAnswer) streamSteps(pieces []string) []streamStep {
	steps := make([]streamStep, 0, len(pieces)+4*len(a.toolCalls))
	for _, p := range pieces {
		steps = append(steps, streamStep{delta: chunkDelta{Content: jsonString(p)}, logprobs: a.logprobsOf(p)})
	}
	for k, c := range a.toolCalls {
		head := toolCallJSON{Index: &k, ID: c.id, Type: "function"}
		head.Function.Name = c.name
		steps = append(steps, streamStep{delta: chunkDelta{ToolCalls: []toolCallJSON{head}}, logprobs: jsonNull})
		for _, frag := range splitThirds(c.arguments) {
			d := toolCallJSON{Index: &k}
			d.Function.Arguments = frag
			steps = append(steps, streamStep{delta: chunkDelta{ToolCalls: []toolCallJSON{d}}, logprobs: jsonNull})
		}
	}
	return steps
}

// splitThirds cuts s into up to three fragments at rune boundaries.
func splitThirds(s string) []string {
	var out []string
	for len(s) > 0 {
		n := (len(s) + 2 - len(out)) / (3 - len(out))
		if len(out) == 2 || n >= len(s) {
			return append(out, s)
		}
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// logprobsOf is the logprobs object of text (null unless asked for): one
// entry per word, with top_logprobs alternatives, values made up but fixed.
func (a *chatAnswer) logprobsOf(text string) json.RawMessage {
	if !a.logprobs {
		return jsonNull
	}
	type alt struct {
		Token   string  `json:"token"`
		Logprob float64 `json:"logprob"`
		Bytes   []int   `json:"bytes"`
	}
	type entry struct {
		alt
		TopLogprobs []alt `json:"top_logprobs"`
	}
	bytesOf := func(s string) []int {
		out := make([]int, len(s))
		for i := range len(s) {
			out[i] = int(s[i])
		}
		return out
	}
	content := []entry{}
	for i, w := range splitWords(text, 1) {
		e := entry{alt: alt{Token: w, Logprob: -0.01 * float64(i%10+1), Bytes: bytesOf(w)}, TopLogprobs: []alt{}}
		for k := 0; k < a.topLogprobs; k++ {
			tok := w
			if k > 0 {
				tok = "alt" + strconv.Itoa(k)
			}
			e.TopLogprobs = append(e.TopLogprobs, alt{Token: tok, Logprob: e.Logprob - float64(k), Bytes: bytesOf(tok)})
		}
		content = append(content, e)
	}
	return encodeJSON(struct {
		Content []entry         `json:"content"`
		Refusal json.RawMessage `json:"refusal"`
	}{content, jsonNull})
}

// sendUsage sends the usage chunk: "choices":[] on OpenAI and Groq; on
// OpenRouter one choice with an empty delta, as OpenRouter sends it.
func (c *chunkWriter) sendUsage() {
	var ch chatChunk
	if c.a.api == apiOpenRouter {
		ch = c.chunk(chunkDelta{Role: "assistant", Content: jsonString("")})
	} else {
		ch = c.chunk(chunkDelta{})
		ch.Choices = []chunkChoice{}
	}
	ch.Usage = encodeJSON(&c.a.usage)
	c.send(&ch)
}

// bearerKey is the key of an "Authorization: Bearer" header, and whether
// there is one.
func bearerKey(r *http.Request) (string, bool) {
	return strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// checkKey refuses with api's 401 a missing or blank key (present: a key
// header came) and one starting with invalidKeyPrefix.
func checkKey(api apiKind, key string, present bool) (apiError, bool) {
	present = present && strings.TrimSpace(key) != ""
	if present && !strings.HasPrefix(key, invalidKeyPrefix) {
		return apiError{}, true
	}
	return authError(api, present), false
}

// openAIAuth checks an OpenAI route's bearer key.
func openAIAuth(r *http.Request) (apiError, bool) {
	key, present := bearerKey(r)
	return checkKey(apiOpenAI, key, present)
}

// authError is the 401 of a missing (present=false) or refused key.
func authError(api apiKind, present bool) apiError {
	e := apiError{status: http.StatusUnauthorized, typ: "invalid_request_error", code: "invalid_api_key"}
	switch {
	case api == apiOpenRouter && !present:
		e.message = "No auth credentials found"
	case api == apiOpenRouter:
		e.message = "User not found."
	case api == apiGroq:
		e.message = "Invalid API Key"
	case !present:
		e.message = "Incorrect API key provided: you didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
	default:
		e.message = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."
	}
	return e
}

// badJSONMessage is OpenAI's message for a body that is no JSON object.
const badJSONMessage = "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"

// maxStops is how many stop sequences OpenAI (and Azure) take.
const maxStops = 4

// validateChat checks a decoded request; bodyErr is the decoding error.
// reasoning_effort and verbosity are checked as OpenAI does: their values,
// and (on the OpenAI route) reasoning_effort only for reasoning models,
// verbosity other than medium only for gpt-5 models.
func validateChat(req *chatRequest, api apiKind, bodyErr error) (apiError, bool) {
	bad := apiError{status: http.StatusBadRequest, typ: "invalid_request_error"}
	switch {
	case bodyErr != nil:
		bad.message = badJSONMessage
	case req.Model == "":
		bad.message = "you must provide a model parameter"
	case len(req.Messages) == 0:
		bad.message, bad.param, bad.code = "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"
	case req.MaxTokens != nil && *req.MaxTokens < 1:
		bad.message, bad.param, bad.code = "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got "+strconv.Itoa(*req.MaxTokens)+" instead.", "max_tokens", "integer_below_min_value"
	case req.MaxCompletionTokens != nil && *req.MaxCompletionTokens < 1:
		bad.message, bad.param, bad.code = "Invalid 'max_completion_tokens': integer below minimum value. Expected a value >= 1, but got "+strconv.Itoa(*req.MaxCompletionTokens)+" instead.", "max_completion_tokens", "integer_below_min_value"
	case req.ReasoningEffort != nil && reasoningEffortTokens[*req.ReasoningEffort] == 0 && *req.ReasoningEffort != "none":
		bad.message, bad.param, bad.code = "Invalid value: '"+*req.ReasoningEffort+"'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', and 'xhigh'.", "reasoning_effort", "invalid_value"
	case req.ReasoningEffort != nil && api == apiOpenAI && !openAIReasoningModel(req.Model):
		bad.message, bad.param, bad.code = "Unsupported parameter: 'reasoning_effort' is not supported with this model.", "reasoning_effort", "unsupported_parameter"
	case (api == apiOpenAI || api == apiAzure) && len(req.stops()) > maxStops:
		bad.message, bad.param, bad.code = "Invalid 'stop': array too long. Expected an array with maximum length "+strconv.Itoa(maxStops)+", but got an array with length "+strconv.Itoa(len(req.stops()))+" instead.", "stop", "array_above_max_length"
	case req.Verbosity != nil && *req.Verbosity != "low" && *req.Verbosity != "medium" && *req.Verbosity != "high":
		bad.message, bad.param, bad.code = "Invalid value: '"+*req.Verbosity+"'. Supported values are: 'low', 'medium', and 'high'.", "verbosity", "invalid_value"
	case req.Verbosity != nil && *req.Verbosity != "medium" && api == apiOpenAI && !strings.HasPrefix(req.Model, "gpt-5"):
		bad.message, bad.param, bad.code = "Unsupported value: 'verbosity' does not support '"+*req.Verbosity+"' with this model. Supported values are: 'medium'.", "verbosity", "unsupported_value"
	default:
		return apiError{}, true
	}
	return bad, false
}

// modelsCreated is the fixed creation time of the listed models.
const modelsCreated = 1715367049

type openAIModel struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

type openAIModels struct {
	Object string        `json:"object"`
	Data   []openAIModel `json:"data"`
}

// knownModels are the models the lists show; any model name is served.
var knownModels = []string{"gpt-4o", "gpt-4o-mini", "mistralai/mistral-7b-instruct", "moonshotai/kimi-k2-instruct", "gemini-2.0-flash"}

func ownerOf(model string) string {
	if i := strings.IndexByte(model, '/'); i > 0 {
		return model[:i]
	}
	if strings.HasPrefix(model, "gemini") {
		return "google"
	}
	return "openai"
}

func openAIModelList() openAIModels {
	l := openAIModels{Object: "list", Data: make([]openAIModel, len(knownModels))}
	for i, m := range knownModels {
		l.Data[i] = openAIModel{ID: m, Object: "model", Created: modelsCreated, OwnedBy: ownerOf(m)}
	}
	return l
}
