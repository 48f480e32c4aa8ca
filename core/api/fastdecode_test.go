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
