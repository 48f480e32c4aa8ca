package geminiprovider

import (
	"strings"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// The Gemini REST shapes this provider sends and reads (generativelanguage
// v1beta). Only the fields the gateway uses are declared; the rest of a
// response is skipped by the decoder.

type generateRequest struct {
	SystemInstruction *content          `json:"systemInstruction,omitempty"`
	Contents          []content         `json:"contents"`
	GenerationConfig  *generationConfig `json:"generationConfig,omitempty"`
}

type content struct {
	Role  string `json:"role,omitempty"`
	Parts []part `json:"parts"`
}

type part struct {
	Text string `json:"text"`
	// Thought marks a thinking model's reasoning, which is not the answer.
	Thought bool `json:"thought,omitempty"`
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
	// ResponseMimeType is application/json for response_format json_object.
	ResponseMimeType string `json:"responseMimeType,omitempty"`
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
}

type promptFeedback struct {
	BlockReason        string `json:"blockReason"`
	BlockReasonMessage string `json:"blockReasonMessage"`
}

type usageMetadata struct {
	PromptTokenCount     int32 `json:"promptTokenCount"`
	CandidatesTokenCount int32 `json:"candidatesTokenCount"`
	ThoughtsTokenCount   int32 `json:"thoughtsTokenCount"`
	TotalTokenCount      int32 `json:"totalTokenCount"`
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
// assistant is Gemini's "model"; consecutive turns of one role are merged,
// since Gemini wants user and model turns to alternate.
func buildRequest(req *sdk.ChatRequest) (*generateRequest, error) {
	out := &generateRequest{}
	var system []part
	for _, m := range req.GetMessages() {
		role := "user"
		switch strings.ToLower(m.GetRole()) {
		case "system", "developer":
			if m.GetContent() != "" {
				system = append(system, part{Text: m.GetContent()})
			}
			continue
		case "assistant", "model":
			role = "model"
		}
		if m.GetContent() == "" {
			continue // Gemini rejects a part without data
		}
		if n := len(out.Contents); n > 0 && out.Contents[n-1].Role == role {
			out.Contents[n-1].Parts = append(out.Contents[n-1].Parts, part{Text: m.GetContent()})
			continue
		}
		out.Contents = append(out.Contents, content{Role: role, Parts: []part{{Text: m.GetContent()}}})
	}
	if len(out.Contents) == 0 {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "INVALID_ARGUMENT",
			"gemini: the request needs at least one non-empty user or assistant message")
	}
	if len(system) > 0 {
		out.SystemInstruction = &content{Parts: system}
	}
	gc := generationConfig{
		Temperature:      req.Temperature,
		MaxOutputTokens:  req.MaxTokens,
		TopP:             req.TopP,
		StopSequences:    req.GetStop(),
		Seed:             req.Seed,
		PresencePenalty:  req.PresencePenalty,
		FrequencyPenalty: req.FrequencyPenalty,
	}
	if req.GetResponseFormat() == "json_object" {
		gc.ResponseMimeType = "application/json"
	}
	if gc.Temperature != nil || gc.MaxOutputTokens != nil || gc.TopP != nil || len(gc.StopSequences) > 0 || gc.Seed != nil ||
		gc.PresencePenalty != nil || gc.FrequencyPenalty != nil || gc.ResponseMimeType != "" {
		out.GenerationConfig = &gc
	}
	return out, nil
}

// thoughts concatenates the thought parts of the first candidate (sent only
// when the request asks for thought summaries).
func (r *generateResponse) thoughts() string {
	if len(r.Candidates) == 0 || r.Candidates[0].Content == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range r.Candidates[0].Content.Parts {
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

// text concatenates the answer parts of the first candidate, skipping
// thoughts, and returns it with the candidate's raw finish reason.
func (r *generateResponse) text() (string, string) {
	if len(r.Candidates) == 0 {
		return "", ""
	}
	c := r.Candidates[0]
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

// Params are the capabilities of the chat parameters the provider maps into
// generationConfig; logit_bias and user have no Gemini
// equivalent and are not declared.
var Params = []string{

	sdk.ParamCap("stop"), sdk.ParamCap("seed"), sdk.ParamCap("top_p"),
	sdk.ParamCap("presence_penalty"), sdk.ParamCap("frequency_penalty"),
	sdk.ParamCap("response_format"),
}
