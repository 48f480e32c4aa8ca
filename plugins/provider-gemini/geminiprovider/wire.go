package geminiprovider

import (
	"context"
	"encoding/json"
	"strings"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// The Gemini REST shapes this provider sends and reads (generativelanguage
// v1beta). Only the fields the gateway uses are declared; the rest of a
// response is skipped by the decoder.

type generateRequest struct {
	SystemInstruction *content          `json:"systemInstruction,omitempty"`
	Contents          []content         `json:"contents"`
	Tools             []tool            `json:"tools,omitempty"`
	ToolConfig        *toolConfig       `json:"toolConfig,omitempty"`
	GenerationConfig  *generationConfig `json:"generationConfig,omitempty"`
}

// tool is one entry of `tools`; the gateway sends one with every function.
type tool struct {
	FunctionDeclarations []functionDeclaration `json:"functionDeclarations"`
}

type functionDeclaration struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Parameters is absent for a function without arguments (Gemini
	// refuses an OBJECT without properties there).
	Parameters *gSchema `json:"parameters,omitempty"`
	// ParametersJSONSchema is the JSON Schema as given (schema_format
	// "json_schema"; exclusive with Parameters).
	ParametersJSONSchema json.RawMessage `json:"parametersJsonSchema,omitempty"`
}

type toolConfig struct {
	FunctionCallingConfig functionCallingConfig `json:"functionCallingConfig"`
}

// functionCallingConfig: mode AUTO, ANY (must call; allowedFunctionNames
// narrows which) or NONE.
type functionCallingConfig struct {
	Mode                 string   `json:"mode"`
	AllowedFunctionNames []string `json:"allowedFunctionNames,omitempty"`
}

type content struct {
	Role  string `json:"role,omitempty"`
	Parts []part `json:"parts"`
}

type part struct {
	Text string `json:"text,omitempty"`
	// Thought marks a thinking model's reasoning, which is not the answer.
	Thought bool `json:"thought,omitempty"`
	// ThoughtSignature sits beside a functionCall of a thinking model;
	// Gemini 3 refuses a history whose calls lack it.
	ThoughtSignature string            `json:"thoughtSignature,omitempty"`
	InlineData       *blob             `json:"inlineData,omitempty"`
	FunctionCall     *functionCall     `json:"functionCall,omitempty"`
	FunctionResponse *functionResponse `json:"functionResponse,omitempty"`
}

// blob is inline media: base64 data and its MIME type.
type blob struct {
	MimeType string `json:"mimeType"`
	Data     string `json:"data"`
}

// functionCall is a call the model makes. Args is a JSON object (absent
// when the function takes none). ID is set by newer models only.
type functionCall struct {
	ID   string          `json:"id,omitempty"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args,omitempty"`
}

// functionResponse is a tool's result; Response must be a JSON object.
type functionResponse struct {
	ID       string          `json:"id,omitempty"`
	Name     string          `json:"name"`
	Response json.RawMessage `json:"response"`
}

// generationConfig uses pointers so that a zero (temperature 0, say) is sent
// and an absent value is left to the model's default.
type generationConfig struct {
	Temperature      *float64 `json:"temperature,omitempty"`
	MaxOutputTokens  *int32   `json:"maxOutputTokens,omitempty"`
	TopP             *float64 `json:"topP,omitempty"`
	StopSequences    []string `json:"stopSequences,omitempty"`
	Seed             *int64   `json:"seed,omitempty"`
	PresencePenalty  *float64 `json:"presencePenalty,omitempty"`
	FrequencyPenalty *float64 `json:"frequencyPenalty,omitempty"`
	// ResponseMimeType is application/json for response_format json_object
	// and json_schema.
	ResponseMimeType string `json:"responseMimeType,omitempty"`
	// ResponseSchema is the converted json_schema (see convertSchema).
	ResponseSchema *gSchema `json:"responseSchema,omitempty"`
	// ResponseJSONSchema is the json_schema as given (schema_format
	// "json_schema"; exclusive with ResponseSchema).
	ResponseJSONSchema json.RawMessage `json:"responseJsonSchema,omitempty"`
	// CandidateCount is n when n > 1.
	CandidateCount *int32 `json:"candidateCount,omitempty"`
	// ResponseLogprobs and Logprobs (top alternatives per token) map
	// logprobs and top_logprobs.
	ResponseLogprobs bool   `json:"responseLogprobs,omitempty"`
	Logprobs         *int32 `json:"logprobs,omitempty"`
	// ThinkingConfig maps reasoning_effort (applyReasoningEffort).
	ThinkingConfig *thinkingConfig `json:"thinkingConfig,omitempty"`
}

type generateResponse struct {
	Candidates     []candidate     `json:"candidates"`
	PromptFeedback *promptFeedback `json:"promptFeedback"`
	UsageMetadata  *usageMetadata  `json:"usageMetadata"`
	ModelVersion   string          `json:"modelVersion"`
	ResponseID     string          `json:"responseId"`
	// Error is set when a stream carries an error object instead of a chunk.
	Error *apiError `json:"error"`
}

type candidate struct {
	Content      *content `json:"content"`
	FinishReason string   `json:"finishReason"`
	// Index is the candidate's number when candidateCount > 1 (absent, so
	// 0, for the first).
	Index          int32           `json:"index"`
	LogprobsResult *logprobsResult `json:"logprobsResult"`
}

// logprobsResult is a candidate's log probabilities (responseLogprobs):
// the chosen token of every step, and the top alternatives of each.
type logprobsResult struct {
	TopCandidates []struct {
		Candidates []tokenLogprob `json:"candidates"`
	} `json:"topCandidates"`
	ChosenCandidates []tokenLogprob `json:"chosenCandidates"`
}

type tokenLogprob struct {
	Token          string  `json:"token"`
	LogProbability float64 `json:"logProbability"`
}

type promptFeedback struct {
	BlockReason        string `json:"blockReason"`
	BlockReasonMessage string `json:"blockReasonMessage"`
}

type usageMetadata struct {
	PromptTokenCount        int32 `json:"promptTokenCount"`
	CandidatesTokenCount    int32 `json:"candidatesTokenCount"`
	ThoughtsTokenCount      int32 `json:"thoughtsTokenCount"`
	CachedContentTokenCount int32 `json:"cachedContentTokenCount"`
	TotalTokenCount         int32 `json:"totalTokenCount"`
}

// errorEnvelope is Google's error body: {"error":{code,message,status,details}}.
type errorEnvelope struct {
	Error *apiError `json:"error"`
}

type apiError struct {
	Code    int           `json:"code"`
	Message string        `json:"message"`
	Status  string        `json:"status"`
	Details []errorDetail `json:"details"`
}

// errorDetail is one google.rpc detail; which fields are set depends on @type.
type errorDetail struct {
	Type string `json:"@type"`
	// google.rpc.RetryInfo
	RetryDelay string `json:"retryDelay"`
	// google.rpc.ErrorInfo
	Reason string `json:"reason"`
	// google.rpc.QuotaFailure
	Violations []struct {
		QuotaID     string `json:"quotaId"`
		QuotaMetric string `json:"quotaMetric"`
	} `json:"violations"`
}

// buildRequest maps the gateway's chat request to a GenerateContentRequest.
// System (and "developer") messages become the system instruction; the
// assistant is Gemini's "model"; a tool message is a functionResponse in a
// user turn; consecutive turns of one role are merged, since Gemini wants
// user and model turns to alternate (and all the results of one step in one
// user turn). ctx bounds the fetching of image URLs.
func (p *Provider) buildRequest(ctx context.Context, req *sdk.ChatRequest) (*generateRequest, error) {
	out := &generateRequest{}
	h := newHistory(req.GetMessages(), p.images.maxBytes)
	var system []part
	for i, m := range req.GetMessages() {
		role, parts, err := p.messageParts(ctx, h, i, m)
		if err != nil {
			return nil, err
		}
		if role == "system" {
			system = append(system, parts...)
			continue
		}
		if len(parts) == 0 {
			continue // Gemini rejects a content without parts
		}
		if n := len(out.Contents); n > 0 && out.Contents[n-1].Role == role {
			out.Contents[n-1].Parts = append(out.Contents[n-1].Parts, parts...)
			continue
		}
		out.Contents = append(out.Contents, content{Role: role, Parts: parts})
	}
	if len(out.Contents) == 0 {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "INVALID_ARGUMENT",
			"gemini: the request needs at least one non-empty user or assistant message")
	}
	if len(system) > 0 {
		out.SystemInstruction = &content{Parts: system}
	}
	var err error
	raw := p.schemaFormat == SchemaFormatJSONSchema
	if out.Tools, out.ToolConfig, err = buildTools(req, raw); err != nil {
		return nil, err
	}
	gc, err := generation(req, raw)
	if err != nil {
		return nil, err
	}
	out.GenerationConfig = gc
	return out, nil
}

// messageParts maps one message to its Gemini role ("system" for the
// system instruction) and parts.
func (p *Provider) messageParts(ctx context.Context, h *history, i int, m *sdk.Message) (string, []part, error) {
	switch strings.ToLower(m.GetRole()) {
	case "system", "developer":
		return "system", textParts(m.GetContent()), nil
	case "assistant", "model":
		text := m.GetContent()
		if text == "" {
			text = m.GetRefusal()
		}
		parts := textParts(text)
		calls, err := p.callParts(i, m)
		return "model", append(parts, calls...), err
	case "tool", "function":
		pt, err := p.responsePart(h, i, m)
		return "user", []part{pt}, err
	}
	if len(m.GetParts()) == 0 {
		return "user", textParts(m.GetContent()), nil
	}
	parts := make([]part, 0, len(m.GetParts()))
	for j, cp := range m.GetParts() {
		switch cp.GetType() {
		case "text":
			parts = append(parts, textParts(cp.GetText())...)
		case "image_url":
			pt, err := p.images.imagePart(ctx, cp.GetImageUrl(), &h.imageBudget)
			if err != nil {
				return "", nil, badRequest("messages[%d].content[%d]: %v", i, j, err)
			}
			parts = append(parts, pt)
		default:
			return "", nil, badRequest("messages[%d].content[%d]: content type %q is not supported", i, j, cp.GetType())
		}
	}
	return "user", parts, nil
}

// textParts is one text part, or none for an empty text (Gemini rejects a
// part without data).
func textParts(s string) []part {
	if s == "" {
		return nil
	}
	return []part{{Text: s}}
}

// generation maps the sampling parameters and response_format; nil when
// nothing is set (the model's defaults apply).
func generation(req *sdk.ChatRequest, raw bool) (*generationConfig, error) {
	gc := generationConfig{
		Temperature:      req.Temperature,
		MaxOutputTokens:  req.MaxTokens,
		TopP:             req.TopP,
		StopSequences:    req.GetStop(),
		Seed:             req.Seed,
		PresencePenalty:  req.PresencePenalty,
		FrequencyPenalty: req.FrequencyPenalty,
	}
	switch {
	case req.GetResponseFormat() == "json_schema" || req.GetJsonSchema() != nil:
		js := req.GetJsonSchema()
		if strings.TrimSpace(js.GetSchemaJson()) == "" {
			return nil, badRequest("response_format json_schema needs a schema")
		}
		if raw {
			schema, err := rawSchema(js.GetSchemaJson())
			if err != nil {
				return nil, badRequest("response_format json_schema %q: %v", js.GetName(), err)
			}
			gc.ResponseMimeType, gc.ResponseJSONSchema = "application/json", schema
			break
		}
		s, err := convertSchema(js.GetSchemaJson(), forResponse)
		if err != nil {
			return nil, badRequest("response_format json_schema %q cannot be converted for Gemini: %v%s", js.GetName(), err, jsonSchemaHint)
		}
		if s.Description == "" {
			s.Description = js.GetDescription()
		}
		gc.ResponseMimeType, gc.ResponseSchema = "application/json", s
	case req.GetResponseFormat() == "json_object":
		gc.ResponseMimeType = "application/json"
	}
	if req.GetN() > 1 {
		gc.CandidateCount = req.N
	}
	if req.GetLogprobs() || req.TopLogprobs != nil {
		gc.ResponseLogprobs, gc.Logprobs = true, req.TopLogprobs
	}
	if gc.Temperature == nil && gc.MaxOutputTokens == nil && gc.TopP == nil && len(gc.StopSequences) == 0 && gc.Seed == nil &&
		gc.PresencePenalty == nil && gc.FrequencyPenalty == nil && gc.ResponseMimeType == "" && gc.CandidateCount == nil && !gc.ResponseLogprobs {
		return nil, nil
	}
	return &gc, nil
}

// thoughts concatenates the candidate's thought parts (sent only when the
// request asks for thought summaries).
func (c *candidate) thoughts() string {
	if c == nil || c.Content == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range c.Content.Parts {
		if p.Thought {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// emptyAnswer is the failure of a candidate that finished with nothing to
// say (finishReason OTHER with no parts, STOP with no content): served as a
// success it would be an empty answer, while another provider may answer.
// A MAX_TOKENS finish is a limit the caller chose, not a failure.
func emptyAnswer(httpStatus int, reason string) error {
	if reason == "MAX_TOKENS" {
		return nil
	}
	return sdk.Fail(sdk.ClassUpstream5xx, httpStatus, 0, reason, "gemini: the model finished ("+reason+") without any content")
}

// first is the first candidate, nil when there is none.
func (r *generateResponse) first() *candidate {
	if len(r.Candidates) == 0 {
		return nil
	}
	return &r.Candidates[0]
}

// text concatenates the candidate's answer parts, skipping thoughts, and
// returns it with the candidate's raw finish reason.
func (c *candidate) text() (string, string) {
	if c == nil {
		return "", ""
	}
	if c.Content == nil {
		return "", c.FinishReason
	}
	if len(c.Content.Parts) == 1 && !c.Content.Parts[0].Thought {
		return c.Content.Parts[0].Text, c.FinishReason
	}
	var b strings.Builder
	for _, p := range c.Content.Parts {
		if !p.Thought {
			b.WriteString(p.Text)
		}
	}
	return b.String(), c.FinishReason
}

// usage maps usageMetadata to OpenAI's usage. Thinking tokens are billed as
// output, so they count as completion tokens; the total is Gemini's own,
// which may exceed the sum of the parts.
func (u *usageMetadata) usage() *sdk.Usage {
	if u == nil {
		return nil
	}
	out := &sdk.Usage{
		PromptTokens:     u.PromptTokenCount,
		CompletionTokens: u.CandidatesTokenCount + u.ThoughtsTokenCount,
		TotalTokens:      u.TotalTokenCount,
		CachedTokens:     u.CachedContentTokenCount,
		ReasoningTokens:  u.ThoughtsTokenCount,
	}
	if out.TotalTokens == 0 {
		out.TotalTokens = out.PromptTokens + out.CompletionTokens
	}
	return out
}

// finishReason maps Gemini's finish reason to OpenAI's.
func finishReason(r string) string {
	switch r {
	case "":
		return ""
	case "MAX_TOKENS":
		return "length"
	case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS":
		return "stop"
	}
	if isFilterReason(r) {
		return "content_filter"
	}
	return "stop" // STOP, OTHER, LANGUAGE, FINISH_REASON_UNSPECIFIED, …
}

// isFilterReason reports whether a finish or block reason means the
// provider's safety or policy filter stopped the answer.
func isFilterReason(r string) bool {
	switch r {
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
		"IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
		return true
	}
	return false
}

// Params are the capabilities of the optional chat parameters the provider
// honours. logit_bias and user have no Gemini equivalent: they are left
// undeclared, so the host refuses them (400 unsupported_parameter) instead
// of this provider dropping them silently. parallel_tool_calls is honoured
// by keeping only the first call when it is false (Gemini cannot be told);
// n is candidateCount, logprobs responseLogprobs, reasoning_effort
// thinkingConfig (thinking.go).
var Params = []string{
	sdk.ParamCap("stop"), sdk.ParamCap("seed"), sdk.ParamCap("top_p"),
	sdk.ParamCap("presence_penalty"), sdk.ParamCap("frequency_penalty"),
	sdk.ParamCap("response_format"), sdk.ParamCap("tools"), sdk.ParamCap("parallel_tool_calls"),
	sdk.ParamCap("json_schema"), sdk.ParamCap("images"), sdk.ParamCap("n"), sdk.ParamCap("logprobs"),
	sdk.ParamCap("reasoning_effort"),
}

// openAILogprob is one entry of OpenAI's logprobs.content.
type openAILogprob struct {
	openAIAlternative
	TopLogprobs []openAIAlternative `json:"top_logprobs"`
}

// openAIAlternative is a token and its log probability.
type openAIAlternative struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
	Bytes   []int   `json:"bytes"`
}

// logprobsJSON maps the candidate's logprobsResult to OpenAI's
// choices[].logprobs object ({"content":[…],"refusal":null}); "" when the
// candidate has none. Step i's alternatives are topCandidates[i].
func (c *candidate) logprobsJSON() string {
	if c == nil || c.LogprobsResult == nil || len(c.LogprobsResult.ChosenCandidates) == 0 {
		return ""
	}
	lr := c.LogprobsResult
	content := make([]openAILogprob, len(lr.ChosenCandidates))
	for i, t := range lr.ChosenCandidates {
		content[i] = openAILogprob{openAIAlternative: openAIAlternative{Token: t.Token, Logprob: t.LogProbability, Bytes: tokenBytes(t.Token)},
			TopLogprobs: []openAIAlternative{}}
		if i < len(lr.TopCandidates) {
			for _, alt := range lr.TopCandidates[i].Candidates {
				content[i].TopLogprobs = append(content[i].TopLogprobs, openAIAlternative{Token: alt.Token, Logprob: alt.LogProbability, Bytes: tokenBytes(alt.Token)})
			}
		}
	}
	b, _ := json.Marshal(struct {
		Content []openAILogprob `json:"content"`
		Refusal *string         `json:"refusal"`
	}{Content: content})
	return string(b)
}

// tokenBytes is a token's UTF-8 bytes, as OpenAI lists them.
func tokenBytes(s string) []int {
	out := make([]int, len(s))
	for i := range len(s) {
		out[i] = int(s[i])
	}
	return out
}
