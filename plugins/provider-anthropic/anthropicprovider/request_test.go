package anthropicprovider

import (
	"encoding/json"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// wire is the JSON a request translates to.
func wire(t *testing.T, req *sdk.ChatRequest) string {
	t.Helper()
	mr, err := buildRequest("claude-sonnet-4-5", req, DefaultMaxTokens, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(mr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }

func TestBuildTurnsSystemAndParameters(t *testing.T) {
	req := &sdk.ChatRequest{
		Messages: []*sdk.Message{
			{Role: "system", Content: "Be brief."},
			{Role: "developer", Content: "Answer in English."},
			{Role: "user", Content: "Hi"},
			{Role: "user", Content: "there"},
			{Role: "assistant", Content: "Hello"},
			{Role: "user", Content: ""},
			{Role: "user", Content: "Weather?"},
		},
		MaxTokens: ptr(int32(100)), Temperature: ptr(1.5), TopP: ptr(0.9), Stop: []string{"END"}, User: "u-42",
	}
	got := wire(t, req)
	want := `{"model":"claude-sonnet-4-5","max_tokens":100,` +
		`"system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Answer in English."}],` +
		`"messages":[{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"text","text":"there"}]},` +
		`{"role":"assistant","content":[{"type":"text","text":"Hello"}]},` +
		`{"role":"user","content":[{"type":"text","text":"Weather?"}]}],` +
		`"stop_sequences":["END"],"temperature":1,"top_p":0.9,"metadata":{"user_id":"u-42"}}`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// A conversation that starts with the assistant gets a user turn first.
	got = wire(t, &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "assistant", Content: "Earlier answer"}, {Role: "user", Content: "go on"}}})
	if !strings.Contains(got, `"messages":[{"role":"user","content":[{"type":"text","text":"."}]},{"role":"assistant"`) {
		t.Fatalf("assistant first: %s", got)
	}
	if _, err := buildRequest("m", &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "system", Content: "only"}}}, 10, false); err == nil {
		t.Fatal("a request with only a system prompt was accepted")
	}
}

func TestBuildToolLoop(t *testing.T) {
	req := &sdk.ChatRequest{
		Tools: []*sdk.Tool{
			{Type: "function", Name: "get_weather", Description: "Weather of a city", ParametersJson: `{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`},
			{Type: "function", Name: "get_time"},
		},
		ToolChoice:        &sdk.ToolChoice{Mode: "required"},
		ParallelToolCalls: ptr(false),
		Messages: []*sdk.Message{
			{Role: "user", Content: "Weather and time in Paris?"},
			{Role: "assistant", ToolCalls: []*sdk.ToolCall{
				{Id: "toolu_1", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`},
				{Id: "toolu_2", Type: "function", Name: "get_time", Arguments: ``},
			}},
			{Role: "tool", ToolCallId: "toolu_1", Content: `{"temp_c":11}`},
			{Role: "tool", ToolCallId: "toolu_2", Content: "09:00"},
			{Role: "user", Content: "Thanks"},
		},
	}
	got := wire(t, req)
	want := `"messages":[{"role":"user","content":[{"type":"text","text":"Weather and time in Paris?"}]},` +
		`{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},{"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"{\"temp_c\":11}"}]},` +
		`{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"09:00"}]},{"type":"text","text":"Thanks"}]}],` +
		`"tools":[{"name":"get_weather","description":"Weather of a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},` +
		`{"name":"get_time","input_schema":{"type":"object","properties":{}}}],` +
		`"tool_choice":{"type":"any","disable_parallel_tool_use":true}}`
	if !strings.HasSuffix(got, want) {
		t.Fatalf("got\n%s\nwant suffix\n%s", got, want)
	}

	for mode, want := range map[*sdk.ToolChoice]string{
		{Mode: "auto"}:                       `"tool_choice":{"type":"auto"}`,
		{Mode: "none"}:                       `"tool_choice":{"type":"none"}`,
		{Mode: "function", Name: "get_time"}: `"tool_choice":{"type":"tool","name":"get_time"}`,
	} {
		r := &sdk.ChatRequest{Tools: req.Tools[:1], ToolChoice: mode, Messages: req.Messages[:1]}
		if got := wire(t, r); !strings.Contains(got, want) {
			t.Errorf("%v: %s", mode, got)
		}
	}
	// A tool result merged into a user turn that already has text goes first.
	r := &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "user", Content: "a"}, {Role: "tool", ToolCallId: "t1", Content: "r"}}}
	if got := wire(t, r); !strings.Contains(got, `"content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"r"}]},{"type":"text","text":"a"}]`) {
		t.Errorf("results first: %s", got)
	}
	for _, bad := range []*sdk.ChatRequest{
		{Messages: []*sdk.Message{{Role: "user", Content: "x"}, {Role: "assistant", ToolCalls: []*sdk.ToolCall{{Id: "t", Name: "f", Arguments: "[1]"}}}}},
		{Messages: []*sdk.Message{{Role: "tool", Content: "x"}}},
		{Messages: []*sdk.Message{{Role: "user", Content: "x"}}, ToolChoice: &sdk.ToolChoice{Mode: "required"}},
		{Messages: []*sdk.Message{{Role: "user", Content: "x"}}, Tools: []*sdk.Tool{{Name: "f", ParametersJson: "{"}}},
	} {
		if _, err := buildRequest("m", bad, 10, false); err == nil {
			t.Errorf("accepted %v", bad)
		} else if pe := providerError(t, err); pe.Class != sdk.ClassBadRequest {
			t.Errorf("%v: %+v", bad, pe)
		}
	}
}

func TestBuildImages(t *testing.T) {
	req := &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "user", Content: "What is this?", Parts: []*sdk.ContentPart{
		{Type: "text", Text: "What is this?"},
		{Type: "image_url", ImageUrl: "data:image/png;base64,iVBORw0KGgo="},
		{Type: "image_url", ImageUrl: "https://example.com/cat.jpg", ImageDetail: "high"},
	}}}}
	got := wire(t, req)
	want := `"content":[{"type":"text","text":"What is this?"},` +
		`{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},` +
		`{"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]`
	if !strings.Contains(got, want) {
		t.Fatalf("got %s", got)
	}
	for _, bad := range []string{"data:image/tiff;base64,AAAA", "data:image/png,raw", "ftp://x/y.png"} {
		r := &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "user", Parts: []*sdk.ContentPart{{Type: "image_url", ImageUrl: bad}}}}}
		if _, err := buildRequest("m", r, 10, false); err == nil {
			t.Errorf("accepted image %q", bad)
		}
	}
}

func TestParamsDeclared(t *testing.T) {
	have := map[string]bool{}
	for _, c := range Params {
		have[c] = true
	}
	for _, p := range sdk.ChatParams {
		want := map[string]bool{"stop": true, "top_p": true, "user": true, "tools": true, "parallel_tool_calls": true, "images": true, "thinking": true}[p]
		if have[sdk.ParamCap(p)] != want {
			t.Errorf("param %s declared=%v, want %v", p, have[sdk.ParamCap(p)], want)
		}
	}
}

// TestThinking: a thinking budget turns extended thinking on, and the
// signed thinking blocks of an assistant turn go back first in it (a
// redacted block as its data; an unsigned one, another provider's, left
// out) — only while thinking is on.
func TestThinking(t *testing.T) {
	budget := int32(2048)
	hist := []*sdk.Message{
		{Role: "user", Content: "Weather in Paris?"},
		{Role: "assistant", Content: "Checking.", Thinking: []*sdk.ThinkingBlock{{Thinking: "they want weather", Signature: "sig1"}, {RedactedData: "opaque"}, {Thinking: "unsigned"}},
			ToolCalls: []*sdk.ToolCall{{Id: "toolu_1", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`}}},
		{Role: "tool", ToolCallId: "toolu_1", Content: "11 C"},
	}
	r, err := buildRequest("m", &sdk.ChatRequest{Messages: hist, MaxTokens: ptr(int32(4096)), ThinkingBudgetTokens: &budget}, 1024, false)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(r)
	for _, want := range []string{`"thinking":{"type":"enabled","budget_tokens":2048}`,
		`{"role":"assistant","content":[{"type":"thinking","thinking":"they want weather","signature":"sig1"},{"type":"redacted_thinking","data":"opaque"},{"type":"text","text":"Checking."},{"type":"tool_use"`} {
		if !strings.Contains(string(got), want) {
			t.Fatalf("request %s\nlacks %s", got, want)
		}
	}
	if strings.Contains(string(got), "unsigned") {
		t.Fatalf("an unsigned thinking block was sent: %s", got)
	}
	r, _ = buildRequest("m", &sdk.ChatRequest{Messages: hist, ThinkingAdaptive: true}, 1024, false)
	if got, _ := json.Marshal(r); !strings.Contains(string(got), `"thinking":{"type":"adaptive"}`) || !strings.Contains(string(got), `"signature":"sig1"`) {
		t.Fatalf("adaptive: %s", got)
	}
	r, _ = buildRequest("m", &sdk.ChatRequest{Messages: hist}, 1024, false)
	if got, _ := json.Marshal(r); strings.Contains(string(got), "thinking") {
		t.Fatalf("thinking off, yet sent: %s", got)
	}
}
