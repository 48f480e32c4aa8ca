// Command guard-injection is the llmgw stage plugin that validates requests
// and blocks prompt injections. Run by the host, it serves the plugin
// protocol; `guard-injection eval FILE.csv [--config FILE.json]` instead
// measures its detector on a labelled CSV and prints one JSON object.
package main

import (
	"os"

	"github.com/llmgw/llmgw/plugins/guard-injection/evaluate"
	"github.com/llmgw/llmgw/plugins/guard-injection/guard"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Version is the plugin's version (a release sets it with -ldflags "-X main.Version=…").
var Version = "0.1.0"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "eval" {
		os.Exit(evaluate.Command(os.Args[2:], os.Stdout, os.Stderr))
	}
	sdk.Serve(sdk.Plugin{Name: "guard-injection", Version: Version, Stage: guard.New, Capabilities: []string{sdk.CapRoleGuard, sdk.CapStageVerdict}})
}
