package geminiprovider

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func embedRequest(dims *int32, inputs ...string) *sdk.EmbedRequest {
	return &sdk.EmbedRequest{UpstreamModel: "gemini-embedding-001", Request: &sdk.EmbeddingsRequest{Model: "embed-gemini", Input: inputs, Dimensions: dims}}
}

// The documented batchEmbedContents exchange: one request per input, each
// naming the model, and one embedding per input in order; vectors come back
// at unit length, and the tokens Google does not report are estimated.
func TestEmbedReplaysBatchEmbedContents(t *testing.T) {
	rp := newReplay(t, reply{file: "embed_batch_success.json"})
	p := providerFor(t, rp.srv.URL)
	resp, err := p.Embed(context.Background(), embedRequest(i32(3), "Hello world", "What is the meaning of life?"))
	if err != nil {
		t.Fatal(err)
	}
	got := rp.last()
	if got.path != "/v1beta/models/gemini-embedding-001:batchEmbedContents" || got.header.Get("x-goog-api-key") != testKey {
		t.Errorf("request %s %v", got.path, got.header)
	}
	var body struct {
		Requests []struct {
			Model   string `json:"model"`
			Content struct {
				Parts []struct {
					Text string `json:"text"`
				} `json:"parts"`
			} `json:"content"`
			OutputDimensionality int `json:"outputDimensionality"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(got.body, &body); err != nil || len(body.Requests) != 2 {
		t.Fatalf("body %s: %v", got.body, err)
	}
	r := body.Requests[1]
	if r.Model != "models/gemini-embedding-001" || r.Content.Parts[0].Text != "What is the meaning of life?" || r.OutputDimensionality != 3 {
		t.Errorf("request %+v", r)
	}
	if len(resp.Data) != 2 || resp.Data[1].Index != 1 || !slices.Equal(resp.Data[1].Values, []float32{0.6, 0, 0.8}) {
		t.Errorf("data %v", resp.Data)
	}
	var n float64
	for _, x := range resp.Data[0].Values {
		n += float64(x) * float64(x)
	}
	if math.Abs(n-1) > 1e-6 {
		t.Errorf("vector 0 has length² %v", n)
	}
	// 11 and 28 characters: 3 + 7 tokens at four characters a token.
	if resp.Usage.GetPromptTokens() != 10 || resp.Usage.GetTotalTokens() != 10 {
		t.Errorf("usage %v", resp.Usage)
	}
}

func TestEmbedErrorsAreClassed(t *testing.T) {
	for _, c := range []struct {
		status int
		file   string
		class  sdk.ErrorClass
	}{
		{429, "error_429_retryinfo.json", sdk.ClassRateLimited},
		{400, "error_400_invalid_argument.json", sdk.ClassBadRequest},
		{503, "error_503.json", sdk.ClassUpstream5xx},
		{200, "malformed.json", sdk.ClassUpstream5xx},
	} {
		rp := newReplay(t, reply{status: c.status, file: c.file})
		_, err := providerFor(t, rp.srv.URL).Embed(context.Background(), embedRequest(nil, "x"))
		if pe := sdk.AsProviderError(err); pe.GetClass() != c.class {
			t.Errorf("%s: %v, want class %v", c.file, err, c.class)
		}
	}
	rp := newReplay(t, reply{file: "embed_batch_success.json"})
	_, err := providerFor(t, rp.srv.URL).Embed(context.Background(), embedRequest(nil, "only one input"))
	if pe := sdk.AsProviderError(err); pe.GetClass() != sdk.ClassUpstream5xx {
		t.Errorf("two embeddings for one input: %v", err)
	}
	_, err = providerFor(t, rp.srv.URL).Embed(context.Background(), &sdk.EmbedRequest{UpstreamModel: "gemini-embedding-001",
		Request: &sdk.EmbeddingsRequest{InputTokens: []*pb.TokenIds{{Ids: []int32{1}}}}})
	if pe := sdk.AsProviderError(err); pe.GetClass() != sdk.ClassBadRequest {
		t.Errorf("token ids: %v", err)
	}
}

// More inputs than one batch takes are split into batches of at most 100,
// and the answers are put back in input order.
func TestEmbedSplitsIntoBatchesOf100(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Requests []struct {
				Content struct {
					Parts []struct {
						Text string `json:"text"`
					} `json:"parts"`
				} `json:"content"`
			} `json:"requests"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		sizes = append(sizes, len(body.Requests))
		mu.Unlock()
		out := map[string]any{}
		var embs []map[string]any
		for _, q := range body.Requests {
			// The vector says which input it is: [n, 1].
			n, _ := strconv.Atoi(q.Content.Parts[0].Text)
			embs = append(embs, map[string]any{"values": []float64{float64(n), 1}})
		}
		out["embeddings"] = embs
		out["usageMetadata"] = map[string]int{"promptTokenCount": len(body.Requests)}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	inputs := make([]string, 250)
	for i := range inputs {
		inputs[i] = strconv.Itoa(i)
	}
	resp, err := providerFor(t, srv.URL).Embed(context.Background(), embedRequest(nil, inputs...))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{50, 100, 100}) {
		t.Errorf("batches %v", sizes)
	}
	for i, d := range resp.Data {
		// [i, 1] scaled to unit length: the ratio is i.
		if int(d.Index) != i || math.Abs(float64(d.Values[0]/d.Values[1])-float64(i)) > 1e-3 {
			t.Fatalf("data[%d] = %v", i, d)
		}
	}
	if resp.Usage.GetPromptTokens() != 250 {
		t.Errorf("reported tokens are summed: %v", resp.Usage)
	}
}

func TestCapabilitiesDeclareEmbeddings(t *testing.T) {
	caps := providerFor(t, "http://127.0.0.1:1").Capabilities()
	for _, c := range []string{sdk.CapProviderEmbeddings, sdk.ParamCap("dimensions"), sdk.CapProviderStream, sdk.ParamCap("top_p")} {
		if !slices.Contains(caps, c) {
			t.Errorf("missing %s in %v", c, caps)
		}
	}
	for _, c := range []string{sdk.CapProviderEmbeddingTokens, sdk.ParamCap("user")} {
		if slices.Contains(caps, c) {
			t.Errorf("declares %s, which Gemini cannot honour", c)
		}
	}
}
