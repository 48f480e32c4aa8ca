package main

import (
	"os"
	"os/exec"
	"path/filepath"
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

func TestCPUIdle(t *testing.T) {
	sys := t.TempDir()
	if got := cpuIdle(sys); got != "" {
		t.Fatalf("no cpuidle files: %q, want empty", got)
	}
	write := func(p, v string) {
		t.Helper()
		p = filepath.Join(sys, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("devices/system/cpu/cpuidle/current_driver", "acpi_idle")
	if got, want := cpuIdle(sys), "cpuidle driver acpi_idle"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	write("devices/system/cpu/cpuidle/current_driver", "haltpoll")
	write("module/haltpoll/parameters/guest_halt_poll_ns", "0")
	if got, want := cpuIdle(sys), "cpuidle driver haltpoll, guest halt polling 0 ns"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
