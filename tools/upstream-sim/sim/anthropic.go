package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The Anthropic Messages API flavour (POST /v1/messages), after
// docs.claude.com/en/api/messages, /messages-streaming and /errors.

// anthropicRequest is the part of a Messages request the simulator reads.
type anthropicRequest struct {
	Model         string             `json:"model"`
	MaxTokens     *int               `json:"max_tokens"`
	System        json.RawMessage    `json:"system"`
	Messages      []anthropicMessage `json:"messages"`
	StopSequences []string           `json:"stop_sequences"`
	Temperature   *float64           `json:"temperature"`
	Stream        bool               `json:"stream"`
	Tools         []struct {
		Name        string          `json:"name"`
		InputSchema json.RawMessage `json:"input_schema"`
	} `json:"tools"`
	ToolChoice *struct {
		Type string `json:"type"`
		Name string `json:"name"`
	} `json:"tool_choice"`
	Thinking *struct {
		Type         string `json:"type"`
		BudgetTokens *int   `json:"budget_tokens"`
	} `json:"thinking"`
}

// thinkingOn reports whether the request turned extended thinking on.
func (r *anthropicRequest) thinkingOn() bool {
	return r.Thinking != nil && (r.Thinking.Type == "enabled" || r.Thinking.Type == "adaptive")
}

type anthropicMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// anthropicBlock is a content block of a request or an answer.
type anthropicBlock struct {
	Type      string          `json:"type"`
	Text      *string         `json:"text,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	ToolUseID string          `json:"tool_use_id,omitempty"`
	Content   json.RawMessage `json:"content,omitempty"`
	// thinking (signed) and redacted_thinking (data)
	Thinking  *string `json:"thinking,omitempty"`
	Signature *string `json:"signature,omitempty"`
	Data      string  `json:"data,omitempty"`
}

// thinkingSignature is the signature the simulator gives a thinking block
// and checks when a client sends it back (the API's are opaque too; a block
// whose text was changed no longer verifies).
func thinkingSignature(thinking string) string {
	sum := sha256.Sum256([]byte("sim-thinking\x00" + thinking))
	return "sim-sig-" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// blocks reads a content that is a string or a list of blocks.
func (m *anthropicMessage) blocks() ([]anthropicBlock, bool) {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return []anthropicBlock{{Type: "text", Text: &s}}, true
	}
	var out []anthropicBlock
	if json.Unmarshal(m.Content, &out) != nil {
		return nil, false
	}
	return out, true
}

// blockText is a block's text: a text block's, or a tool result's content.
func blockText(b anthropicBlock) string {
	switch b.Type {
	case "text":
		if b.Text != nil {
			return *b.Text
		}
	case "tool_result":
		var s string
		if json.Unmarshal(b.Content, &s) == nil {
			return s
		}
		var parts []anthropicBlock
		_ = json.Unmarshal(b.Content, &parts)
		var sb strings.Builder
		for _, p := range parts {
			sb.WriteString(blockText(p))
		}
		return sb.String()
	}
	return ""
}

type anthropicUsage struct {
	InputTokens              int `json:"input_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	OutputTokens             int `json:"output_tokens"`
}

type anthropicMessageResponse struct {
	ID           string           `json:"id"`
	Type         string           `json:"type"`
	Role         string           `json:"role"`
	Model        string           `json:"model"`
	Content      []anthropicBlock `json:"content"`
	StopReason   *string          `json:"stop_reason"`
	StopSequence *string          `json:"stop_sequence"`
	Usage        anthropicUsage   `json:"usage"`
}

// anthropicErrorBody is Anthropic's error format.
type anthropicErrorBody struct {
	Type      string               `json:"type"`
	Error     anthropicErrorDetail `json:"error"`
	RequestID string               `json:"request_id,omitempty"`
}

type anthropicErrorDetail struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// anthropicErrorType is the error type Anthropic documents for a status.
func anthropicErrorType(status int) string {
	switch status {
	case 400, 405:
		return "invalid_request_error"
	case 401:
		return "authentication_error"
	case 402:
		return "billing_error"
	case 403:
		return "permission_error"
	case 404:
		return "not_found_error"
	case 413:
		return "request_too_large"
	case 429:
		return "rate_limit_error"
	case 504:
		return "timeout_error"
	case 529:
		return "overloaded_error"
	}
	return "api_error"
}

// anthropicAnswer is one generated answer, before it is sent.
type anthropicAnswer struct {
	msg      anthropicMessageResponse
	thinking string // the thinking block's text, when thinking is on
	text     string // the text block's text
	hasText  bool   // the answer has a text block (it may be empty)
	tool     *anthropicBlock
	prompt   string
	promptN  int
}

// anthropic answers POST /v1/messages.
func (s *Simulator) anthropic(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		notAllowed(w, apiAnthropic)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	var req anthropicRequest
	raw, bodyErr := readJSONBody(w, r, &req, true)
	s.remember(r.URL.Path, raw)
	s.count(apiAnthropic, r.URL.Path, req.Model, req.Stream)
	if e, ok := anthropicAuth(r); !ok {
		writeError(w, apiAnthropic, e)
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
	if e, ok := faultError(fault, apiAnthropic, req.Model); ok {
		writeError(w, apiAnthropic, e)
		return
	}
	if fault == FaultMalformed && !req.Stream {
		w.Header().Set("Content-Type", jsonType)
		_, _ = io.WriteString(w, `{"id":"msg_sim","type":"message",content:[{not json]`+"\n")
		return
	}
	if e, ok := validateAnthropic(&req, bodyErr); !ok {
		writeError(w, apiAnthropic, e)
		return
	}
	a, e, ok := s.buildAnthropic(&req, fault, tl)
	if !ok {
		writeError(w, apiAnthropic, e)
		return
	}
	if !req.Stream {
		plainAnthropic(w, a, fault, tl)
		return
	}
	streamAnthropic(w, r, a, fault, tl)
}

// anthropicAuth checks the key as the real API does: x-api-key (or a
// Bearer token), and the anthropic-version header.
func anthropicAuth(r *http.Request) (apiError, bool) {
	key := r.Header.Get("X-Api-Key")
	if key == "" {
		key, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	switch {
	case key == "":
		return apiError{status: http.StatusUnauthorized, message: "x-api-key header is required"}, false
	case strings.HasPrefix(key, invalidKeyPrefix):
		return apiError{status: http.StatusUnauthorized, message: "invalid x-api-key"}, false
	case r.Header.Get("Anthropic-Version") == "":
		return apiError{status: http.StatusBadRequest, message: "anthropic-version: header is required"}, false
	}
	return apiError{}, true
}

// validateAnthropic checks a decoded request as strictly as the API: the
// required fields, roles that alternate starting with the user, and every
// tool_use answered by a tool_result in the next message.
func validateAnthropic(req *anthropicRequest, bodyErr error) (apiError, bool) {
	bad := func(format string, args ...any) (apiError, bool) {
		return apiError{status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}, false
	}
	switch {
	case bodyErr != nil:
		return bad("There was an issue with your request body: it is not valid JSON.")
	case req.Model == "":
		return bad("model: Field required")
	case req.MaxTokens == nil:
		return bad("max_tokens: Field required")
	case *req.MaxTokens < 1:
		return bad("max_tokens: Input should be greater than or equal to 1")
	case len(req.Messages) == 0:
		return bad("messages: at least one message is required")
	case req.Temperature != nil && (*req.Temperature < 0 || *req.Temperature > 1):
		return bad("temperature: range: 0..1")
	case req.Messages[0].Role != "user":
		return bad("messages: first message must use the \"user\" role")
	}
	if e, ok := validateThinking(req); !ok {
		return e, false
	}
	var pending []string // tool_use ids the next message must answer
	for i := range req.Messages {
		m := &req.Messages[i]
		if m.Role != "user" && m.Role != "assistant" {
			return bad("messages.%d.role: Input should be 'user' or 'assistant'", i)
		}
		if i > 0 && req.Messages[i-1].Role == m.Role {
			return bad("messages: roles must alternate between \"user\" and \"assistant\", but found multiple %q roles in a row", m.Role)
		}
		blocks, ok := m.blocks()
		if !ok || len(blocks) == 0 {
			return bad("messages.%d.content: must be a string or a non-empty list of content blocks", i)
		}
		answered := map[string]bool{}
		var uses []string
		for j, b := range blocks {
			switch {
			case b.Type == "text" && (b.Text == nil || *b.Text == ""):
				return bad("messages.%d.content.%d.text: text content blocks must be non-empty", i, j)
			case b.Type == "tool_result":
				answered[b.ToolUseID] = true
			case b.Type == "tool_use":
				uses = append(uses, b.ID)
			case b.Type == "thinking" && (b.Signature == nil || b.Thinking == nil):
				return bad("messages.%d.content.%d.thinking.signature: Field required", i, j)
			case b.Type == "thinking" && *b.Signature != thinkingSignature(*b.Thinking):
				return bad("messages.%d.content.%d: Invalid `signature` in `thinking` block", i, j)
			}
		}
		for _, id := range pending {
			if !answered[id] {
				return bad("messages.%d: `tool_use` ids were found without `tool_result` blocks immediately after: %s. Each `tool_use` block must have a corresponding `tool_result` block in the next message.", i-1, id)
			}
		}
		pending = uses
	}
	return apiError{}, true
}

// validateThinking checks extended thinking as the API does: a budget of at
// least 1024 tokens below max_tokens, temperature 1 if any, and — in a tool
// loop — the assistant turn that made the calls starting with its thinking
// block (the API needs the thinking back to go on).
func validateThinking(req *anthropicRequest) (apiError, bool) {
	bad := func(format string, args ...any) (apiError, bool) {
		return apiError{status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}, false
	}
	t := req.Thinking
	switch {
	case t == nil || t.Type == "disabled":
		return apiError{}, true
	case t.Type != "enabled" && t.Type != "adaptive":
		return bad("thinking.type: Input should be 'enabled', 'adaptive' or 'disabled'")
	case t.Type == "adaptive" && t.BudgetTokens != nil:
		return bad("thinking.adaptive.budget_tokens: Extra inputs are not permitted")
	case t.Type == "enabled" && t.BudgetTokens == nil:
		return bad("thinking.enabled.budget_tokens: Field required")
	case t.Type == "enabled" && *t.BudgetTokens < 1024:
		return bad("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")
	case t.Type == "enabled" && *t.BudgetTokens >= *req.MaxTokens:
		return bad("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size")
	case req.Temperature != nil && *req.Temperature != 1:
		return bad("`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility")
	case req.ToolChoice != nil && (req.ToolChoice.Type == "any" || req.ToolChoice.Type == "tool"):
		return bad("Thinking may not be enabled when tool_choice forces tool use.")
	}
	n := len(req.Messages)
	last, _ := req.Messages[n-1].blocks()
	if n < 2 || len(last) == 0 || last[0].Type != "tool_result" {
		return apiError{}, true
	}
	prev, _ := req.Messages[n-2].blocks()
	if len(prev) > 0 && prev[0].Type != "thinking" && prev[0].Type != "redacted_thinking" {
		return bad("messages.%d.content.0.type: Expected `thinking` or `redacted_thinking`, but found `%s`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking", n-2, prev[0].Type)
	}
	return apiError{}, true
}

// promptWords counts the request's input as the answers' usage does: the
// words of the system and of every message's blocks.
func (req *anthropicRequest) promptWords() int {
	words := countWords(systemText(req.System))
	for i := range req.Messages {
		blocks, _ := req.Messages[i].blocks()
		for _, b := range blocks {
			words += countWords(blockText(b))
		}
	}
	return max(words, 1)
}

// anthropicCount answers POST /v1/messages/count_tokens: {"input_tokens"},
// the count a message answer's usage.input_tokens gives for the same input.
// The request is checked as for messages, except that max_tokens is not
// taken.
func (s *Simulator) anthropicCount(w http.ResponseWriter, r *http.Request) {
	var req anthropicRequest
	bodyErr, ok := s.countCall(w, r, apiAnthropic, &req, func() string { return req.Model }, anthropicAuth)
	if !ok {
		return
	}
	if req.MaxTokens != nil {
		writeError(w, apiAnthropic, apiError{status: http.StatusBadRequest, message: "max_tokens: Extra inputs are not permitted"})
		return
	}
	// validateAnthropic wants max_tokens, which a count does not take.
	limit := 1 << 30
	req.MaxTokens = &limit
	if e, ok := validateAnthropic(&req, bodyErr); !ok {
		writeError(w, apiAnthropic, e)
		return
	}
	writeJSON(w, http.StatusOK, jsonType, map[string]int{"input_tokens": req.promptWords()})
}

// buildAnthropic generates the answer: a tool_use when tools are offered
// and tool_choice is any or tool (and the last message is no tool result),
// else text — an echo of the last user text, or of the tool results.
func (s *Simulator) buildAnthropic(req *anthropicRequest, fault Fault, tl *timeline) (*anthropicAnswer, apiError, bool) {
	a := &anthropicAnswer{}
	var results []string
	for i := range req.Messages {
		blocks, _ := req.Messages[i].blocks()
		results = results[:0]
		var text strings.Builder
		for _, b := range blocks {
			t := blockText(b)
			if b.Type == "tool_result" {
				results = append(results, t)
			} else if b.Type == "text" {
				text.WriteString(t)
			}
		}
		if req.Messages[i].Role == "user" {
			a.prompt = text.String()
		}
	}
	a.promptN = req.promptWords()
	if strings.Contains(a.prompt, triggerBlock) {
		return nil, apiError{status: http.StatusBadRequest, message: "Output blocked by content filtering policy" + simNote + triggerBlock + ")"}, false
	}
	a.msg = anthropicMessageResponse{ID: s.nextID("msg_sim"), Type: "message", Role: "assistant", Model: req.Model, Content: []anthropicBlock{}}
	stop := "end_turn"
	switch {
	case strings.Contains(a.prompt, triggerSafety):
		stop = "refusal"
	case fault == FaultEmptyCandidate || fault == FaultEmptyStop:
	case len(results) == 0 && req.wantsTool(a.prompt):
		a.tool = s.toolUse(req, a.prompt)
		stop = "tool_use"
	default:
		stop = a.shapeText(req, results, tl)
		a.hasText = true
	}
	a.msg.StopReason = &stop
	if req.thinkingOn() && stop != "refusal" {
		a.thinking = "The user wrote: " + a.prompt + ". I will answer briefly."
		if len(results) > 0 {
			a.thinking = "The tools answered: " + strings.Join(results, "; ") + ". I will report it."
		}
		t, sig := a.thinking, thinkingSignature(a.thinking)
		a.msg.Content = append(a.msg.Content, anthropicBlock{Type: "thinking", Thinking: &t, Signature: &sig})
	}
	if a.hasText {
		t := a.text
		a.msg.Content = append(a.msg.Content, anthropicBlock{Type: "text", Text: &t})
	}
	if a.tool != nil {
		a.msg.Content = append(a.msg.Content, *a.tool)
	}
	a.msg.Usage = anthropicUsage{InputTokens: a.promptN, OutputTokens: countWords(a.thinking) + countWords(a.text) + a.toolWords()}
	return a, apiError{}, true
}

// shapeText sets the text answer (cut by stop sequences and max_tokens)
// and returns its stop reason.
func (a *anthropicAnswer) shapeText(req *anthropicRequest, results []string, tl *timeline) string {
	full := answerText("anthropic", req.Model, a.prompt)
	if len(results) > 0 {
		full = "[sim anthropic " + req.Model + "] tool results: " + strings.Join(results, "; ")
	}
	full = fitTokens(full, tl.pace.Tokens)
	text, cut := shapeAnswer(full, nil, *req.MaxTokens)
	for _, st := range req.StopSequences {
		if i := strings.Index(text, st); st != "" && i >= 0 {
			a.text = text[:i]
			a.msg.StopSequence = &st
			return "stop_sequence"
		}
	}
	a.text = text
	if cut {
		return "max_tokens"
	}
	return "end_turn"
}

// wantsTool reports whether the answer is a call: tool_choice forces one, or
// (auto, the default) the prompt names an offered tool.
func (r *anthropicRequest) wantsTool(prompt string) bool {
	if len(r.Tools) == 0 || (r.ToolChoice != nil && r.ToolChoice.Type == "none") {
		return false
	}
	if r.ToolChoice != nil && (r.ToolChoice.Type == "any" || r.ToolChoice.Type == "tool") {
		return true
	}
	return r.namedTool(prompt) >= 0
}

// namedTool is the index of the first offered tool the prompt names, or -1.
func (r *anthropicRequest) namedTool(prompt string) int {
	for i, t := range r.Tools {
		if t.Name != "" && strings.Contains(prompt, t.Name) {
			return i
		}
	}
	return -1
}

// toolUse is the call: the tool tool_choice names, else the one the prompt
// names, else the first, with
// arguments valid against its schema (the generator both other wire formats
// use).
func (s *Simulator) toolUse(req *anthropicRequest, prompt string) *anthropicBlock {
	first := max(req.namedTool(prompt), 0)
	name := req.Tools[first].Name
	schema := req.Tools[first].InputSchema
	if req.ToolChoice != nil && req.ToolChoice.Type == "tool" {
		name = req.ToolChoice.Name
		for _, t := range req.Tools {
			if t.Name == name {
				schema = t.InputSchema
			}
		}
	}
	return &anthropicBlock{Type: "tool_use", ID: s.nextID("toolu_sim"), Name: name, Input: schemaValue(schema)}
}

// toolWords counts the tool call's arguments as output tokens.
func (a *anthropicAnswer) toolWords() int {
	if a.tool == nil {
		return 0
	}
	return max(1, countWords(strings.NewReplacer(",", " ", ":", " ").Replace(string(a.tool.Input))))
}

// systemText is the text of a system that is a string or text blocks.
func systemText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	m := anthropicMessage{Content: raw}
	blocks, _ := m.blocks()
	var b strings.Builder
	for _, bl := range blocks {
		b.WriteString(blockText(bl))
		b.WriteByte(' ')
	}
	return b.String()
}

// plainAnthropic writes the whole answer once it is generated.
func plainAnthropic(w http.ResponseWriter, a *anthropicAnswer, fault Fault, tl *timeline) {
	if fault == FaultErrorIn200 {
		writeJSON(w, http.StatusOK, jsonType, errorBody(apiAnthropic, inBandError(fault, apiAnthropic)))
		return
	}
	if !tl.wait(tl.doneAt(a.msg.Usage.OutputTokens)) {
		return
	}
	if fault == FaultMidstreamError {
		writeJSON(w, http.StatusOK, jsonType, errorBody(apiAnthropic, inBandError(fault, apiAnthropic)))
		return
	}
	if fault == FaultCutStream {
		body := encodeJSON(&a.msg)
		w.Header().Set("Content-Type", jsonType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		abort(w)
	}
	writeJSON(w, http.StatusOK, jsonType, &a.msg)
}

// anthropicStream writes named events ("event: T\ndata: {…}\n\n").
type anthropicStream struct{ sse *sseWriter }

func (s anthropicStream) send(typ string, v any) {
	s.sse.raw("event: " + typ + "\n")
	s.sse.data(v)
}

// streamAnthropic writes the documented event sequence: message_start,
// content_block_start, ping, content_block_delta…, content_block_stop (per
// block: text, then tool_use with input_json_delta fragments),
// message_delta with the stop reason and cumulative output tokens,
// message_stop.
func streamAnthropic(w http.ResponseWriter, r *http.Request, a *anthropicAnswer, fault Fault, tl *timeline) {
	st := anthropicStream{sse: newSSE(w)}
	tl.streamTo(st.sse.flush)
	if fault == FaultMalformed {
		st.sse.raw("event: message_start\ndata: {not json\n\n")
		return
	}
	if fault == FaultErrorIn200 {
		st.send("error", errorBody(apiAnthropic, inBandError(fault, apiAnthropic)))
		return
	}
	start := a.msg
	start.Content, start.StopReason, start.StopSequence = []anthropicBlock{}, nil, nil
	start.Usage.OutputTokens = 1
	st.send("message_start", map[string]any{"type": "message_start", "message": start})
	index := 0
	if a.thinking != "" {
		st.send("content_block_start", map[string]any{"type": "content_block_start", "index": index,
			"content_block": map[string]string{"type": "thinking", "thinking": "", "signature": ""}})
		for _, p := range strings.SplitAfter(a.thinking, " ") {
			st.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]string{"type": "thinking_delta", "thinking": p}})
		}
		st.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": index,
			"delta": map[string]string{"type": "signature_delta", "signature": thinkingSignature(a.thinking)}})
		st.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	if a.hasText {
		if !streamAnthropicText(st, r, a, fault, tl, index) {
			return
		}
		index++
	} else {
		st.send("ping", map[string]string{"type": "ping"})
	}
	if a.tool != nil {
		st.send("content_block_start", map[string]any{"type": "content_block_start", "index": index,
			"content_block": map[string]any{"type": "tool_use", "id": a.tool.ID, "name": a.tool.Name, "input": map[string]any{}}})
		for i, frag := range append([]string{""}, splitJSON(string(a.tool.Input))...) {
			st.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": index,
				"delta": map[string]string{"type": "input_json_delta", "partial_json": frag}})
			if i == 1 && !streamFault(st, r, fault) {
				return
			}
		}
		st.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
	}
	st.send("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": a.msg.StopReason, "stop_sequence": a.msg.StopSequence},
		"usage": map[string]int{"output_tokens": a.msg.Usage.OutputTokens}})
	st.send("message_stop", map[string]string{"type": "message_stop"})
}

// streamAnthropicText streams the text block on the answer's timeline;
// false when the stream ended there (a fault, or the client left).
func streamAnthropicText(st anthropicStream, r *http.Request, a *anthropicAnswer, fault Fault, tl *timeline, index int) bool {
	st.send("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": map[string]string{"type": "text", "text": ""}})
	st.send("ping", map[string]string{"type": "ping"})
	pieces := tl.pieces(a.text)
	for i, p := range pieces {
		if !tl.wait(tl.contentAt(i)) {
			return false
		}
		st.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]string{"type": "text_delta", "text": p}})
		if (fault != FaultMidstreamError || i+1 >= max(1, len(pieces)/2)) && !streamFault(st, r, fault) {
			return false
		}
	}
	st.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
	return true
}

// streamFault breaks a started stream as fault says: silence until the
// client leaves (stall), a cut connection (cut-stream), or an overloaded
// error event (midstream-error). It reports whether the stream goes on.
func streamFault(st anthropicStream, r *http.Request, fault Fault) bool {
	switch fault {
	case FaultStall:
		st.sse.flush()
		waitGone(r)
		return false
	case FaultCutStream:
		abort(st.sse.w)
	case FaultMidstreamError:
		st.send("error", errorBody(apiAnthropic, apiError{status: 529, message: "Overloaded" + simNote + string(fault) + ")"}))
		return false
	}
	return true
}

// splitJSON cuts a JSON text into three fragments, as the API streams a
// tool's input (fragments need not be valid JSON on their own).
func splitJSON(s string) []string {
	r := []rune(s)
	if len(r) < 3 {
		return []string{s}
	}
	third := len(r) / 3
	return []string{string(r[:third]), string(r[third : 2*third]), string(r[2*third:])}
}
