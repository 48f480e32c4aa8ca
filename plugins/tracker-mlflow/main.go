// Command tracker-mlflow is the llmgw tracker plugin that records every
// request as an MLflow trace (see README.md).
package main

import (
	"github.com/llmgw/llmgw/plugins/tracker-mlflow/mlflowtracker"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Version is the plugin's version (a release sets it with -ldflags "-X main.Version=…").
var Version = "0.1.0"

func main() {
	sdk.Serve(sdk.Plugin{Name: "tracker-mlflow", Version: Version, Tracker: mlflowtracker.New})
}
