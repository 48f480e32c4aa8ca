package sim

import (
	"encoding/json"
	"strings"
	"testing"
)

// gToolResponse reads the parts a tool answer has.
type gToolResponse struct {
	Candidates []struct {
		Content struct {
			Role  string `json:"role"`
			Parts []struct {
				Text             string `json:"text"`
				ThoughtSignature string `json:"thoughtSignature"`
				FunctionCall     *struct {
					Name string          `json:"name"`
					Args json.RawMessage `json:"args"`
				} `json:"functionCall"`
			} `json:"parts"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
	} `json:"candidates"`
	UsageMetadata struct {
		CandidatesTokenCount int `json:"candidatesTokenCount"`
	} `json:"usageMetadata"`
}

// gWeatherSchema is a function's parameters in Gemini's subset.
const gWeatherSchema = `{"type":"OBJECT","properties":{"city":{"type":"STRING","description":"City"},"unit":{"type":"STRING","enum":["celsius","fahrenheit"]},"days":{"type":"INTEGER","minimum":1,"maximum":7},"note":{"type":"STRING","nullable":true}},"required":["city","unit","days"]}`

// gWeatherJSONSchema is gWeatherSchema as JSON Schema, to validate arguments.
const gWeatherJSONSchema = `{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":1,"maximum":7},"note":{"type":["string","null"]}},"required":["city","unit","days"]}`

func gWeatherTools(extra string) string {
	tools := `"tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather","parameters":` + gWeatherSchema + `},{"name":"get_time","parameters":{"type":"OBJECT","properties":{"tz":{"type":"STRING"}},"required":["tz"]}}]}]`
	if extra != "" {
		tools += "," + extra
	}
	return tools
}

func TestGeminiFunctionCallModes(t *testing.T) {
	_, ts := newServer(t, Config{})
	cases := []struct {
		name, prompt, config string
		want                 []string
	}{
		{"ANY with one allowed name calls it", "Hello", `"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_time"]}}`, []string{"get_time"}},
		{"ANY calls the first when the prompt names none", "Hello", `"toolConfig":{"functionCallingConfig":{"mode":"ANY"}}`, []string{"get_weather"}},
		{"AUTO calls the functions the prompt names, in parallel", "use get_weather and get_time", ``, []string{"get_weather", "get_time"}},
		{"AUTO without a named function answers in text", "Hello", ``, nil},
		{"NONE never calls", "use get_weather", `"toolConfig":{"functionCallingConfig":{"mode":"NONE"}}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody(c.prompt, gWeatherTools(c.config)))
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			var g gToolResponse
			decode(t, r.body, &g)
			parts := g.Candidates[0].Content.Parts
			var got []string
			for i, p := range parts {
				if p.FunctionCall == nil {
					continue
				}
				got = append(got, p.FunctionCall.Name)
				if i == 0 && p.ThoughtSignature == "" {
					t.Errorf("the first call has no thoughtSignature: %s", r.body)
				}
				if p.FunctionCall.Name == "get_weather" {
					validate(t, gWeatherJSONSchema, p.FunctionCall.Args)
				}
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Fatalf("calls %v, want %v: %s", got, c.want, r.body)
			}
			if g.Candidates[0].FinishReason != "STOP" {
				t.Errorf("finish %q", g.Candidates[0].FinishReason)
			}
			if len(c.want) > 0 && (parts[0].Text != "" || g.UsageMetadata.CandidatesTokenCount == 0) {
				t.Errorf("a call answer has text or no tokens: %s", r.body)
			}
		})
	}
}

func TestGeminiFunctionResponseAnsweredInText(t *testing.T) {
	_, ts := newServer(t, Config{})
	body := `{"contents":[{"role":"user","parts":[{"text":"use get_weather"}]},
		{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"}]},
		{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp_c":11}}}]}],` + gWeatherTools("") + `}`
	r := do(t, "POST", ts.URL+gemGenerate, gkey, body)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var g gToolResponse
	decode(t, r.body, &g)
	p := g.Candidates[0].Content.Parts
	if len(p) != 1 || p[0].FunctionCall != nil || !strings.Contains(p[0].Text, `tool results: {"temp_c":11}`) {
		t.Errorf("answer after a result: %s", r.body)
	}
	// A question after the result, in the same user turn, is answered as a
	// new prompt (here: with a call).
	body = strings.Replace(body, `"response":{"temp_c":11}}}]}]`, `"response":{"temp_c":11}}},{"text":"now use get_time"}]}]`, 1)
	r = do(t, "POST", ts.URL+gemGenerate, gkey, body)
	decode(t, r.body, &g)
	if p := g.Candidates[0].Content.Parts; r.status != 200 || len(p) != 1 || p[0].FunctionCall == nil || p[0].FunctionCall.Name != "get_time" {
		t.Errorf("question after a result: %d %s", r.status, r.body)
	}
}

func TestGeminiStreamsWholeCalls(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+gemStream, gkey, geminiBody("use get_weather and get_time", gWeatherTools("")))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var names []string
	var finishes []string
	for _, ev := range sseEvents(r.body) {
		data, ok := dataOf(ev)
		if !ok {
			continue
		}
		var g gToolResponse
		decode(t, []byte(data), &g)
		for _, p := range g.Candidates[0].Content.Parts {
			if p.FunctionCall == nil || len(p.FunctionCall.Args) == 0 {
				t.Fatalf("event without a whole call: %s", data)
			}
			names = append(names, p.FunctionCall.Name)
		}
		finishes = append(finishes, g.Candidates[0].FinishReason)
	}
	if strings.Join(names, ",") != "get_weather,get_time" || strings.Join(finishes, ",") != ",STOP" {
		t.Errorf("calls %v finishes %q", names, finishes)
	}
}

func TestGeminiStructuredOutput(t *testing.T) {
	_, ts := newServer(t, Config{})
	schema := `{"type":"OBJECT","properties":{"name":{"type":"STRING"},"age":{"type":"INTEGER","minimum":0},"tags":{"type":"ARRAY","items":{"type":"STRING"},"minItems":2}},"required":["name","age","tags"],"propertyOrdering":["name","age","tags"]}`
	r := do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("a person", `"generationConfig":{"responseMimeType":"application/json","responseSchema":`+schema+`}`))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var g gToolResponse
	decode(t, r.body, &g)
	text := g.Candidates[0].Content.Parts[0].Text
	validate(t, `{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0},"tags":{"type":"array","items":{"type":"string"},"minItems":2}},"required":["name","age","tags"]}`, json.RawMessage(text))

	// JSON mode without a schema: an object.
	r = do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("hi", `"generationConfig":{"responseMimeType":"application/json"}`))
	decode(t, r.body, &g)
	var obj map[string]any
	if err := json.Unmarshal([]byte(g.Candidates[0].Content.Parts[0].Text), &obj); err != nil {
		t.Errorf("json mode answer is not an object: %s", r.body)
	}
}

func TestGeminiRefusesWhatTheAPIRefuses(t *testing.T) {
	_, ts := newServer(t, Config{})
	img := func(mime, data string) string {
		return `{"contents":[{"role":"user","parts":[{"text":"what is this"},{"inlineData":{"mimeType":"` + mime + `","data":"` + data + `"}}]}]}`
	}
	cases := []struct{ name, body, want string }{
		{"additionalProperties in parameters", geminiBody("hi", `"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT","properties":{"a":{"type":"STRING"}},"additionalProperties":false}}]}]`),
			`Unknown name \"additionalProperties\" at 'tools[0].function_declarations[0].parameters': Cannot find field.`},
		{"$ref in responseSchema", geminiBody("hi", `"generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":"OBJECT","properties":{"a":{"$ref":"#/$defs/A"}}}}`),
			`Unknown name \"$ref\" at 'generation_config.response_schema.properties[a].value'`},
		{"a type list", geminiBody("hi", `"generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":["string","null"]}}`),
			`Proto field is not repeating`},
		{"empty object", geminiBody("hi", `"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT","properties":{"m":{"type":"OBJECT"}}}}]}]`),
			`function_declarations[0].parameters.properties[m].value.properties: should be non-empty for OBJECT type`},
		{"properties on a string", geminiBody("hi", `"generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":"STRING","properties":{"a":{"type":"STRING"}}}}`),
			`only allowed for OBJECT type`},
		{"bad function name", geminiBody("hi", `"tools":[{"functionDeclarations":[{"name":"1f"}]}]`), `Invalid function name`},
		{"allowed names without ANY", geminiBody("hi", gWeatherTools(`"toolConfig":{"functionCallingConfig":{"mode":"AUTO","allowedFunctionNames":["get_time"]}}`)), `only be set when mode is ANY`},
		{"inline data not base64", img("image/png", "!!not base64!!"), `Base64 decoding failed`},
		{"inline data without a type", img("", "iVBORw0KGgo="), `mime_type is required`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, "POST", ts.URL+gemGenerate, gkey, c.body)
			if r.status != 400 || !strings.Contains(string(r.body), c.want) || !strings.Contains(string(r.body), `"INVALID_ARGUMENT"`) {
				t.Errorf("%d %s, want 400 with %q", r.status, r.body, c.want)
			}
		})
	}
	r := do(t, "POST", ts.URL+gemGenerate, gkey, img("image/png", "iVBORw0KGgo="))
	if r.status != 200 {
		t.Errorf("valid inline data: %d %s", r.status, r.body)
	}
}

func TestGemini3NeedsThoughtSignatures(t *testing.T) {
	_, ts := newServer(t, Config{})
	history := func(sig string) string {
		return `{"contents":[{"role":"user","parts":[{"text":"use get_weather"}]},
		{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}` + sig + `}]},
		{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":"11C"}}}]}],` + gWeatherTools("") + `}`
	}
	url := ts.URL + "/v1beta/models/gemini-3-pro-preview:generateContent"
	r := do(t, "POST", url, gkey, history(""))
	if r.status != 400 || !strings.Contains(string(r.body), "missing a thought_signature") {
		t.Errorf("unsigned: %d %s", r.status, r.body)
	}
	r = do(t, "POST", url, gkey, history(`,"thoughtSignature":"skip_thought_signature_validator"`))
	if r.status != 200 {
		t.Errorf("placeholder signature: %d %s", r.status, r.body)
	}
	// Older models do not check.
	r = do(t, "POST", ts.URL+gemGenerate, gkey, history(""))
	if r.status != 200 {
		t.Errorf("gemini-2.0 unsigned: %d %s", r.status, r.body)
	}
}

func TestGeminiCandidatesAndLogprobs(t *testing.T) {
	_, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("two words", `"generationConfig":{"candidateCount":2,"responseLogprobs":true,"logprobs":2}`))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var g struct {
		Candidates []struct {
			Index          int `json:"index"`
			LogprobsResult struct {
				TopCandidates []struct {
					Candidates []struct{ Token string } `json:"candidates"`
				} `json:"topCandidates"`
				ChosenCandidates []struct {
					Token          string  `json:"token"`
					LogProbability float64 `json:"logProbability"`
				} `json:"chosenCandidates"`
			} `json:"logprobsResult"`
		} `json:"candidates"`
	}
	decode(t, r.body, &g)
	if len(g.Candidates) != 2 || g.Candidates[1].Index != 1 {
		t.Fatalf("candidates: %s", r.body)
	}
	lr := g.Candidates[1].LogprobsResult
	if len(lr.ChosenCandidates) == 0 || len(lr.TopCandidates) != len(lr.ChosenCandidates) || len(lr.TopCandidates[0].Candidates) != 2 ||
		lr.ChosenCandidates[0].LogProbability >= 0 {
		t.Errorf("logprobs: %s", r.body)
	}
	// A stream carries every candidate in each event.
	r = do(t, "POST", ts.URL+gemStream, gkey, geminiBody("two words", `"generationConfig":{"candidateCount":2}`))
	for _, ev := range sseEvents(r.body) {
		data, _ := dataOf(ev)
		var e struct {
			Candidates []struct{ Index int } `json:"candidates"`
		}
		decode(t, []byte(data), &e)
		if len(e.Candidates) != 2 || e.Candidates[1].Index != 1 {
			t.Fatalf("stream event: %s", data)
		}
	}
	for _, bad := range []string{`"candidateCount":9`, `"logprobs":3`, `"responseLogprobs":true,"logprobs":21`} {
		r = do(t, "POST", ts.URL+gemGenerate, gkey, geminiBody("x", `"generationConfig":{`+bad+`}`))
		if r.status != 400 {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}
