package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCoverReportIncludesPluginProcesses runs make cover's script on a small
// scale — the simulator's unit tests and one end-to-end test — and checks what
// make cover promises: instrumented binaries whose plugin processes report
// their coverage, merged with the unit tests' into coverage/index.html and a
// per-package summary. (The full make cover runs every test; it is not part of
// make test.)
func TestCoverReportIncludesPluginProcesses(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command("bash", "scripts/cover.sh")
	cmd.Dir = root
	cmd.Env = append(stackEnv(), "COVER_DIR="+out, "COVER_UNIT=./tools/upstream-sim/...", "COVER_E2E_RUN=^TestRateLimitIsExact$")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/cover.sh: %v\n%s", err, b)
	}
	html, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil || !strings.Contains(string(html), "ratelimit") || !strings.Contains(string(html), "<html") {
		t.Fatalf("index.html is not a coverage report naming the plugins: %v", err)
	}
	f, err := os.Open(filepath.Join(out, "summary.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// package unit e2e total, each "N.N%" or "-".
	cov := map[string][3]string{}
	var total string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case strings.HasPrefix(sc.Text(), "total"):
			total = fields[len(fields)-1]
		case len(fields) == 4 && strings.HasPrefix(fields[0], "github.com/"):
			cov[fields[0]] = [3]string{fields[1], fields[2], fields[3]}
		}
	}
	pct := func(s string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil {
			return -1
		}
		return v
	}
	// Code that only ran in plugin processes started by the gateway.
	for _, pkg := range []string{
		"github.com/llmgw/llmgw/plugins/ratelimit/ratelimit",
		"github.com/llmgw/llmgw/plugins/guard-injection/guard",
		"github.com/llmgw/llmgw/plugins/provider-openai/openaiprovider",
		"github.com/llmgw/llmgw/core/pipeline",
	} {
		if c, ok := cov[pkg]; !ok || pct(c[1]) <= 0 || pct(c[2]) < pct(c[1]) {
			t.Errorf("%s: %v, want e2e coverage > 0 counted in the total", pkg, c)
		}
	}
	// Both sets merged: the simulator has unit and e2e coverage.
	if c := cov["github.com/llmgw/llmgw/tools/upstream-sim/sim"]; pct(c[0]) <= 0 || pct(c[1]) <= 0 || pct(c[2]) < pct(c[0]) {
		t.Errorf("upstream-sim/sim: %v, want unit and e2e coverage merged", c)
	}
	if pct(total) <= 0 {
		t.Errorf("summary total %q", total)
	}
}
