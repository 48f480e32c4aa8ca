package anthropicprovider

import (
	"encoding/json"
	"fmt"
	"strings"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Params are the capabilities of the optional chat parameters the provider
// maps onto the Messages API (thinking: extended thinking, with the signed
// thinking blocks of a tool loop sent back), and token counting
// (count_tokens). Seed, penalties, logit_bias,
// response_format, json_schema, n and logprobs have no Messages API
// equivalent and are not declared, so the host refuses them before any call.
var Params = []string{
	sdk.ParamCap("stop"), sdk.ParamCap("top_p"), sdk.ParamCap("user"),
	sdk.ParamCap("tools"), sdk.ParamCap("parallel_tool_calls"), sdk.ParamCap("images"),
	sdk.ParamCap("thinking"), sdk.CapProviderCountTokens,
}

// firstTurnFiller is the text of the user turn put before a conversation that
// starts with the assistant: the API wants the first message from the user,
// and rejects empty text blocks.
const firstTurnFiller = "."

// maxTemperature is the Messages API's upper bound (OpenAI's is 2).
const maxTemperature = 1.0

// imageMediaTypes are the image types the Messages API accepts.
var imageMediaTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// badRequest is the failure of a request this provider cannot translate.
func badRequest(format string, args ...any) error {
	return sdk.Fail(sdk.ClassBadRequest, 0, 0, "invalid_request_error", "anthropic: "+fmt.Sprintf(format, args...))
}

// buildRequest maps the gateway's chat request to a Messages API request:
// system and developer text to the top-level system, tool messages to user
// turns of tool_result blocks, assistant tool calls to tool_use blocks, same
// role neighbours merged into one turn (the API wants user and assistant to
// alternate, starting with the user), and max_tokens always set.
func buildRequest(model string, req *sdk.ChatRequest, defaultMaxTokens int32, stream bool) (*messagesRequest, error) {
	out := &messagesRequest{Model: model, MaxTokens: defaultMaxTokens, Stream: stream, StopSequences: req.GetStop(), TopP: req.TopP}
	if req.MaxTokens != nil {
		out.MaxTokens = req.GetMaxTokens()
	}
	if req.Temperature != nil {
		// OpenAI's 0–2 range is wider; above 1 is Anthropic's most random.
		t := min(req.GetTemperature(), maxTemperature)
		out.Temperature = &t
	}
	if u := req.GetUser(); u != "" {
		out.Metadata = &reqMetadata{UserID: u}
	}
	switch {
	case req.ThinkingBudgetTokens != nil:
		out.Thinking = &thinking{Type: "enabled", BudgetTokens: req.GetThinkingBudgetTokens()}
	case req.GetThinkingAdaptive():
		out.Thinking = &thinking{Type: "adaptive"}
	}
	for i, m := range req.GetMessages() {
		if err := out.addMessage(i, m); err != nil {
			return nil, err
		}
	}
	if len(out.Messages) == 0 {
		return nil, badRequest("the request needs at least one non-empty user or assistant message")
	}
	if out.Messages[0].Role != "user" {
		text := firstTurnFiller
		out.Messages = append([]message{{Role: "user", Content: []block{{Type: "text", Text: &text}}}}, out.Messages...)
	}
	if err := out.addTools(req); err != nil {
		return nil, err
	}
	return out, nil
}

// addMessage appends message i of the history.
func (r *messagesRequest) addMessage(i int, m *sdk.Message) error {
	switch strings.ToLower(m.GetRole()) {
	case "system", "developer":
		if text := m.GetContent(); text != "" {
			r.System = append(r.System, textBlock(text))
		}
		return nil
	case "tool":
		res := block{Type: "tool_result", ToolUseID: m.GetToolCallId()}
		if res.ToolUseID == "" {
			return badRequest("messages[%d]: a tool message needs tool_call_id", i)
		}
		if text := m.GetContent(); text != "" {
			res.Content = []block{textBlock(text)}
		}
		r.appendTurn("user", []block{res})
		return nil
	case "assistant":
		blocks := r.thinkingBlocks(m)
		blocks = append(blocks, contentBlocks(m)...)
		if m.GetRefusal() != "" && m.GetContent() == "" {
			blocks = append(blocks, textBlock(m.GetRefusal()))
		}
		for _, tc := range m.GetToolCalls() {
			tu, err := toolUseBlock(i, tc)
			if err != nil {
				return err
			}
			blocks = append(blocks, tu)
		}
		r.appendTurn("assistant", blocks)
		return nil
	}
	blocks, err := userBlocks(i, m)
	if err != nil {
		return err
	}
	r.appendTurn("user", blocks)
	return nil
}

// thinkingBlocks are an assistant message's signed thinking blocks, first
// in its turn as the API wants them, when thinking is on (the API needs
// them back in a tool loop then). A block without a signature (thinking
// another provider gave) is left out: the API would refuse it.
func (r *messagesRequest) thinkingBlocks(m *sdk.Message) []block {
	if r.Thinking == nil {
		return nil
	}
	var out []block
	for _, t := range m.GetThinking() {
		switch {
		case t.GetRedactedData() != "":
			out = append(out, block{Type: "redacted_thinking", Data: t.GetRedactedData()})
		case t.GetSignature() != "":
			out = append(out, block{Type: "thinking", Thinking: t.GetThinking(), Signature: t.GetSignature()})
		}
	}
	return out
}

// appendTurn adds blocks as a turn of role, merged into the last turn when
// it has the same role. In a user turn, tool results come first: the API
// wants them right after the assistant turn that made the calls.
func (r *messagesRequest) appendTurn(role string, blocks []block) {
	if len(blocks) == 0 {
		return
	}
	n := len(r.Messages)
	if n == 0 || r.Messages[n-1].Role != role {
		r.Messages = append(r.Messages, message{Role: role, Content: blocks})
		return
	}
	last := &r.Messages[n-1]
	if role == "user" && blocks[0].Type == "tool_result" {
		at := 0
		for at < len(last.Content) && last.Content[at].Type == "tool_result" {
			at++
		}
		merged := make([]block, 0, len(last.Content)+len(blocks))
		merged = append(merged, last.Content[:at]...)
		merged = append(merged, blocks...)
		last.Content = append(merged, last.Content[at:]...)
		return
	}
	last.Content = append(last.Content, blocks...)
}

func textBlock(s string) block { return block{Type: "text", Text: &s} }

// contentBlocks are the text blocks of a message (its parts' texts, or its
// content); empty texts are left out, as the API rejects them.
func contentBlocks(m *sdk.Message) []block {
	if len(m.GetParts()) == 0 {
		if m.GetContent() == "" {
			return nil
		}
		return []block{textBlock(m.GetContent())}
	}
	var out []block
	for _, p := range m.GetParts() {
		if p.GetType() == "text" && p.GetText() != "" {
			out = append(out, textBlock(p.GetText()))
		}
	}
	return out
}

// userBlocks are a user message's text and image blocks, in order.
func userBlocks(i int, m *sdk.Message) ([]block, error) {
	if len(m.GetParts()) == 0 {
		return contentBlocks(m), nil
	}
	var out []block
	for _, p := range m.GetParts() {
		switch p.GetType() {
		case "text":
			if p.GetText() != "" {
				out = append(out, textBlock(p.GetText()))
			}
		case "image_url":
			src, err := imageFrom(p.GetImageUrl())
			if err != nil {
				return nil, badRequest("messages[%d]: %v", i, err)
			}
			out = append(out, block{Type: "image", Source: src})
		default:
			return nil, badRequest("messages[%d]: content parts of type %q are not supported", i, p.GetType())
		}
	}
	return out, nil
}

// imageFrom maps an image URL: a base64 data URL becomes a base64 source, an
// http(s) URL a url source.
func imageFrom(u string) (*imageSource, error) {
	if rest, ok := strings.CutPrefix(u, "data:"); ok {
		meta, data, found := strings.Cut(rest, ",")
		mediaType, isB64 := strings.CutSuffix(meta, ";base64")
		if !found || !isB64 {
			return nil, fmt.Errorf("an image data URL must be base64 (data:image/png;base64,…)")
		}
		mediaType = strings.ToLower(mediaType)
		if !imageMediaTypes[mediaType] {
			return nil, fmt.Errorf("image type %q is not supported (jpeg, png, gif, webp)", mediaType)
		}
		return &imageSource{Type: "base64", MediaType: mediaType, Data: data}, nil
	}
	lower := strings.ToLower(u)
	if strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		return &imageSource{Type: "url", URL: u}, nil
	}
	return nil, fmt.Errorf("an image must be an https URL or a base64 data URL")
}

// toolUseBlock maps an assistant's tool call: its arguments (a JSON text)
// become the block's input object.
func toolUseBlock(i int, tc *sdk.ToolCall) (block, error) {
	args := strings.TrimSpace(tc.GetArguments())
	if args == "" {
		args = "{}"
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(args), &obj) != nil || obj == nil {
		return block{}, badRequest("messages[%d]: the arguments of tool call %q are not a JSON object", i, tc.GetId())
	}
	if tc.GetId() == "" || tc.GetName() == "" {
		return block{}, badRequest("messages[%d]: a tool call needs an id and a function name", i)
	}
	return block{Type: "tool_use", ID: tc.GetId(), Name: tc.GetName(), Input: json.RawMessage(args)}, nil
}

// addTools maps the offered functions and tool_choice. parallel_tool_calls
// false is Anthropic's disable_parallel_tool_use, which lives in tool_choice.
func (r *messagesRequest) addTools(req *sdk.ChatRequest) error {
	for _, t := range req.GetTools() {
		schema := json.RawMessage(t.GetParametersJson())
		if len(strings.TrimSpace(t.GetParametersJson())) == 0 {
			// The API requires an input schema; a function without
			// parameters takes an empty object.
			schema = json.RawMessage(`{"type":"object","properties":{}}`)
		} else if !json.Valid(schema) {
			return badRequest("the parameters of tool %q are not valid JSON", t.GetName())
		}
		r.Tools = append(r.Tools, tool{Name: t.GetName(), Description: t.GetDescription(), InputSchema: schema})
	}
	tc := req.GetToolChoice()
	noParallel := req.ParallelToolCalls != nil && !req.GetParallelToolCalls()
	if tc == nil && !(noParallel && len(r.Tools) > 0) {
		return nil
	}
	choice := &toolChoice{Type: "auto"}
	switch tc.GetMode() {
	case "", "auto":
	case "none":
		choice.Type = "none"
	case "required":
		choice.Type = "any"
	case "function":
		if tc.GetName() == "" {
			return badRequest("tool_choice names no function")
		}
		choice.Type, choice.Name = "tool", tc.GetName()
	default:
		return badRequest("tool_choice %q is not supported (none, auto, required or a function)", tc.GetMode())
	}
	if len(r.Tools) == 0 && choice.Type != "none" {
		return badRequest("tool_choice %q needs tools", tc.GetMode())
	}
	if len(r.Tools) == 0 {
		return nil // "none" without tools: nothing to choose from
	}
	choice.DisableParallelToolUse = noParallel && choice.Type != "none"
	r.ToolChoice = choice
	return nil
}
