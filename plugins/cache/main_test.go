package main

import (
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/sdktest"

	"github.com/llmgw/llmgw/plugins/cache/cache"
)

// The plugin passes what `llmgw plugin check` checks on the binary.
func TestConformance(t *testing.T) {
	sdktest.Conformance(t, sdk.Plugin{Name: "cache", Version: Version, Stage: cache.New,
		Capabilities: []string{sdk.CapStageAnswer, sdk.CapStageAfter}}, sdktest.ConformanceOptions{})
}
