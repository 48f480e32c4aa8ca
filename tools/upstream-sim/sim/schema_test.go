package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// validate fails the test when value does not validate against schema.
func validate(t *testing.T, schema string, value json.RawMessage) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(value))
	if err != nil {
		t.Fatalf("generated value %s is not JSON: %v", value, err)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("generated value %s does not validate: %v", value, err)
	}
}

func TestSchemaValueValidates(t *testing.T) {
	cases := map[string]string{
		"weather tool": `{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false}`,
		// What Pydantic emits for a model with a nested list, an optional
		// field and a referenced sub-model.
		"pydantic": `{"$defs":{"Step":{"properties":{"explanation":{"title":"Explanation","type":"string"},"output":{"title":"Output","type":"string"}},"required":["explanation","output"],"title":"Step","type":"object","additionalProperties":false}},
			"properties":{"steps":{"items":{"$ref":"#/$defs/Step"},"title":"Steps","type":"array"},"final_answer":{"title":"Final Answer","type":"string"},"confidence":{"anyOf":[{"type":"number"},{"type":"null"}]}},
			"required":["steps","final_answer","confidence"],"title":"MathReasoning","type":"object","additionalProperties":false}`,
		"bounds":    `{"type":"object","properties":{"n":{"type":"integer","minimum":10,"maximum":20},"x":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1},"tags":{"type":"array","items":{"type":"string"},"minItems":3,"uniqueItems":true},"code":{"type":"string","minLength":12,"maxLength":12}},"required":["n","x","tags","code"]}`,
		"formats":   `{"type":"object","properties":{"when":{"type":"string","format":"date-time"},"mail":{"type":"string","format":"email"},"id":{"type":"string","format":"uuid"}},"required":["when","mail","id"]}`,
		"const":     `{"type":"object","properties":{"kind":{"const":"fixed"},"flag":{"type":"boolean"},"nothing":{"type":"null"},"multi":{"type":["integer","null"]}},"required":["kind","flag","nothing","multi"]}`,
		"recursive": `{"$defs":{"Node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},"required":["name"]}},"$ref":"#/$defs/Node"}`,
		"zod":       `{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"number"},"tags":{"type":"array","items":{"type":"string"}}},"required":["name","age","tags"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}`,
	}
	for name, schema := range cases {
		t.Run(name, func(t *testing.T) {
			v := schemaValue(json.RawMessage(schema))
			validate(t, schema, v)
			if again := schemaValue(json.RawMessage(schema)); !bytes.Equal(v, again) {
				t.Errorf("not deterministic: %s then %s", v, again)
			}
		})
	}
}

func TestSchemaValueGeminiTypes(t *testing.T) {
	// Gemini's OpenAPI subset: upper-case types, nullable, integers as strings.
	got := string(schemaValue(json.RawMessage(`{"type":"OBJECT","properties":{"city":{"type":"STRING"},"days":{"type":"INTEGER"},"hours":{"type":"ARRAY","minItems":"2","items":{"type":"NUMBER"}}},"required":["city"]}`)))
	want := `{"city":"sim-city","days":1,"hours":[1.5,2.5]}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestSchemaValueKeepsPropertyOrder(t *testing.T) {
	got := string(schemaValue(json.RawMessage(`{"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"boolean"}}}`)))
	if got != `{"zeta":"sim-zeta","alpha":true}` {
		t.Errorf("got %s", got)
	}
	if got := string(schemaValue(nil)); got != "{}" {
		t.Errorf("empty schema: got %s", got)
	}
}

func TestPlanToolCalls(t *testing.T) {
	tools := []toolDecl{
		{Name: "get_weather", Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)},
		{Name: "get_time", Parameters: json.RawMessage(`{"type":"object","properties":{"zone":{"type":"string","enum":["UTC","CET"]}},"required":["zone"]}`)},
	}
	names := func(p []toolCallPlan) string {
		var s []string
		for _, c := range p {
			s = append(s, c.Name+string(c.Arguments))
		}
		return strings.Join(s, " ")
	}
	cases := []struct {
		mode, name      string
		parallel, after bool
		prompt, want    string
	}{
		{mode: toolModeAuto, prompt: "hello", want: ""},
		{mode: toolModeAuto, prompt: "use get_time please", want: `get_time{"zone":"UTC"}`},
		{mode: toolModeAuto, parallel: true, prompt: "get_weather and get_time", want: `get_weather{"city":"sim-city"} get_time{"zone":"UTC"}`},
		{mode: toolModeAuto, parallel: false, prompt: "get_weather and get_time", want: `get_weather{"city":"sim-city"}`},
		{mode: toolModeRequired, parallel: true, prompt: "hello", want: `get_weather{"city":"sim-city"}`},
		{mode: toolModeFunction, name: "get_time", prompt: "get_weather", want: `get_time{"zone":"UTC"}`},
		{mode: toolModeFunction, name: "get_time", after: true, want: ""},
		{mode: toolModeNone, prompt: "get_weather", want: ""},
	}
	for _, c := range cases {
		if got := names(planToolCalls(tools, c.mode, c.name, c.parallel, c.after, c.prompt)); got != c.want {
			t.Errorf("%+v: got %q, want %q", c, got, c.want)
		}
	}
}
