package openaiprovider

// Azure OpenAI: the same chat completions API behind per-deployment URLs
// (`{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`)
// with the key in an `api-key` header. Request bodies, answers, streams and
// error bodies are OpenAI's shapes (an error's code is often the HTTP status
// as a string, "429", or a name such as "DeploymentNotFound"), so everything
// but the URL and the key header is shared with the other flavours.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// FlavorAzure is Azure OpenAI (deployment URLs, api-version, api-key header).
const FlavorAzure = "azure"

// DefaultAzureAPIVersion is the api-version sent when the config sets none:
// the latest generally available version of the inference API.
const DefaultAzureAPIVersion = "2024-10-21"

// azureAPIVersion is a dated version, GA or preview (2024-10-21,
// 2025-04-01-preview).
var azureAPIVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview)?$`)

// azureSettings are an azure instance's own settings.
type azureSettings struct {
	apiVersion string
	// deployments maps an upstream model name to its deployment name; a
	// model not listed is its own deployment name.
	deployments map[string]string
}

// isAzureHost reports whether host is an Azure OpenAI resource endpoint.
func isAzureHost(host string) bool {
	host = strings.ToLower(host)
	return strings.HasSuffix(host, ".openai.azure.com") || strings.HasSuffix(host, ".cognitiveservices.azure.com")
}

// azureEndpoint is the resource endpoint: base_url without a trailing
// slash or "/openai" (both forms are in Azure's own examples).
func azureEndpoint(base string) string {
	base = strings.TrimRight(base, "/")
	return strings.TrimSuffix(base, "/openai")
}

// newAzureSettings checks an azure instance's config.
func newAzureSettings(cfg *Config) (*azureSettings, error) {
	if strings.TrimSpace(cfg.BaseURL) == "" {
		return nil, sdk.ConfigError("field %q: flavor azure needs the resource endpoint, such as https://RESOURCE.openai.azure.com", "base_url")
	}
	if u, err := url.Parse(azureEndpoint(strings.TrimSpace(cfg.BaseURL))); err == nil && strings.Trim(u.Path, "/") != "" {
		return nil, sdk.ConfigError("field %q: flavor azure takes the resource endpoint without a path, such as https://RESOURCE.openai.azure.com; for Azure's v1 API (…/openai/v1, no api-version) set flavor = \"openai\"", "base_url")
	}
	s := &azureSettings{apiVersion: cfg.APIVersion, deployments: cfg.Deployments}
	if s.apiVersion == "" {
		s.apiVersion = DefaultAzureAPIVersion
	}
	if !azureAPIVersion.MatchString(s.apiVersion) {
		return nil, sdk.ConfigError("field %q: must be a dated version such as %s or 2025-04-01-preview; got %q", "api_version", DefaultAzureAPIVersion, s.apiVersion)
	}
	for model, dep := range s.deployments {
		if dep == "" || strings.ContainsAny(dep, "/?#\r\n") {
			return nil, sdk.ConfigError("field %q: deployment of %q must be a deployment name, got %q", "deployments", model, dep)
		}
	}
	return s, nil
}

// checkFlavorFields refuses the Azure-only fields on other flavours, where
// they would be silently ignored.
func checkFlavorFields(cfg *Config, flavor string) error {
	if flavor == FlavorAzure {
		return nil
	}
	if cfg.APIVersion != "" {
		return sdk.ConfigError("field %q: applies to flavor azure only", "api_version")
	}
	if cfg.Deployments != nil {
		return sdk.ConfigError("field %q: applies to flavor azure only", "deployments")
	}
	return nil
}

// deployment is the deployment that serves an upstream model.
func (s *azureSettings) deployment(model string) string {
	if d, ok := s.deployments[model]; ok {
		return d
	}
	return model
}

// clientConfig is go-openai's config for the instance's non-streaming calls:
// its Azure mode builds the same URLs and sends the api-key header.
func (s *azureSettings) clientConfig(apiKey, endpoint string) openai.ClientConfig {
	oc := openai.DefaultAzureConfig(apiKey, endpoint)
	oc.APIVersion = s.apiVersion
	oc.AzureModelMapperFunc = func(model string) string { return url.PathEscape(s.deployment(model)) }
	return oc
}

// apiURL is where a call to an operation (suffix, e.g. "/chat/completions")
// for the upstream model goes: under the base URL, or on Azure under the
// model's deployment, with the api-version.
func (p *Provider) apiURL(model, suffix string) string {
	if p.azure == nil {
		return p.baseURL + suffix
	}
	return p.baseURL + "/openai/deployments/" + url.PathEscape(p.azure.deployment(model)) +
		suffix + "?api-version=" + url.QueryEscape(p.azure.apiVersion)
}

// authorize puts the instance's credentials on a request: Azure's api-key
// header, or OpenAI's bearer token (and organization).
func (p *Provider) authorize(h http.Header) {
	if p.azure != nil {
		if p.apiKey != "" {
			h.Set(openai.AzureAPIKeyHeader, p.apiKey)
		}
		return
	}
	if p.apiKey != "" {
		h.Set("Authorization", "Bearer "+p.apiKey)
	}
	if p.org != "" {
		h.Set("OpenAI-Organization", p.org)
	}
}

// bareErrorMessage reads the message of an error body that is not OpenAI's
// shape: Azure's API management layer answers {"statusCode":401,
// "message":"Unauthorized. Access token is missing, invalid, …"}.
func bareErrorMessage(body []byte) string {
	var v struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return v.Message
}
