package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// Gemini's function calling, structured output and inline media, as the
// simulator speaks them: the request's functionDeclarations and toolConfig
// drive the shared tool-call plan (planToolCalls); functionResponse parts
// are answered in text; responseSchema/responseJsonSchema answers are
// generated from the schema. The request is checked as strictly as the real
// API checks it: a schema keyword outside Gemini's subset, an inlineData
// that is not base64, a call to an unknown function and (on gemini-3
// models) a history call without its thoughtSignature are 400s with the
// API's messages.

type geminiTool struct {
	FunctionDeclarations []geminiFunctionDecl `json:"functionDeclarations"`
}

type geminiFunctionDecl struct {
	Name                 string          `json:"name"`
	Description          string          `json:"description"`
	Parameters           json.RawMessage `json:"parameters"`
	ParametersJSONSchema json.RawMessage `json:"parametersJsonSchema"`
}

type geminiToolConfig struct {
	FunctionCallingConfig *struct {
		Mode                 string   `json:"mode"`
		AllowedFunctionNames []string `json:"allowedFunctionNames"`
	} `json:"functionCallingConfig"`
}

type geminiBlob struct {
	MimeType string `json:"mimeType"`
	Data     string `json:"data"`
}

type geminiFunctionCall struct {
	ID   string          `json:"id,omitempty"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args,omitempty"`
}

type geminiFunctionResponse struct {
	ID       string          `json:"id,omitempty"`
	Name     string          `json:"name"`
	Response json.RawMessage `json:"response"`
}

// geminiSchemaKeys are the Schema fields the API knows; any other key is
// refused, as the real API refuses it ("Unknown name … Cannot find field").
var geminiSchemaKeys = map[string]bool{
	"type": true, "format": true, "title": true, "description": true, "nullable": true, "enum": true,
	"items": true, "properties": true, "required": true, "propertyOrdering": true, "minItems": true,
	"maxItems": true, "minLength": true, "maxLength": true, "minProperties": true, "maxProperties": true,
	"minimum": true, "maximum": true, "pattern": true, "example": true, "default": true, "anyOf": true,
}

var geminiTypeNames = map[string]bool{
	"STRING": true, "NUMBER": true, "INTEGER": true, "BOOLEAN": true, "ARRAY": true, "OBJECT": true, "NULL": true,
}

var geminiFunctionName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$`)

// geminiInvalid is a 400 INVALID_ARGUMENT with the API's message.
func geminiInvalid(msg string) apiError {
	return apiError{status: http.StatusBadRequest, gStatus: "INVALID_ARGUMENT", message: msg}
}

// checkGeminiSchema walks a Schema as the API's parser does; at is the
// field path in the API's snake_case style.
func checkGeminiSchema(raw json.RawMessage, at string) (apiError, bool) {
	var n map[string]json.RawMessage
	if json.Unmarshal(raw, &n) != nil {
		return geminiInvalid(fmt.Sprintf("Invalid JSON payload received. Invalid value at '%s': expected a Schema object.", at)), false
	}
	for _, k := range sortedRawKeys(n) {
		if !geminiSchemaKeys[k] {
			return geminiInvalid(fmt.Sprintf("Invalid JSON payload received. Unknown name %q at '%s': Cannot find field.", k, at)), false
		}
	}
	if t, ok := n["type"]; ok {
		var name string
		if json.Unmarshal(t, &name) != nil {
			return geminiInvalid(fmt.Sprintf("Invalid JSON payload received. Invalid value at '%s.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type): Proto field is not repeating, cannot start list.", at)), false
		}
		if !geminiTypeNames[strings.ToUpper(name)] {
			return geminiInvalid(fmt.Sprintf("Invalid JSON payload received. Invalid value at '%s.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), %q", at, name)), false
		}
	}
	if e, ok := n["enum"]; ok {
		var vals []string
		if json.Unmarshal(e, &vals) != nil {
			return geminiInvalid(fmt.Sprintf("Invalid JSON payload received. Invalid value at '%s.enum': enum values must be strings.", at)), false
		}
	}
	var typ string
	_ = json.Unmarshal(n["type"], &typ)
	typ = strings.ToUpper(typ)
	var props map[string]json.RawMessage
	_, hasProps := n["properties"]
	_ = json.Unmarshal(n["properties"], &props)
	_, hasAnyOf := n["anyOf"]
	switch {
	case typ == "OBJECT" && len(props) == 0 && !hasAnyOf:
		return geminiInvalid(fmt.Sprintf("* GenerateContentRequest.%s.properties: should be non-empty for OBJECT type\n", at)), false
	case typ != "OBJECT" && typ != "" && hasProps:
		return geminiInvalid(fmt.Sprintf("* GenerateContentRequest.%s.properties: only allowed for OBJECT type\n", at)), false
	}
	if len(props) > 0 {
		for _, k := range sortedRawKeys(props) {
			if e, ok := checkGeminiSchema(props[k], at+".properties["+k+"].value"); !ok {
				return e, false
			}
		}
	}
	if it, ok := n["items"]; ok {
		if e, ok := checkGeminiSchema(it, at+".items"); !ok {
			return e, false
		}
	}
	var alts []json.RawMessage
	if a, ok := n["anyOf"]; ok && json.Unmarshal(a, &alts) == nil {
		for i, alt := range alts {
			if e, ok := checkGeminiSchema(alt, fmt.Sprintf("%s.any_of[%d]", at, i)); !ok {
				return e, false
			}
		}
	}
	return apiError{}, true
}

func sortedRawKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// validateGeminiTools checks tools, toolConfig and responseSchema.
func validateGeminiTools(req *geminiRequest) (apiError, bool) {
	declared := map[string]bool{}
	for i, t := range req.Tools {
		for j, d := range t.FunctionDeclarations {
			at := fmt.Sprintf("tools[%d].function_declarations[%d]", i, j)
			if !geminiFunctionName.MatchString(d.Name) {
				return geminiInvalid(fmt.Sprintf("* GenerateContentRequest.%s.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:) or dashes (-), with a maximum length of 128.\n", at)), false
			}
			if len(d.Parameters) > 0 {
				if e, ok := checkGeminiSchema(d.Parameters, at+".parameters"); !ok {
					return e, false
				}
			}
			declared[d.Name] = true
		}
	}
	if tc := req.ToolConfig; tc != nil && tc.FunctionCallingConfig != nil {
		fc := tc.FunctionCallingConfig
		if len(fc.AllowedFunctionNames) > 0 && fc.Mode != "ANY" {
			return geminiInvalid("* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: allowed_function_names can only be set when mode is ANY.\n"), false
		}
		for _, n := range fc.AllowedFunctionNames {
			if !declared[n] {
				return geminiInvalid(fmt.Sprintf("* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: %q is not a declared function.\n", n)), false
			}
		}
	}
	if gc := req.GenerationConfig; gc != nil && gc.CandidateCount != nil && (*gc.CandidateCount < 1 || *gc.CandidateCount > 8) {
		return geminiInvalid("* GenerateContentRequest.generation_config.candidate_count: must be between 1 and 8.\n"), false
	}
	if gc := req.GenerationConfig; gc != nil && gc.Logprobs != nil && (!gc.ResponseLogprobs || *gc.Logprobs < 0 || *gc.Logprobs > 20) {
		return geminiInvalid("* GenerateContentRequest.generation_config.logprobs: logprobs must be in [0, 20] and needs response_logprobs.\n"), false
	}
	if gc := req.GenerationConfig; gc != nil && len(gc.ResponseSchema) > 0 {
		if gc.ResponseMimeType != "application/json" && gc.ResponseMimeType != "text/x.enum" {
			return geminiInvalid("* GenerateContentRequest.generation_config.response_mime_type: response_schema requires response_mime_type application/json or text/x.enum.\n"), false
		}
		if e, ok := checkGeminiSchema(gc.ResponseSchema, "generation_config.response_schema"); !ok {
			return e, false
		}
	}
	return apiError{}, true
}

// validateGeminiParts checks the parts of every content: inline data must
// be base64 with a MIME type, a functionResponse a named object, and on
// gemini-3 models the first call of each model turn needs its signature.
func validateGeminiParts(req *geminiRequest, model string) (apiError, bool) {
	for i := range req.Contents {
		signed := false
		for j, p := range req.Contents[i].Parts {
			at := fmt.Sprintf("contents[%d].parts[%d]", i, j)
			if p.InlineData != nil {
				if p.InlineData.MimeType == "" {
					return geminiInvalid("* GenerateContentRequest." + at + ".inline_data.mime_type: mime_type is required.\n"), false
				}
				if _, err := decodeBase64(p.InlineData.Data); err != nil || p.InlineData.Data == "" {
					return geminiInvalid(fmt.Sprintf("Invalid value at '%s.inline_data.data' (TYPE_BYTES), Base64 decoding failed for %q", at, truncate(p.InlineData.Data, 40))), false
				}
			}
			if fr := p.FunctionResponse; fr != nil {
				var obj map[string]json.RawMessage
				if fr.Name == "" || json.Unmarshal(fr.Response, &obj) != nil {
					return geminiInvalid("* GenerateContentRequest." + at + ".function_response: name and an object response are required.\n"), false
				}
			}
			if p.FunctionCall != nil && req.Contents[i].Role == "model" {
				if !signed && p.ThoughtSignature == "" && strings.Contains(model, "gemini-3") {
					return geminiInvalid("Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:" + p.FunctionCall.Name + "` , position " + fmt.Sprint(j+1) + ". Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details."), false
				}
				signed = true
			}
		}
	}
	return apiError{}, true
}

func decodeBase64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.URLEncoding.DecodeString(s)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// geminiToolChoice maps toolConfig to the shared plan's mode: AUTO (the
// default), NONE, ANY with one allowed name (that function), ANY (among the
// allowed names, or all).
func (r *geminiRequest) toolChoice() (decls []toolDecl, mode, name string) {
	allowed := map[string]bool{}
	mode = toolModeAuto
	if tc := r.ToolConfig; tc != nil && tc.FunctionCallingConfig != nil {
		switch tc.FunctionCallingConfig.Mode {
		case "NONE":
			mode = toolModeNone
		case "ANY":
			mode = toolModeRequired
			for _, n := range tc.FunctionCallingConfig.AllowedFunctionNames {
				allowed[n] = true
			}
			if l := tc.FunctionCallingConfig.AllowedFunctionNames; len(l) == 1 {
				mode, name = toolModeFunction, l[0]
			}
		}
	}
	for _, t := range r.Tools {
		for _, d := range t.FunctionDeclarations {
			if len(allowed) > 0 && !allowed[d.Name] {
				continue
			}
			params := d.Parameters
			if len(params) == 0 {
				params = d.ParametersJSONSchema
			}
			decls = append(decls, toolDecl{Name: d.Name, Parameters: params})
		}
	}
	return decls, mode, name
}

// functionResults are the functionResponse parts that end the
// conversation, as JSON text, and whether it ends with one (the model then
// answers in text). A user text after the results (merged into the same
// turn) is a new question.
func (r *geminiRequest) functionResults() ([]string, bool) {
	if len(r.Contents) == 0 {
		return nil, false
	}
	parts := r.Contents[len(r.Contents)-1].Parts
	var out []string
	for i := len(parts) - 1; i >= 0 && parts[i].FunctionResponse != nil; i-- {
		out = append([]string{string(parts[i].FunctionResponse.Response)}, out...)
	}
	return out, len(out) > 0
}

// responseSchema is the structured-output schema, if any.
func (r *geminiRequest) responseSchema() (json.RawMessage, bool) {
	gc := r.GenerationConfig
	if gc == nil || gc.ResponseMimeType != "application/json" {
		return nil, false
	}
	if len(gc.ResponseSchema) > 0 {
		return gc.ResponseSchema, true
	}
	return gc.ResponseJSONSchema, true
}

// planGemini decides the answer's function calls and, when there are
// none, its text: the echo of the function results, or a JSON value.
func (a *geminiAnswer) planGemini(req *geminiRequest) {
	decls, mode, name := req.toolChoice()
	results, after := req.functionResults()
	for i, plan := range planToolCalls(decls, mode, name, true, after, a.prompt) {
		fc := geminiPart{FunctionCall: &geminiFunctionCall{Name: plan.Name, Args: plan.Arguments}}
		if i == 0 {
			// Thinking models sign the first call of a step.
			fc.ThoughtSignature = base64.StdEncoding.EncodeToString([]byte("sim-signature:" + a.id))
		}
		a.calls = append(a.calls, fc)
	}
	switch schema, ok := req.responseSchema(); {
	case after && len(results) > 0 && !ok:
		a.full = toolResultText("gemini", a.model, results)
	case ok && len(schema) > 0:
		a.full = spacedJSON(schemaValue(schema))
	case ok:
		a.full = jsonAnswer(answerText("gemini", a.model, a.prompt))
	}
}

// callWords is the token count of the answer's calls.
func (a *geminiAnswer) callWords() int {
	n := 0
	for _, c := range a.calls {
		n += callTokens(c)
	}
	return n
}

// callTokens counts a call as its name and the words of its arguments.
func callTokens(c geminiPart) int {
	return 1 + countWords(strings.NewReplacer(",", " ", ":", " ").Replace(string(c.FunctionCall.Args)))
}

// geminiLogprobs is a candidate's logprobsResult.
type geminiLogprobs struct {
	TopCandidates    []geminiTopCandidates `json:"topCandidates"`
	ChosenCandidates []geminiTokenLogprob  `json:"chosenCandidates"`
}

type geminiTopCandidates struct {
	Candidates []geminiTokenLogprob `json:"candidates"`
}

type geminiTokenLogprob struct {
	Token          string  `json:"token"`
	TokenID        int     `json:"tokenId"`
	LogProbability float64 `json:"logProbability"`
}

// candidates is the answer's candidates for parts (n of them, identical,
// numbered), each with made-up log probabilities when they were asked for:
// one step per word of the text, with the asked number of alternatives.
func (a *geminiAnswer) candidates(parts []geminiPart, finish string) []geminiCandidate {
	out := make([]geminiCandidate, a.n)
	for i := range out {
		out[i] = geminiCandidate{Content: &geminiContent{Role: "model", Parts: parts}, FinishReason: finish, Index: i}
		if a.logprobs {
			out[i].LogprobsResult = a.logprobsOf(parts)
		}
	}
	return out
}

func (a *geminiAnswer) logprobsOf(parts []geminiPart) *geminiLogprobs {
	lr := &geminiLogprobs{TopCandidates: []geminiTopCandidates{}, ChosenCandidates: []geminiTokenLogprob{}}
	for _, p := range parts {
		if p.Thought {
			continue
		}
		for i, w := range splitWords(p.Text, 1) {
			chosen := geminiTokenLogprob{Token: w, TokenID: 1000 + i, LogProbability: -0.01 * float64(i%10+1)}
			lr.ChosenCandidates = append(lr.ChosenCandidates, chosen)
			top := geminiTopCandidates{Candidates: []geminiTokenLogprob{}}
			for k := 0; k < a.top; k++ {
				alt := chosen
				if k > 0 {
					alt = geminiTokenLogprob{Token: fmt.Sprintf("alt%d", k), TokenID: 2000 + k, LogProbability: chosen.LogProbability - float64(k)}
				}
				top.Candidates = append(top.Candidates, alt)
			}
			lr.TopCandidates = append(lr.TopCandidates, top)
		}
	}
	return lr
}
