package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/llmgw/llmgw/core/pipeline"
)

// sameJSON fails unless got and want are the same JSON value.
func sameJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Fatalf("got\n%s\nwant\n%s", gb, wb)
	}
}

// TestDecodeResponses: a Responses request of the usual tool loop (the
// earlier response's output echoed back, reasoning included, then the
// function's output), with instructions, an image, tools, tool_choice,
// text.format and reasoning, becomes the pipeline's chat request.
func TestDecodeResponses(t *testing.T) {
	body := `{"model":"gpt-4o-primary","instructions":"Be brief.","max_output_tokens":300,"temperature":0.2,"store":false,"truncation":"disabled",
	 "input":[
	  {"role":"developer","content":"Use metric units."},
	  {"role":"user","content":[{"type":"input_text","text":"Weather here?"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}]},
	  {"type":"reasoning","id":"rs_1","summary":[],"content":[{"type":"reasoning_text","text":"thinking"}],"status":"completed"},
	  {"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Checking.","annotations":[],"logprobs":[]}]},
	  {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"},
	  {"type":"function_call","id":"fc_2","call_id":"call_2","name":"get_time","arguments":"{}"},
	  {"type":"function_call_output","call_id":"call_1","output":"11 C"},
	  {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"noon"}]}],
	 "tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true},
	          {"type":"function","name":"get_time","parameters":null}],
	 "tool_choice":{"type":"function","name":"get_weather"},"parallel_tool_calls":false,
	 "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true},"verbosity":"low"},
	 "reasoning":{"effort":"high","summary":"auto"},"user":"u-1","safety_identifier":"s-1","prompt_cache_key":"k","stream":true}`
	req, opts, derr := decodeResponses([]byte(body))
	if derr != nil {
		t.Fatal(derr.msg)
	}
	got, _ := protojson.Marshal(req)
	sameJSON(t, got, `{"model":"gpt-4o-primary","messages":[`+
		`{"role":"system","content":"Be brief."},`+
		`{"role":"system","content":"Use metric units."},`+
		`{"role":"user","content":"Weather here?","parts":[{"type":"text","text":"Weather here?"},{"type":"image_url","imageUrl":"data:image/png;base64,iVBORw0KGgo=","imageDetail":"low"}]},`+
		`{"role":"assistant","content":"Checking.","toolCalls":[{"id":"call_1","type":"function","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},{"index":1,"id":"call_2","type":"function","name":"get_time","arguments":"{}"}]},`+
		`{"role":"tool","content":"11 C","toolCallId":"call_1"},{"role":"tool","content":"noon","toolCallId":"call_2"}],`+
		`"temperature":0.2,"maxTokens":300,"stream":true,"includeUsage":true,"user":"u-1",`+
		`"tools":[{"type":"function","name":"get_weather","description":"Weather","parametersJson":"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}","strict":true},{"type":"function","name":"get_time","strict":true}],`+
		`"toolChoice":{"mode":"function","name":"get_weather"},"parallelToolCalls":false,"responseFormat":"json_schema",`+
		`"jsonSchema":{"name":"w","schemaJson":"{\"type\":\"object\"}","strict":true},"reasoningEffort":"high","verbosity":"low","safetyIdentifier":"s-1","promptCacheKey":"k"}`)
	o := opts.responses
	if o == nil || *o.Instructions != "Be brief." || *o.MaxOutputTokens != 300 || o.ParallelToolCalls || o.Temperature != 0.2 || o.TopP != 1 ||
		*o.Reasoning.Effort != "high" || *o.User != "u-1" || !strings.Contains(string(o.Text.Format), "json_schema") || string(o.ToolChoice) != `{"type":"function","name":"get_weather"}` {
		t.Fatalf("echo %+v", o)
	}

	// A string input is one user message; the echo has OpenAI's defaults.
	req, opts, derr = decodeResponses([]byte(`{"model":"m","input":"hi"}`))
	if derr != nil || len(req.Messages) != 1 || req.Messages[0].Role != "user" || req.Messages[0].Content != "hi" || req.Stream || !req.IncludeUsage {
		t.Fatalf("%v %v", req, derr)
	}
	echo, _ := json.Marshal(opts.responses)
	sameJSON(t, echo, `{"id":"","object":"response","created_at":0,"status":"","background":false,"error":null,"incomplete_details":null,"instructions":null,`+
		`"max_output_tokens":null,"model":"","output":null,"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},`+
		`"store":false,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled","usage":null,"user":null,"metadata":{}}`)

	// metadata is kept on the request and echoed, as OpenAI's response
	// object does.
	req, opts, derr = decodeResponses([]byte(`{"model":"m","input":"hi","metadata":{"feature":"search"}}`))
	if derr != nil || req.Metadata["feature"] != "search" || opts.responses.Metadata["feature"] != "search" {
		t.Fatalf("metadata: %v %v %+v", req.GetMetadata(), opts.responses.Metadata, derr)
	}
}

// TestDecodeResponsesRefusals: what the gateway cannot honour is refused by
// name, and bad input names its place.
func TestDecodeResponsesRefusals(t *testing.T) {
	in := `"input":"hi"`
	for _, c := range []struct{ body, code, param string }{
		{`{` + in + `}`, "missing_field", "model"},
		{`{"model":"m"}`, "missing_field", "input"},
		{`{"model":"m","input":""}`, "missing_field", "input"},
		{`{"model":"m","input":[]}`, "missing_field", "input"},
		{`{"model":"m","input":[{"type":"reasoning","summary":[]}]}`, "missing_field", "input"},
		{`{"model":"m","input":7}`, "invalid_value", "input"},
		{`{"model":"m","max_output_tokens":0,` + in + `}`, "invalid_max_tokens", "max_output_tokens"},
		{`{"model":"m","temperature":"hot",` + in + `}`, "invalid_temperature", "temperature"},
		{`{"model":"m","store":true,` + in + `}`, "unsupported_parameter", "store"},
		{`{"model":"m","metadata":{"a":1},` + in + `}`, "invalid_type", "metadata.a"},
		{`{"model":"m","service_tier":"flex",` + in + `}`, "unsupported_parameter", "service_tier"},
		{`{"model":"m","previous_response_id":"resp_1",` + in + `}`, "unsupported_parameter", "previous_response_id"},
		{`{"model":"m","conversation":"conv_1",` + in + `}`, "unsupported_parameter", "conversation"},
		{`{"model":"m","background":true,` + in + `}`, "unsupported_parameter", "background"},
		{`{"model":"m","prompt":{"id":"p"},` + in + `}`, "unsupported_parameter", "prompt"},
		{`{"model":"m","include":["reasoning.encrypted_content"],` + in + `}`, "unsupported_parameter", "include"},
		{`{"model":"m","truncation":"auto",` + in + `}`, "unsupported_parameter", "truncation"},
		{`{"model":"m","top_logprobs":3,` + in + `}`, "unsupported_parameter", "top_logprobs"},
		{`{"model":"m","max_tool_calls":3,` + in + `}`, "unsupported_parameter", "max_tool_calls"},
		{`{"model":"m","stream":true,"stream_options":{"include_obfuscation":true},` + in + `}`, "unsupported_parameter", "stream_options.include_obfuscation"},
		{`{"model":"m","stream_options":{"include_obfuscation":false},` + in + `}`, "invalid_value", "stream_options"},
		{`{"model":"m","reasoning":{"summary":"detailed"},` + in + `}`, "unsupported_parameter", "reasoning.summary"},
		{`{"model":"m","reasoning":{"effort":"max"},` + in + `}`, "invalid_value", "reasoning.effort"},
		{`{"model":"m","text":{"verbosity":"loud"},` + in + `}`, "invalid_value", "text.verbosity"},
		{`{"model":"m","text":{"format":{"type":"xml"}},` + in + `}`, "invalid_value", "text.format.type"},
		{`{"model":"m","text":{"format":{"type":"json_schema","name":"bad name","schema":{}}},` + in + `}`, "invalid_value", "text.format.name"},
		{`{"model":"m","text":{"format":{"type":"json_schema","name":"n","schema":[]}},` + in + `}`, "invalid_value", "text.format.schema"},
		{`{"model":"m","tools":[{"type":"web_search"}],` + in + `}`, "unsupported_parameter", "tools[0].type"},
		{`{"model":"m","tools":[{"type":"function","name":"f"},{"type":"function","name":"f"}],` + in + `}`, "invalid_value", "tools[1].name"},
		{`{"model":"m","tools":[{"type":"function","name":"f","parameters":[]}],` + in + `}`, "invalid_value", "tools[0].parameters"},
		{`{"model":"m","tools":[{"type":"function","name":"f","function":{}}],` + in + `}`, "unknown_field", "tools[0].function"},
		{`{"model":"m","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function","name":"g"},` + in + `}`, "invalid_value", "tool_choice.name"},
		{`{"model":"m","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"file_search"},` + in + `}`, "unsupported_parameter", "tool_choice"},
		{`{"model":"m","tool_choice":"required",` + in + `}`, "invalid_value", "tool_choice"},
		{`{"model":"m","input":[{"role":"tool","content":"x"}]}`, "invalid_value", "input[0].role"},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"output_text","text":"x"}]}]}`, "invalid_value", "input[0].content[0].type"},
		{`{"model":"m","input":[{"role":"assistant","content":[{"type":"input_text","text":"x"}]}]}`, "invalid_value", "input[0].content[0].type"},
		{`{"model":"m","input":[{"role":"system","content":[{"type":"input_image","image_url":"https://x/y.png"}]}]}`, "invalid_value", "input[0].content[0].type"},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"ftp://x/y.png"}]}]}`, "invalid_value", "input[0].content[0].image_url"},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://x/y.png","detail":"huge"}]}]}`, "invalid_value", "input[0].content[0].detail"},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}`, "unsupported_parameter", "input[0].content[0].file_id"},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_data":"x"}]}]}`, "unsupported_parameter", "input[0].content[0]"},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"input_text"}]}]}`, "missing_field", "input[0].content[0].text"},
		{`{"model":"m","input":[{"role":"user","content":"x","extra":1}]}`, "unknown_field", "input[0].extra"},
		{`{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}`, "unsupported_parameter", "input[0].type"},
		{`{"model":"m","input":[{"type":"web_search_call","id":"ws_1"}]}`, "unsupported_parameter", "input[0].type"},
		{`{"model":"m","input":[{"type":"function_call","call_id":"c","name":"f"}]}`, "missing_field", "input[0].arguments"},
		{`{"model":"m","input":[{"type":"function_call","name":"f","arguments":"{}"}]}`, "missing_field", "input[0].call_id"},
		{`{"model":"m","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call","call_id":"c","name":"f","arguments":"{}"}]}`, "invalid_value", "input[1].call_id"},
		{`{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":"x"}]}`, "invalid_value", "input[0].call_id"},
		{`{"model":"m","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":[{"type":"input_image","image_url":"https://x/y.png"}]}]}`, "unsupported_parameter", "input[1].output[0]"},
		{`{"model":"m","unknown":1,` + in + `}`, "unknown_field", "unknown"},
	} {
		_, _, derr := decodeResponses([]byte(c.body))
		if derr == nil || derr.status != http.StatusBadRequest || derr.code != c.code || derr.param != c.param {
			t.Errorf("%s: got %+v, want %s at %s", c.body, derr, c.code, c.param)
		}
	}
	// What OpenAI takes without tools: tool_choice auto or none, parallel_tool_calls.
	for _, body := range []string{`{"model":"m","tool_choice":"auto",` + in + `}`, `{"model":"m","tool_choice":"none",` + in + `}`,
		`{"model":"m","parallel_tool_calls":true,` + in + `}`, `{"model":"m","reasoning":{"effort":null,"summary":null},` + in + `}`} {
		if req, _, derr := decodeResponses([]byte(body)); derr != nil || req.ToolChoice != nil || req.ParallelToolCalls != nil {
			t.Errorf("%s: %v %+v", body, req, derr)
		}
	}
}

func testResponsesAnswer(stream bool) (answer, func() string) {
	a, rec := testAnswer(pipeline.RouteChat, stream)
	_, opts, _ := decodeResponses([]byte(`{"model":"m","input":"hi"}`))
	a.opts = opts
	return a, rec.Body.String
}

// TestResponsesAnswer: a plain answer's output is the reasoning, the
// message and a function_call per call, with the usage; a cut answer is
// incomplete.
func TestResponsesAnswer(t *testing.T) {
	a, body := testResponsesAnswer(false)
	res := &pipeline.Result{Content: "Let me check.", Reasoning: "they want weather", FinishReason: "tool_calls", ModelUsed: "smart-router",
		ToolCalls: []*pb.ToolCall{{Id: "call_1", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`}},
		Usage:     &pb.Usage{PromptTokens: 2160, CompletionTokens: 9, TotalTokens: 2169, CachedTokens: 2048, ReasoningTokens: 4}}
	newResponsesWriter(a).Complete(res, &pipeline.Trace{Headers: map[string]string{}})
	var o map[string]any
	if err := json.Unmarshal([]byte(body()), &o); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(o["output"])
	sameJSON(t, out, `[{"type":"reasoning","id":"rs_r1_0","status":"completed","summary":[],"content":[{"type":"reasoning_text","text":"they want weather"}]},`+
		`{"type":"message","id":"msg_r1_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Let me check.","annotations":[],"logprobs":[]}]},`+
		`{"type":"function_call","id":"fc_r1_2","status":"completed","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}]`)
	usage, _ := json.Marshal(o["usage"])
	sameJSON(t, usage, `{"input_tokens":2160,"input_tokens_details":{"cached_tokens":2048,"cache_write_tokens":0},"output_tokens":9,"output_tokens_details":{"reasoning_tokens":4},"total_tokens":2169}`)
	if o["id"] != "resp_r1" || o["model"] != "smart-router" || o["status"] != "completed" || o["object"] != "response" {
		t.Fatalf("%v", o)
	}

	// Only function calls: no message. Cut by the limit: incomplete. A refusal: a refusal part.
	for _, c := range []struct {
		res       *pipeline.Result
		status    string
		types     string
		reason    any
		substring string
	}{
		{&pipeline.Result{ToolCalls: []*pb.ToolCall{{Id: "c", Name: "f", Arguments: "{}"}}, FinishReason: "tool_calls"}, "completed", "function_call", nil, ""},
		{&pipeline.Result{Content: "Once upon", FinishReason: "length"}, "incomplete", "message", "max_output_tokens", `"status":"incomplete"`},
		{&pipeline.Result{Refusal: "I can't help with that."}, "completed", "message", nil, `{"type":"refusal","refusal":"I can't help with that."}`},
		{&pipeline.Result{}, "completed", "message", nil, `"text":""`},
	} {
		a, body := testResponsesAnswer(false)
		newResponsesWriter(a).Complete(c.res, &pipeline.Trace{Headers: map[string]string{}})
		var o struct {
			Status            string
			IncompleteDetails map[string]any `json:"incomplete_details"`
			Output            []struct{ Type string }
		}
		if err := json.Unmarshal([]byte(body()), &o); err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, it := range o.Output {
			types = append(types, it.Type)
		}
		if o.Status != c.status || strings.Join(types, " ") != c.types || (c.reason != nil) != (o.IncompleteDetails != nil) ||
			(c.reason != nil && o.IncompleteDetails["reason"] != c.reason) || !strings.Contains(body(), c.substring) {
			t.Errorf("%+v: %s", c.res, body())
		}
	}
}

// TestResponsesStream: reasoning, text, a refusal and two function calls
// become the Responses event sequence, every event numbered, each item
// added before its deltas and done after them, the whole response last.
func TestResponsesStream(t *testing.T) {
	a, body := testResponsesAnswer(true)
	w := newResponsesWriter(a)
	tr := &pipeline.Trace{Headers: map[string]string{}, Attempts: []*pb.Attempt{{Model: "smart-router", Provider: "openai"}}}
	if err := w.StreamStart(tr); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []*pb.StreamChunk{
		{ReasoningContent: "think"}, {ReasoningContent: "ing"}, {Content: "Let me "}, {Content: "check."}, {Refusal: "no"},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Id: "call_1", Type: "function", Name: "get_weather"}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `{"city":`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 1, Id: "call_2", Type: "function", Name: "get_time", Arguments: "{}"}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `"Paris"}`}}},
	} {
		if err := w.StreamChunk(ch); err != nil {
			t.Fatal(err)
		}
	}
	res := &pipeline.Result{FinishReason: "tool_calls", Usage: &pb.Usage{PromptTokens: 30, CompletionTokens: 12, TotalTokens: 42}}
	if err := w.StreamEnd(res, tr); err != nil {
		t.Fatal(err)
	}
	names, datas := sseTypes(t, body())
	want := "response.created response.in_progress " +
		"response.output_item.added response.content_part.added response.reasoning_text.delta response.reasoning_text.delta " +
		"response.reasoning_text.done response.content_part.done response.output_item.done " +
		"response.output_item.added response.content_part.added response.output_text.delta response.output_text.delta " +
		"response.output_text.done response.content_part.done response.content_part.added response.refusal.delta response.refusal.done response.content_part.done response.output_item.done " +
		"response.output_item.added response.function_call_arguments.delta response.output_item.added response.function_call_arguments.delta response.function_call_arguments.delta " +
		"response.function_call_arguments.done response.output_item.done response.function_call_arguments.done response.output_item.done response.completed"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("events\n%s\nwant\n%s", got, want)
	}
	for i, d := range datas {
		if d["sequence_number"] != float64(i) {
			t.Fatalf("event %d has sequence_number %v", i, d["sequence_number"])
		}
	}
	if d := datas[13]; d["text"] != "Let me check." || d["item_id"] != "msg_r1_1" || d["content_index"] != float64(0) {
		t.Fatalf("output_text.done %v", d)
	}
	if d := datas[25]; d["arguments"] != `{"city":"Paris"}` || d["name"] != "get_weather" || d["output_index"] != float64(2) {
		t.Fatalf("function_call_arguments.done %v", d)
	}
	final := datas[len(datas)-1]["response"].(map[string]any)
	out, _ := json.Marshal(final["output"])
	sameJSON(t, out, `[{"type":"reasoning","id":"rs_r1_0","status":"completed","summary":[],"content":[{"type":"reasoning_text","text":"thinking"}]},`+
		`{"type":"message","id":"msg_r1_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Let me check.","annotations":[],"logprobs":[]},{"type":"refusal","refusal":"no"}]},`+
		`{"type":"function_call","id":"fc_r1_2","status":"completed","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},`+
		`{"type":"function_call","id":"fc_r1_3","status":"completed","call_id":"call_2","name":"get_time","arguments":"{}"}]`)
	if final["status"] != "completed" || final["model"] != "smart-router" || final["usage"].(map[string]any)["total_tokens"] != float64(42) {
		t.Fatalf("final %v", final)
	}

	// Cut by the output limit: response.incomplete. An empty answer: one empty message.
	a, body = testResponsesAnswer(true)
	w = newResponsesWriter(a)
	_ = w.StreamStart(tr)
	_ = w.StreamEnd(&pipeline.Result{FinishReason: "length"}, tr)
	names, datas = sseTypes(t, body())
	if strings.Join(names, " ") != "response.created response.in_progress response.output_item.added response.content_part.added "+
		"response.output_text.done response.content_part.done response.output_item.done response.incomplete" {
		t.Fatalf("empty: %v", names)
	}
	if r := datas[len(datas)-1]["response"].(map[string]any); r["status"] != "incomplete" || r["incomplete_details"].(map[string]any)["reason"] != "max_output_tokens" {
		t.Fatalf("incomplete %v", r)
	}

	// A failure after the start: response.failed with the output so far.
	a, body = testResponsesAnswer(true)
	w = newResponsesWriter(a)
	_ = w.StreamStart(tr)
	_ = w.StreamChunk(&pb.StreamChunk{Content: "Hel"})
	w.StreamFail(&pipeline.Error{Status: 502, Type: "upstream_error", Code: "upstream_unavailable", Message: "every provider failed"}, tr)
	names, datas = sseTypes(t, body())
	r := datas[len(datas)-1]["response"].(map[string]any)
	if names[len(names)-1] != "response.failed" || r["status"] != "failed" || r["error"].(map[string]any)["code"] != "upstream_unavailable" || len(r["output"].([]any)) != 1 {
		t.Fatalf("fail: %s", body())
	}
}

// TestStrictSchema: a Responses function tool without strict is strict,
// its schema normalized as OpenAI does on that API — every object with
// properties closed and all of them required, nested ones too, the keys in
// their order — and strict: false keeps the schema as given.
func TestStrictSchema(t *testing.T) {
	params := `{"type":"object","properties":{"city":{"type":"string"},"when":{"type":"object","properties":{"day":{"type":"integer"}}},` +
		`"tags":{"type":"array","items":{"type":"object","properties":{"k":{"type":"string"}}}},"n":{"anyOf":[{"type":"number"},{"type":"null"}]},` +
		`"meta":{"type":"object","additionalProperties":true,"properties":{"x":{"type":"string"}}}},"$defs":{"D":{"type":"object","properties":{"z":{"type":"number","minimum":1.5e3}}}}}`
	got, err := strictSchema([]byte(params))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"object","properties":{"city":{"type":"string"},"when":{"type":"object","properties":{"day":{"type":"integer"}},"additionalProperties":false,"required":["day"]},` +
		`"tags":{"type":"array","items":{"type":"object","properties":{"k":{"type":"string"}},"additionalProperties":false,"required":["k"]}},"n":{"anyOf":[{"type":"number"},{"type":"null"}]},` +
		`"meta":{"type":"object","additionalProperties":true,"properties":{"x":{"type":"string"}},"required":["x"]}},"$defs":{"D":{"type":"object","properties":{"z":{"type":"number","minimum":1.5e3}},"additionalProperties":false,"required":["z"]}},` +
		`"additionalProperties":false,"required":["city","when","tags","n","meta"]}`
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	for strict, wantParams := range map[string]string{``: want, `,"strict":false`: params} {
		req, _, derr := decodeResponses([]byte(`{"model":"m","input":"x","tools":[{"type":"function","name":"f","parameters":` + params + strict + `}]}`))
		if derr != nil {
			t.Fatal(derr.msg)
		}
		tool := req.Tools[0]
		if tool.ParametersJson != wantParams || tool.GetStrict() != (strict == "") {
			t.Errorf("strict %q: %v %s", strict, tool.GetStrict(), tool.ParametersJson)
		}
	}
}

// A count body is read as the Responses request it is part of, and takes
// only what the model reads.
func TestDecodeResponsesCount(t *testing.T) {
	body := `{"model":"gpt-4o-primary","instructions":"Be brief.","input":[{"role":"user","content":"hi"},` +
		`{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"sunny"}],` +
		`"tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{}}}],"tool_choice":"auto","reasoning":{"effort":"low"}}`
	req, derr := decodeResponsesCount([]byte(body))
	if derr != nil {
		t.Fatal(derr)
	}
	want, _, derr := decodeResponses([]byte(body))
	if derr != nil || !proto.Equal(req, want) || req.MaxTokens != nil || req.Stream {
		t.Fatalf("count %v\nresponses %v (%v)", req, want, derr)
	}
	for _, c := range []struct{ body, code, param string }{
		{`{"model":"m","input":"hi","max_output_tokens":10}`, "unknown_field", "max_output_tokens"},
		{`{"model":"m","input":"hi","stream":true}`, "unknown_field", "stream"},
		{`{"model":"m","input":"hi","temperature":0.5}`, "unknown_field", "temperature"},
		{`{"model":"m","input":"hi","colour":"red"}`, "unknown_field", "colour"},
		{`{"model":"m","input":"hi","previous_response_id":"resp_1"}`, "unsupported_parameter", "previous_response_id"},
		{`{"input":"hi"}`, "missing_field", "model"},
		{`{"model":"m","input":[{"type":"function_call_output","call_id":"x","output":"o"}]}`, "invalid_value", "input[0].call_id"},
	} {
		if _, derr := decodeResponsesCount([]byte(c.body)); derr == nil || derr.code != c.code || derr.param != c.param {
			t.Errorf("%s: %+v", c.body, derr)
		}
	}
}
