// Command ratelimit is the llmgw rate-limit stage plugin: exact sliding-log
// limits per IP, API key, header or model, in memory or shared through Redis.
package main

import (
	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/ratelimit/ratelimit"
)

// Version is the plugin's version (a release sets it with -ldflags "-X main.Version=…").
var Version = "0.1.0"

func main() {
	sdk.Serve(sdk.Plugin{
		Name:         "ratelimit",
		Version:      Version,
		Stage:        ratelimit.New,
		Capabilities: []string{sdk.CapStageAfter, sdk.CapRoleRateLimit, sdk.CapStageLease, sdk.CapStageMetadata},
	})
}
