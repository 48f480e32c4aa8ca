package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestIdlePriority: the wrapped command still runs, and it asks for the
// lowest priority this machine offers (or says it could not).
func TestIdlePriority(t *testing.T) {
	name, args, how := idlePriority(false, "true")
	if name != "true" || len(args) != 0 || !strings.Contains(how, "normal") {
		t.Fatalf("idle=false: %s %v (%s)", name, args, how)
	}
	name, args, how = idlePriority(true, "sh", "-c", "exit 3")
	err := exec.Command(name, args...).Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("%s %v: %v, want the command's own exit 3", name, args, err)
	}
	if _, err := exec.LookPath("chrt"); err == nil && !strings.Contains(how, "SCHED_IDLE") && !strings.Contains(how, "nice") {
		t.Fatalf("chrt is installed but the priority is %q", how)
	}
}
