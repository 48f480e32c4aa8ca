// Command provider-openai is the llmgw provider plugin for OpenAI and every
// OpenAI-compatible API (OpenRouter, Groq, Ollama, vLLM, llama.cpp, LiteLLM).
// The host starts it; it is not meant to be run by hand.
package main

import (
	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/provider-openai/openaiprovider"
)

// Version is the plugin's own version (a release sets it with -ldflags "-X main.Version=…").
var Version = "0.2.0"

func main() {
	sdk.Serve(sdk.Plugin{
		Name:    "provider-openai",
		Version: Version,
		// The optional chat parameters it honours (the host refuses the others).
		Capabilities: openaiprovider.Params,
		Provider:     openaiprovider.New,
	})
}
