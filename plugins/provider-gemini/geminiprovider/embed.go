package geminiprovider

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit"
)

var _ sdk.Embedder = (*Provider)(nil)

// EmbeddingCaps are the embeddings capabilities of the provider:
// batchEmbedContents, with outputDimensionality for dimensions. Gemini has
// no end-user field and takes no token ids, so neither is declared.
var EmbeddingCaps = []string{sdk.CapProviderEmbeddings, sdk.ParamCap("dimensions")}

// Capabilities implements sdk.CapabilityReporter: the chat parameters, the
// stream, and embeddings.
func (p *Provider) Capabilities() []string {
	caps := append([]string(nil), Params...)
	return append(caps, append([]string{sdk.CapProviderStream, sdk.CapProviderCountTokens}, EmbeddingCaps...)...)
}

// maxBatch is the most requests one batchEmbedContents call takes (Google
// answers 400 "at most 100 requests can be in one batch" beyond it).
const maxBatch = 100

// batchParallel bounds the batches of one Embed call in flight at once.
const batchParallel = 4

type embedContentRequest struct {
	Model                string  `json:"model"`
	Content              content `json:"content"`
	OutputDimensionality *int32  `json:"outputDimensionality,omitempty"`
}

type batchEmbedRequest struct {
	Requests []embedContentRequest `json:"requests"`
}

type batchEmbedResponse struct {
	Embeddings []struct {
		Values []float32 `json:"values"`
	} `json:"embeddings"`
	UsageMetadata *struct {
		PromptTokenCount int32 `json:"promptTokenCount"`
	} `json:"usageMetadata"`
	Error *apiError `json:"error"`
}

// Embed answers an embeddings request with batchEmbedContents, in batches of
// at most maxBatch inputs. Vectors are scaled to unit length, as OpenAI's
// are: Google normalises only its full-size (3072) vectors, and clients of an
// OpenAI-compatible API compare vectors by their dot product.
func (p *Provider) Embed(ctx context.Context, req *sdk.EmbedRequest) (*sdk.EmbedResponse, error) {
	er := req.GetRequest()
	if len(er.GetInputTokens()) > 0 {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", "gemini: token-array input is not supported; send text")
	}
	model := strings.TrimSpace(req.GetUpstreamModel())
	path, ok := modelPath(model)
	if !ok {
		return nil, sdk.Fail(sdk.ClassBadRequest, 0, 0, "", fmt.Sprintf("gemini: invalid upstream model %q", model))
	}
	inputs := er.GetInput()
	out := &sdk.EmbedResponse{Model: model, Data: make([]*sdk.Embedding, len(inputs)), Usage: &sdk.Usage{}}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, batchParallel)
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for start := 0; start < len(inputs); start += maxBatch {
		end := min(start+maxBatch, len(inputs))
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			tokens, err := p.embedBatch(ctx, model, path, inputs[start:end], er.Dimensions, out.Data[start:end], start)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
				cancel()
			}
			out.Usage.PromptTokens += tokens
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	out.Usage.TotalTokens = out.Usage.PromptTokens
	return out, nil
}

// embedBatch embeds one batch into data (whose first input has index
// offset) and returns its input tokens: Google's count when it reports one,
// else an estimate (Google's rule of thumb: about four characters a token).
func (p *Provider) embedBatch(ctx context.Context, model, path string, inputs []string, dims *int32, data []*sdk.Embedding, offset int) (int32, error) {
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	breq := batchEmbedRequest{Requests: make([]embedContentRequest, len(inputs))}
	for i, text := range inputs {
		breq.Requests[i] = embedContentRequest{Model: path, Content: content{Parts: []part{{Text: text}}}, OutputDimensionality: dims}
	}
	resp, err := p.postJSON(ctx, callCtx, model, "batchEmbedContents", "", breq)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var br batchEmbedResponse
	if err := provkit.DecodeAnswer(resp, "gemini: ", &br, func(err error) error {
		return p.transportError(ctx, callCtx, err, "while sending its answer")
	}); err != nil {
		return 0, err
	}
	if br.Error != nil {
		return 0, p.classify(resp.StatusCode, br.Error, retryAfter(resp.Header, br.Error))
	}
	if len(br.Embeddings) != len(inputs) {
		return 0, sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", fmt.Sprintf("gemini: %d embeddings for %d inputs", len(br.Embeddings), len(inputs)))
	}
	for i, e := range br.Embeddings {
		data[i] = &sdk.Embedding{Index: int32(offset + i), Values: unit(e.Values)}
	}
	if br.UsageMetadata != nil && br.UsageMetadata.PromptTokenCount > 0 {
		return br.UsageMetadata.PromptTokenCount, nil
	}
	var tokens int32
	for _, text := range inputs {
		tokens += int32(sdk.EstimateTextTokens(text))
	}
	return tokens, nil
}

// unit scales v to length 1 in place (a zero vector stays as it is).
func unit(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return v
	}
	n := math.Sqrt(sum)
	for i, x := range v {
		v[i] = float32(float64(x) / n)
	}
	return v
}
