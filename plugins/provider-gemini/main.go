// Command provider-gemini is the llmgw provider plugin for Google's native
// Gemini API (generativelanguage v1beta). The host starts it; it is not meant
// to be run by hand.
package main

import (
	"github.com/llmgw/llmgw/plugins/provider-gemini/geminiprovider"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Version is the plugin's version, reported in Describe (a release sets it with -ldflags "-X main.Version=…").
var Version = "0.1.0"

func main() {
	sdk.Serve(sdk.Plugin{
		Name:    "provider-gemini",
		Version: Version,
		// The optional chat parameters it honours (the host refuses the others).
		Capabilities: geminiprovider.Params,
		Provider:     geminiprovider.New,
	})
}
