package openaiprovider

import (
	"bytes"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// bodyPatch lists the sampling fields go-openai drops from the JSON body
// because they are zero (its Temperature and TopP are `float32 omitempty`),
// although the client set them to 0 on purpose.
type bodyPatch struct {
	temperatureZero bool
	topPZero        bool
}

func (p bodyPatch) empty() bool { return !p.temperatureZero && !p.topPZero }

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
		out.Messages = append(out.Messages, openai.ChatCompletionMessage{Role: m.GetRole(), Content: m.GetContent(), Name: m.GetName()})
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
		if isReasoningModel(model) {
			out.MaxCompletionTokens = int(cr.GetMaxTokens())
		} else {
			out.MaxTokens = int(cr.GetMaxTokens())
		}
	}
	out.PresencePenalty = float32(cr.GetPresencePenalty())
	out.FrequencyPenalty = float32(cr.GetFrequencyPenalty())
	if rf := cr.GetResponseFormat(); rf != "" {
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatType(rf)}
	}
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
	if stream {
		// Always ask for usage: the host tracks tokens even when the client
		// did not ask to see them.
		out.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	return out, patch
}

// Params are the capabilities of the chat parameters the provider passes
// upstream (every one the protocol carries).
var Params = paramCaps(sdk.ChatParams...)

func paramCaps(names ...string) []string {
	var out []string
	for _, n := range names {
		out = append(out, sdk.ParamCap(n))
	}
	return out
}
