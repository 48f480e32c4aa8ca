package openaiprovider

import (
	"bytes"
	"encoding/json"

	openai "github.com/sashabaranov/go-openai"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// wireToolCall is a tool call as OpenAI-compatible APIs send it: whole in
// an answer's message, or a delta of one in a stream chunk (index set,
// the id, type and name only on the call's first delta).
type wireToolCall struct {
	Index    *int   `json:"index"`
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// wireAnswer is a whole (non-streamed) answer, read from the body as sent
// so that nothing go-openai does not model (logprobs of refusals, a
// reasoning field) is lost.
type wireAnswer struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Content          *string        `json:"content"`
			Refusal          *string        `json:"refusal"`
			ToolCalls        []wireToolCall `json:"tool_calls"`
			Reasoning        string         `json:"reasoning"`
			ReasoningContent string         `json:"reasoning_content"`
		} `json:"message"`
		Logprobs     json.RawMessage `json:"logprobs"`
		FinishReason string          `json:"finish_reason"`
	} `json:"choices"`
	Usage *openai.Usage `json:"usage"`
}

// toUsage maps usage, with the cached prompt and reasoning tokens.
func toUsage(u *openai.Usage) *sdk.Usage {
	if u == nil {
		return nil
	}
	out := &sdk.Usage{
		PromptTokens:     int32(u.PromptTokens),
		CompletionTokens: int32(u.CompletionTokens),
		TotalTokens:      int32(u.TotalTokens),
	}
	if d := u.PromptTokensDetails; d != nil {
		out.CachedTokens = int32(d.CachedTokens)
	}
	if d := u.CompletionTokensDetails; d != nil {
		out.ReasoningTokens = int32(d.ReasoningTokens)
	}
	return out
}

// rawJSON is a JSON value as text, "" for null or nothing.
func rawJSON(raw json.RawMessage) string {
	s := bytes.TrimSpace(raw)
	if len(s) == 0 || string(s) == "null" {
		return ""
	}
	return string(s)
}

// toolCalls maps whole tool calls (an answer's), numbered in order.
func toolCalls(in []wireToolCall) []*sdk.ToolCall {
	var out []*sdk.ToolCall
	for i, c := range in {
		typ := c.Type
		if typ == "" {
			typ = "function"
		}
		out = append(out, &sdk.ToolCall{Index: int32(i), Id: c.ID, Type: typ, Name: c.Function.Name, Arguments: c.Function.Arguments})
	}
	return out
}

// toResponse maps a whole answer: choice 0 in the response's own fields,
// the others in more_choices. finish "" becomes "stop".
func (a *wireAnswer) toResponse() *sdk.CompleteResponse {
	out := &sdk.CompleteResponse{Id: a.ID, Model: a.Model, Usage: toUsage(a.Usage)}
	if out.Usage == nil {
		out.Usage = &sdk.Usage{}
	}
	for i, ch := range a.Choices {
		finish := ch.FinishReason
		if finish == "" {
			finish = "stop"
		}
		m := ch.Message
		content, refusal := deref(m.Content), deref(m.Refusal)
		if i == 0 {
			out.Content, out.Refusal, out.FinishReason, out.LogprobsJson = content, refusal, finish, rawJSON(ch.Logprobs)
			out.ToolCalls, out.ReasoningContent = toolCalls(m.ToolCalls), m.Reasoning+m.ReasoningContent
			continue
		}
		out.MoreChoices = append(out.MoreChoices, &sdk.Choice{Index: int32(i), Content: content, Refusal: refusal, FinishReason: finish,
			ToolCalls: toolCalls(m.ToolCalls), LogprobsJson: rawJSON(ch.Logprobs)})
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// callNumbering keeps the index of a stream's tool calls per choice. A
// server that numbers every call 0 (sending each whole, with its own id)
// would have its calls joined into one: a new id on a used index starts
// a new call.
type callNumbering struct {
	ids map[[2]int]string // (choice, index) → id
	to  map[[2]int]int    // (choice, upstream index) → index sent
	n   map[int]int       // calls per choice
}

// index is the index to send for a delta of choice whose upstream index
// (position k in the chunk when absent) and id are given.
func (c *callNumbering) index(choice int, d *wireToolCall, k int) int {
	if c.ids == nil {
		c.ids, c.to, c.n = map[[2]int]string{}, map[[2]int]int{}, map[int]int{}
	}
	up := k
	if d.Index != nil {
		up = *d.Index
	}
	key := [2]int{choice, up}
	sent, seen := c.to[key]
	if !seen || (d.ID != "" && c.ids[key] != "" && c.ids[key] != d.ID) {
		sent = c.n[choice]
		c.n[choice]++
		c.to[key] = sent
		c.ids[key] = ""
	}
	if d.ID != "" {
		c.ids[key] = d.ID
	}
	return sent
}
