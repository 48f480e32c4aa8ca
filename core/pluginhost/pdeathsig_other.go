//go:build !linux

package pluginhost

import "os/exec"

// setParentDeathSignal is Linux-only; elsewhere the SDK's parent polling ends
// orphaned plugins.
func setParentDeathSignal(*exec.Cmd) {}
