package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// With the cpus setting (LLMGW_CPUS) the gateway and every plugin process
// it starts — at start and when it replaces one that died — may run only on
// those CPUs; a set the gateway may not use, or one it cannot read, stops it
// with a clear error before anything starts.
func TestCPUsPinsTheGatewayAndItsPlugins(t *testing.T) {
	allowed := strings.Split(expandCPUs(t, cpusAllowed(t, "/proc/self/status")), ",")
	// The last CPU: on a machine with more than one, a process that was not
	// moved still shows the whole set.
	cpu := allowed[len(allowed)-1]
	s := startSim(t)
	file := writePipeline(t, providersHCL(s)+testStageHCL("    config = { runtime_header = true }"))
	g := startGateway(t, file, "LLMGW_CPUS="+cpu)
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "What is the capital of France?"}, nil)
	if r.status != 200 {
		t.Fatalf("generate: %d %s", r.status, r.body)
	}
	if _, set := os.LookupEnv("GOMAXPROCS"); !set && !strings.HasPrefix(r.header.Get("X-Test-Runtime"), "gomaxprocs=1 ") {
		t.Errorf("the plugin on one CPU runs with %q, want gomaxprocs=1", r.header.Get("X-Test-Runtime"))
	}
	if want := "pinned llmgw and the plugins it starts to CPUs " + cpu; !strings.Contains(g.output(), want) {
		t.Errorf("the log does not say %q:\n%s", want, tail(g.output(), 2000))
	}
	assertPinned(t, "llmgw", g.cmd.Process.Pid, cpu)
	_, h, err := readHealth(g)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Plugins) < 3 {
		t.Fatalf("/health lists %d plugins: %+v", len(h.Plugins), h)
	}
	for _, p := range h.Plugins {
		assertPinned(t, p.Name, p.Pid, cpu)
	}

	// A plugin started later, in place of one that died, inherits the set.
	old := pluginNow(t, g, "provider-openai").Pid
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var fresh pluginHealth
	waitFor(t, "a new provider-openai process", 15*time.Second, func() bool {
		_, h, err := readHealth(g)
		fresh = h.plugin("provider-openai")
		return err == nil && fresh.State == "serving" && fresh.Pid != 0 && fresh.Pid != old
	})
	assertPinned(t, "the restarted provider-openai", fresh.Pid, cpu)
	if r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "And of Italy?"}, nil); r.status != 200 {
		t.Fatalf("generate after the restart: %d %s", r.status, r.body)
	}

	// Refused: a CPU this process may not use, and a malformed list.
	for value, want := range map[string]string{
		"1023": "CPU 1023: not among the CPUs this process may use",
		"0-":   `cpus "0-": an empty item`,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, binPath("llmgw"), "serve", "--config", file, "--listen", freeAddr(t))
		cmd.Env = append(os.Environ(), "LLMGW_CPUS="+value, "LLMGW_DATA_DIR="+filepath.Join(t.TempDir(), "data"))
		cmd.Dir = root
		b, err := cmd.CombinedOutput()
		cancel()
		out := string(b)
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("LLMGW_CPUS=%s: %v, want an exit with %q:\n%s", value, err, want, tail(out, 2000))
		}
		if strings.Contains(out, "llmgw serving on") {
			t.Errorf("LLMGW_CPUS=%s: it served:\n%s", value, tail(out, 2000))
		}
	}
}

// assertPinned checks that every thread of pid may run only on cpu.
func assertPinned(t *testing.T, who string, pid int, cpu string) {
	t.Helper()
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("%s (pid %d): %v", who, pid, err)
	}
	for _, task := range tasks {
		if got := cpusAllowed(t, fmt.Sprintf("/proc/%d/task/%s/status", pid, task.Name())); got != cpu {
			t.Errorf("%s (pid %d) thread %s may run on CPUs %q, want %q", who, pid, task.Name(), got, cpu)
		}
	}
}

// cpusAllowed reads the Cpus_allowed_list of a /proc status file.
func cpusAllowed(t *testing.T, statusFile string) string {
	t.Helper()
	b, err := os.ReadFile(statusFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no Cpus_allowed_list in %s", statusFile)
	return ""
}

// expandCPUs writes a CPU list's ranges out: "0-2,5" → "0,1,2,5".
func expandCPUs(t *testing.T, list string) string {
	t.Helper()
	var out []string
	for _, item := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(item, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil {
			t.Fatalf("CPU list %q", list)
		}
		for c := a; c <= b; c++ {
			out = append(out, strconv.Itoa(c))
		}
	}
	return strings.Join(out, ",")
}
