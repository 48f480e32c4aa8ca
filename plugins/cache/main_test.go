package main

import (
	"testing"

	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// The plugin passes what `llmgw plugin check` checks on the binary.
func TestConformance(t *testing.T) {
	sdktest.Conformance(t, plugin(), sdktest.ConformanceOptions{})
}
