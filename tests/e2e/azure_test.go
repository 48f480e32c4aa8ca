package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestAzureOpenAIThroughTheGateway: a provider-openai instance with flavor
// azure reaches the simulator's Azure deployment route (deployment from the
// deployments map, api-version, api-key), plain and streamed.
func TestAzureOpenAIThroughTheGateway(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, fmt.Sprintf(`
plugin "provider-openai" {
  path = %q
}

provider "azure" {
  plugin = "provider-openai"
  config = {
    api_key     = "sim-key-azure"
    base_url    = %q
    flavor      = "azure"
    api_version = "2024-10-21"
    deployments = { "gpt-4o" = "gpt4o-prod" }
  }
}

model "gpt-4o-azure" {
  provider = "azure"
  upstream = "gpt-4o"
}
`, binPath("plugins/provider-openai"), s.url())))
	body := map[string]any{"model": "gpt-4o-azure", "messages": []map[string]string{{"role": "user", "content": "hello azure"}}}
	r := postJSON(t, g.url()+"/v1/chat/completions", body, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "[sim azure gpt4o-prod] echo: hello azure") {
		t.Fatalf("plain: %d %s", r.status, r.body)
	}
	body["stream"] = true
	st := postStream(t, g.url()+"/v1/chat/completions", body)
	if st.status != 200 || !st.done() || !strings.Contains(st.raw, "gpt4o-prod") {
		t.Fatalf("stream: %d %s", st.status, st.raw)
	}
	n, byModel := s.requests(t)
	if n != 2 || byModel["gpt4o-prod"] != 2 {
		t.Fatalf("the simulator saw %d calls, by deployment %v", n, byModel)
	}
}
