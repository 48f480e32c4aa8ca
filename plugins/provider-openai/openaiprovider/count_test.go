package openaiprovider

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/tools/upstream-sim/sim"
)

// countConversation is a tool loop with an image: every kind of message a
// count translates into Responses input items.
func countConversation() *sdk.ChatRequest {
	strict := true
	return &sdk.ChatRequest{
		Model: "gpt-4o-primary",
		Messages: []*sdk.Message{
			{Role: "system", Content: "Be brief."},
			{Role: "user", Content: "What is the weather in Paris today?"},
			{Role: "assistant", Content: "Let me look.", ToolCalls: []*sdk.ToolCall{{Id: "call_1", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`}}},
			{Role: "tool", ToolCallId: "call_1", Content: "eleven degrees and sunny"},
			{Role: "user", Content: "And this picture?", Parts: []*sdk.ContentPart{{Type: "text", Text: "And this picture?"},
				{Type: "image_url", ImageUrl: "data:image/gif;base64,R0lGODlhAQABAAAAACw=", ImageDetail: "low"}}},
		},
		Tools: []*sdk.Tool{{Type: "function", Name: "get_weather", Description: "The weather of a city",
			ParametersJson: `{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}`, Strict: &strict}},
		ToolChoice:      &sdk.ToolChoice{Mode: "auto"},
		ReasoningEffort: "low",
	}
}

// The count of a conversation is what the simulator's chat answer reports
// as its prompt tokens, and the body passes its strict checks of OpenAI's
// count route (an item or field the API would refuse fails the count).
func TestCountTokensAgainstSimulator(t *testing.T) {
	srv := httptest.NewServer(sim.New(sim.Config{}))
	t.Cleanup(srv.Close)
	p := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","base_url":"`+srv.URL+`/v1","flavor":"openai"}`)
	if !slices.Contains(p.Capabilities(), sdk.CapProviderCountTokens) {
		t.Fatal("flavor openai does not declare provider.count_tokens")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cr := countConversation()
	counted, err := p.CountTokens(ctx, &sdk.CountTokensRequest{RequestId: "req-1", UpstreamModel: "gpt-5-mini", Request: cr})
	if err != nil {
		t.Fatal(err)
	}
	answer, err := p.Complete(ctx, &sdk.CompleteRequest{RequestId: "req-2", UpstreamModel: "gpt-5-mini", Request: cr})
	if err != nil {
		t.Fatal(err)
	}
	// 19 words: every message, the assistant's text and the tool's result.
	if counted.GetInputTokens() != answer.GetUsage().GetPromptTokens() || counted.GetInputTokens() != 19 {
		t.Fatalf("counted %d input tokens, the answer's usage says %d", counted.GetInputTokens(), answer.GetUsage().GetPromptTokens())
	}

	// The upstream's errors are classed as for a chat call.
	for fault, class := range map[string]sdk.ErrorClass{"429": sdk.ClassRateLimited, "500": sdk.ClassUpstream5xx, "400": sdk.ClassBadRequest} {
		pf := newTestProvider(t, "openai", `{"api_key":"`+testKey+`","base_url":"`+srv.URL+`/v1","flavor":"openai","headers":{"X-Sim-Fault":"`+fault+`"}}`)
		_, err := pf.CountTokens(ctx, &sdk.CountTokensRequest{UpstreamModel: "gpt-5-mini", Request: cr})
		if pe := providerError(t, err); pe.Class != class {
			t.Errorf("fault %s: class %v, want %v", fault, pe.Class, class)
		}
	}
	bad := newTestProvider(t, "openai", `{"api_key":"sim-invalid-key","base_url":"`+srv.URL+`/v1","flavor":"openai"}`)
	if _, err := bad.CountTokens(ctx, &sdk.CountTokensRequest{UpstreamModel: "gpt-5-mini", Request: cr}); providerError(t, err).Class != sdk.ClassAuth {
		t.Errorf("a wrong key: %v", err)
	}
}

// Only OpenAI's own API counts: the other flavors do not offer their models
// to a count.
func TestCountTokensOnlyOpenAI(t *testing.T) {
	for _, flavor := range []string{"openrouter", "groq", "generic"} {
		p := newTestProvider(t, flavor, `{"api_key":"`+testKey+`","base_url":"http://127.0.0.1:9/v1","flavor":"`+flavor+`"}`)
		if slices.Contains(p.Capabilities(), sdk.CapProviderCountTokens) {
			t.Errorf("flavor %s declares provider.count_tokens", flavor)
		}
	}
}
