package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/llmgw/llmgw/core/pipeline"
)

// TestDecodeMessages: a documented Messages request (system blocks, an
// image, a tool loop, tools and tool_choice) becomes the pipeline's chat
// request.
func TestDecodeMessages(t *testing.T) {
	body := `{"model":"claude-sonnet","max_tokens":1024,"system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Use metric units.","cache_control":{"type":"ephemeral"}}],
	 "messages":[
	  {"role":"user","content":[{"type":"text","text":"Weather?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},
	  {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
	  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"11 C"},{"type":"text","text":"And tomorrow?"}]}],
	 "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
	 "tool_choice":{"type":"any","disable_parallel_tool_use":true},"stop_sequences":["END"],"temperature":0.5,"top_p":0.9,
	 "metadata":{"user_id":"u-1"},"stream":true}`
	req, derr := decodeAnthropicMessages([]byte(body))
	if derr != nil {
		t.Fatal(derr.msg)
	}
	got, _ := protojson.Marshal(req)
	var norm map[string]any
	_ = json.Unmarshal(got, &norm)
	want := `{"model":"claude-sonnet","messages":[` +
		`{"role":"system","content":"Be brief.\nUse metric units."},` +
		`{"role":"user","content":"Weather?","parts":[{"type":"text","text":"Weather?"},{"type":"image_url","imageUrl":"data:image/png;base64,iVBORw0KGgo="}]},` +
		`{"role":"assistant","content":"Checking.","toolCalls":[{"id":"toolu_1","type":"function","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}]},` +
		`{"role":"tool","content":"11 C","toolCallId":"toolu_1"},` +
		`{"role":"user","content":"And tomorrow?"}],` +
		`"temperature":0.5,"maxTokens":1024,"topP":0.9,"stop":["END"],"stream":true,"includeUsage":true,"user":"u-1",` +
		`"tools":[{"type":"function","name":"get_weather","description":"Weather","parametersJson":"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"}],` +
		`"toolChoice":{"mode":"required"},"parallelToolCalls":false}`
	var wantNorm map[string]any
	if err := json.Unmarshal([]byte(want), &wantNorm); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(norm)
	w, _ := json.Marshal(wantNorm)
	if string(g) != string(w) {
		t.Fatalf("got\n%s\nwant\n%s", g, w)
	}
}

func TestDecodeMessagesRefusals(t *testing.T) {
	msg := `"messages":[{"role":"user","content":"hi"}]`
	for _, c := range []struct{ body, param string }{
		{`{"model":"m",` + msg + `}`, "max_tokens"},
		{`{"max_tokens":10,` + msg + `}`, "model"},
		{`{"model":"m","max_tokens":0,` + msg + `}`, "max_tokens"},
		{`{"model":"m","max_tokens":10,"messages":[]}`, "messages"},
		{`{"model":"m","max_tokens":10,"temperature":1.5,` + msg + `}`, "temperature"},
		{`{"model":"m","max_tokens":10,"top_k":5,` + msg + `}`, "top_k"},
		{`{"model":"m","max_tokens":10,"thinking":{"type":"auto"},` + msg + `}`, "thinking.type"},
		{`{"model":"m","max_tokens":4000,"thinking":{"type":"adaptive","budget_tokens":2000},` + msg + `}`, "thinking.budget_tokens"},
		{`{"model":"m","max_tokens":10,"context_management":{"edits":[{"type":"clear_tool_uses_20250919"}]},` + msg + `}`, "context_management.edits[0]"},
		{`{"model":"m","max_tokens":10,"context_management":{"edits":[{"type":"clear_thinking_20251015","keep":{"type":"thinking_turns","value":1}}]},` + msg + `}`, "context_management.edits[0]"},
		{`{"model":"m","max_tokens":10,"thinking":{"type":"enabled","budget_tokens":2000},` + msg + `}`, "thinking.budget_tokens"},
		{`{"model":"m","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":1000},` + msg + `}`, "thinking.budget_tokens"},
		{`{"model":"m","max_tokens":4000,"thinking":{"type":"enabled"},` + msg + `}`, "thinking.budget_tokens"},
		{`{"model":"m","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2000,"x":1},` + msg + `}`, "x"},
		{`{"model":"m","max_tokens":10,"container":"x",` + msg + `}`, "container"},
		{`{"model":"m","max_tokens":10,"output_config":{"format":{"type":"json_schema","schema":{}}},` + msg + `}`, "output_config.format"},
		{`{"model":"m","max_tokens":10,"messages":[{"role":"tool","content":"x"}]}`, "messages[0].role"},
		{`{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"x"},{"role":"system","content":[{"type":"image"}]}]}`, "messages[1].content"},
		{`{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"document","source":{}}]}]}`, "messages[0].content[0].type"},
		{`{"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"image","source":{}}]}]}`, "messages[0].content[0].type"},
		{`{"model":"m","max_tokens":10,"tools":[{"type":"web_search_20250305","name":"web_search"}],` + msg + `}`, "tools[0].type"},
		{`{"model":"m","max_tokens":10,"tool_choice":{"type":"tool"},` + msg + `}`, "tool_choice.name"},
		{`{"model":"m","max_tokens":10,"system":[{"type":"image"}],` + msg + `}`, "system[0]"},
	} {
		_, derr := decodeAnthropicMessages([]byte(c.body))
		if derr == nil || derr.status != http.StatusBadRequest || derr.param != c.param {
			t.Errorf("%s: %+v", c.body, derr)
		}
	}
}

func TestMessagesAnswer(t *testing.T) {
	a, rec := testAnswer(pipeline.RouteChat, false)
	res := &pipeline.Result{Content: "Let me check.", FinishReason: "tool_calls", ModelUsed: "claude-sonnet",
		ToolCalls: []*pb.ToolCall{{Id: "toolu_1", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`}, {Id: "toolu_2", Name: "f", Arguments: "not json"}},
		Usage:     &pb.Usage{PromptTokens: 2160, CompletionTokens: 9, TotalTokens: 2169, CachedTokens: 2048, CacheCreationTokens: 100}}
	newMessagesWriter(a).Complete(res, &pipeline.Trace{Headers: map[string]string{}})
	want := `{"id":"msg_r1","type":"message","role":"assistant","model":"claude-sonnet","content":[` +
		`{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},{"type":"tool_use","id":"toolu_2","name":"f","input":{}}],` +
		`"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":9,"cache_creation_input_tokens":100,"cache_read_input_tokens":2048}}`
	if got := strings.TrimSpace(rec.Body.String()); got != want || rec.Header().Get("Request-Id") != "r1" {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	for finish, stop := range map[string]string{"stop": "end_turn", "length": "max_tokens", "content_filter": "refusal", "": "end_turn"} {
		if got := stopReason(&pipeline.Result{FinishReason: finish}); got != stop {
			t.Errorf("%q → %s, want %s", finish, got, stop)
		}
	}
	a, rec = testAnswer(pipeline.RouteChat, false)
	newMessagesWriter(a).Error(&pipeline.Error{Status: 404, Type: "invalid_request_error", Code: "model_not_found", Message: `The model "x" does not exist`, RetryAfter: 0}, &pipeline.Trace{})
	if rec.Code != 404 || strings.TrimSpace(rec.Body.String()) != `{"type":"error","error":{"type":"not_found_error","message":"The model \"x\" does not exist"}}` {
		t.Fatalf("error: %d %s", rec.Code, rec.Body.String())
	}
	for status, typ := range map[int]string{400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 413: "request_too_large",
		429: "rate_limit_error", 502: "api_error", 503: "overloaded_error", 504: "timeout_error", 529: "overloaded_error", 402: "billing_error"} {
		if got := anthropicErrorType(status); got != typ {
			t.Errorf("%d → %s, want %s", status, got, typ)
		}
	}
}

// sseTypes lists a stream's events as "name" (and checks that each event's
// name is its data's type).
func sseTypes(t *testing.T, body string) ([]string, []map[string]any) {
	t.Helper()
	var names []string
	var datas []map[string]any
	for _, ev := range strings.Split(strings.TrimSpace(body), "\n\n") {
		name, data, ok := strings.Cut(ev, "\ndata: ")
		name = strings.TrimPrefix(name, "event: ")
		var d map[string]any
		if !ok || json.Unmarshal([]byte(data), &d) != nil || d["type"] != name {
			t.Fatalf("bad event %q", ev)
		}
		names = append(names, name)
		datas = append(datas, d)
	}
	return names, datas
}

func TestMessagesStream(t *testing.T) {
	a, rec := testAnswer(pipeline.RouteChat, true)
	w := newMessagesWriter(a)
	tr := &pipeline.Trace{Headers: map[string]string{}, Attempts: []*pb.Attempt{{Model: "claude-sonnet", Provider: "anthropic"}}}
	if err := w.StreamStart(tr); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []*pb.StreamChunk{
		{Content: "Let me "}, {ReasoningContent: "hidden"}, {Content: "check."},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Id: "toolu_1", Type: "function", Name: "get_weather"}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `{"city":`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `"Paris"}`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 1, Id: "toolu_2", Type: "function", Name: "get_time", Arguments: "{}"}}},
	} {
		if err := w.StreamChunk(ch); err != nil {
			t.Fatal(err)
		}
	}
	res := &pipeline.Result{FinishReason: "tool_calls", Usage: &pb.Usage{PromptTokens: 30, CompletionTokens: 12, CachedTokens: 10}}
	if err := w.StreamEnd(res, tr); err != nil {
		t.Fatal(err)
	}
	names, datas := sseTypes(t, rec.Body.String())
	want := "message_start ping content_block_start content_block_delta content_block_delta content_block_stop " +
		"content_block_start content_block_delta content_block_delta content_block_stop content_block_start content_block_delta content_block_stop message_delta message_stop"
	if strings.Join(names, " ") != want {
		t.Fatalf("events %v", names)
	}
	if strings.Contains(rec.Body.String(), "hidden") {
		t.Fatal("reasoning was sent")
	}
	start := datas[0]["message"].(map[string]any)
	if start["id"] != "msg_r1" || start["model"] != "claude-sonnet" || datas[6]["index"] != float64(1) || datas[10]["index"] != float64(2) {
		t.Fatalf("start %v, blocks %v %v", start, datas[6], datas[10])
	}
	md := datas[len(datas)-2]
	if md["delta"].(map[string]any)["stop_reason"] != "tool_use" || md["usage"].(map[string]any)["input_tokens"] != float64(20) || md["usage"].(map[string]any)["cache_read_input_tokens"] != float64(10) {
		t.Fatalf("message_delta %v", md)
	}

	// A failure after the start is Anthropic's error event.
	a, rec = testAnswer(pipeline.RouteChat, true)
	w = newMessagesWriter(a)
	_ = w.StreamStart(tr)
	_ = w.StreamChunk(&pb.StreamChunk{Content: "Hel"})
	w.StreamFail(&pipeline.Error{Status: 502, Message: "upstream failed"}, tr)
	names, datas = sseTypes(t, rec.Body.String())
	if names[len(names)-1] != "error" || datas[len(datas)-1]["error"].(map[string]any)["type"] != "api_error" {
		t.Fatalf("fail: %s", rec.Body.String())
	}
	// An answer without content still has one (empty) text block.
	a, rec = testAnswer(pipeline.RouteChat, true)
	w = newMessagesWriter(a)
	_ = w.StreamStart(tr)
	_ = w.StreamEnd(&pipeline.Result{FinishReason: "stop"}, tr)
	if names, _ = sseTypes(t, rec.Body.String()); strings.Join(names, " ") != "message_start ping content_block_start content_block_stop message_delta message_stop" {
		t.Fatalf("empty: %v", names)
	}
}

// TestMessagesThinking: thinking enabled sets the budget; the assistant's
// signed thinking blocks (and redacted ones) are kept for the provider that
// made them; the answer carries the thinking with its signature only when
// thinking was asked for, plain and streamed.
func TestMessagesThinking(t *testing.T) {
	body := `{"model":"claude-sonnet","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[
	  {"role":"user","content":"Weather?"},
	  {"role":"assistant","content":[{"type":"thinking","thinking":"they ask","signature":"sig1"},{"type":"redacted_thinking","data":"opaque"},
	    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
	  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"11 C"}]}]}`
	req, derr := decodeAnthropicMessages([]byte(body))
	if derr != nil {
		t.Fatal(derr.msg)
	}
	th := req.Messages[1].GetThinking()
	if req.GetThinkingBudgetTokens() != 2048 || len(th) != 2 || th[0].GetThinking() != "they ask" || th[0].GetSignature() != "sig1" || th[1].GetRedactedData() != "opaque" {
		t.Fatalf("%v", req)
	}
	if req, _ := decodeAnthropicMessages([]byte(`{"model":"m","max_tokens":10,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"hi"}]}`)); req.ThinkingBudgetTokens != nil {
		t.Fatal("thinking disabled set a budget")
	}

	res := &pipeline.Result{Content: "Sunny.", Reasoning: "they want weather", ReasoningSignature: "sig2", FinishReason: "stop", ModelUsed: "claude-sonnet"}
	for _, asked := range []bool{true, false} {
		a, rec := testAnswer(pipeline.RouteChat, false)
		if asked {
			a.req.Chat.ThinkingBudgetTokens = req.ThinkingBudgetTokens
		}
		newMessagesWriter(a).Complete(res, &pipeline.Trace{Headers: map[string]string{}})
		has := strings.Contains(rec.Body.String(), `"content":[{"type":"thinking","thinking":"they want weather","signature":"sig2"},{"type":"text","text":"Sunny."}]`)
		if has != asked || (!asked && strings.Contains(rec.Body.String(), "they want weather")) {
			t.Fatalf("asked %v: %s", asked, rec.Body.String())
		}
	}

	a, rec := testAnswer(pipeline.RouteChat, true)
	a.req.Chat.ThinkingBudgetTokens = req.ThinkingBudgetTokens
	w := newMessagesWriter(a)
	tr := &pipeline.Trace{Headers: map[string]string{}, Attempts: []*pb.Attempt{{Model: "claude-sonnet", Provider: "anthropic"}}}
	_ = w.StreamStart(tr)
	for _, ch := range []*pb.StreamChunk{{ReasoningContent: "they "}, {ReasoningContent: "ask"}, {ReasoningSignature: "sig"}, {Content: "Sunny."}} {
		if err := w.StreamChunk(ch); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.StreamEnd(&pipeline.Result{FinishReason: "stop"}, tr)
	names, datas := sseTypes(t, rec.Body.String())
	if strings.Join(names, " ") != "message_start ping content_block_start content_block_delta content_block_delta content_block_delta content_block_stop "+
		"content_block_start content_block_delta content_block_stop message_delta message_stop" {
		t.Fatalf("events %v", names)
	}
	if b := datas[2]["content_block"].(map[string]any); b["type"] != "thinking" || b["signature"] != "" {
		t.Fatalf("thinking block %v", b)
	}
	if d := datas[5]["delta"].(map[string]any); d["type"] != "signature_delta" || d["signature"] != "sig" || datas[5]["index"] != float64(0) {
		t.Fatalf("signature %v", datas[5])
	}
	if datas[7]["index"] != float64(1) {
		t.Fatalf("text block %v", datas[7])
	}
}

// TestDecodeMessagesClaudeCode: what Claude Code sends (adaptive thinking,
// a no-op context edit, a system message in the conversation, effort, a
// metadata user id) decodes.
func TestDecodeMessagesClaudeCode(t *testing.T) {
	body := `{"model":"claude-sonnet","max_tokens":32000,"stream":true,"thinking":{"type":"adaptive"},
	 "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},"output_config":{"effort":"high"},
	 "metadata":{"user_id":"{\"session_id\":\"s\"}"},
	 "system":[{"type":"text","text":"You are Claude Code."},{"type":"text","text":"Be careful.","cache_control":{"type":"ephemeral"}}],
	 "messages":[{"role":"user","content":[{"type":"text","text":"Say hello"}]},{"role":"system","content":"Today is Friday."}]}`
	req, derr := decodeAnthropicMessages([]byte(body))
	if derr != nil {
		t.Fatal(derr.msg)
	}
	if !req.ThinkingAdaptive || req.ThinkingBudgetTokens != nil || len(req.Messages) != 3 || req.Messages[2].Role != "system" || req.Messages[2].Content != "Today is Friday." {
		t.Fatalf("%v", req)
	}
}

// TestDecodeAnthropicCount: a count body is a Messages body without
// max_tokens (refused) or stream; the thinking budget is checked without it.
func TestDecodeAnthropicCount(t *testing.T) {
	req, derr := decodeAnthropicCount([]byte(`{"model":"claude-sonnet","system":"s","thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"hi"}]}`))
	if derr != nil || req.MaxTokens != nil || req.GetThinkingBudgetTokens() != 2048 || len(req.Messages) != 2 {
		t.Fatalf("%v %+v", req, derr)
	}
	for _, c := range []struct{ body, param string }{
		{`{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`, "max_tokens"},
		{`{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`, "stream"},
		{`{"model":"m","messages":[]}`, "messages"},
		{`{"messages":[{"role":"user","content":"hi"}]}`, "model"},
	} {
		if _, derr := decodeAnthropicCount([]byte(c.body)); derr == nil || derr.param != c.param {
			t.Errorf("%s: %+v", c.body, derr)
		}
	}
}
