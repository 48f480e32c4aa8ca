// Command provider-openai is the llmgw provider plugin for OpenAI and every
// OpenAI-compatible API (OpenRouter, Groq, Ollama, vLLM, llama.cpp, LiteLLM).
// The host starts it; it is not meant to be run by hand.
package main

import (
	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/provider-openai/openaiprovider"
)

// version is the plugin's own version (set with -ldflags "-X main.version=…").
var version = "0.2.0"

func main() {
	sdk.Serve(sdk.Plugin{
		Name:     "provider-openai",
		Version:  version,
		Provider: openaiprovider.New,
	})
}
