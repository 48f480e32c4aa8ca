package anthropicprovider

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/tools/upstream-sim/sim"
)

// TestAgainstSimulator runs the provider against upstream-sim's Messages
// API, served in-process: a strict peer (alternating roles, tool results
// right after their calls, the anthropic-version header) for the
// translation, and every fault class.
func TestAgainstSimulator(t *testing.T) {
	s := sim.New(sim.Config{})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	p, err := newProvider(Config{APIKey: "sk-ant-sim", BaseURL: srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req := request(&sdk.Message{Role: "system", Content: "Be brief."}, &sdk.Message{Role: "user", Content: "hello"}, &sdk.Message{Role: "user", Content: "there"})
	resp, err := p.Complete(ctx, req)
	if err != nil || resp.Content != "[sim anthropic claude-sonnet-4-5] echo: hellothere" || resp.FinishReason != "stop" || resp.Usage.PromptTokens == 0 {
		t.Fatalf("complete: %v %+v", err, resp)
	}
	chunks, err := collect(p, req)
	if err != nil || chunks[len(chunks)-1].FinishReason != "stop" || chunks[len(chunks)-1].Usage.CompletionTokens != resp.Usage.CompletionTokens {
		t.Fatalf("stream: %v %+v", err, chunks)
	}
	// count_tokens counts the same input as the message's usage does.
	count, err := p.CountTokens(ctx, &sdk.CountTokensRequest{UpstreamModel: req.UpstreamModel, Request: req.Request})
	if err != nil || count.GetInputTokens() != resp.Usage.PromptTokens {
		t.Fatalf("count_tokens: %v %+v, prompt tokens %d", err, count, resp.Usage.PromptTokens)
	}

	// A forced tool call, then its result, then the final answer.
	tools := []*sdk.Tool{{Type: "function", Name: "get_weather", ParametersJson: `{"type":"object","properties":{"city":{"type":"string"}}}`}}
	req = request(&sdk.Message{Role: "user", Content: "Weather in Paris?"})
	req.Request.Tools, req.Request.ToolChoice = tools, &sdk.ToolChoice{Mode: "required"}
	var calls []*sdk.ToolCall
	chunks, err = collect(p, req)
	for _, c := range chunks {
		calls = append(calls, c.ToolCalls...)
	}
	if err != nil || len(calls) < 2 || calls[0].Name != "get_weather" || chunks[len(chunks)-1].FinishReason != "tool_calls" {
		t.Fatalf("tool stream: %v %+v", err, chunks)
	}
	var args strings.Builder
	for _, c := range calls {
		args.WriteString(c.Arguments)
	}
	if args.String() != `{"city":"sim-city"}` {
		t.Fatalf("arguments %q", args.String())
	}
	req.Request.Messages = append(req.Request.Messages,
		&sdk.Message{Role: "assistant", ToolCalls: []*sdk.ToolCall{{Id: calls[0].Id, Type: "function", Name: "get_weather", Arguments: args.String()}}},
		&sdk.Message{Role: "tool", ToolCallId: calls[0].Id, Content: "11 degrees"})
	resp, err = p.Complete(ctx, req)
	if err != nil || resp.Content != "[sim anthropic claude-sonnet-4-5] tool results: 11 degrees" || len(resp.ToolCalls) != 0 {
		t.Fatalf("after the result: %v %+v", err, resp)
	}

	for fault, class := range map[string]sdk.ErrorClass{
		"529": sdk.ClassUpstream5xx, "500": sdk.ClassUpstream5xx, "429": sdk.ClassRateLimited, "401": sdk.ClassAuth, "403": sdk.ClassAuth,
		"400": sdk.ClassBadRequest, "404": sdk.ClassModelUnavailable, "402": sdk.ClassQuotaExhausted, "midstream-error": sdk.ClassUpstream5xx,
		"cut-stream": sdk.ClassTransport, "malformed": sdk.ClassUpstream5xx, "error-in-200": sdk.ClassUpstream5xx,
	} {
		s.SetFault(sim.Fault(fault))
		if fault == "401" {
			s.SetFault(sim.FaultNone)
			p.key = "sim-invalid-key"
		}
		_, err := collect(p, request())
		if pe := providerError(t, err); pe.Class != class {
			t.Errorf("stream under %s: %+v", fault, pe)
		}
		if fault == "429" {
			if pe := providerError(t, err); pe.RetryAfterMs != 1000 {
				t.Errorf("429 retry after: %+v", pe)
			}
		}
		p.key = "sk-ant-sim"
	}
	s.SetFault(sim.FaultNone)
}
