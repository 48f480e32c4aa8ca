package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// llmgwCLI is the gateway binary whose `plugin` command the tests run
// (LLMGW_E2E_LLMGW overrides bin/llmgw, e.g. for a build with local changes).
func llmgwCLI(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("LLMGW_E2E_LLMGW")
	if bin == "" {
		bin = binPath("llmgw")
	}
	if _, code := runCmd(t, 30*time.Second, "", nil, bin, "plugin", "help"); code != 0 {
		t.Fatalf("%s has no `plugin` command: core/cmd/llmgw/main.go must dispatch `plugin` to pluginMain (core/cmd/llmgw/plugin.go)", bin)
	}
	return bin
}

// runCmd runs a command to its end and returns its combined output and exit
// code (-1 when it could not run or timed out).
func runCmd(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if cmd.Dir == "" {
		cmd.Dir = root
	}
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return string(out) + "\n(timed out)", -1
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		return string(out) + "\n" + err.Error(), -1
	}
	return string(out), 0
}

// goOffline is the environment that builds a scaffolded module outside the
// workspace, from the module cache only.
var goOffline = []string{"GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off"}

// scaffold runs `llmgw plugin new` into a fresh temporary directory and
// returns the module's directory.
func scaffold(t *testing.T, cli, name, kind string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	out, code := runCmd(t, 2*time.Minute, "", nil, cli, "plugin", "new", name, "--kind", kind, "--dir", dir)
	if code != 0 {
		t.Fatalf("plugin new: exit %d\n%s", code, out)
	}
	return dir
}

func goBuild(t *testing.T, dir, out string) {
	t.Helper()
	if o, code := runCmd(t, 3*time.Minute, dir, goOffline, "go", "build", "-o", out, "."); code != 0 {
		t.Fatalf("go build in %s: exit %d\n%s", dir, code, o)
	}
}

// pluginCheckConfig is a working config for each plugin of plugins/ (a plugin
// not listed gets "{}").
func pluginCheckConfig(name string, s *sim) string {
	switch name {
	case "provider-openai":
		return fmt.Sprintf(`{"api_key":"k","base_url":"%s/v1"}`, s.url())
	case "provider-gemini", "provider-anthropic":
		return fmt.Sprintf(`{"api_key":"k","base_url":"%s"}`, s.url())
	case "tracker-mlflow":
		// MLflow unreachable: the tracker must still acknowledge by spooling.
		return `{"tracking_uri":"http://127.0.0.1:1"}`
	}
	return "{}"
}

func TestPluginCheckPassesForEveryBuiltPlugin(t *testing.T) {
	cli := llmgwCLI(t)
	s := startSim(t)
	entries, err := os.ReadDir(binPath("plugins"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if e.IsDir() || e.Name() == "SHA256SUMS" {
			continue
		}
		name := e.Name()
		checked++
		t.Run(name, func(t *testing.T) {
			out, code := runCmd(t, 3*time.Minute, "", []string{"LLMGW_DATA_DIR=" + t.TempDir()}, cli, "plugin", "check", binPath("plugins/"+name), "--config", pluginCheckConfig(name, s))
			if code != 0 {
				t.Fatalf("plugin check %s: exit %d\n%s", name, code, out)
			}
			if !strings.Contains(out, "0 failed") || strings.Contains(out, "FAIL") {
				t.Fatalf("plugin check %s printed a failure but exited 0:\n%s", name, out)
			}
		})
	}
	if checked == 0 {
		t.Fatal("bin/plugins holds no plugin: run make build")
	}
}

func TestPluginCheckFailsOnBrokenPlugins(t *testing.T) {
	cli := llmgwCLI(t)
	cases := []struct {
		name, old, new, want string
	}{
		{
			name: "accepts-any-config",
			old:  "if err := c.Decode(&cfg); err != nil {",
			new:  "if err := c.Decode(&cfg); false && err != nil {",
			want: "FAIL  stage: Configure rejects an unknown config field with INVALID_ARGUMENT",
		},
		{
			name: "never-answers",
			old:  "for _, m := range req.GetRequest().GetMessages() {",
			new:  "select {}\n\tfor _, m := range req.GetRequest().GetMessages() {",
			want: "FAIL  stage: Process answers within its timeout under concurrency",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := scaffold(t, cli, tc.name, "stage")
			pkg := strings.ReplaceAll(tc.name, "-", "")
			logic := filepath.Join(dir, pkg, pkg+".go")
			src, err := os.ReadFile(logic)
			if err != nil || !strings.Contains(string(src), tc.old) {
				t.Fatalf("the scaffold's logic changed; update this test: %v", err)
			}
			if err := os.WriteFile(logic, []byte(strings.Replace(string(src), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			bin := filepath.Join(dir, tc.name)
			goBuild(t, dir, bin)
			out, code := runCmd(t, 2*time.Minute, "", nil, cli, "plugin", "check", bin, "--call-timeout", "500ms", "--concurrency", "4")
			if code != 1 {
				t.Fatalf("plugin check of a broken plugin: exit %d, want 1\n%s", code, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Fatalf("output lacks %q:\n%s", tc.want, out)
			}
			if !strings.Contains(out, "FAIL  "+bin+":") {
				t.Fatalf("no failing summary line:\n%s", out)
			}
		})
	}
}

// TestScaffoldTutorial follows docs/writing-plugins.md: scaffold each kind
// outside the repository, test and build it with GOWORK=off and check it;
// the stage goes on to the whole newcomer's path (newcomerStage: own logic,
// loaded in a gateway, reloaded).
func TestScaffoldTutorial(t *testing.T) {
	cli := llmgwCLI(t)
	for _, kind := range []string{"provider", "tracker"} {
		t.Run(kind, func(t *testing.T) {
			dir := scaffold(t, cli, "my-"+kind, kind)
			if out, code := runCmd(t, 3*time.Minute, dir, goOffline, "go", "test", "-count=1", "./..."); code != 0 {
				t.Fatalf("go test: exit %d\n%s", code, out)
			}
			bin := filepath.Join(dir, "my-"+kind)
			goBuild(t, dir, bin)
			if out, code := runCmd(t, 2*time.Minute, "", []string{"LLMGW_DATA_DIR=" + t.TempDir()}, cli, "plugin", "check", bin); code != 0 {
				t.Fatalf("plugin check: exit %d\n%s", code, out)
			}
		})
	}
	t.Run("stage", func(t *testing.T) { newcomerStage(t, cli) })
}

// v99Main is a plugin that speaks only protocol version 99.
const v99Main = `package main

import (
	"github.com/hashicorp/go-plugin"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func main() {
	p := sdk.Plugin{Name: "future", Version: "9.9.9", Stage: func(sdk.Config) (sdk.Stage, error) { return nil, nil }}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{99: sdk.TestPluginSet(p)},
		GRPCServer:       plugin.DefaultGRPCServer,
	})
}
`

func TestUnsupportedProtocolVersionIsRefused(t *testing.T) {
	cli := llmgwCLI(t)
	dir := scaffold(t, cli, "future", "stage")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(v99Main), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "future")
	goBuild(t, dir, bin)

	// The host refuses it at load time, naming both sides' versions.
	s := startSim(t)
	file := writePipeline(t, providersHCL(s)+fmt.Sprintf(`
plugin "future" {
  path = %q
}

pipeline "default" {
  stage "future" {
    plugin = "future"
  }
}
`, bin))
	out, code := runCmd(t, time.Minute, "", nil, binPath("llmgw"), "validate", "--config", file)
	if code == 0 {
		t.Fatalf("validate accepted a plugin speaking protocol 99:\n%s", out)
	}
	if !strings.Contains(out, "99") || !strings.Contains(out, "[1]") {
		t.Fatalf("the refusal does not name both sides' versions (plugin 99, host [1]):\n%s", out)
	}
	t.Logf("host's message: %s", strings.TrimSpace(out))

	// plugin check fails its handshake check with the same facts.
	out, code = runCmd(t, time.Minute, "", nil, cli, "plugin", "check", bin)
	if code != 1 || !strings.Contains(out, "FAIL  handshake") || !strings.Contains(out, "99") || !strings.Contains(out, "host speaks [1]") {
		t.Fatalf("plugin check: exit %d\n%s", code, out)
	}
}

// pythonVenv is the virtualenv make build prepares for the Python example.
func pythonVenv(t *testing.T) string {
	t.Helper()
	py := filepath.Join(root, ".venv-plugins", "bin", "python")
	if _, err := os.Stat(py); err != nil {
		t.Fatalf("%s is missing: make build creates it (mk/python.mk)", py)
	}
	return py
}

func TestPythonSDKUnitTests(t *testing.T) {
	py := pythonVenv(t)
	out, code := runCmd(t, 2*time.Minute, filepath.Join(root, "sdk", "python"), nil, py, "-m", "unittest", "discover", "-s", "tests")
	if code != 0 {
		t.Fatalf("python unit tests: exit %d\n%s", code, out)
	}
}

func TestPythonPluginPassesCheck(t *testing.T) {
	pythonVenv(t)
	cli := llmgwCLI(t)
	out, code := runCmd(t, 2*time.Minute, "", nil, cli, "plugin", "check", filepath.Join(root, "examples", "python-plugin", "keyword-block"), "--config", `{"words":["forbidden-word"]}`)
	if code != 0 {
		t.Fatalf("plugin check of the Python example: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "mTLS on") {
		t.Fatalf("the Python plugin was not checked over mTLS:\n%s", out)
	}
}

func TestPythonExamplePipeline(t *testing.T) {
	pythonVenv(t)
	s := startSim(t)
	file := filepath.Join(root, "examples", "python-plugin", "pipeline.hcl")
	g := startGateway(t, file,
		"LLMGW_DATA_DIR="+t.TempDir(),
		"OPENAI_API_KEY=sim-key-openai",
		"OPENAI_BASE_URL="+s.url()+"/v1",
	)

	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "Please repeat forbidden-word twice", "model": "gpt-4o-primary"}, nil)
	if r.status != 400 || r.errorCode(t) != "blocked_keyword" {
		t.Fatalf("a prompt with the blocked word: %d %s", r.status, r.body)
	}
	if n, _ := s.requests(t); n != 0 {
		t.Fatalf("a blocked request reached the upstream (%d requests)", n)
	}

	r = postJSON(t, g.url()+"/generate", map[string]any{"prompt": "What is the capital of France?", "model": "gpt-4o-primary"}, nil)
	if r.status != 200 {
		t.Fatalf("a harmless prompt: %d %s", r.status, r.body)
	}
	if n, _ := s.requests(t); n != 1 {
		t.Fatalf("the upstream saw %d requests, want 1", n)
	}

	r = postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary", "messages": []map[string]string{{"role": "user", "content": "FORBIDDEN-WORD in capitals"}}}, nil)
	if r.status != 400 || r.errorCode(t) != "blocked_keyword" {
		t.Fatalf("chat route with the blocked word: %d %s", r.status, r.body)
	}

	var health struct {
		Plugins []struct {
			Name  string `json:"name"`
			State string `json:"state"`
			Pid   int    `json:"pid"`
		} `json:"plugins"`
	}
	hr := get(t, g.url()+"/health")
	if err := json.Unmarshal(hr.body, &health); err != nil {
		t.Fatalf("/health: %v %s", err, hr.body)
	}
	found := false
	for _, p := range health.Plugins {
		if p.Name != "keyword-block" {
			continue
		}
		found = true
		if p.State != "serving" || p.Pid <= 0 || !alive(p.Pid) {
			t.Fatalf("keyword-block in /health: %+v", p)
		}
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.Pid))
		if !strings.Contains(string(cmdline), "keyword_block.py") {
			t.Fatalf("pid %d is not the Python plugin: %q", p.Pid, cmdline)
		}
	}
	if !found {
		t.Fatalf("keyword-block is not in /health: %s", hr.body)
	}
}

// A Go plugin runs with the SDK's runtime defaults — GOMAXPROCS at half of
// what Go would use (at least 1) and GOGC 50 — unless its block's env sets
// them; checked in the plugin process the host started.
func TestGoPluginRuntimeDefaults(t *testing.T) {
	// Plugins inherit the host's environment, which is this test's: a
	// GOMAXPROCS or GOGC set here is the operator's and wins.
	wantProcs, wantGC := fmt.Sprint(max(1, runtime.GOMAXPROCS(0)/2)), "50"
	if v := os.Getenv("GOMAXPROCS"); v != "" {
		wantProcs = v
	}
	if v := os.Getenv("GOGC"); v != "" {
		wantGC = v
	}
	s := startSim(t)
	for _, c := range []struct {
		env  string
		want string
	}{
		{"", "gomaxprocs=" + wantProcs + " gogc=" + wantGC},
		{`  env  = { GOMAXPROCS = "3", GOGC = "80" }`, "gomaxprocs=3 gogc=80"},
	} {
		hcl := fmt.Sprintf(`
plugin "testplugin" {
  path = %q
%s
}

pipeline "default" {
  stage "check" {
    plugin = "testplugin"
    config = { runtime_header = true }
  }
}
`, testPluginBin, c.env)
		g := startGateway(t, writePipeline(t, providersHCL(s)+hcl))
		r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "What is the capital of France?"}, nil)
		if r.status != 200 {
			t.Fatalf("generate: %d %s", r.status, r.body)
		}
		if got := r.header.Get("X-Test-Runtime"); got != c.want {
			t.Errorf("plugin env %q: the plugin runs with %q, want %q", c.env, got, c.want)
		}
	}
}
