package openaiprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

var _ sdk.TokenCounter = (*Provider)(nil)

// countCaps are the counting capability of a flavor: OpenAI's own API
// counts a request's input tokens (POST /responses/input_tokens, the
// Responses API's count); OpenRouter, Groq, Azure and local servers have no
// such route, so their models are not offered to a count (the host answers
// 404 for a model none of whose providers counts).
func countCaps(flavor string) []string {
	if flavor == FlavorOpenAI {
		return []string{sdk.CapProviderCountTokens}
	}
	return nil
}

// countBody is the body of POST /responses/input_tokens: the conversation
// as Responses input items, and what else the model reads.
type countBody struct {
	Model             string          `json:"model"`
	Input             []any           `json:"input"`
	Tools             []countTool     `json:"tools,omitempty"`
	ToolChoice        any             `json:"tool_choice,omitempty"`
	ParallelToolCalls *bool           `json:"parallel_tool_calls,omitempty"`
	Reasoning         *countReasoning `json:"reasoning,omitempty"`
	Text              *countText      `json:"text,omitempty"`
}

type countTool struct {
	Type        string          `json:"type"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters"`
	Strict      bool            `json:"strict,omitempty"`
}

type countReasoning struct {
	Effort string `json:"effort"`
}

type countText struct {
	Format map[string]any `json:"format"`
}

// countMessage is an input message; content is a string, or parts when the
// message has images.
type countMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

type countPart struct {
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

type countCall struct {
	Type      string `json:"type"`
	CallID    string `json:"call_id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type countCallOutput struct {
	Type   string `json:"type"`
	CallID string `json:"call_id"`
	Output string `json:"output"`
}

// countRequest is the gateway's chat request as a count's body: each message
// as the Responses input item it is (tool calls as function_call items,
// tool results as function_call_output), the tools, tool choice, reasoning
// effort and response format. Sampling parameters and limits shape an
// answer, not its input, and a count does not take them.
func countRequest(model string, cr *sdk.ChatRequest) *countBody {
	b := &countBody{Model: model, Input: make([]any, 0, len(cr.GetMessages())), ParallelToolCalls: cr.ParallelToolCalls}
	for _, m := range cr.GetMessages() {
		switch m.GetRole() {
		case "tool":
			b.Input = append(b.Input, countCallOutput{Type: "function_call_output", CallID: m.GetToolCallId(), Output: m.GetContent()})
			continue
		case "assistant":
			if m.GetContent() != "" {
				b.Input = append(b.Input, countMessage{Role: "assistant", Content: m.GetContent()})
			}
			for _, c := range m.GetToolCalls() {
				b.Input = append(b.Input, countCall{Type: "function_call", CallID: c.GetId(), Name: c.GetName(), Arguments: c.GetArguments()})
			}
			continue
		}
		if len(m.GetParts()) == 0 {
			b.Input = append(b.Input, countMessage{Role: m.GetRole(), Content: m.GetContent()})
			continue
		}
		parts := make([]countPart, 0, len(m.GetParts()))
		for _, p := range m.GetParts() {
			if p.GetType() == "image_url" {
				parts = append(parts, countPart{Type: "input_image", ImageURL: p.GetImageUrl(), Detail: p.GetImageDetail()})
				continue
			}
			parts = append(parts, countPart{Type: "input_text", Text: p.GetText()})
		}
		b.Input = append(b.Input, countMessage{Role: m.GetRole(), Content: parts})
	}
	for _, t := range cr.GetTools() {
		params := emptyParameters
		if t.GetParametersJson() != "" {
			params = json.RawMessage(t.GetParametersJson())
		}
		b.Tools = append(b.Tools, countTool{Type: "function", Name: t.GetName(), Description: t.GetDescription(), Parameters: params, Strict: t.GetStrict()})
	}
	switch tc := cr.GetToolChoice(); tc.GetMode() {
	case "":
	case "function":
		b.ToolChoice = map[string]string{"type": "function", "name": tc.GetName()}
	default:
		b.ToolChoice = tc.GetMode()
	}
	if e := cr.GetReasoningEffort(); e != "" {
		b.Reasoning = &countReasoning{Effort: e}
	}
	switch rf := cr.GetResponseFormat(); {
	case cr.GetJsonSchema() != nil:
		js := cr.GetJsonSchema()
		format := map[string]any{"type": "json_schema", "name": js.GetName(), "schema": json.RawMessage(js.GetSchemaJson()), "strict": js.GetStrict()}
		if js.GetDescription() != "" {
			format["description"] = js.GetDescription()
		}
		b.Text = &countText{Format: format}
	case rf == "json_object":
		b.Text = &countText{Format: map[string]any{"type": "json_object"}}
	}
	return b
}

// maxCountBody bounds a count's answer ({"object":…,"input_tokens":N}).
const maxCountBody = 64 << 10

// CountTokens asks OpenAI's POST /responses/input_tokens how many input
// tokens the request is (free, and no model runs).
func (p *Provider) CountTokens(ctx context.Context, req *sdk.CountTokensRequest) (*sdk.CountTokensResponse, error) {
	if p.flavor != FlavorOpenAI {
		return nil, p.classify.fail(sdk.ClassBadRequest, 0, 0, "", "this provider's API cannot count tokens")
	}
	if err := p.checkKey(); err != nil {
		return nil, err
	}
	model := req.GetUpstreamModel()
	if model == "" {
		model = req.GetRequest().GetModel()
	}
	body, err := json.Marshal(countRequest(model, req.GetRequest()))
	if err != nil {
		return nil, p.classify.fail(sdk.ClassBadRequest, 0, 0, "invalid_request", "cannot encode the request")
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, p.apiURL(model, "/responses/input_tokens"), bytes.NewReader(body))
	if err != nil {
		return nil, p.classify.fail(sdk.ClassBadRequest, 0, 0, "invalid_request", "cannot build the request")
	}
	hreq.Header.Set("Content-Type", "application/json")
	p.authorize(hreq.Header)
	resp, err := p.doer.Do(hreq)
	if err != nil {
		return nil, p.classify.transportError(ctx, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxCountBody))
	if err != nil {
		return nil, p.classify.transportError(ctx, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, p.classify.httpError(resp.StatusCode, resp.Header, answer)
	}
	var out struct {
		InputTokens *int32 `json:"input_tokens"`
	}
	if json.Unmarshal(answer, &out) != nil || out.InputTokens == nil || *out.InputTokens < 0 {
		return nil, p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "the count has no input_tokens")
	}
	return &sdk.CountTokensResponse{InputTokens: *out.InputTokens}, nil
}
