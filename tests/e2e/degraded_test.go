package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestHealthDegradedWhileARequiredPluginIsDown breaks a fail-closed stage's
// binary and kills its process: the restarts fail, /health answers 503
// degraded and the stage's requests get 503 plugin_unavailable — the host
// stays up — until the binary is back, when it recovers by itself.
func TestHealthDegradedWhileARequiredPluginIsDown(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "testplugin")
	good, err := os.ReadFile(testPluginBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, good, 0o755); err != nil {
		t.Fatal(err)
	}
	s := startSim(t)
	text := providersHCL(s) + fmt.Sprintf(`
plugin "testplugin" {
  path = %q
  restart_wait = "300ms"
}

pipeline "default" {
  stage "check" {
    plugin = "testplugin"
  }
}
`, bin)
	g := startGateway(t, writePipeline(t, text))
	type health struct {
		Status  string
		Plugins []struct {
			Name, State   string
			Pid, Restarts int
		}
	}
	read := func() (int, health) {
		r := get(t, g.url()+"/health")
		var h health
		_ = json.Unmarshal(r.body, &h)
		return r.status, h
	}
	_, h := read()
	var pid int
	for _, p := range h.Plugins {
		if p.Name == "testplugin" {
			pid = p.Pid
		}
	}
	// Replace the binary with one that cannot start, then kill the process.
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	waitFor(t, "/health to turn degraded", 5*time.Second, func() bool {
		code, h := read()
		return code == 503 && h.Status == "degraded"
	})
	if r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x"}, nil); r.status != 503 || r.errorCode(t) != "plugin_unavailable" {
		t.Errorf("a fail-closed stage that is down: %d %s", r.status, r.body)
	}
	if g.exited() {
		t.Fatal("the host went down with its plugin")
	}
	// The binary comes back: the supervisor's next try succeeds.
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, good, 0o755); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "/health to recover", 20*time.Second, func() bool {
		code, h := read()
		return code == 200 && h.Status == "ok"
	})
	if r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x"}, nil); r.status != 200 {
		t.Errorf("after recovery: %d %s", r.status, r.body)
	}
}
