package openaiprovider

import (
	"context"
	"slices"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func embedReq(e *sdk.EmbeddingsRequest) *sdk.EmbedRequest {
	return &sdk.EmbedRequest{UpstreamModel: "text-embedding-3-small", Request: e}
}

// OpenAI is asked for base64 (the smaller wire format) and its vectors are
// decoded; dimensions and user pass through as sent.
func TestEmbedOpenAIBase64(t *testing.T) {
	u := newUpstream(t, reply{file: "openai_embeddings_base64.json"})
	p := newTestProvider(t, "openai", configFor(u, `"flavor":"openai"`))
	d := int32(3)
	resp, err := p.Embed(context.Background(), embedReq(&sdk.EmbeddingsRequest{Input: []string{"a", "b"}, Dimensions: &d, User: "u1"}))
	if err != nil {
		t.Fatal(err)
	}
	got := u.last(t)
	if got.body["encoding_format"] != "base64" || got.body["dimensions"] != 3.0 || got.body["user"] != "u1" || got.body["model"] != "text-embedding-3-small" ||
		got.header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("request %s", got.raw)
	}
	if len(resp.Data) != 2 || !slices.Equal(resp.Data[1].Values, []float32{0, 0.125, -2}) || resp.Data[1].Index != 1 || resp.Usage.GetPromptTokens() != 8 || resp.Model != "text-embedding-3-small" {
		t.Errorf("answer %v", resp)
	}
}

// Other OpenAI-compatible servers are asked for floats; token arrays pass
// through as lists of ids.
func TestEmbedGenericFloatsAndTokens(t *testing.T) {
	u := newUpstream(t, reply{file: "generic_embeddings_float.json"})
	p := newTestProvider(t, "local", configFor(u, `"flavor":"generic"`))
	resp, err := p.Embed(context.Background(), embedReq(&sdk.EmbeddingsRequest{InputTokens: []*pb.TokenIds{{Ids: []int32{1212, 318}}}}))
	if err != nil {
		t.Fatal(err)
	}
	got := u.last(t)
	if got.body["encoding_format"] != "float" || !strings.Contains(got.raw, `"input":[[1212,318]]`) || strings.Contains(got.raw, `"dimensions"`) {
		t.Errorf("request %s", got.raw)
	}
	if len(resp.Data) != 1 || resp.Data[0].Values[0] != float32(0.0023064255) {
		t.Errorf("answer %v", resp)
	}
}

func TestEmbedErrorsAreClassed(t *testing.T) {
	for _, c := range []struct {
		status int
		file   string
		class  sdk.ErrorClass
	}{
		{400, "openai_400.json", sdk.ClassBadRequest},
		{429, "openai_429_rate_limit.json", sdk.ClassRateLimited},
		{500, "openai_500.json", sdk.ClassUpstream5xx},
		{404, "openai_404_model.json", sdk.ClassModelUnavailable},
		{200, "openai_malformed.json", sdk.ClassUpstream5xx},
		{200, "openrouter_error_in_200.json", sdk.ClassUpstream5xx},
	} {
		u := newUpstream(t, reply{status: c.status, file: c.file})
		_, err := newTestProvider(t, "openai", configFor(u, "")).Embed(context.Background(), embedReq(&sdk.EmbeddingsRequest{Input: []string{"x"}}))
		pe := sdk.AsProviderError(err)
		if pe.GetClass() != c.class || strings.Contains(pe.GetMessage(), testKey) {
			t.Errorf("%s: %v, want class %v", c.file, err, c.class)
		}
	}
}

func TestEmbeddingsCapabilitiesByFlavor(t *testing.T) {
	u := newUpstream(t, reply{})
	for flavor, want := range map[string]bool{"openai": true, "openrouter": true, "generic": true, "groq": false} {
		caps := newTestProvider(t, flavor, configFor(u, `"flavor":"`+flavor+`"`)).Capabilities()
		if slices.Contains(caps, sdk.CapProviderEmbeddings) != want || !slices.Contains(caps, sdk.CapProviderStream) || !slices.Contains(caps, sdk.ParamCap("seed")) {
			t.Errorf("%s: %v", flavor, caps)
		}
	}
}
