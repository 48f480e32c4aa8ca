package api

import (
	"encoding/json"
	"net/http"
	"strings"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/pipeline"
)

// messagesWriter answers POST /v1/messages in Anthropic's shapes: a
// message object, or the event sequence message_start, ping, per content
// block content_block_start / content_block_delta… / content_block_stop,
// message_delta (stop reason and usage), message_stop; failures as
// {"type":"error","error":{"type","message"}}.
type messagesWriter struct {
	answer
	model string
	// The stream's blocks: the next block index, the open one (-1: none),
	// its type, and the block of each tool call (by its index).
	next      int
	open      int
	openType  string
	toolBlock map[int32]int
}

func newMessagesWriter(a answer) pipeline.Writer {
	return &messagesWriter{answer: a, open: -1, toolBlock: map[int32]int{}}
}

// anthropicErrorBody is Anthropic's error JSON.
type anthropicErrorBody struct {
	Type      string          `json:"type"`
	Error     anthropicDetail `json:"error"`
	RequestID string          `json:"request_id,omitempty"`
}

type anthropicDetail struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// anthropicErrorType is the error type Anthropic's API uses for an HTTP
// status (docs.claude.com/en/api/errors), so the Anthropic SDKs raise the
// matching exception.
func anthropicErrorType(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "authentication_error"
	case http.StatusPaymentRequired:
		return "billing_error"
	case http.StatusForbidden:
		return "permission_error"
	case http.StatusNotFound:
		return "not_found_error"
	case http.StatusRequestEntityTooLarge:
		return "request_too_large"
	case http.StatusTooManyRequests:
		return "rate_limit_error"
	case http.StatusGatewayTimeout:
		return "timeout_error"
	case http.StatusServiceUnavailable, 529:
		return "overloaded_error"
	}
	if status >= 500 {
		return "api_error"
	}
	return "invalid_request_error"
}

func anthropicError(e *pipeline.Error, requestID string) anthropicErrorBody {
	return anthropicErrorBody{Type: "error", Error: anthropicDetail{Type: anthropicErrorType(e.Status), Message: e.Message}, RequestID: requestID}
}

// writeAnthropicError is writeError in Anthropic's shape.
func writeAnthropicError(w http.ResponseWriter, r *http.Request, e *pipeline.Error) {
	writeErrorBody(w, e, anthropicError(e, requestID(r)))
}

// failAnthropic is fail for the /v1/messages route: host-side refusals
// (decoding, overload) in Anthropic's error shape.
func failAnthropic(w http.ResponseWriter, r *http.Request, status int, errType, code, param, message string) {
	writeAnthropicError(w, r, &pipeline.Error{Status: status, Type: errType, Code: code, Param: param, Message: message})
}

func (m *messagesWriter) Error(e *pipeline.Error, tr *pipeline.Trace) {
	m.setHeaders(tr, nil)
	m.w.Header().Set("Request-Id", m.req.ID)
	writeAnthropicError(m.w, m.r, e)
}

func (m *messagesWriter) id() string { return "msg_" + m.req.ID }

// anthropicUsage is Anthropic's usage: input_tokens excludes what was read
// from or written to the provider's prompt cache.
type anthropicUsage struct {
	InputTokens              int32 `json:"input_tokens"`
	OutputTokens             int32 `json:"output_tokens"`
	CacheCreationInputTokens int32 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int32 `json:"cache_read_input_tokens"`
}

func anthropicUsageOf(u *pb.Usage) anthropicUsage {
	if u == nil {
		return anthropicUsage{}
	}
	return anthropicUsage{
		InputTokens:              max(0, u.PromptTokens-u.CachedTokens-u.CacheCreationTokens),
		OutputTokens:             u.CompletionTokens,
		CacheCreationInputTokens: u.CacheCreationTokens,
		CacheReadInputTokens:     u.CachedTokens,
	}
}

// stopReason maps a finish reason to Anthropic's stop_reason.
func stopReason(res *pipeline.Result) string {
	switch res.FinishReason {
	case "length":
		return "max_tokens"
	case "tool_calls":
		return "tool_use"
	case "content_filter":
		return "refusal"
	}
	if len(res.ToolCalls) > 0 {
		return "tool_use"
	}
	if res.Refusal != "" && res.Content == "" {
		return "refusal"
	}
	return "end_turn"
}

// anthropicBlock is an answer's content block (thinking, text or tool_use).
type anthropicBlock struct {
	Type      string          `json:"type"`
	Thinking  *string         `json:"thinking,omitempty"`
	Signature *string         `json:"signature,omitempty"`
	Text      *string         `json:"text,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
}

type anthropicMessage struct {
	ID           string           `json:"id"`
	Type         string           `json:"type"`
	Role         string           `json:"role"`
	Model        string           `json:"model"`
	Content      []anthropicBlock `json:"content"`
	StopReason   *string          `json:"stop_reason"`
	StopSequence *string          `json:"stop_sequence"`
	Usage        anthropicUsage   `json:"usage"`
}

// toolInput is a tool call's arguments as a tool_use input, which must be
// an object: arguments that are not one (a model's invalid JSON) give {}.
func toolInput(args string) json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(args), &obj) != nil || obj == nil {
		return json.RawMessage("{}")
	}
	return json.RawMessage(strings.TrimSpace(args))
}

// thinkingAsked reports whether the request turned extended thinking on:
// only then does the answer carry the model's thinking.
func (m *messagesWriter) thinkingAsked() bool {
	return m.req.Chat.ThinkingBudgetTokens != nil || m.req.Chat.GetThinkingAdaptive()
}

// Complete writes the whole message: the thinking when it was asked for
// (with its signature, which the client sends back in a tool loop), the
// text (or the refusal) as a text block, then a tool_use block per tool
// call.
func (m *messagesWriter) Complete(res *pipeline.Result, tr *pipeline.Trace) {
	m.setHeaders(tr, res)
	m.w.Header().Set("Request-Id", m.req.ID)
	var content []anthropicBlock
	if m.thinkingAsked() && res.Reasoning != "" {
		thinking, signature := res.Reasoning, res.ReasoningSignature
		content = append(content, anthropicBlock{Type: "thinking", Thinking: &thinking, Signature: &signature})
	}
	text := res.Content
	if text == "" {
		text = res.Refusal
	}
	if text != "" || len(res.ToolCalls) == 0 {
		content = append(content, anthropicBlock{Type: "text", Text: &text})
	}
	for _, tc := range res.ToolCalls {
		content = append(content, anthropicBlock{Type: "tool_use", ID: tc.Id, Name: tc.Name, Input: toolInput(tc.Arguments)})
	}
	stop := stopReason(res)
	writeJSON(m.w, http.StatusOK, anthropicMessage{ID: m.id(), Type: "message", Role: "assistant", Model: res.ModelUsed,
		Content: content, StopReason: &stop, Usage: anthropicUsageOf(res.Usage)})
	m.flush()
}

// send writes one named event; the event name is the data's type.
func (m *messagesWriter) send(typ string, v any) error {
	if _, err := m.w.Write([]byte("event: " + typ + "\n")); err != nil {
		return err
	}
	return m.event(v)
}

func (m *messagesWriter) StreamStart(tr *pipeline.Trace) error {
	m.w.Header().Set("Request-Id", m.req.ID)
	if err := m.startSSE(tr, currentAttempt(tr)); err != nil {
		return err
	}
	m.model = m.req.Chat.Model
	if r := currentAttempt(tr); r != nil {
		m.model = r.ModelUsed
	}
	start := anthropicMessage{ID: m.id(), Type: "message", Role: "assistant", Model: m.model, Content: []anthropicBlock{}}
	if err := m.send("message_start", map[string]any{"type": "message_start", "message": start}); err != nil {
		return err
	}
	return m.send("ping", map[string]string{"type": "ping"})
}

// closeBlock ends the open block, if any.
func (m *messagesWriter) closeBlock() error {
	if m.open < 0 {
		return nil
	}
	i := m.open
	m.open, m.openType = -1, ""
	return m.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": i})
}

// openBlock ends the open block and starts the next one.
func (m *messagesWriter) openBlock(block anthropicBlock) (int, error) {
	if err := m.closeBlock(); err != nil {
		return 0, err
	}
	i := m.next
	m.next++
	m.open, m.openType = i, block.Type
	return i, m.send("content_block_start", map[string]any{"type": "content_block_start", "index": i, "content_block": block})
}

func (m *messagesWriter) delta(i int, d map[string]string) error {
	return m.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": i, "delta": d})
}

// StreamChunk sends the thinking when it was asked for (a thinking block:
// thinking_delta, then signature_delta), text (and a refusal's text) as
// text_delta, tool-call deltas as tool_use blocks with input_json_delta.
func (m *messagesWriter) StreamChunk(ch *pb.StreamChunk) error {
	if m.thinkingAsked() {
		if err := m.thinkingDelta(ch.ReasoningContent, ch.ReasoningSignature); err != nil {
			return err
		}
	}
	for _, text := range []string{ch.Content, ch.Refusal} {
		if text == "" {
			continue
		}
		if m.open < 0 || m.openType != "text" {
			empty := ""
			if _, err := m.openBlock(anthropicBlock{Type: "text", Text: &empty}); err != nil {
				return err
			}
		}
		if err := m.delta(m.open, map[string]string{"type": "text_delta", "text": text}); err != nil {
			return err
		}
	}
	for _, tc := range ch.ToolCalls {
		if err := m.toolDelta(tc); err != nil {
			return err
		}
	}
	return nil
}

// thinkingDelta sends thinking as thinking_delta (opening a thinking block
// when none is open) and a signature fragment as signature_delta of the
// open thinking block.
func (m *messagesWriter) thinkingDelta(thinking, signature string) error {
	if thinking != "" {
		if m.openType != "thinking" {
			empty, noSignature := "", ""
			if _, err := m.openBlock(anthropicBlock{Type: "thinking", Thinking: &empty, Signature: &noSignature}); err != nil {
				return err
			}
		}
		if err := m.delta(m.open, map[string]string{"type": "thinking_delta", "thinking": thinking}); err != nil {
			return err
		}
	}
	if signature != "" && m.openType == "thinking" {
		return m.delta(m.open, map[string]string{"type": "signature_delta", "signature": signature})
	}
	return nil
}

// toolDelta sends one tool-call delta: the first of a call opens its block.
func (m *messagesWriter) toolDelta(tc *pb.ToolCall) error {
	i, ok := m.toolBlock[tc.Index]
	if !ok {
		var err error
		if i, err = m.openBlock(anthropicBlock{Type: "tool_use", ID: tc.Id, Name: tc.Name, Input: json.RawMessage("{}")}); err != nil {
			return err
		}
		m.toolBlock[tc.Index] = i
	}
	if tc.Arguments == "" {
		return nil
	}
	return m.delta(i, map[string]string{"type": "input_json_delta", "partial_json": tc.Arguments})
}

// StreamEnd closes the last block (an empty text block when the answer had
// none), then sends message_delta with the stop reason and the usage, and
// message_stop.
func (m *messagesWriter) StreamEnd(res *pipeline.Result, _ *pipeline.Trace) error {
	if m.next == 0 {
		empty := ""
		if _, err := m.openBlock(anthropicBlock{Type: "text", Text: &empty}); err != nil {
			return err
		}
	}
	if err := m.closeBlock(); err != nil {
		return err
	}
	stop := stopReason(res)
	if err := m.send("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}, "usage": anthropicUsageOf(res.Usage)}); err != nil {
		return err
	}
	return m.send("message_stop", map[string]string{"type": "message_stop"})
}

// StreamFail ends a started stream with Anthropic's error event.
func (m *messagesWriter) StreamFail(e *pipeline.Error, _ *pipeline.Trace) {
	_ = m.send("error", anthropicError(e, m.req.ID))
}
