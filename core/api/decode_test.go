package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llmgw/llmgw/core/pipeline"
)

func TestDecodeGenerate(t *testing.T) {
	req, err := decodeGenerate([]byte(`{"prompt":"hi","system":"be brief","max_tokens":5}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.Model != DefaultModel || req.GetTemperature() != 0.7 || req.GetMaxTokens() != 5 || len(req.Messages) != 2 ||
		req.Messages[0].Role != "system" || req.Messages[1].Content != "hi" {
		t.Errorf("decoded: %v", req)
	}
	req, err = decodeGenerate([]byte(`{"prompt":"hi","temperature":0}`))
	if err != nil || req.Temperature == nil || *req.Temperature != 0 {
		t.Errorf("temperature 0 must survive: %v %v", err, req)
	}
	for body, code := range map[string]string{
		`{}`:                                       "missing_field",
		`{"prompt":"  "}`:                          "missing_field",
		`{"prompt":3}`:                             "missing_field",
		`{"prompt":"x","temperature":"a"}`:         "invalid_temperature",
		`{"prompt":"x","max_tokens":1.5}`:          "invalid_max_tokens",
		`{"prompt":"x","temprature":1}`:            "unknown_field",
		`{"prompt":"x"} {"prompt":"y"}`:            "invalid_json",
		`{"prompt":"x"`:                            "invalid_json",
		`["prompt"]`:                               "invalid_json",
		`{"prompt":"x","stream":"yes"}`:            "invalid_json",
		`{"prompt":"x","include_reasoning":"yes"}`: "invalid_json",
	} {
		_, err := decodeGenerate([]byte(body))
		if err == nil || err.code != code {
			t.Errorf("%s: got %+v, want %s", body, err, code)
		}
		if err != nil && strings.Contains(err.msg, "json:") {
			t.Errorf("%s: Go error text leaked: %q", body, err.msg)
		}
	}
	// A body that is JSON but not an object says so (it once said " has the
	// wrong type", naming no field), on both routes.
	for _, body := range []string{`["prompt"]`, `"hi"`, `42`} {
		_, gerr := decodeGenerate([]byte(body))
		_, cerr := decodeChat([]byte(body))
		for _, err := range []*decodeError{gerr, cerr} {
			if err == nil || err.code != "invalid_json" || !strings.HasPrefix(err.msg, "the body must be one JSON object (got ") || err.param != "" {
				t.Errorf("%s: got %+v, want invalid_json saying the body must be one JSON object", body, err)
			}
		}
	}
}

// include_reasoning is an option of the answer, off unless the body says
// true.
func TestDecodeGenerateIncludeReasoning(t *testing.T) {
	for body, want := range map[string]bool{
		`{"prompt":"hi"}`: false,
		`{"prompt":"hi","include_reasoning":false}`: false,
		`{"prompt":"hi","include_reasoning":true}`:  true,
	} {
		req, opts, err := decodeGenerateAnswer([]byte(body))
		if err != nil || req == nil || opts.includeReasoning != want {
			t.Errorf("%s: %+v %v, want include_reasoning %v", body, opts, err, want)
		}
	}
}

func TestDecodeChat(t *testing.T) {
	req, err := decodeChat([]byte(`{"model":"m","messages":[{"role":"developer","content":"sys"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],
		"stream":true,"stream_options":{"include_usage":true},"stop":"END","max_completion_tokens":9,"frequency_penalty":0.1,"temperature":0}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.Messages[0].Role != "system" || req.Messages[1].Content != "ab" || !req.Stream || !req.IncludeUsage || req.Stop[0] != "END" ||
		req.GetMaxTokens() != 9 || req.Temperature == nil || *req.Temperature != 0 {
		t.Errorf("decoded: %v", req)
	}
	for body, code := range map[string]string{
		`{"messages":[{"role":"user","content":"x"}]}`:                                                      "missing_field",
		`{"model":"m","messages":[]}`:                                                                       "missing_field",
		`{"model":"m","messages":[{"role":"wizard","content":"x"}]}`:                                        "invalid_value",
		`{"model":"m","messages":[{"role":"user","content":[{"type":"image_url"}]}]}`:                       "missing_field",
		`{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"xml"}}`:         "invalid_value",
		`{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"x"}`:                        "invalid_temperature",
		`{"model":"m","messages":[{"role":"user","content":"x"}],"stop":5}`:                                 "invalid_json",
		`{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"f"}]}`:                   "unsupported_parameter",
		`{"model":"m","messages":[{"role":"user","content":"x"}],"n":0}`:                                    "invalid_value",
		`{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":8,"max_completion_tokens":7}`: "invalid_value",
	} {
		_, err := decodeChat([]byte(body))
		if err == nil || err.code != code {
			t.Errorf("%s: got %+v, want %s", body, err, code)
		}
	}
}

// TestDecodeChatParams: the sampling parameters are carried, and the
// parameters no provider honours are refused with their name, never dropped.
func TestDecodeChatParams(t *testing.T) {
	req, err := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":"x"}],"seed":7,"top_p":0.5,"stop":["a","b"],
		"presence_penalty":0.3,"frequency_penalty":-0.2,"user":"u1","logit_bias":{"50256":-100},"response_format":{"type":"json_object"},
		"n":1,"logprobs":false,"store":false,"service_tier":"auto","tool_choice":"none"}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.GetSeed() != 7 || req.GetTopP() != 0.5 || len(req.Stop) != 2 || req.GetPresencePenalty() != 0.3 || req.GetFrequencyPenalty() != -0.2 ||
		req.User != "u1" || req.LogitBias["50256"] != -100 || req.ResponseFormat != "json_object" {
		t.Errorf("decoded: %v", req)
	}
	// modalities ["text"] is the default: accepted.
	if _, err := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":"x"}],"modalities":["text"]}`)); err != nil {
		t.Errorf(`modalities ["text"]: %v`, err)
	}
	// The same limit under both names is one limit, not a conflict.
	if both, err := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":7,"max_completion_tokens":7}`)); err != nil ||
		both.GetMaxTokens() != 7 || !both.MaxCompletionTokens {
		t.Errorf("max_tokens = max_completion_tokens = 7: %v %v", both, err)
	}
	const base = `{"model":"m","messages":[{"role":"user","content":"x"}],`
	for extra, param := range map[string]string{
		`"store":true}`:                                       "store",
		`"service_tier":"flex"}`:                              "service_tier",
		`"functions":[{"name":"f","parameters":{}}]}`:         "functions",
		`"function_call":"auto"}`:                             "function_call",
		`"modalities":["text","audio"]}`:                      "modalities",
		`"audio":{"voice":"alloy","format":"wav"}}`:           "audio",
		`"prediction":{"type":"content","content":"x"}}`:      "prediction",
		`"web_search_options":{"search_context_size":"low"}}`: "web_search_options",
	} {
		_, err := decodeChat([]byte(base + extra))
		if err == nil || err.code != "unsupported_parameter" || err.param != param || !strings.Contains(err.msg, param) {
			t.Errorf("%s: got %+v, want unsupported_parameter on %s", extra, err, param)
		}
	}
}

// TestDecodeChatOpenAIHints: verbosity (one of OpenAI's values),
// safety_identifier and prompt_cache_key are carried.
func TestDecodeChatOpenAIHints(t *testing.T) {
	req, err := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":"x"}],"verbosity":"low","safety_identifier":"u-1","prompt_cache_key":"app-7"}`))
	if err != nil || req.GetVerbosity() != "low" || req.GetSafetyIdentifier() != "u-1" || req.GetPromptCacheKey() != "app-7" {
		t.Errorf("decoded: %v %v", req, err)
	}
	if _, err := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":"x"}],"verbosity":"terse"}`)); err == nil || err.param != "verbosity" || err.code != "invalid_value" {
		t.Errorf("verbosity terse: %+v", err)
	}
}

// TestDecodeChatReasoningEffort: reasoning_effort is carried when it is one
// of OpenAI's values, refused otherwise, and null is not set.
func TestDecodeChatReasoningEffort(t *testing.T) {
	const base = `{"model":"m","messages":[{"role":"user","content":"x"}],"reasoning_effort":`
	for _, v := range reasoningEfforts {
		req, err := decodeChat([]byte(base + `"` + v + `"}`))
		if err != nil || req.GetReasoningEffort() != v {
			t.Errorf("%s: %v %v", v, req, err)
		}
	}
	if req, err := decodeChat([]byte(base + `null}`)); err != nil || req.GetReasoningEffort() != "" {
		t.Errorf("null: %v %v", req, err)
	}
	for _, bad := range []string{`"max"`, `"HIGH"`, `""`, `3`} {
		_, err := decodeChat([]byte(base + bad + `}`))
		if err == nil || err.param != "reasoning_effort" {
			t.Errorf("%s: got %+v, want a refusal naming reasoning_effort", bad, err)
		}
	}
}

func TestErrorJSONShape(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/generate", nil)
	tr := &pipeline.Trace{}
	writeError(rec, r, &pipeline.Error{Status: 429, Type: "rate_limit_error", Code: "rate_limit_exceeded", Message: "slow down", RetryAfter: 1500 * time.Millisecond}, tr)
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "2" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("status/headers: %d %v", rec.Code, rec.Header())
	}
	var body map[string]map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	e := body["error"]
	if e["code"] != "rate_limit_exceeded" || e["type"] != "rate_limit_error" || e["message"] != "slow down" {
		t.Errorf("body: %v", e)
	}
	if v, ok := e["param"]; !ok || v != nil {
		t.Errorf("param must be present and null: %v", e)
	}
}

func TestServerTimingFormat(t *testing.T) {
	got := serverTiming([]pipeline.Timing{{Name: "guard", Dur: 40 * time.Microsecond}, {Name: "provider", Dur: 812500 * time.Microsecond}})
	if got != "guard;dur=0.040, provider;dur=812.500" {
		t.Errorf("%q", got)
	}
}

func TestReadBodyMediaTypes(t *testing.T) {
	for ct, status := range map[string]int{"application/json": 0, "application/json; charset=utf-8": 0, "application/x-www-form-urlencoded": 0, "": 0} {
		r := httptest.NewRequest("POST", "/generate", strings.NewReader(`{"prompt":"x"}`))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if _, err := readBody(r, 1024); err != nil && status == 0 {
			t.Errorf("%q: refused a JSON body: %v", ct, err)
		}
	}
	r := httptest.NewRequest("POST", "/generate", strings.NewReader(`prompt=x`))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := readBody(r, 1024); err == nil || err.status != http.StatusUnsupportedMediaType {
		t.Errorf("a form body was accepted: %v", err)
	}
	r = httptest.NewRequest("POST", "/generate", strings.NewReader(strings.Repeat("a", 2000)))
	if _, err := readBody(r, 1024); err == nil || err.status != http.StatusRequestEntityTooLarge {
		t.Errorf("over the limit: %v", err)
	}
}

// A string content is taken as decoded by the body's one pass; it must be
// exactly what a full JSON decode gives: escapes resolved, invalid UTF-8
// replaced, and a non-string still refused or read as parts.
func TestChatContentStringShortcut(t *testing.T) {
	for _, raw := range []string{`"plain text"`, `"with \"quotes\" and \\ and \u00e9 \ud83d\ude00"`, "\"bad \xff utf8\"", `""`, `"日本語"`} {
		body := []byte(`{"model":"m","messages":[{"role":"user","content":` + raw + `}]}`)
		req, derr := decodeChat(body)
		if derr != nil {
			t.Fatalf("%s: %v", raw, derr)
		}
		var want string
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatal(err)
		}
		if got := req.Messages[0].Content; got != want {
			t.Errorf("%s: content %q, want %q", raw, got, want)
		}
	}
	req, derr := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}`))
	if derr != nil || req.Messages[0].Content != "ab" || len(req.Messages[0].Parts) != 2 {
		t.Fatalf("parts: %v %v", req, derr)
	}
	if _, derr := decodeChat([]byte(`{"model":"m","messages":[{"role":"user","content":5}]}`)); derr == nil || derr.param != "messages[0].content" {
		t.Fatalf("number content: %v", derr)
	}
}

// metadata: the client's own tags, kept on the request (not refused), with
// OpenAI's bounds; null and {} are none.
func TestDecodeChatMetadata(t *testing.T) {
	const base = `{"model":"m","messages":[{"role":"user","content":"x"}],"metadata":`
	req, err := decodeChat([]byte(base + `{"feature":"search","tenant":"acme"}}`))
	if err != nil || len(req.Metadata) != 2 || req.Metadata["feature"] != "search" || req.Metadata["tenant"] != "acme" {
		t.Fatalf("metadata: %v %+v", req.GetMetadata(), err)
	}
	for _, none := range []string{`null}`, `{}}`} {
		if req, err := decodeChat([]byte(base + none)); err != nil || req.Metadata != nil {
			t.Errorf("%s: %v %+v", none, req.GetMetadata(), err)
		}
	}
	many := make([]string, 17)
	for i := range many {
		many[i] = fmt.Sprintf(`"k%d":"v"`, i)
	}
	for body, want := range map[string]string{
		`{"a":1}}`: "invalid_type metadata.a",
		`["a"]}`:   "invalid_type metadata",
		`"a"}`:     "invalid_type metadata",
		`{"` + strings.Repeat("k", 65) + `":"v"}}`:  "invalid_value metadata",
		`{"a":"` + strings.Repeat("v", 513) + `"}}`: "invalid_value metadata.a",
		`{"":"v"}}`:                          "invalid_value metadata",
		`{` + strings.Join(many, ",") + `}}`: "invalid_value metadata",
		`{"` + strings.Repeat("é", 64) + `":"` + strings.Repeat("é", 512) + `"}}`: "",
	} {
		req, err := decodeChat([]byte(base + body))
		got := ""
		if err != nil {
			got = err.code + " " + err.param
		}
		if got != want {
			t.Errorf("metadata %.40s…: got %q (%v), want %q", body, got, req.GetMetadata(), want)
		}
	}
}
