package api

import (
	"encoding/json"
	"reflect"
	"testing"
)

// fastBodies are bodies the fast path must read itself: the shapes SDKs
// and coding agents send.
var fastBodies = []string{
	string(benchChatBody),
	string(benchLongChatBody),
	string(benchAgentChatBody),
	`{"model":"m","messages":[{"role":"user","content":"x"}]}`,
	`{"model":"m","messages":[]}`,
	` {"model" : "m" , "messages" : [ { "role" : "user" , "content" : "caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t" } ] } ` + "\n",
	`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"}]}],"stop":["a"],"stream":true,"stream_options":{"include_usage":true}}`,
	`{"model":"m","messages":[{"role":"tool","content":null}],"n":1,"seed":3,"temperature":0.5e1,"top_p":-0,"max_tokens":-2147483648,"max_completion_tokens":null}`,
	`{"model":"m","messages":[{"role":"user","content":"w"},{"role":"assistant","content":null,"refusal":null,"annotations":[],"audio":null,"function_call":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},{"role":"tool","tool_call_id":"c","content":"r"}],` +
		`"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"integer"}}}}}],"tool_choice":"auto","parallel_tool_calls":false,"logit_bias":{"50256":-100},"n":1,"n":2}`,
	`{"model":"m","user":"u","messages":[{"role":"assistant","content":"x","refusal":"no","reasoning_content":"r","name":"bob"}],"stream":null,"metadata":{},"store":false,"service_tier":"auto"}`,
	"{\"model\":\"m\xff\",\"messages\":[{\"role\":\"user\",\"content\":\"bad \xff\xfe utf-8\"}]}",
}

// slowBodies are bodies it must leave to encoding/json, with why.
var slowBodies = map[string]string{
	`{"Model":"m","messages":[]}`:                                            "a field's name in another case",
	`{"mod\u0065l":"m","messages":[]}`:                                       "an escaped key",
	`{"model":"a","model":"b","messages":[]}`:                                "a duplicate key",
	`{"model":"m","messages":[]}}`:                                           "data after the object (encoding/json accepts a closing bracket)",
	`{"model":"m","messages":[],"max_tokens":2147483648}`:                    "a number out of range",
	`{"model":"m","messages":[],"max_tokens":1.0}`:                           "a fraction for an integer",
	`{"model":"m","messages":[],"temperature":1e400}`:                        "a float out of range",
	`{"model":"m","messages":[],"temperature":"1"}`:                          "a string for a number",
	`{"model":"m","messages":null}`:                                          "null messages",
	`{"model":"m","messages":[null]}`:                                        "a message that is not an object",
	`{"model":"m","messages":[{"role":"user","Content":"x"}]}`:               "a message key in another case",
	`{"model":"m","messages":[{"role":"user","content":"x","x":1}]}`:         "an unknown message key",
	`{"model":"m","messages":[],"frobnicate":true}`:                          "an unknown key",
	`{"model":"m","messages":[],"n":"2"}`:                                    "a value encoding/json refuses, left to it",
	`{"model":"m","messages":[{"role":"user","content":"a` + "\x01" + `"}]}`: "a control character in a string",
	`{"model":"m","messages":[{"role":"user","content":"\x"}]}`:              "an unknown escape",
	`{"model":"m","messages":[{"role":"user","content":"\u12"}]}`:            "a short \\u escape",
	`{"model":"m","messages":[],"stop":[1,]}`:                                "a trailing comma",
	`{"model":"m","messages":[],"stop":01}`:                                  "a leading zero",
	`{"model":"m","messages":[],"stop":tru}`:                                 "a cut literal",
	`{"model":"m","messages":[]`:                                             "a cut object",
	`[]`:                                                                     "not an object",
}

func TestDecodeChatFastReadsTheUsualBodies(t *testing.T) {
	for _, body := range fastBodies {
		var fast chatBody
		if !decodeChatFast([]byte(body), &fast) {
			t.Errorf("fast path gave up on %.80q", body)
			continue
		}
		sameAsSlow(t, []byte(body), &fast, chatFieldCodes)
	}
}

func TestDecodeChatFastLeavesTheRestToEncodingJSON(t *testing.T) {
	for body, why := range slowBodies {
		var b chatBody
		if decodeChatFast([]byte(body), &b) {
			t.Errorf("%s: fast path read %q", why, body)
		}
	}
	// And decodeChat still says what encoding/json says about them.
	if _, err := decodeChat([]byte(`{"model":"m","messages":[],"max_tokens":1.5}`)); err == nil || err.code != "invalid_max_tokens" {
		t.Fatalf("max_tokens 1.5: %+v", err)
	}
	if _, err := decodeChat([]byte(`{"Model":"m","messages":[{"role":"user","content":"x"}],"frobnicate":1}`)); err == nil || err.code != "unknown_field" || err.param != "frobnicate" {
		t.Fatalf("unknown field: %+v", err)
	}
}

func TestToolCallsFast(t *testing.T) {
	for raw, want := range map[string]bool{
		`[]`: true,
		`[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}, {"function":{"arguments":"","name":"g"},"id":"d"}]`: true,
		`[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"},"x":1}]`:                                                     false,
		`[{"id":"c","id":"d","function":{"name":"f"}}]`:                                                                                     false,
		`[{"id":"c","function":null}]`:                        false,
		`[{"id":"c","function":{"name":"f","arguments":{}}}]`: false,
		`[{}]`:   true,
		`null`:   false,
		`[1]`:    false,
		`[] [1]`: false,
	} {
		calls, ok := toolCallsFast(json.RawMessage(raw))
		if ok != want {
			t.Errorf("%s: fast %v, want %v", raw, ok, want)
			continue
		}
		if ok {
			sameToolCallsAsSlow(t, []byte(raw), calls)
		}
	}
}

// sameAsSlow fails unless encoding/json reads body, without an error, into
// what the fast path read (a chat, Messages or Responses body, with its
// route's field codes).
func sameAsSlow[T any](t *testing.T, body []byte, fast *T, codes map[string]string) {
	t.Helper()
	var slow T
	if err := strictDecode(body, &slow, codes); err != nil {
		t.Fatalf("the fast path read what encoding/json refuses (%s): %q", err.msg, body)
	}
	if !reflect.DeepEqual(*fast, slow) {
		t.Fatalf("%q:\nfast %+v\nslow %+v", body, *fast, slow)
	}
}

func sameToolCallsAsSlow(t *testing.T, raw []byte, fast []toolCallJSON) {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	slow := []toolCallJSON{}
	for _, rc := range list {
		var c toolCallJSON
		if err := decodeField(rc, &c, "c", "a call"); err != nil {
			t.Fatalf("the fast path read a call decodeField refuses (%s): %s", err.msg, rc)
		}
		slow = append(slow, c)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s:\nfast %+v\nslow %+v", raw, fast, slow)
	}
}

// FuzzDecodeChatFast holds the fast path to encoding/json: whatever it
// reads, encoding/json reads the same, without an error.
func FuzzDecodeChatFast(f *testing.F) {
	for _, s := range fastBodies[3:] {
		f.Add([]byte(s))
	}
	for s := range slowBodies {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast chatBody
		if decodeChatFast(body, &fast) {
			sameAsSlow(t, body, &fast, chatFieldCodes)
		}
		if calls, ok := toolCallsFast(body); ok {
			sameToolCallsAsSlow(t, body, calls)
		}
	})
}

// TestDecodeChatFastOneByteOff: every body above with one byte deleted,
// doubled or replaced by one of JSON's structural characters, each read
// the same both ways whenever the fast path reads it.
func TestDecodeChatFastOneByteOff(t *testing.T) {
	bodies := append(append([]string{}, fastBodies[3:]...), `[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]`)
	read := 0
	for _, body := range bodies {
		for i := range len(body) {
			for _, m := range []string{"", body[i : i+1], `"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, ` `, `0`, `-`, `e`, `x`, "\x00", `null`, `"a"`, `\u00e9`} {
				mutated := []byte(body[:i] + m + body[i+1:])
				var fast chatBody
				if decodeChatFast(mutated, &fast) {
					read++
					sameAsSlow(t, mutated, &fast, chatFieldCodes)
				}
				if calls, ok := toolCallsFast(mutated); ok {
					sameToolCallsAsSlow(t, mutated, calls)
				}
			}
		}
	}
	if read == 0 {
		t.Fatal("the fast path read none of the mutated bodies")
	}
	t.Logf("%d mutated bodies read by the fast path, each the same as encoding/json", read)
}

// messagesFastBodies are Messages API bodies the fast path must read: what
// the Anthropic SDKs and Claude Code send.
var messagesFastBodies = []string{
	`{"model":"claude-sonnet","max_tokens":1024,"system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Use metric units.","cache_control":{"type":"ephemeral"}}],
	 "messages":[
	  {"role":"user","content":[{"type":"text","text":"Weather?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},
	  {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
	  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"11 C","is_error":false},{"type":"text","text":"And tomorrow?"}]}],
	 "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
	 "tool_choice":{"type":"any","disable_parallel_tool_use":true},"stop_sequences":["END"],"temperature":0.5,"top_p":0.9,
	 "metadata":{"user_id":"u-1"},"stream":true}`,
	`{"model":"claude-sonnet","max_tokens":32000,"stream":true,"thinking":{"type":"adaptive"},
	 "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},"output_config":{"effort":"high"},
	 "metadata":{"user_id":"{\"session_id\":\"s\"}"},
	 "system":[{"type":"text","text":"You are Claude Code."},{"type":"text","text":"Be careful.","cache_control":{"type":"ephemeral"}}],
	 "messages":[{"role":"user","content":[{"type":"text","text":"Say hello"}]},{"role":"system","content":"Today is Friday."},
	  {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"sig"},{"type":"redacted_thinking","data":"xx"},{"type":"text","text":null,"citations":null}]}]}`,
	string(benchMessagesAgentBody),
}

func TestDecodeMessagesFastReadsTheUsualBodies(t *testing.T) {
	for _, body := range messagesFastBodies {
		var fast messagesBody
		if !decodeMessagesFast([]byte(body), &fast) {
			t.Errorf("fast path gave up on %.80q", body)
			continue
		}
		sameAsSlow(t, []byte(body), &fast, messagesFieldCodes)
		for _, m := range fast.Messages {
			blocks, ok := contentBlocksFast(m.Content)
			if !ok {
				t.Errorf("content blocks not read by the fast path: %.80s", m.Content)
				continue
			}
			sameBlocksAsSlow(t, m.Content, blocks)
			for _, bl := range blocks {
				if isSet(bl.Content) {
					inner, ok := contentBlocksFast(bl.Content)
					if !ok {
						t.Errorf("a tool result's content not read by the fast path: %.80s", bl.Content)
						continue
					}
					sameBlocksAsSlow(t, bl.Content, inner)
				}
			}
		}
	}
	for body, why := range map[string]string{
		`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x","x":1}]}`: "an unknown message key",
		`{"model":"m","max_tokens":1,"messages":[],"Model":"n"}`:                        "a key in another case",
		`{"model":"m","max_tokens":1.5,"messages":[]}`:                                  "a fraction for an integer",
	} {
		var b messagesBody
		if decodeMessagesFast([]byte(body), &b) {
			t.Errorf("%s: fast path read %q", why, body)
		}
	}
	for raw, why := range map[string]string{
		`null`:                         "null (json.Unmarshal reads it as an empty string)",
		`[{"type":"text","Text":"x"}]`: "a key in another case",
		`[{"type":"text","type":"x"}]`: "a duplicate key",
		`[{"type":"text","text":1}]`:   "a number for a string",
		`[null]`:                       "a null block",
		`[{"source":{"type":1}}]`:      "a number in a source",
	} {
		if _, ok := contentBlocksFast(json.RawMessage(raw)); ok {
			t.Errorf("%s: fast path read %s", why, raw)
		}
	}
}

// TestDecodeMessagesFastOneByteOff is TestDecodeChatFastOneByteOff for the
// Messages API's body and content blocks.
func TestDecodeMessagesFastOneByteOff(t *testing.T) {
	read := 0
	for _, body := range append(messagesFastBodies[:2:2], `[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"a\nb","x":{"y":[1]}}]}]`) {
		for i := range len(body) {
			for _, m := range []string{"", body[i : i+1], `"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, ` `, `0`, `-`, `x`, "\x00", `null`, `"a"`, `\u00e9`, `T`} {
				mutated := []byte(body[:i] + m + body[i+1:])
				var fast messagesBody
				if decodeMessagesFast(mutated, &fast) {
					read++
					sameAsSlow(t, mutated, &fast, messagesFieldCodes)
				}
				if blocks, ok := contentBlocksFast(mutated); ok {
					read++
					sameBlocksAsSlow(t, mutated, blocks)
				}
			}
		}
	}
	if read == 0 {
		t.Fatal("the fast path read none of the mutated bodies")
	}
	t.Logf("%d mutated bodies and contents read by the fast path, each the same as encoding/json", read)
}

// sameBlocksAsSlow fails unless contentBlocks' json.Unmarshal reads raw,
// without an error, into what the fast path read.
func sameBlocksAsSlow(t *testing.T, raw []byte, fast []anthBlock) {
	t.Helper()
	var slow []anthBlock
	var s string
	if json.Unmarshal(raw, &s) == nil {
		slow = []anthBlock{{Type: "text", Text: &s}}
	} else if err := json.Unmarshal(raw, &slow); err != nil {
		t.Fatalf("the fast path read content json.Unmarshal refuses (%v): %s", err, raw)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s:\nfast %+v\nslow %+v", raw, fast, slow)
	}
}

// FuzzDecodeMessagesFast is FuzzDecodeChatFast for the Messages API.
func FuzzDecodeMessagesFast(f *testing.F) {
	for _, s := range messagesFastBodies[:2] {
		f.Add([]byte(s))
	}
	f.Add([]byte(`[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"a"}],"cache_control":{"type":"ephemeral"}}]`))
	f.Add([]byte(`"plain \u00e9 text"`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast messagesBody
		if decodeMessagesFast(body, &fast) {
			sameAsSlow(t, body, &fast, messagesFieldCodes)
		}
		if blocks, ok := contentBlocksFast(body); ok {
			sameBlocksAsSlow(t, body, blocks)
		}
	})
}

// responsesFastBodies are Responses bodies the fast path must read: what
// the OpenAI SDKs and Codex send.
var responsesFastBodies = []string{
	`{"model":"gpt-4o-primary","instructions":"Be brief.","max_output_tokens":300,"temperature":0.2,"store":false,"truncation":"disabled",
	 "input":[
	  {"role":"developer","content":"Use metric units."},
	  {"role":"user","content":[{"type":"input_text","text":"Weather here?"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}]},
	  {"type":"reasoning","id":"rs_1","summary":[],"content":[{"type":"reasoning_text","text":"thinking"}],"status":"completed","encrypted_content":null},
	  {"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Checking.","annotations":[],"logprobs":[]},{"type":"refusal","refusal":"no"}]},
	  {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"},
	  {"type":"function_call_output","call_id":"call_1","output":"11 C\n\"quoted\""}],
	 "tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}],
	 "tool_choice":{"type":"function","name":"get_weather"},"parallel_tool_calls":false,
	 "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true},"verbosity":"low"},
	 "reasoning":{"effort":"high","summary":"auto"},"user":"u-1","safety_identifier":"s-1","prompt_cache_key":"k","stream":true}`,
	`{"model":"m","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":null}]}],"instructions":null}`,
	string(benchResponsesAgentBody),
}

func TestDecodeResponsesFastReadsTheUsualBodies(t *testing.T) {
	for _, body := range responsesFastBodies {
		var fast responsesBody
		if !decodeResponsesFast([]byte(body), &fast) {
			t.Errorf("fast path gave up on %.80q", body)
			continue
		}
		sameAsSlow(t, []byte(body), &fast, responsesFieldCodes)
		items, ok := inputItemsFast(fast.Input)
		if !ok {
			t.Errorf("input not read by the fast path: %.80s", fast.Input)
			continue
		}
		sameItemsAsSlow(t, fast.Input, items)
		for _, it := range items {
			if t0, ok := textFast(it.Content); ok {
				sameTextAsSlow(t, it.Content, t0)
			} else if parts, ok := inputPartsFast(it.Content); ok {
				samePartsAsSlow(t, it.Content, parts)
			} else if it.Type != "function_call" && it.Type != "function_call_output" {
				t.Errorf("content not read by the fast path: %s", it.Content)
			}
			if t0, ok := textFast(it.Output); ok {
				sameTextAsSlow(t, it.Output, t0)
			}
		}
	}
	for raw, why := range map[string]string{
		`[{"type":"message","x":1}]`:            "an unknown item key (decodeField refuses it)",
		`[{"type":"message","Type":"x"}]`:       "a key in another case",
		`[{"type":"input_file","file_id":"f"}]`: "a file part's key",
		`null`:                                  "null",
		`[{"type":"message","arguments":1}]`:    "a number for a string",
	} {
		if _, ok := inputItemsFast(json.RawMessage(raw)); ok {
			t.Errorf("%s: items read %s", why, raw)
		}
		if _, ok := inputPartsFast(json.RawMessage(raw)); ok {
			t.Errorf("%s: parts read %s", why, raw)
		}
	}
	if _, ok := textFast(json.RawMessage(`null`)); ok {
		t.Error("textFast read null (json.Unmarshal leaves the string as it is)")
	}
}

// TestDecodeResponsesFastOneByteOff is TestDecodeChatFastOneByteOff for the
// Responses body, its items, its parts and its texts.
func TestDecodeResponsesFastOneByteOff(t *testing.T) {
	read := 0
	inputs := []string{responsesFastBodies[0], responsesFastBodies[1],
		`[{"type":"input_text","text":"a\nb"},{"type":"output_text","text":"x","annotations":[{"u":1}],"logprobs":null,"detail":"low","image_url":null,"refusal":"r"}]`}
	for _, body := range inputs {
		for i := range len(body) {
			for _, m := range []string{"", body[i : i+1], `"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, ` `, `0`, `-`, `x`, "\x00", `null`, `"a"`, `\u00e9`, `T`} {
				mutated := []byte(body[:i] + m + body[i+1:])
				read += checkResponsesFast(t, mutated)
			}
		}
	}
	if read == 0 {
		t.Fatal("the fast path read none of the mutated bodies")
	}
	t.Logf("%d mutated bodies, item lists, part lists and texts read by the fast path, each the same as encoding/json", read)
}

// checkResponsesFast checks every fast reader of the Responses route on
// data against encoding/json; the number that read it.
func checkResponsesFast(t *testing.T, data []byte) int {
	t.Helper()
	read := 0
	var fast responsesBody
	if decodeResponsesFast(data, &fast) {
		read++
		sameAsSlow(t, data, &fast, responsesFieldCodes)
	}
	if items, ok := inputItemsFast(data); ok {
		read++
		sameItemsAsSlow(t, data, items)
	}
	if parts, ok := inputPartsFast(data); ok {
		read++
		samePartsAsSlow(t, data, parts)
	}
	if t0, ok := textFast(data); ok {
		read++
		sameTextAsSlow(t, data, t0)
	}
	return read
}

// sameListAsSlow fails unless raw is a list whose every element decodeField
// reads, without an error, into what the fast path read.
func sameListAsSlow[T any](t *testing.T, raw []byte, fast []T) {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatalf("the fast path read a list json.Unmarshal refuses (%v): %s", err, raw)
	}
	slow := make([]T, 0, len(list))
	for _, r := range list {
		var v T
		if err := decodeField(r, &v, "x", "an object"); err != nil {
			t.Fatalf("the fast path read an element decodeField refuses (%s): %s", err.msg, r)
		}
		slow = append(slow, v)
	}
	if len(fast) != len(slow) || (len(fast) > 0 && !reflect.DeepEqual(fast, slow)) {
		t.Fatalf("%s:\nfast %+v\nslow %+v", raw, fast, slow)
	}
}

func sameItemsAsSlow(t *testing.T, raw []byte, fast []inputItem) {
	t.Helper()
	sameListAsSlow(t, raw, fast)
}
func samePartsAsSlow(t *testing.T, raw []byte, fast []inputPart) {
	t.Helper()
	sameListAsSlow(t, raw, fast)
}

func sameTextAsSlow(t *testing.T, raw []byte, fast string) {
	t.Helper()
	var slow string
	if err := json.Unmarshal(raw, &slow); err != nil || slow != fast {
		t.Fatalf("%s: fast %q, json.Unmarshal %q (%v)", raw, fast, slow, err)
	}
}

// FuzzDecodeResponsesFast is FuzzDecodeChatFast for the Responses API.
func FuzzDecodeResponsesFast(f *testing.F) {
	for _, s := range responsesFastBodies[:2] {
		f.Add([]byte(s))
	}
	f.Add([]byte(`[{"type":"input_text","text":"a"},{"type":"input_image","image_url":"data:x","detail":"low"}]`))
	f.Add([]byte(`"plain \u00e9 \ud83d text"`))
	f.Fuzz(func(t *testing.T, data []byte) { checkResponsesFast(t, data) })
}
