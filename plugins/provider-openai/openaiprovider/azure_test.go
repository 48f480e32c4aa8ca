package openaiprovider

import (
	"context"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// azureConfig points an azure instance at the fake upstream (as its
// resource endpoint) with extra config fields.
func azureConfig(u *upstream, extra string) string {
	cfg := `{"api_key":"` + testKey + `","base_url":"` + u.URL + `","flavor":"azure"`
	if extra != "" {
		cfg += "," + extra
	}
	return cfg + "}"
}

func TestAzureConfig(t *testing.T) {
	p := newTestProvider(t, "azure", `{"api_key":"k","base_url":"https://contoso.openai.azure.com/"}`)
	if p.flavor != FlavorAzure || p.baseURL != "https://contoso.openai.azure.com" || p.Info()["api_version"] != DefaultAzureAPIVersion {
		t.Fatalf("flavor inferred from the resource host, default api-version: %q %q %v", p.flavor, p.baseURL, p.Info())
	}
	p = newTestProvider(t, "azure", `{"api_key":"k","base_url":"https://contoso.cognitiveservices.azure.com/openai","api_version":"2025-04-01-preview"}`)
	if p.flavor != FlavorAzure || p.baseURL != "https://contoso.cognitiveservices.azure.com" || p.azure.apiVersion != "2025-04-01-preview" {
		t.Fatalf("an endpoint ending in /openai, a preview version: %q %q", p.baseURL, p.azure.apiVersion)
	}
	bad := map[string]string{
		`{"flavor":"azure"}`: `"base_url": flavor azure needs the resource endpoint`,
		`{"base_url":"https://contoso.openai.azure.com/openai/v1"}`:                               `for Azure's v1 API`,
		`{"base_url":"https://contoso.openai.azure.com","api_version":"latest"}`:                  `"api_version": must be a dated version`,
		`{"base_url":"https://contoso.openai.azure.com","deployments":{"gpt-4o":"a/b"}}`:          `"deployments": deployment of "gpt-4o" must be a deployment name`,
		`{"base_url":"https://api.openai.com/v1","api_version":"2024-10-21"}`:                     `"api_version": applies to flavor azure only`,
		`{"base_url":"https://api.openai.com/v1","deployments":{"gpt-4o":"prod"}}`:                `"deployments": applies to flavor azure only`,
		`{"base_url":"https://contoso.openai.azure.com","flavor":"azure-openai"}`:                 `one of openai, openrouter, groq, generic, azure`,
		`{"base_url":"https://contoso.openai.azure.com","deployments":{"gpt-4o":""}}`:             `"deployments"`,
		`{"base_url":"https://contoso.openai.azure.com","api_version":"2024-10-21","unknown":1}`:  `unknown`,
		`{"base_url":"https://contoso.openai.azure.com","api_version":"2024-10-21-previewx"}`:     `"api_version"`,
		`{"base_url":"https://contoso.openai.azure.com?api-version=2024-10-21","flavor":"azure"}`: `must not have a query`,
	}
	for cfg, want := range bad {
		_, err := newProvider(sdk.Config{Name: "azure", Raw: []byte(cfg)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", cfg, err, want)
		}
	}
}

// TestAzureDeploymentURLsAndKeyHeader: both call paths go to the
// deployment's URL with the api-version, and the key travels in api-key,
// never as a bearer token.
func TestAzureDeploymentURLsAndKeyHeader(t *testing.T) {
	cases := []struct {
		name, extra, model, wantURL string
	}{
		{"the model is the deployment", "", "gpt-4o", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"},
		{"a mapped deployment", `"deployments":{"gpt-4o":"gpt4o prod"},"api_version":"2025-04-01-preview"`, "gpt-4o", "/openai/deployments/gpt4o%20prod/chat/completions?api-version=2025-04-01-preview"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := newUpstream(t, reply{file: "azure_success.json"})
			p := newTestProvider(t, "azure", azureConfig(u, c.extra))
			resp, err := p.Complete(context.Background(), chatReq(c.model))
			if err != nil {
				t.Fatal(err)
			}
			checkAzureRequest(t, u.last(t), c.wantURL)
			if resp.Content != "The capital of France is Paris." || resp.FinishReason != "stop" || resp.Model != "gpt-4o-2024-11-20" ||
				resp.Usage.PromptTokens != 14 || resp.Usage.CompletionTokens != 8 || resp.Usage.TotalTokens != 22 {
				t.Fatalf("answer %+v", resp)
			}
			u.reply = reply{file: "azure_stream.sse"}
			chunks, err := collect(context.Background(), p, chatReq(c.model))
			if err != nil {
				t.Fatal(err)
			}
			checkAzureRequest(t, u.last(t), c.wantURL)
			var text strings.Builder
			for _, ch := range chunks {
				text.WriteString(ch.Content)
			}
			first, last := chunks[0], chunks[len(chunks)-1]
			if text.String() != "The capital of France is Paris." || first.Role != "assistant" || first.Id != "chatcmpl-BeKQ9xY2pT1sVbN8mQ4rLc6dWfAz" ||
				last.FinishReason != "stop" || last.Usage == nil || last.Usage.TotalTokens != 22 {
				t.Fatalf("stream: %q, first %+v, last %+v", text.String(), first, last)
			}
		})
	}
}

func checkAzureRequest(t *testing.T, s seen, wantURL string) {
	t.Helper()
	if s.url != wantURL {
		t.Errorf("URL %q, want %q", s.url, wantURL)
	}
	if s.header.Get("api-key") != testKey || s.header.Get("Authorization") != "" {
		t.Errorf("api-key %q, Authorization %q: the key goes in api-key only", s.header.Get("api-key"), s.header.Get("Authorization"))
	}
}

// TestAzureErrors: Azure's documented error bodies get the classes the
// router needs, on both call paths.
func TestAzureErrors(t *testing.T) {
	cases := []struct {
		name      string
		reply     reply
		class     sdk.ErrorClass
		retryMs   int64
		code      string
		msgSubstr string
	}{
		{"429 token rate limit", reply{status: 429, file: "azure_429.json", headers: map[string]string{"Retry-After": "6", "x-ratelimit-remaining-tokens": "0"}}, sdk.ClassRateLimited, 6000, "429", "exceeded token rate limit"},
		{"429 retry-after-ms", reply{status: 429, file: "azure_429.json", headers: map[string]string{"retry-after-ms": "5500", "Retry-After": "6"}}, sdk.ClassRateLimited, 5500, "429", ""},
		{"401 key", reply{status: 401, file: "azure_401.json"}, sdk.ClassAuth, 0, "401", "invalid subscription key"},
		{"401 token (API management shape)", reply{status: 401, file: "azure_401_token.json"}, sdk.ClassAuth, 0, "", "Access token is missing"},
		{"404 deployment", reply{status: 404, file: "azure_404_deployment.json"}, sdk.ClassModelUnavailable, 0, "DeploymentNotFound", "deployment for this resource does not exist"},
		{"400 content filter", reply{status: 400, file: "azure_400_content_filter.json"}, sdk.ClassContentFilter, 0, "content_filter", "content management policy"},
		{"400 operation", reply{status: 400, file: "azure_400_operation.json"}, sdk.ClassBadRequest, 0, "OperationNotSupported", "does not work with the specified model"},
		{"500", reply{status: 500, file: "azure_500.json"}, sdk.ClassUpstream5xx, 0, "InternalServerError", "temporarily unable"},
		{"answer blocked by the content filter", reply{status: 200, contentType: "application/json", body: `{"choices":[{"content_filter_results":{"hate":{"filtered":true,"severity":"high"}},"finish_reason":"content_filter","index":0,"message":{"role":"assistant","content":""}}],"id":"x","model":"gpt-4o"}`}, sdk.ClassContentFilter, 0, "content_filter", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := newUpstream(t, c.reply)
			p := newTestProvider(t, "azure", azureConfig(u, ""))
			_, cerr := p.Complete(context.Background(), chatReq("gpt-4o"))
			_, serr := collect(context.Background(), p, chatReq("gpt-4o"))
			for path, err := range map[string]error{"complete": cerr, "stream": serr} {
				if path == "stream" && strings.HasPrefix(c.name, "answer blocked") {
					continue // streamed, the finish reason content_filter is passed on
				}
				pe := providerError(t, err)
				if pe.Class != c.class || pe.RetryAfterMs != c.retryMs || pe.UpstreamCode != c.code || !strings.Contains(pe.Message, c.msgSubstr) || !strings.HasPrefix(pe.Message, "azure: ") {
					t.Errorf("%s: class %s retry %d code %q message %q; want %s %d %q %q", path, sdk.ClassName(pe.Class), pe.RetryAfterMs, pe.UpstreamCode, pe.Message,
						sdk.ClassName(c.class), c.retryMs, c.code, c.msgSubstr)
				}
			}
		})
	}
}
