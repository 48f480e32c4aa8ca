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
