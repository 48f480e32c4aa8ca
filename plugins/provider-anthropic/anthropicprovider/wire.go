package anthropicprovider

import (
	"encoding/json"
	"strings"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// The Messages API shapes this provider sends and reads (anthropic-version
// 2023-06-01, as the official SDKs and docs.claude.com/en/api/messages
// describe them). Only the fields the gateway uses are declared; the rest of
// an answer is skipped by the decoder.

type messagesRequest struct {
	Model         string       `json:"model"`
	MaxTokens     int32        `json:"max_tokens"`
	System        []block      `json:"system,omitempty"`
	Messages      []message    `json:"messages"`
	StopSequences []string     `json:"stop_sequences,omitempty"`
	Temperature   *float64     `json:"temperature,omitempty"`
	TopP          *float64     `json:"top_p,omitempty"`
	Tools         []tool       `json:"tools,omitempty"`
	ToolChoice    *toolChoice  `json:"tool_choice,omitempty"`
	Metadata      *reqMetadata `json:"metadata,omitempty"`
	Stream        bool         `json:"stream,omitempty"`
	Thinking      *thinking    `json:"thinking,omitempty"`
}

// thinking turns extended thinking on: {"type": "enabled", "budget_tokens"}
// or {"type": "adaptive"}.
type thinking struct {
	Type         string `json:"type"`
	BudgetTokens int32  `json:"budget_tokens,omitempty"`
}

type reqMetadata struct {
	UserID string `json:"user_id"`
}

type message struct {
	Role    string  `json:"role"`
	Content []block `json:"content"`
}

// block is one content block, of any type; which fields are set depends on
// Type (text, image, tool_use, tool_result, thinking, redacted_thinking).
type block struct {
	Type string `json:"type"`
	// text
	Text *string `json:"text,omitempty"`
	// image
	Source *imageSource `json:"source,omitempty"`
	// tool_use
	ID    string          `json:"id,omitempty"`
	Name  string          `json:"name,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`
	// tool_result
	ToolUseID string  `json:"tool_use_id,omitempty"`
	Content   []block `json:"content,omitempty"`
	// thinking (signed), redacted_thinking (data)
	Thinking  string `json:"thinking,omitempty"`
	Signature string `json:"signature,omitempty"`
	Data      string `json:"data,omitempty"`
}

type imageSource struct {
	Type      string `json:"type"` // base64 or url
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
	URL       string `json:"url,omitempty"`
}

type tool struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema"`
}

type toolChoice struct {
	Type                   string `json:"type"` // auto, any, tool, none
	Name                   string `json:"name,omitempty"`
	DisableParallelToolUse bool   `json:"disable_parallel_tool_use,omitempty"`
}

// messageResponse is a Messages API answer (and message_start's message).
type messageResponse struct {
	ID           string  `json:"id"`
	Type         string  `json:"type"`
	Role         string  `json:"role"`
	Model        string  `json:"model"`
	Content      []block `json:"content"`
	StopReason   string  `json:"stop_reason"`
	StopSequence *string `json:"stop_sequence"`
	Usage        *usage  `json:"usage"`
	// Error is set when the body is an error object ({"type":"error",…}).
	Error *apiError `json:"error"`
}

// usage is Anthropic's token count. input_tokens excludes the cached
// prompt: what was read from and written to the cache is counted apart.
type usage struct {
	InputTokens              *int32 `json:"input_tokens"`
	OutputTokens             *int32 `json:"output_tokens"`
	CacheCreationInputTokens *int32 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int32 `json:"cache_read_input_tokens"`
}

// merge takes every count u2 reports (message_delta carries the cumulative
// output count and, in newer API versions, the input counts too).
func (u *usage) merge(u2 *usage) {
	if u2 == nil {
		return
	}
	for _, p := range []struct{ dst, src **int32 }{
		{&u.InputTokens, &u2.InputTokens}, {&u.OutputTokens, &u2.OutputTokens},
		{&u.CacheCreationInputTokens, &u2.CacheCreationInputTokens}, {&u.CacheReadInputTokens, &u2.CacheReadInputTokens},
	} {
		if *p.src != nil {
			*p.dst = *p.src
		}
	}
}

// toSDK maps Anthropic's usage to the gateway's: the prompt is every input
// token (uncached, read from the cache, written to it), cached_tokens the
// ones read and cache_creation_tokens the ones written.
func (u *usage) toSDK() *sdk.Usage {
	if u == nil {
		return nil
	}
	v := func(p *int32) int32 {
		if p == nil {
			return 0
		}
		return *p
	}
	out := &sdk.Usage{
		PromptTokens:        v(u.InputTokens) + v(u.CacheReadInputTokens) + v(u.CacheCreationInputTokens),
		CompletionTokens:    v(u.OutputTokens),
		CachedTokens:        v(u.CacheReadInputTokens),
		CacheCreationTokens: v(u.CacheCreationInputTokens),
	}
	out.TotalTokens = out.PromptTokens + out.CompletionTokens
	return out
}

// errorEnvelope is Anthropic's error body and stream error event:
// {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}.
type errorEnvelope struct {
	Type  string    `json:"type"`
	Error *apiError `json:"error"`
}

type apiError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// streamEvent is one event of a Messages stream; which fields are set
// depends on Type.
type streamEvent struct {
	Type         string           `json:"type"`
	Message      *messageResponse `json:"message"`       // message_start
	Index        int              `json:"index"`         // content_block_*
	ContentBlock *block           `json:"content_block"` // content_block_start
	Delta        *streamDelta     `json:"delta"`         // content_block_delta, message_delta
	Usage        *usage           `json:"usage"`         // message_delta
	Error        *apiError        `json:"error"`         // error
}

type streamDelta struct {
	Type        string `json:"type"` // text_delta, input_json_delta, thinking_delta, signature_delta, citations_delta
	Text        string `json:"text"`
	PartialJSON string `json:"partial_json"`
	Thinking    string `json:"thinking"`
	Signature   string `json:"signature"`
	// message_delta
	StopReason string `json:"stop_reason"`
}

// finishReason maps Anthropic's stop_reason to OpenAI's finish_reason.
func finishReason(r string) string {
	switch r {
	case "max_tokens", "model_context_window_exceeded":
		return "length"
	case "tool_use":
		return "tool_calls"
	case "refusal":
		return "content_filter"
	}
	return "stop" // end_turn, stop_sequence, pause_turn
}

// toolInputJSON is a tool_use block's input as OpenAI arguments text: the
// input object as sent ("{}" when absent).
func toolInputJSON(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return "{}"
	}
	return s
}
