// Command cache is the llmgw response-cache stage plugin: it answers a
// repeated request from its cache (in memory, or shared through Redis),
// isolated per virtual key, and keeps the complete answers providers give.
package main

import (
	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/cache/cache"
)

// Version is the plugin's version (a release sets it with -ldflags "-X main.Version=…").
var Version = "0.1.0"

func main() { sdk.Serve(plugin()) }

// plugin is what the process serves: a stage that may answer requests
// itself (stage.answer) and keeps answers in its After hook (stage.after).
func plugin() sdk.Plugin {
	return sdk.Plugin{
		Name:         "cache",
		Version:      Version,
		Stage:        cache.New,
		Capabilities: []string{sdk.CapStageAnswer, sdk.CapStageAfter},
	}
}
