// Command virtual-keys is the llmgw virtual-key stage plugin: client keys
// (stored only as hashes) with allowed models, an expiry and a USD budget per
// day, month or in total, kept in Redis or in a crash-safe file. The host
// forwards /admin/keys… to it (capability stage.keys).
package main

import (
	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/virtual-keys/vkeys"
)

// Version is the plugin's version (a release sets it with -ldflags "-X main.Version=…").
var Version = "0.1.0"

func main() {
	sdk.Serve(sdk.Plugin{
		Name:         "virtual-keys",
		Version:      Version,
		Stage:        vkeys.New,
		Capabilities: []string{sdk.CapStageAfter, sdk.CapStageKeys, sdk.CapStageCountTokens, sdk.CapStageMetadata},
	})
}
