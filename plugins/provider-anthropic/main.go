// Command provider-anthropic is the llmgw provider plugin for Anthropic's
// native Messages API. The host starts it; it is not meant to be run by hand.
package main

import (
	"github.com/llmgw/llmgw/plugins/provider-anthropic/anthropicprovider"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Version is the plugin's version, reported in Describe (a release sets it with -ldflags "-X main.Version=…").
var Version = "0.1.0"

func main() {
	sdk.Serve(sdk.Plugin{
		Name:    "provider-anthropic",
		Version: Version,
		// The optional chat parameters it honours (the host refuses the others).
		Capabilities: anthropicprovider.Params,
		Provider:     anthropicprovider.New,
	})
}
