package api

import (
	"encoding/base64"
	"strings"
	"testing"
)

const weatherTools = `"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city","strict":true,
	"parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}}]`

// A whole tool loop decodes: the tools, the choice, the assistant's call
// (content null) and the tool's result.
func TestDecodeChatToolLoop(t *testing.T) {
	req, err := decodeChat([]byte(`{"model":"m",` + weatherTools + `,"tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,
		"messages":[{"role":"user","content":"Weather in Paris?"},
		{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
		{"role":"tool","tool_call_id":"call_1","content":"{\"temp_c\":11}"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(req.Tools) != 1 || req.Tools[0].Name != "get_weather" || !strings.Contains(req.Tools[0].ParametersJson, `"city"`) || !req.Tools[0].GetStrict() {
		t.Errorf("tools: %v", req.Tools)
	}
	if req.ToolChoice.GetMode() != "function" || req.ToolChoice.GetName() != "get_weather" || req.ParallelToolCalls == nil || *req.ParallelToolCalls {
		t.Errorf("choice: %v %v", req.ToolChoice, req.ParallelToolCalls)
	}
	a := req.Messages[1]
	if a.Content != "" || len(a.ToolCalls) != 1 || a.ToolCalls[0].Id != "call_1" || a.ToolCalls[0].Name != "get_weather" || a.ToolCalls[0].Arguments != `{"city":"Paris"}` {
		t.Errorf("assistant: %v", a)
	}
	if tm := req.Messages[2]; tm.Role != "tool" || tm.ToolCallId != "call_1" || tm.Content != `{"temp_c":11}` {
		t.Errorf("tool message: %v", tm)
	}
	for mode := range map[string]bool{"none": true, "auto": true, "required": true} {
		req, err := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":"x"}],` + weatherTools + `,"tool_choice":"` + mode + `"}`))
		if err != nil || req.ToolChoice.GetMode() != mode {
			t.Errorf("%s: %v %v", mode, err, req.GetToolChoice())
		}
	}
}

// Content parts keep their order; text parts also make up content.
func TestDecodeChatContentParts(t *testing.T) {
	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nfake"))
	req, err := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is in "},
		{"type":"image_url","image_url":{"url":"data:image/png;base64,` + png + `","detail":"low"}},{"type":"text","text":"this image?"},
		{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	m := req.Messages[0]
	if m.Content != "What is in this image?" || len(m.Parts) != 4 || m.Parts[1].Type != "image_url" || m.Parts[1].ImageDetail != "low" ||
		!strings.HasPrefix(m.Parts[1].ImageUrl, "data:image/png;base64,") || m.Parts[3].ImageUrl != "https://example.com/cat.jpg" {
		t.Errorf("parts: %v", m)
	}
}

// Each refusal names the exact place of the fault.
func TestDecodeChatRefusesBadParts(t *testing.T) {
	user := func(parts string) string {
		return `{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"a"},` + parts + `]}]}`
	}
	defer func(n int) { maxImageBytes = n }(maxImageBytes)
	maxImageBytes = 3000
	big := strings.Repeat("A", 4100)
	cases := []struct{ body, code, param string }{
		{user(`{"type":"image_url","image_url":{"url":"http://example.com/a.png"}}`), "invalid_value", "messages[1].content[1].image_url.url"},
		{user(`{"type":"image_url","image_url":{"url":"data:image/svg+xml;base64,PHN2Zz4="}}`), "invalid_value", "messages[1].content[1].image_url.url"},
		{user(`{"type":"image_url","image_url":{"url":"data:image/png;base64,***"}}`), "invalid_value", "messages[1].content[1].image_url.url"},
		{user(`{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}`), "invalid_value", "messages[1].content[1].image_url.url"},
		{user(`{"type":"image_url","image_url":{"url":"data:image/png;base64,` + big + `"}}`), "invalid_value", "messages[1].content[1].image_url.url"},
		{user(`{"type":"image_url","image_url":{"url":"https://e.com/a.png","detail":"ultra"}}`), "invalid_value", "messages[1].content[1].image_url.detail"},
		{user(`{"type":"image_url","image_url":{"url":"https://e.com/a.png","size":1}}`), "unknown_field", "messages[1].content[1].image_url.size"},
		{user(`{"type":"image_url"}`), "missing_field", "messages[1].content[1].image_url"},
		{user(`{"type":"image_url","image_url":{"detail":"low"}}`), "missing_field", "messages[1].content[1].image_url.url"},
		{user(`{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}`), "unsupported_parameter", "messages[1].content[1]"},
		{user(`{"type":"video"}`), "invalid_value", "messages[1].content[1].type"},
		{user(`{"type":"text"}`), "missing_field", "messages[1].content[1].text"},
		{`{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://e.com/a.png"}}]}]}`, "invalid_value", "messages[0].content[0]"},
	}
	for _, c := range cases {
		_, err := decodeChat([]byte(c.body))
		if err == nil || err.code != c.code || err.param != c.param {
			t.Errorf("%.120s: got %+v, want %s on %s", c.body, err, c.code, c.param)
		}
	}
}

func TestDecodeChatRefusesBadTools(t *testing.T) {
	msgs := `"messages":[{"role":"user","content":"x"}]`
	call := `{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}`
	cases := []struct{ body, code, param string }{
		{`{"model":"m",` + msgs + `,"tools":[{"type":"function","function":{"name":"bad name"}}]}`, "invalid_value", "tools[0].function.name"},
		{`{"model":"m",` + msgs + `,"tools":[{"type":"function","function":{"name":"f","parameters":[1]}}]}`, "invalid_value", "tools[0].function.parameters"},
		{`{"model":"m",` + msgs + `,"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]}`, "invalid_value", "tools[1].function.name"},
		{`{"model":"m",` + msgs + `,"tools":[{"type":"web_search"}]}`, "unsupported_parameter", "tools[0].type"},
		{`{"model":"m",` + msgs + `,"tools":[{"type":"function","function":{"name":"f","strictly":true}}]}`, "unknown_field", "tools[0].function.strictly"},
		{`{"model":"m",` + msgs + `,` + weatherTools + `,"tool_choice":{"type":"function","function":{"name":"other"}}}`, "invalid_value", "tool_choice.function.name"},
		{`{"model":"m",` + msgs + `,` + weatherTools + `,"tool_choice":{"type":"allowed_tools","allowed_tools":{}}}`, "unsupported_parameter", "tool_choice"},
		{`{"model":"m",` + msgs + `,` + weatherTools + `,"tool_choice":"always"}`, "invalid_value", "tool_choice"},
		{`{"model":"m",` + msgs + `,"tool_choice":"required"}`, "invalid_value", "tool_choice"},
		{`{"model":"m",` + msgs + `,"parallel_tool_calls":true}`, "invalid_value", "parallel_tool_calls"},
		{`{"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","content":"r"}]}`, "missing_field", "messages[1].tool_call_id"},
		{`{"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nope","content":"r"}]}`, "invalid_value", "messages[1].tool_call_id"},
		{`{"model":"m","messages":[{"role":"user","content":"x","tool_calls":[]},{"role":"user","tool_call_id":"x","content":"r"}]}`, "invalid_value", "messages[1].tool_call_id"},
		{`{"model":"m","messages":[{"role":"user","content":"x","tool_calls":[{"id":"a"}]}]}`, "invalid_value", "messages[0].tool_calls"},
		{`{"model":"m","messages":[{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f"}}]}]}`, "missing_field", "messages[0].tool_calls[0].id"},
		{`{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function"}]}]}`, "missing_field", "messages[0].tool_calls[0].function.name"},
		{`{"model":"m","messages":[` + call + `,` + call + `]}`, "invalid_value", "messages[1].tool_calls[0].id"},
		{`{"model":"m","messages":[{"role":"assistant","content":"x","function_call":{"name":"f"}}]}`, "unsupported_parameter", "messages[0].function_call"},
	}
	for _, c := range cases {
		_, err := decodeChat([]byte(c.body))
		if err == nil || err.code != c.code || err.param != c.param {
			t.Errorf("%.140s: got %+v, want %s on %s", c.body, err, c.code, c.param)
		}
	}
}

func TestDecodeChatResponseFormatAndChoices(t *testing.T) {
	const base = `{"model":"m","messages":[{"role":"user","content":"x"}],`
	req, err := decodeChat([]byte(base + `"response_format":{"type":"json_schema","json_schema":{"name":"Weather","strict":true,"schema":{"type":"object","properties":{"c":{"type":"string"}}}}},
		"n":3,"logprobs":true,"top_logprobs":2,"max_completion_tokens":50}`))
	if err != nil {
		t.Fatal(err)
	}
	js := req.JsonSchema
	if req.ResponseFormat != "json_schema" || js.GetName() != "Weather" || !js.GetStrict() || !strings.Contains(js.GetSchemaJson(), `"properties"`) {
		t.Errorf("json_schema: %v %v", req.ResponseFormat, js)
	}
	if req.GetN() != 3 || !req.Logprobs || req.GetTopLogprobs() != 2 || req.GetMaxTokens() != 50 || !req.MaxCompletionTokens {
		t.Errorf("choices: %v", req)
	}
	if req, _ := decodeChat([]byte(base + `"n":1,"response_format":{"type":"text"}}`)); req.N != nil || req.ResponseFormat != "" {
		t.Errorf("n = 1 and text are the defaults: %v", req)
	}
	cases := []struct{ extra, code, param string }{
		{`"response_format":{"type":"json_schema"}}`, "missing_field", "response_format.json_schema"},
		{`"response_format":{"type":"json_schema","json_schema":{"name":"W","schema":"object"}}}`, "invalid_value", "response_format.json_schema.schema"},
		{`"response_format":{"type":"json_schema","json_schema":{"schema":{}}}}`, "invalid_value", "response_format.json_schema.name"},
		{`"response_format":{"type":"json_schema","json_schema":{"name":"W","schema":{},"extra":1}}}`, "unknown_field", "response_format.json_schema.extra"},
		{`"n":129}`, "invalid_value", "n"},
		{`"top_logprobs":2}`, "invalid_value", "top_logprobs"},
		{`"logprobs":true,"top_logprobs":21}`, "invalid_value", "top_logprobs"},
	}
	for _, c := range cases {
		_, err := decodeChat([]byte(base + c.extra))
		if err == nil || err.code != c.code || err.param != c.param {
			t.Errorf("%s: got %+v, want %s on %s", c.extra, err, c.code, c.param)
		}
	}
}
