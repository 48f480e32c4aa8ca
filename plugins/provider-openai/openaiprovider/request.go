package openaiprovider

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// bodyPatch lists what go-openai leaves out of the JSON body: the sampling
// fields it drops because they are zero (its Temperature and TopP are
// `float32 omitempty`), although the client set them to 0 on purpose, and
// prompt_cache_key, which its request has no field for.
type bodyPatch struct {
	temperatureZero bool
	topPZero        bool
	promptCacheKey  string
}

func (p bodyPatch) empty() bool { return !p.temperatureZero && !p.topPZero && p.promptCacheKey == "" }

// apply inserts the dropped fields at the start of a JSON object body.
// go-openai omits them when zero, so they cannot appear twice.
func (p bodyPatch) apply(body []byte) []byte {
	if p.empty() || len(body) < 2 || body[0] != '{' {
		return body
	}
	var b bytes.Buffer
	b.Grow(len(body) + 32)
	b.WriteByte('{')
	if p.temperatureZero {
		b.WriteString(`"temperature":0,`)
	}
	if p.topPZero {
		b.WriteString(`"top_p":0,`)
	}
	if p.promptCacheKey != "" {
		b.WriteString(`"prompt_cache_key":`)
		b.Write(appendJSONString(nil, p.promptCacheKey))
		b.WriteByte(',')
	}
	rest := bytes.TrimLeft(body[1:], " \t\r\n")
	if len(rest) > 0 && rest[0] == '}' { // an empty object: drop the trailing comma
		b.Truncate(b.Len() - 1)
	}
	b.Write(body[1:])
	return b.Bytes()
}

// isReasoningModel reports whether OpenAI wants max_completion_tokens
// instead of max_tokens for a model (go-openai refuses max_tokens for them).
func isReasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// buildRequest maps the gateway's request to go-openai's, and says which
// zero-valued fields must be patched back into the body.
func buildRequest(req *sdk.CompleteRequest, stream bool) (openai.ChatCompletionRequest, bodyPatch) {
	cr := req.GetRequest()
	model := req.GetUpstreamModel()
	if model == "" {
		model = cr.GetModel()
	}
	out := openai.ChatCompletionRequest{
		Model:    model,
		Messages: make([]openai.ChatCompletionMessage, 0, len(cr.GetMessages())),
		Stop:     cr.GetStop(),
		User:     cr.GetUser(),
		Stream:   stream,
	}
	for _, m := range cr.GetMessages() {
		out.Messages = append(out.Messages, toMessage(m))
	}
	var patch bodyPatch
	if cr.Temperature != nil {
		out.Temperature = float32(cr.GetTemperature())
		patch.temperatureZero = out.Temperature == 0
	}
	if cr.TopP != nil {
		out.TopP = float32(cr.GetTopP())
		patch.topPZero = out.TopP == 0
	}
	if cr.MaxTokens != nil && cr.GetMaxTokens() > 0 {
		if cr.GetMaxCompletionTokens() || isReasoningModel(model) {
			out.MaxCompletionTokens = int(cr.GetMaxTokens())
		} else {
			out.MaxTokens = int(cr.GetMaxTokens())
		}
	}
	out.PresencePenalty = float32(cr.GetPresencePenalty())
	out.FrequencyPenalty = float32(cr.GetFrequencyPenalty())
	if rf := cr.GetResponseFormat(); rf != "" {
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatType(rf)}
		if js := cr.GetJsonSchema(); js != nil {
			out.ResponseFormat.Type = openai.ChatCompletionResponseFormatTypeJSONSchema
			out.ResponseFormat.JSONSchema = &openai.ChatCompletionResponseFormatJSONSchema{Name: js.GetName(), Description: js.GetDescription(),
				Schema: json.RawMessage(js.GetSchemaJson()), Strict: js.GetStrict()}
		}
	}
	mapTools(cr, &out)
	if cr.N != nil && cr.GetN() > 1 {
		out.N = int(cr.GetN())
	}
	out.LogProbs = cr.GetLogprobs()
	out.TopLogProbs = int(cr.GetTopLogprobs())
	if lb := cr.GetLogitBias(); len(lb) > 0 {
		out.LogitBias = make(map[string]int, len(lb))
		for tok, v := range lb {
			out.LogitBias[tok] = int(v)
		}
	}
	if cr.Seed != nil {
		seed := int(cr.GetSeed())
		out.Seed = &seed
	}
	out.ReasoningEffort = cr.GetReasoningEffort()
	out.Verbosity, out.SafetyIdentifier = cr.GetVerbosity(), cr.GetSafetyIdentifier()
	patch.promptCacheKey = cr.GetPromptCacheKey()
	if stream {
		// Always ask for usage: the host tracks tokens even when the client
		// did not ask to see them.
		out.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	return out, patch
}

// toMessage maps one message: its content as text or as parts (images
// included), an assistant's tool calls and refusal, a tool message's
// tool_call_id.
func toMessage(m *sdk.Message) openai.ChatCompletionMessage {
	out := openai.ChatCompletionMessage{Role: m.GetRole(), Name: m.GetName(), ToolCallID: m.GetToolCallId(), Refusal: m.GetRefusal()}
	if parts := m.GetParts(); len(parts) > 0 {
		out.MultiContent = make([]openai.ChatMessagePart, 0, len(parts))
		for _, p := range parts {
			if p.GetType() == "image_url" {
				out.MultiContent = append(out.MultiContent, openai.ChatMessagePart{Type: openai.ChatMessagePartTypeImageURL,
					ImageURL: &openai.ChatMessageImageURL{URL: p.GetImageUrl(), Detail: openai.ImageURLDetail(p.GetImageDetail())}})
				continue
			}
			out.MultiContent = append(out.MultiContent, openai.ChatMessagePart{Type: openai.ChatMessagePartTypeText, Text: p.GetText()})
		}
	} else {
		out.Content = m.GetContent()
	}
	for _, c := range m.GetToolCalls() {
		out.ToolCalls = append(out.ToolCalls, openai.ToolCall{ID: c.GetId(), Type: openai.ToolTypeFunction,
			Function: openai.FunctionCall{Name: c.GetName(), Arguments: c.GetArguments()}})
	}
	return out
}

// emptyParameters is the schema of a function without parameters (what
// OpenAI assumes when parameters is left out; go-openai would send null).
var emptyParameters = json.RawMessage(`{"type":"object","properties":{}}`)

// mapTools maps tools, tool_choice and parallel_tool_calls.
func mapTools(cr *sdk.ChatRequest, out *openai.ChatCompletionRequest) {
	for _, t := range cr.GetTools() {
		params := emptyParameters
		if t.GetParametersJson() != "" {
			params = json.RawMessage(t.GetParametersJson())
		}
		out.Tools = append(out.Tools, openai.Tool{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: t.GetName(), Description: t.GetDescription(), Strict: t.GetStrict(), Parameters: params}})
	}
	switch tc := cr.GetToolChoice(); tc.GetMode() {
	case "":
	case "function":
		out.ToolChoice = openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: tc.GetName()}}
	default:
		out.ToolChoice = tc.GetMode()
	}
	if cr.ParallelToolCalls != nil {
		out.ParallelToolCalls = cr.GetParallelToolCalls()
	}
}

// Params are the capabilities of the chat parameters the provider passes
// upstream (every one the protocol carries but notCarried); an instance
// declares those of its flavor (flavorParams).
var Params = flavorParams("")

// notCarried are the protocol's parameters no OpenAI-compatible API takes:
// thinking is Anthropic's token budget (OpenAI's models take
// reasoning_effort).
var notCarried = []string{"thinking"}

// unsupportedByFlavor are the parameters a flavor's API does not honour:
// Groq answers 400 to logprobs, top_logprobs and logit_bias and accepts
// only n = 1; OpenRouter has no n (it would answer one choice). OpenAI's
// newer hints (verbosity, safety_identifier, prompt_cache_key) are declared
// where the API is OpenAI's (openai, azure) or unknown (generic), and on
// OpenRouter verbosity alone, which it documents.
var unsupportedByFlavor = map[string][]string{
	FlavorGroq:       {"logprobs", "logit_bias", "n", "verbosity", "safety_identifier", "prompt_cache_key"},
	FlavorOpenRouter: {"n", "safety_identifier", "prompt_cache_key"},
}

// flavorParams are the parameter capabilities of a flavor.
func flavorParams(flavor string) []string {
	var out []string
	for _, name := range sdk.ChatParams {
		if !slices.Contains(unsupportedByFlavor[flavor], name) && !slices.Contains(notCarried, name) {
			out = append(out, sdk.ParamCap(name))
		}
	}
	return out
}

// Capabilities implements sdk.CapabilityReporter: the host then refuses
// (400 unsupported_parameter) what the flavor's API would refuse or drop;
// and embeddings and token counts where the flavor serves them.
func (p *Provider) Capabilities() []string {
	caps := append(append(flavorParams(p.flavor), sdk.CapProviderStream), embeddingCaps(p.flavor)...)
	return append(caps, countCaps(p.flavor)...)
}
