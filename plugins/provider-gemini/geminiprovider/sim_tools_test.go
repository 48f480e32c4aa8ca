package geminiprovider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/tools/upstream-sim/sim"
)

// The tests below run tools, structured output, choices and images against
// upstream-sim, which refuses what the real API refuses (schema keywords
// outside Gemini's subset, bad inline data, gemini-3 calls without a
// signature): what the converter sends passes that check.

// simProvider is a provider pointed at an in-process simulator; extra
// are more config keys and values.
func simProvider(t *testing.T, extra ...string) *Provider {
	t.Helper()
	srv := httptest.NewServer(sim.New(sim.Config{}))
	t.Cleanup(srv.Close)
	cfg := map[string]string{"api_key": "sim-key", "base_url": srv.URL, "timeout": "5s"}
	for i := 0; i+1 < len(extra); i += 2 {
		cfg[extra[i]] = extra[i+1]
	}
	b, _ := json.Marshal(cfg)
	return newTestProvider(t, string(b))
}

func TestToolLoopAgainstSimulator(t *testing.T) {
	p := simProvider(t)
	ctx := context.Background()

	for _, model := range []string{"gemini-2.0-flash", "gemini-3-pro-preview"} {
		// Turn 1: a strict OpenAI tool set (additionalProperties, $defs,
		// Optional) and tool_choice naming a function.
		req := &sdk.CompleteRequest{UpstreamModel: model, Request: &sdk.ChatRequest{
			Messages: []*sdk.Message{{Role: "user", Content: "What is the weather in Paris?"}},
			Tools: []*sdk.Tool{{Type: "function", Name: "get_weather", Strict: ptr(true), ParametersJson: `{"$defs":{"Unit":{"enum":["celsius","fahrenheit"],"type":"string"}},
				"type":"object","properties":{"city":{"type":"string"},"unit":{"$ref":"#/$defs/Unit"},"days":{"anyOf":[{"type":"integer","minimum":1},{"type":"null"}]}},
				"required":["city","unit","days"],"additionalProperties":false}`}},
			ToolChoice: &sdk.ToolChoice{Mode: "function", Name: "get_weather"},
		}}
		resp, err := p.Complete(ctx, req)
		if err != nil {
			t.Fatalf("%s turn 1: %v", model, err)
		}
		if resp.FinishReason != "tool_calls" || len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Name != "get_weather" {
			t.Fatalf("%s turn 1: %+v", model, resp)
		}
		var args struct {
			City string `json:"city"`
			Unit string `json:"unit"`
		}
		if err := json.Unmarshal([]byte(resp.ToolCalls[0].Arguments), &args); err != nil || args.City == "" || (args.Unit != "celsius" && args.Unit != "fahrenheit") {
			t.Errorf("%s arguments %s: %v", model, resp.ToolCalls[0].Arguments, err)
		}

		// Turn 2: the call and its result; the model answers in text.
		req.Request.Messages = append(req.Request.Messages,
			&sdk.Message{Role: "assistant", ToolCalls: resp.ToolCalls},
			&sdk.Message{Role: "tool", ToolCallId: resp.ToolCalls[0].Id, Content: "11 degrees, cloudy"})
		req.Request.ToolChoice = nil
		resp, err = p.Complete(ctx, req)
		if err != nil {
			t.Fatalf("%s turn 2: %v", model, err)
		}
		if resp.FinishReason != "stop" || len(resp.ToolCalls) != 0 || !strings.Contains(resp.Content, `tool results: {"output":"11 degrees, cloudy"}`) {
			t.Errorf("%s turn 2: %+v", model, resp)
		}
	}

	// A history from another provider (OpenAI ids, no signature) on a
	// gemini-3 model: the placeholder signature gets it through.
	req := &sdk.CompleteRequest{UpstreamModel: "gemini-3-pro-preview", Request: &sdk.ChatRequest{
		Messages: []*sdk.Message{
			{Role: "user", Content: "Weather?"},
			{Role: "assistant", ToolCalls: []*sdk.ToolCall{{Id: "call_abc123", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`}}},
			{Role: "tool", ToolCallId: "call_abc123", Content: `{"temp_c":11}`},
		},
		Tools: []*sdk.Tool{{Type: "function", Name: "get_weather", ParametersJson: `{"type":"object","properties":{"city":{"type":"string"}}}`}},
	}}
	if resp, err := p.Complete(ctx, req); err != nil || !strings.Contains(resp.Content, `{"temp_c":11}`) {
		t.Errorf("foreign history on gemini-3: %v %+v", err, resp)
	}

}

func TestStreamedCallAgainstSimulator(t *testing.T) {
	p := simProvider(t)
	// The call as OpenAI-style deltas.
	req := &sdk.CompleteRequest{UpstreamModel: "gemini-2.0-flash", Request: &sdk.ChatRequest{
		Messages:   []*sdk.Message{{Role: "user", Content: "Call get_weather please"}},
		Tools:      []*sdk.Tool{{Type: "function", Name: "get_weather", ParametersJson: `{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`}},
		ToolChoice: &sdk.ToolChoice{Mode: "required"},
	}}
	chunks := collectChunks(t, p, req)
	calls := assembleCalls(t, chunks)
	if len(calls) != 1 || chunks[len(chunks)-1].FinishReason != "tool_calls" || !json.Valid([]byte(calls[0].Arguments)) {
		t.Errorf("stream: %+v", calls)
	}

}

func TestStructuredOutputAgainstSimulator(t *testing.T) {
	p, ctx := simProvider(t), context.Background()
	// The JSON answer has the schema's keys.
	req := &sdk.CompleteRequest{UpstreamModel: "gemini-2.0-flash", Request: &sdk.ChatRequest{
		Messages:       []*sdk.Message{{Role: "user", Content: "A person, as JSON."}},
		ResponseFormat: "json_schema",
		JsonSchema: &sdk.JsonSchema{Name: "Person", Strict: ptr(true), SchemaJson: `{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0},
			"email":{"anyOf":[{"type":"string","format":"email"},{"type":"null"}]}},"required":["name","age","email"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}`},
	}}
	resp, err := p.Complete(ctx, req)
	var person map[string]any
	if err != nil || json.Unmarshal([]byte(resp.Content), &person) != nil || person["name"] == nil || person["age"] == nil {
		t.Errorf("json_schema: %v %+v", err, resp)
	}

}

// TestJSONSchemaFormatAgainstSimulator: a recursive schema, which the
// conversion refuses, goes as given with schema_format "json_schema".
func TestJSONSchemaFormatAgainstSimulator(t *testing.T) {
	p, ctx := simProvider(t, "schema_format", "json_schema"), context.Background()
	req := &sdk.CompleteRequest{UpstreamModel: "gemini-2.5-flash", Request: &sdk.ChatRequest{
		Messages:       []*sdk.Message{{Role: "user", Content: "A tree."}},
		ResponseFormat: "json_schema",
		JsonSchema: &sdk.JsonSchema{Name: "Tree", SchemaJson: `{"$defs":{"Node":{"type":"object","properties":{"name":{"type":"string"},
			"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},"required":["name","children"]}},"$ref":"#/$defs/Node"}`},
	}}
	resp, err := p.Complete(ctx, req)
	var tree struct {
		Name     *string           `json:"name"`
		Children []json.RawMessage `json:"children"`
	}
	if err != nil || json.Unmarshal([]byte(resp.Content), &tree) != nil || tree.Name == nil {
		t.Errorf("tree: %v %+v", err, resp)
	}
}

func TestChoicesAndLogprobsAgainstSimulator(t *testing.T) {
	p, ctx := simProvider(t), context.Background()
	// n = 2 with log probabilities, plain and streamed.
	req := &sdk.CompleteRequest{UpstreamModel: "gemini-2.0-flash", Request: &sdk.ChatRequest{
		Messages: []*sdk.Message{{Role: "user", Content: "Two choices please"}}, N: ptr(int32(2)), Logprobs: true, TopLogprobs: ptr(int32(1)),
	}}
	resp, err := p.Complete(ctx, req)
	if err != nil || len(resp.MoreChoices) != 1 || resp.MoreChoices[0].Content != resp.Content ||
		!strings.Contains(resp.LogprobsJson, `"top_logprobs":[{"token":`) || resp.MoreChoices[0].LogprobsJson == "" {
		t.Errorf("n=2 logprobs: %v %+v", err, resp)
	}
	texts := map[int32]string{}
	finishes := 0
	err = p.Stream(ctx, req, func(c *sdk.StreamChunk) error {
		texts[c.ChoiceIndex] += c.Content
		if c.FinishReason != "" {
			finishes++
		}
		return nil
	})
	if err != nil || finishes != 2 || texts[0] == "" || texts[0] != texts[1] {
		t.Errorf("n=2 stream: %v %q %d", err, texts, finishes)
	}

}

func TestImageAgainstSimulator(t *testing.T) {
	p, ctx := simProvider(t), context.Background()
	// An image data URL reaches the model as inline data.
	req := &sdk.CompleteRequest{UpstreamModel: "gemini-2.0-flash", Request: &sdk.ChatRequest{
		Messages: []*sdk.Message{{Role: "user", Content: "Describe this image", Parts: []*sdk.ContentPart{
			{Type: "text", Text: "Describe this image"},
			{Type: "image_url", ImageUrl: "data:image/png;base64," + base64.StdEncoding.EncodeToString(tinyPNG(t))},
		}}},
	}}
	if resp, err := p.Complete(ctx, req); err != nil || !strings.Contains(resp.Content, "Describe this image") {
		t.Errorf("image: %v %+v", err, resp)
	}
}

// TestCountTokensAgainstSimulator: CountTokens sends the whole
// generateContent request (system instruction and tools included) to
// countTokens, whose count is the promptTokenCount a generateContent call
// reports for the same input; without a key it fails with class auth.
func TestCountTokensAgainstSimulator(t *testing.T) {
	p := simProvider(t)
	ctx := context.Background()
	chat := &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "What is the capital of France?"}},
		Tools: []*sdk.Tool{{Type: "function", Name: "get_weather", ParametersJson: `{"type":"object","properties":{"city":{"type":"string"}}}`}}}
	count, err := p.CountTokens(ctx, &sdk.CountTokensRequest{UpstreamModel: "gemini-2.0-flash", Request: chat})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := p.Complete(ctx, &sdk.CompleteRequest{UpstreamModel: "gemini-2.0-flash", Request: chat})
	if err != nil {
		t.Fatal(err)
	}
	if count.GetInputTokens() == 0 || count.GetInputTokens() != resp.GetUsage().GetPromptTokens() {
		t.Fatalf("count %d, prompt tokens %d", count.GetInputTokens(), resp.GetUsage().GetPromptTokens())
	}
	noKey := simProvider(t, "api_key", "")
	if _, err := noKey.CountTokens(ctx, &sdk.CountTokensRequest{UpstreamModel: "gemini-2.0-flash", Request: chat}); sdk.AsProviderError(err).GetClass() != sdk.ClassAuth {
		t.Fatalf("without a key: %v", err)
	}
}
