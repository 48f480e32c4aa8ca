package openaiprovider

import (
	"context"

	openai "github.com/sashabaranov/go-openai"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

var _ sdk.Embedder = (*Provider)(nil)

// EmbeddingCaps are the capabilities of an instance whose API serves
// POST /embeddings (OpenAI, OpenRouter, local servers): embeddings, token
// arrays, and the dimensions and user parameters, passed through as sent.
var EmbeddingCaps = []string{sdk.CapProviderEmbeddings, sdk.CapProviderEmbeddingTokens, sdk.ParamCap("dimensions"), sdk.ParamCap("user")}

// embeddingCaps are EmbeddingCaps unless the flavor's API has no
// embeddings (Groq serves none, so a pipeline that asks it for them fails
// when it loads, not per request).
func embeddingCaps(flavor string) []string {
	if flavor == FlavorGroq {
		return nil
	}
	return EmbeddingCaps
}

// Embed asks the upstream's POST /embeddings for one vector per input.
// OpenAI's vectors travel as base64 (less than half the size of JSON floats)
// and are decoded here; other servers are asked for floats, which every one
// of them speaks. The host encodes the client's answer as it asked.
func (p *Provider) Embed(ctx context.Context, req *sdk.EmbedRequest) (*sdk.EmbedResponse, error) {
	if err := p.checkKey(); err != nil {
		return nil, err
	}
	er := req.GetRequest()
	oreq := openai.EmbeddingRequest{
		Model:          openai.EmbeddingModel(req.GetUpstreamModel()),
		User:           er.GetUser(),
		EncodingFormat: openai.EmbeddingEncodingFormatFloat,
		Dimensions:     int(er.GetDimensions()),
		Input:          er.GetInput(),
	}
	if p.flavor == FlavorOpenAI {
		oreq.EncodingFormat = openai.EmbeddingEncodingFormatBase64
	}
	if len(er.GetInputTokens()) > 0 {
		tokens := make([][]int, len(er.GetInputTokens()))
		for i, t := range er.GetInputTokens() {
			tokens[i] = make([]int, len(t.GetIds()))
			for j, id := range t.GetIds() {
				tokens[i][j] = int(id)
			}
		}
		oreq.Input = tokens
	}
	x := &exchange{}
	resp, err := p.client.CreateEmbeddings(withExchange(ctx, x), oreq)
	if err := p.exchangeError(ctx, x, err); err != nil {
		return nil, err
	}
	out := &sdk.EmbedResponse{
		Model: string(resp.Model),
		Data:  make([]*sdk.Embedding, len(resp.Data)),
		Usage: &sdk.Usage{PromptTokens: int32(resp.Usage.PromptTokens), TotalTokens: int32(resp.Usage.TotalTokens)},
	}
	for i, d := range resp.Data {
		out.Data[i] = &sdk.Embedding{Index: int32(d.Index), Values: d.Embedding}
	}
	return out, nil
}
