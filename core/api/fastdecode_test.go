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
		sameAsSlow(t, []byte(body), &fast)
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
// what the fast path read.
func sameAsSlow(t *testing.T, body []byte, fast *chatBody) {
	t.Helper()
	var slow chatBody
	if err := strictDecode(body, &slow, chatFieldCodes); err != nil {
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
			sameAsSlow(t, body, &fast)
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
					sameAsSlow(t, mutated, &fast)
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
		sameMessagesAsSlow(t, []byte(body), &fast)
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
					sameMessagesAsSlow(t, mutated, &fast)
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

func sameMessagesAsSlow(t *testing.T, body []byte, fast *messagesBody) {
	t.Helper()
	var slow messagesBody
	if err := strictDecode(body, &slow, messagesFieldCodes); err != nil {
		t.Fatalf("the fast path read what encoding/json refuses (%s): %q", err.msg, body)
	}
	if !reflect.DeepEqual(*fast, slow) {
		t.Fatalf("%q:\nfast %+v\nslow %+v", body, *fast, slow)
	}
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
			sameMessagesAsSlow(t, body, &fast)
		}
		if blocks, ok := contentBlocksFast(body); ok {
			sameBlocksAsSlow(t, body, blocks)
		}
	})
}
