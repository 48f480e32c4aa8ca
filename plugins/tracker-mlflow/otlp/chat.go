package otlp

import (
	"encoding/json"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// The chat spans' inputs and outputs in OpenAI's chat format (MLflow's
// "openai" message format): messages with content parts, tool calls and
// tool results, the tools offered, and the answer's message.

// requestInputs is the OpenAI-shaped request MLflow shows as chat messages.
func requestInputs(req *sdk.ChatRequest, model string) map[string]any {
	in := map[string]any{"model": model}
	if req == nil {
		in["messages"] = []any{}
		return in
	}
	msgs := make([]map[string]any, 0, len(req.Messages))
	for _, m := range req.Messages {
		msgs = append(msgs, chatMessage(m))
	}
	in["messages"] = msgs
	if req.Temperature != nil {
		in["temperature"] = *req.Temperature
	}
	if req.MaxTokens != nil {
		in["max_tokens"] = *req.MaxTokens
	}
	if req.TopP != nil {
		in["top_p"] = *req.TopP
	}
	if len(req.Stop) > 0 {
		in["stop"] = req.Stop
	}
	if req.Stream {
		in["stream"] = true
	}
	if req.ReasoningEffort != "" {
		in["reasoning_effort"] = req.ReasoningEffort // it drives a reasoning model's cost
	}
	if tools := chatTools(req); len(tools) > 0 {
		in["tools"] = tools
	}
	if tc := req.GetToolChoice(); tc != nil {
		in["tool_choice"] = toolChoice(tc)
	}
	if js := req.GetJsonSchema(); js != nil {
		in["response_format"] = map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": js.Name, "schema": rawOr(js.SchemaJson)}}
	} else if req.ResponseFormat != "" {
		in["response_format"] = map[string]any{"type": req.ResponseFormat}
	}
	return in
}

// chatMessage is one message: its content a string, or its parts (the
// host has shortened image data URLs to their type and size).
func chatMessage(m *sdk.Message) map[string]any {
	msg := map[string]any{"role": m.Role, "content": m.Content}
	if len(m.Parts) > 0 {
		parts := make([]map[string]any, 0, len(m.Parts))
		for _, p := range m.Parts {
			if p.Type == "image_url" {
				img := map[string]any{"url": p.ImageUrl}
				if p.ImageDetail != "" {
					img["detail"] = p.ImageDetail
				}
				parts = append(parts, map[string]any{"type": "image_url", "image_url": img})
				continue
			}
			parts = append(parts, map[string]any{"type": "text", "text": p.Text})
		}
		msg["content"] = parts
	}
	if m.Name != "" {
		msg["name"] = m.Name
	}
	if len(m.ToolCalls) > 0 {
		msg["tool_calls"] = toolCalls(m.ToolCalls)
		if m.Content == "" {
			msg["content"] = nil
		}
	}
	if m.ToolCallId != "" {
		msg["tool_call_id"] = m.ToolCallId
	}
	if m.Refusal != "" {
		msg["refusal"] = m.Refusal
	}
	return msg
}

// chatTools are the tools offered, in OpenAI's shape.
func chatTools(req *sdk.ChatRequest) []map[string]any {
	var out []map[string]any
	for _, t := range req.GetTools() {
		fn := map[string]any{"name": t.Name}
		if t.Description != "" {
			fn["description"] = t.Description
		}
		if t.ParametersJson != "" {
			fn["parameters"] = rawOr(t.ParametersJson)
		}
		out = append(out, map[string]any{"type": "function", "function": fn})
	}
	return out
}

func toolChoice(tc *sdk.ToolChoice) any {
	if tc.Mode == "function" {
		return map[string]any{"type": "function", "function": map[string]string{"name": tc.Name}}
	}
	return tc.Mode
}

// toolCalls are calls in OpenAI's message shape.
func toolCalls(calls []*sdk.ToolCall) []map[string]any {
	out := make([]map[string]any, 0, len(calls))
	for _, c := range calls {
		out = append(out, map[string]any{"id": c.Id, "type": "function", "function": map[string]string{"name": c.Name, "arguments": c.Arguments}})
	}
	return out
}

// rawOr is a JSON text as a value (a text that is not JSON as a string).
func rawOr(s string) any {
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	return s
}

// completion is an OpenAI chat.completion object of the event's answer:
// content null when the model only called tools or refused.
func completion(ev *sdk.Event, model string, usage *sdk.Usage) map[string]any {
	finish := ev.FinishReason
	if finish == "" {
		finish = "stop"
	}
	msg := map[string]any{"role": "assistant", "content": ev.Response}
	if len(ev.ToolCalls) > 0 {
		msg["tool_calls"] = toolCalls(ev.ToolCalls)
	}
	if ev.Refusal != "" {
		msg["refusal"] = ev.Refusal
	}
	if ev.Response == "" && (len(ev.ToolCalls) > 0 || ev.Refusal != "") {
		msg["content"] = nil
	}
	out := map[string]any{
		"id":     ev.RequestId,
		"object": "chat.completion",
		"model":  model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       msg,
			"finish_reason": finish,
		}},
	}
	if usage != nil {
		u := map[string]any{
			"prompt_tokens":     usage.PromptTokens,
			"completion_tokens": usage.CompletionTokens,
			"total_tokens":      usage.TotalTokens,
		}
		if usage.CachedTokens > 0 {
			u["prompt_tokens_details"] = map[string]int32{"cached_tokens": usage.CachedTokens}
		}
		if usage.ReasoningTokens > 0 {
			u["completion_tokens_details"] = map[string]int32{"reasoning_tokens": usage.ReasoningTokens}
		}
		out["usage"] = u
	}
	return out
}

// tokenUsage is mlflow.chat.tokenUsage, with the cached prompt tokens.
func tokenUsage(u *sdk.Usage) map[string]int32 {
	out := map[string]int32{
		"input_tokens":  u.PromptTokens,
		"output_tokens": u.CompletionTokens,
		"total_tokens":  u.TotalTokens,
	}
	if u.CachedTokens > 0 {
		out["cache_read_input_tokens"] = u.CachedTokens
	}
	if u.CacheCreationTokens > 0 {
		out["cache_creation_input_tokens"] = u.CacheCreationTokens
	}
	return out
}
