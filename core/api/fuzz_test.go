package api

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeGenerate: any body gives a request or a contract error, never a
// panic, and an error never carries Go's own error text.
func FuzzDecodeGenerate(f *testing.F) {
	for _, s := range []string{`{"prompt":"hi"}`, `{"prompt":"hi","temperature":0,"max_tokens":5,"system":"s","stream":true}`, `{"prompt":1}`, `[]`, `{"prompt":"\u0000"}`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeGenerate(body)
		if err != nil {
			if err.code == "" || err.status < 400 {
				t.Fatalf("error without a code: %+v", err)
			}
			return
		}
		if len(req.Messages) == 0 || req.Model == "" || req.Temperature == nil {
			t.Fatalf("incomplete request from %q: %v", body, req)
		}
	})
}

// FuzzDecodeChat is the same for the OpenAI-compatible body.
func FuzzDecodeChat(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","messages":[{"role":"user","content":"x"}]}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"}]}],"stop":["a"],"stream":true,"stream_options":{"include_usage":true}}`,
		`{"model":"m","messages":[{"role":"tool","content":null}],"n":1,"seed":3}`,
		`{"model":"m","messages":"x"}`,
		`{"model":"m","messages":[{"role":"user","content":"w"},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"r"}],` +
			`"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]}],"n":2,"logprobs":true,"top_logprobs":1}`,
		`{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object"},"strict":true}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeChat(body)
		if err != nil {
			if err.code == "" {
				t.Fatalf("error without a code: %+v", err)
			}
			return
		}
		if req.Model == "" || len(req.Messages) == 0 {
			t.Fatalf("incomplete request from %q", body)
		}
		if _, err := json.Marshal(req.Messages); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeResponses is the same for the Responses body: a decoded request
// has a model and a message, and its echo encodes.
func FuzzDecodeResponses(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","input":"x"}`,
		`{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"a"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}]}],"stream":true,"instructions":"s"}`,
		`{"model":"m","input":[{"role":"user","content":"w"},{"type":"reasoning","summary":[]},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"t","annotations":[]}]},` +
			`{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"r"}],` +
			`"tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],"tool_choice":{"type":"function","name":"f"},"parallel_tool_calls":false}`,
		`{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"n","schema":{"type":"object"},"strict":true},"verbosity":"low"},"reasoning":{"effort":"low","summary":"auto"}}`,
		`{"model":"m","input":"x","store":true}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, opts, err := decodeResponses(body)
		if err != nil {
			if err.code == "" || err.status < 400 {
				t.Fatalf("error without a code: %+v", err)
			}
			return
		}
		if req.Model == "" || len(req.Messages) == 0 || opts.responses == nil {
			t.Fatalf("incomplete request from %q", body)
		}
		if _, err := json.Marshal(opts.responses); err != nil {
			t.Fatal(err)
		}
	})
}
