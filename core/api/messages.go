package api

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// POST /v1/messages: Anthropic's Messages API in front of every pipeline
// model. The body is translated to the pipeline's chat request (the same one
// /v1/chat/completions makes), runs through the same stages, router, cost
// and tracking, and the answer is written in Anthropic's shapes by
// messagesWriter (messages_respond.go).

// messagesBody is the body of POST /v1/messages. Every field Anthropic
// documents is either carried or refused with a clear error; unknown fields
// are refused.
type messagesBody struct {
	Model         string          `json:"model"`
	MaxTokens     *int32          `json:"max_tokens"`
	Messages      []anthMessage   `json:"messages"`
	System        json.RawMessage `json:"system"`
	StopSequences []string        `json:"stop_sequences"`
	Temperature   *float64        `json:"temperature"`
	TopP          *float64        `json:"top_p"`
	Stream        bool            `json:"stream"`
	Tools         []anthTool      `json:"tools"`
	ToolChoice    *anthToolChoice `json:"tool_choice"`
	Metadata      *struct {
		UserID *string `json:"user_id"`
	} `json:"metadata"`

	// Refused when set (see checkMessagesBody).
	TopK     *int `json:"top_k"`
	Thinking *struct {
		Type         string `json:"type"`
		BudgetTokens *int32 `json:"budget_tokens"`
	} `json:"thinking"`
	OutputConfig *struct {
		Effort *string         `json:"effort"`
		Format json.RawMessage `json:"format"`
	} `json:"output_config"`
	// Accepted, no effect: the tier and automatic prompt caching are the
	// upstream account's business, not a request's meaning.
	ServiceTier  *string         `json:"service_tier"`
	CacheControl json.RawMessage `json:"cache_control"`
	// Context editing (beta): only edits that change nothing are taken —
	// clearing thinking with keep "all", which Claude Code sends.
	ContextManagement *struct {
		Edits []struct {
			Type string          `json:"type"`
			Keep json.RawMessage `json:"keep"`
		} `json:"edits"`
	} `json:"context_management"`
}

type anthMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// anthBlock is a request content block of any type.
type anthBlock struct {
	Type      string          `json:"type"`
	Text      *string         `json:"text"`
	Source    *anthSource     `json:"source"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"`
	IsError   bool            `json:"is_error"`
	// Accepted and not forwarded: prompt-caching hints and citations.
	CacheControl json.RawMessage `json:"cache_control"`
	Citations    json.RawMessage `json:"citations"`
	Thinking     string          `json:"thinking"`
	Signature    string          `json:"signature"`
	Data         string          `json:"data"`
}

type anthSource struct {
	Type      string `json:"type"`
	MediaType string `json:"media_type"`
	Data      string `json:"data"`
	URL       string `json:"url"`
}

type anthTool struct {
	Type         string          `json:"type"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	InputSchema  json.RawMessage `json:"input_schema"`
	CacheControl json.RawMessage `json:"cache_control"`
}

type anthToolChoice struct {
	Type                   string `json:"type"`
	Name                   string `json:"name"`
	DisableParallelToolUse *bool  `json:"disable_parallel_tool_use"`
}

// minThinkingBudget is the smallest thinking budget Anthropic takes.
const minThinkingBudget = 1024

var messagesFieldCodes = map[string]string{
	"temperature": "invalid_temperature",
	"max_tokens":  "invalid_max_tokens",
}

// decodeAnthropicMessages turns a Messages API body into the pipeline's request.
func decodeAnthropicMessages(body []byte) (*pb.ChatRequest, *decodeError) {
	var b messagesBody
	if err := decodeMessagesBody(body, &b); err != nil {
		return nil, err
	}
	return translateMessagesBody(&b)
}

// decodeMessagesBody decodes a Messages API body strictly: in one pass when
// it can (decodeMessagesFast), else by encoding/json.
func decodeMessagesBody(body []byte, b *messagesBody) *decodeError {
	if decodeMessagesFast(body, b) {
		return nil
	}
	*b = messagesBody{}
	return strictDecode(body, b, messagesFieldCodes)
}

// decodeAnthropicCount turns a count_tokens body (a Messages body without
// max_tokens, which a count does not take) into the pipeline's request.
func decodeAnthropicCount(body []byte) (*pb.ChatRequest, *decodeError) {
	var b messagesBody
	if err := decodeMessagesBody(body, &b); err != nil {
		return nil, err
	}
	switch {
	case b.MaxTokens != nil:
		return nil, unsupported("max_tokens", "a count takes no max_tokens")
	case b.Stream:
		return nil, unsupported("stream", "a count is answered at once")
	}
	unbounded := int32(math.MaxInt32) // for the checks that compare with it
	b.MaxTokens = &unbounded
	req, err := translateMessagesBody(&b)
	if req != nil {
		req.MaxTokens = nil
	}
	return req, err
}

// translateMessagesBody checks a decoded Messages body and translates it.
func translateMessagesBody(b *messagesBody) (*pb.ChatRequest, *decodeError) {
	if err := checkMessagesBody(b); err != nil {
		return nil, err
	}
	req := &pb.ChatRequest{Model: b.Model, MaxTokens: b.MaxTokens, Temperature: b.Temperature, TopP: b.TopP, Stop: b.StopSequences,
		Stream: b.Stream, IncludeUsage: true}
	if b.Metadata != nil && b.Metadata.UserID != nil {
		req.User = *b.Metadata.UserID
	}
	if b.Thinking != nil {
		switch b.Thinking.Type {
		case "enabled":
			req.ThinkingBudgetTokens = b.Thinking.BudgetTokens
		case "adaptive":
			req.ThinkingAdaptive = true
		}
	}
	system, err := systemText(b.System)
	if err != nil {
		return nil, err
	}
	if system != "" {
		req.Messages = append(req.Messages, &pb.Message{Role: "system", Content: system})
	}
	for i := range b.Messages {
		msgs, err := translateMessage(i, &b.Messages[i])
		if err != nil {
			return nil, err
		}
		req.Messages = append(req.Messages, msgs...)
	}
	if err := addAnthropicTools(req, b); err != nil {
		return nil, err
	}
	return req, nil
}

// checkMessagesBody checks the required fields and the ranges Anthropic
// documents, and refuses what the gateway does not serve.
func checkMessagesBody(b *messagesBody) *decodeError {
	switch {
	case b.Model == "":
		return badRequest("missing_field", "model", "model is required")
	case b.MaxTokens == nil:
		return badRequest("missing_field", "max_tokens", "max_tokens is required")
	case *b.MaxTokens < 1:
		return badRequest("invalid_max_tokens", "max_tokens", "max_tokens must be at least 1")
	case len(b.Messages) == 0:
		return badRequest("missing_field", "messages", "messages is required and must not be empty")
	case b.Temperature != nil && (*b.Temperature < 0 || *b.Temperature > 1):
		return badRequest("invalid_temperature", "temperature", "temperature must be between 0 and 1")
	case b.TopP != nil && (*b.TopP < 0 || *b.TopP > 1):
		return badRequest("invalid_value", "top_p", "top_p must be between 0 and 1")
	case b.TopK != nil:
		return unsupported("top_k", "no provider of the gateway takes it; use temperature or top_p")
	case b.Thinking != nil && b.Thinking.Type != "enabled" && b.Thinking.Type != "adaptive" && b.Thinking.Type != "disabled":
		return badRequest("invalid_value", "thinking.type", "thinking.type must be enabled, adaptive or disabled")
	case b.Thinking != nil && b.Thinking.Type != "enabled" && b.Thinking.BudgetTokens != nil:
		return badRequest("invalid_value", "thinking.budget_tokens", "budget_tokens goes with thinking of type enabled only")
	case b.Thinking != nil && b.Thinking.Type == "enabled" && b.Thinking.BudgetTokens == nil:
		return badRequest("missing_field", "thinking.budget_tokens", "thinking of type enabled needs budget_tokens")
	case b.Thinking != nil && b.Thinking.Type == "enabled" && (*b.Thinking.BudgetTokens < minThinkingBudget || *b.Thinking.BudgetTokens >= *b.MaxTokens):
		return badRequest("invalid_value", "thinking.budget_tokens", "thinking.budget_tokens must be at least %d and less than max_tokens", minThinkingBudget)
	case b.OutputConfig != nil && isSet(b.OutputConfig.Format):
		return unsupported("output_config.format", "structured outputs are not served on this route")
	case b.ServiceTier != nil && *b.ServiceTier != "auto" && *b.ServiceTier != "standard_only":
		return badRequest("invalid_value", "service_tier", "service_tier must be auto or standard_only")
	}
	for i, s := range b.StopSequences {
		if s == "" {
			return badRequest("invalid_value", fmt.Sprintf("stop_sequences[%d]", i), "stop sequences must not be empty")
		}
	}
	if cm := b.ContextManagement; cm != nil {
		for i, e := range cm.Edits {
			if !strings.HasPrefix(e.Type, "clear_thinking_") || strings.TrimSpace(string(e.Keep)) != `"all"` {
				return unsupported(fmt.Sprintf("context_management.edits[%d]", i), "the gateway does not edit the context; only clearing thinking with keep \"all\" (which changes nothing) is taken")
			}
		}
	}
	return nil
}

// systemText is the system prompt: a string, or text blocks joined by newlines.
func systemText(raw json.RawMessage) (string, *decodeError) {
	if !isSet(raw) {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return blankAsNone(s), nil
	}
	var blocks []anthBlock
	if json.Unmarshal(raw, &blocks) != nil {
		return "", badRequest("invalid_value", "system", "system must be a string or a list of text blocks")
	}
	texts := make([]string, 0, len(blocks))
	for i, bl := range blocks {
		if bl.Type != "text" || bl.Text == nil {
			return "", badRequest("invalid_value", fmt.Sprintf("system[%d]", i), "system blocks must be text blocks")
		}
		texts = append(texts, *bl.Text)
	}
	return blankAsNone(strings.Join(texts, "\n")), nil
}

// blankAsNone is "" for a text of only white space: a blank system prompt
// is no system prompt.
func blankAsNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

// contentBlocks reads a message content: a string (one text block) or a
// list of blocks.
func contentBlocks(raw json.RawMessage, param string) ([]anthBlock, *decodeError) {
	if blocks, ok := contentBlocksFast(raw); ok {
		return blocks, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []anthBlock{{Type: "text", Text: &s}}, nil
	}
	var blocks []anthBlock
	if json.Unmarshal(raw, &blocks) != nil {
		return nil, badRequest("invalid_value", param, "content must be a string or a list of content blocks")
	}
	return blocks, nil
}

// translateMessage maps message i to the pipeline's messages: a user turn's
// tool_result blocks become tool messages (first, as they answer the turn
// before), its text and images one user message; an assistant turn's
// tool_use blocks become its tool calls.
func translateMessage(i int, m *anthMessage) ([]*pb.Message, *decodeError) {
	param := fmt.Sprintf("messages[%d].content", i)
	switch m.Role {
	case "user", "assistant":
	case "system":
		// A system message in the conversation (Anthropic's
		// mid-conversation system beta, which Claude Code uses): its text,
		// where it stands.
		text, err := systemText(m.Content)
		if err != nil {
			err.param = fmt.Sprintf("messages[%d].content", i)
			return nil, err
		}
		if text == "" {
			return nil, nil
		}
		return []*pb.Message{{Role: "system", Content: text}}, nil
	default:
		return nil, badRequest("invalid_value", fmt.Sprintf("messages[%d].role", i), "role must be user, assistant or system")
	}
	blocks, err := contentBlocks(m.Content, param)
	if err != nil {
		return nil, err
	}
	var (
		out   []*pb.Message
		msg   = &pb.Message{Role: m.Role}
		texts []string
		image bool
	)
	for j, bl := range blocks {
		at := fmt.Sprintf("%s[%d]", param, j)
		switch {
		case bl.Type == "text":
			if bl.Text == nil {
				return nil, badRequest("missing_field", at+".text", "a text block needs text")
			}
			texts = append(texts, *bl.Text)
			msg.Parts = append(msg.Parts, &pb.ContentPart{Type: "text", Text: *bl.Text})
		case bl.Type == "image" && m.Role == "user":
			url, err := imageURL(bl.Source, at)
			if err != nil {
				return nil, err
			}
			image = true
			msg.Parts = append(msg.Parts, &pb.ContentPart{Type: "image_url", ImageUrl: url})
		case bl.Type == "tool_result" && m.Role == "user":
			tm, err := toolResultMessage(bl, at)
			if err != nil {
				return nil, err
			}
			out = append(out, tm)
		case bl.Type == "tool_use" && m.Role == "assistant":
			tc, err := toolUseCall(bl, at, len(msg.ToolCalls))
			if err != nil {
				return nil, err
			}
			msg.ToolCalls = append(msg.ToolCalls, tc)
		case bl.Type == "thinking" && m.Role == "assistant":
			// Signed: the provider that made it takes it back in a tool
			// loop with thinking on; the others ignore it.
			msg.Thinking = append(msg.Thinking, &pb.ThinkingBlock{Thinking: bl.Thinking, Signature: bl.Signature})
		case bl.Type == "redacted_thinking" && m.Role == "assistant":
			msg.Thinking = append(msg.Thinking, &pb.ThinkingBlock{RedactedData: bl.Data})
		default:
			return nil, badRequest("invalid_value", at+".type", "content blocks of type %q are not supported in a %s message", bl.Type, m.Role)
		}
	}
	msg.Content = strings.Join(texts, "")
	if !image {
		// Text only: the texts as one content, as every provider reads it.
		msg.Parts, msg.Content = nil, strings.Join(texts, "\n")
	}
	if msg.Content != "" || len(msg.Parts) > 0 || len(msg.ToolCalls) > 0 || len(msg.Thinking) > 0 {
		out = append(out, msg)
	}
	return out, nil
}

// imageURL is an image source as the URL of an OpenAI image part: a data URL
// for base64 data, the URL itself for a url source.
func imageURL(src *anthSource, at string) (string, *decodeError) {
	switch {
	case src == nil:
		return "", badRequest("missing_field", at+".source", "an image block needs a source")
	case src.Type == "base64" && src.MediaType != "" && src.Data != "":
		return "data:" + src.MediaType + ";base64," + src.Data, nil
	case src.Type == "url" && (strings.HasPrefix(src.URL, "https://") || strings.HasPrefix(src.URL, "http://")):
		return src.URL, nil
	}
	return "", badRequest("invalid_value", at+".source", "an image source must be base64 (media_type and data) or a url")
}

// toolResultMessage is a tool_result block as a tool message. A result
// marked is_error says so in its text, since tool messages have no flag.
func toolResultMessage(bl anthBlock, at string) (*pb.Message, *decodeError) {
	if bl.ToolUseID == "" {
		return nil, badRequest("missing_field", at+".tool_use_id", "a tool_result block needs tool_use_id")
	}
	text := ""
	if isSet(bl.Content) {
		blocks, err := contentBlocks(bl.Content, at+".content")
		if err != nil {
			return nil, err
		}
		var texts []string
		for _, b := range blocks {
			if b.Type != "text" || b.Text == nil {
				return nil, badRequest("invalid_value", at+".content", "tool results may hold text only")
			}
			texts = append(texts, *b.Text)
		}
		text = strings.Join(texts, "\n")
	}
	if bl.IsError {
		text = "Error: " + text
	}
	return &pb.Message{Role: "tool", ToolCallId: bl.ToolUseID, Content: text}, nil
}

// toolUseCall is a tool_use block as an assistant tool call.
func toolUseCall(bl anthBlock, at string, index int) (*pb.ToolCall, *decodeError) {
	if bl.ID == "" || bl.Name == "" {
		return nil, badRequest("missing_field", at, "a tool_use block needs id and name")
	}
	args := strings.TrimSpace(string(bl.Input))
	if args == "" || args == "null" {
		args = "{}"
	}
	if !strings.HasPrefix(args, "{") {
		return nil, badRequest("invalid_value", at+".input", "a tool_use input must be an object")
	}
	return &pb.ToolCall{Index: int32(index), Id: bl.ID, Type: "function", Name: bl.Name, Arguments: args}, nil
}

// addAnthropicTools maps tools and tool_choice. Anthropic's server tools
// (web search, code execution: a "type" other than custom) are refused.
func addAnthropicTools(req *pb.ChatRequest, b *messagesBody) *decodeError {
	for i, t := range b.Tools {
		at := fmt.Sprintf("tools[%d]", i)
		if t.Type != "" && t.Type != "custom" {
			return unsupported(at+".type", fmt.Sprintf("tool type %q runs on Anthropic's servers; only client tools (name, input_schema) are served", t.Type))
		}
		if t.Name == "" {
			return badRequest("missing_field", at+".name", "a tool needs a name")
		}
		if !isSet(t.InputSchema) && string(t.InputSchema) != "{}" {
			return badRequest("missing_field", at+".input_schema", "a tool needs an input_schema")
		}
		req.Tools = append(req.Tools, &pb.Tool{Type: "function", Name: t.Name, Description: t.Description, ParametersJson: string(t.InputSchema)})
	}
	tc := b.ToolChoice
	if tc == nil {
		return nil
	}
	switch tc.Type {
	case "auto":
		req.ToolChoice = &pb.ToolChoice{Mode: "auto"}
	case "any":
		req.ToolChoice = &pb.ToolChoice{Mode: "required"}
	case "none":
		req.ToolChoice = &pb.ToolChoice{Mode: "none"}
	case "tool":
		if tc.Name == "" {
			return badRequest("missing_field", "tool_choice.name", "tool_choice of type tool needs a name")
		}
		req.ToolChoice = &pb.ToolChoice{Mode: "function", Name: tc.Name}
	default:
		return badRequest("invalid_value", "tool_choice.type", "tool_choice.type must be auto, any, tool or none")
	}
	if tc.DisableParallelToolUse != nil && *tc.DisableParallelToolUse {
		no := false
		req.ParallelToolCalls = &no
	}
	return nil
}
