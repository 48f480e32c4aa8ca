// Package e2e tests the gateway end to end: the real bin/llmgw, real plugin
// processes and bin/upstream-sim, on loopback ports chosen at run time.
// Build the binaries first (make build; make test does it).
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	root          string
	testPluginBin string
	// binDir holds the binaries under test: the repository's bin/, or
	// $LLMGW_E2E_BIN_DIR when set (make cover points it at binaries built
	// with -cover, which write their coverage under $GOCOVERDIR).
	binDir string
)

func TestMain(m *testing.M) {
	wd, _ := os.Getwd()
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			root = dir
			break
		}
		if dir == filepath.Dir(dir) {
			fmt.Fprintln(os.Stderr, "e2e: cannot find the repository root (go.work)")
			os.Exit(1)
		}
	}
	binDir = os.Getenv("LLMGW_E2E_BIN_DIR")
	if binDir == "" {
		binDir = filepath.Join(root, "bin")
	}
	for _, b := range []string{"llmgw", "upstream-sim"} {
		if _, err := os.Stat(binPath(b)); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %s is missing: run make build first\n", binPath(b))
			os.Exit(1)
		}
	}
	tmp, err := os.MkdirTemp("", "llmgw-e2e-")
	if err != nil {
		panic(err)
	}
	testPluginBin = filepath.Join(tmp, "testplugin")
	build := exec.Command("go", "build", "-o", testPluginBin, "./testplugin")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building the test plugin failed:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

func binPath(name string) string { return filepath.Join(binDir, name) }

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is a started process whose output is kept for failure reports.
type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func startProc(t testing.TB, env []string, name string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = root
	return startCmd(t, cmd)
}

// startCmd starts a prepared command, keeps its output and stops it when the
// test ends.
func startCmd(t testing.TB, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{cmd: cmd, done: make(chan struct{})}
	name := cmd.Path
	p.cmd.Stdout = p
	p.cmd.Stderr = p
	tmp := privateTemp(t, cmd)
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop(10 * time.Second)
		if t.Failed() {
			t.Logf("--- output of %s ---\n%s", filepath.Base(name), tail(p.output(), 6000))
		}
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
	})
	return p
}

// privateTemp gives cmd a temporary directory of its own (short, for unix
// socket paths), removed when the test ends: what a process killed by a
// test leaves there (its plugins' sockets) goes with it. A command given a
// TMPDIR of its own by the test keeps it.
func privateTemp(t testing.TB, cmd *exec.Cmd) string {
	t.Helper()
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	inherited := os.Getenv("TMPDIR")
	for _, e := range cmd.Env {
		if v, ok := strings.CutPrefix(e, "TMPDIR="); ok && v != inherited {
			return ""
		}
	}
	dir, err := os.MkdirTemp("", "e2e-")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(cmd.Env, "TMPDIR="+dir)
	return dir
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// stop sends SIGTERM and waits, then SIGKILL.
func (p *proc) stop(grace time.Duration) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// sim is a running upstream simulator.
type sim struct {
	*proc
	addr string
}

func startSim(t testing.TB, args ...string) *sim {
	t.Helper()
	addr := freeAddr(t)
	p := startProc(t, nil, binPath("upstream-sim"), append([]string{"--listen", addr}, args...)...)
	s := &sim{proc: p, addr: addr}
	waitHTTP(t, "http://"+addr+"/sim/stats", p)
	return s
}

func (s *sim) url() string { return "http://" + s.addr }

// fault sets a fault for one upstream model ("" = every model).
func (s *sim) fault(t testing.TB, model, kind string) {
	t.Helper()
	body := map[string]string{"fault": kind}
	if model != "" {
		body["model"] = model
	}
	resp := postJSON(t, s.url()+"/sim/fault", body, nil)
	if resp.status != 200 {
		t.Fatalf("sim fault: %d %s", resp.status, resp.body)
	}
}

// requests is how many chat calls reached the simulator, per upstream model.
func (s *sim) requests(t testing.TB) (int, map[string]int) {
	t.Helper()
	r := get(t, s.url()+"/sim/stats")
	var st struct {
		Requests int            `json:"requests"`
		ByModel  map[string]int `json:"by_model"`
	}
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatalf("sim stats: %v", err)
	}
	return st.Requests, st.ByModel
}

// lastBody is the JSON body of the last request the simulator received.
func (s *sim) lastBody(t testing.TB) map[string]any {
	t.Helper()
	var last struct {
		Body map[string]any `json:"body"`
	}
	if r := get(t, s.url()+"/sim/last-request"); r.status != 200 || json.Unmarshal(r.body, &last) != nil {
		t.Fatalf("last request: %d %s", r.status, r.body)
	}
	return last.Body
}

func (s *sim) reset(t testing.TB) { postJSON(t, s.url()+"/sim/reset", map[string]any{}, nil) }

// gateway is a running bin/llmgw.
type gateway struct {
	*proc
	addr string
	file string
}

func (g *gateway) url() string { return "http://" + g.addr }

// providersHCL is the course's providers and models pointed at the simulator.
func providersHCL(s *sim) string {
	return fmt.Sprintf(`
plugin "provider-openai" {
  path = %q
}

plugin "provider-gemini" {
  path = %q
}

provider "openai" {
  plugin = "provider-openai"
  config = {
    api_key  = "sim-key-openai"
    base_url = "%s/v1"
    flavor   = "openai"
  }
  breaker_failures = 0
}

provider "gemini" {
  plugin = "provider-gemini"
  config = {
    api_key  = "sim-key-gemini"
    base_url = "%s"
  }
  breaker_failures = 0
}

provider "openrouter" {
  plugin = "provider-openai"
  config = {
    api_key  = "sim-key-openrouter"
    base_url = "%s/api/v1"
    flavor   = "openrouter"
  }
  breaker_failures = 0
}

model "gpt-4o-primary" {
  provider = "openai"
  upstream = "gpt-4o"
  first_byte_timeout = "1s"
  idle_timeout = "1s"
}

model "gemini-secondary" {
  provider = "gemini"
  upstream = "gemini-2.0-flash"
  first_byte_timeout = "1s"
  idle_timeout = "1s"
}

model "openrouter-fallback" {
  provider = "openrouter"
  upstream = "mistralai/mistral-7b-instruct"
  first_byte_timeout = "1s"
  idle_timeout = "1s"
}

model "smart-router" {
  fallback = ["gpt-4o-primary", "gemini-secondary", "openrouter-fallback"]
}
`, binPath("plugins/provider-openai"), binPath("plugins/provider-gemini"), s.url(), s.url(), s.url())
}

// writePipeline writes a pipeline file into a fresh directory.
func writePipeline(t testing.TB, text string) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "pipeline.hcl")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// startGateway serves the pipeline file and waits until it answers.
func startGateway(t testing.TB, file string, env ...string) *gateway {
	t.Helper()
	addr := freeAddr(t)
	env = append([]string{"LLMGW_DATA_DIR=" + filepath.Join(filepath.Dir(file), "data"), "LLMGW_LOG_LEVEL=debug"}, env...)
	p := startProc(t, env, binPath("llmgw"), "serve", "--config", file, "--listen", addr)
	g := &gateway{proc: p, addr: addr, file: file}
	waitHTTP(t, g.url()+"/v1/models", p)
	return g
}

func waitHTTP(t testing.TB, url string, p *proc) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if p.exited() {
			t.Fatalf("process exited before answering %s:\n%s", url, tail(p.output(), 4000))
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer in time:\n%s", url, tail(p.output(), 4000))
}

// reply is a finished HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer %d is not JSON: %v\n%s", r.status, err, r.body)
	}
	return m
}

// errorCode returns error.code of an error answer, checking its shape.
func (r reply) errorCode(t testing.TB) string {
	t.Helper()
	m := r.json(t)
	e, ok := m["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", r.body)
	}
	for _, k := range []string{"message", "type", "code", "param", "request_id"} {
		if _, ok := e[k]; !ok {
			t.Fatalf("error object lacks %q: %s", k, r.body)
		}
	}
	if e["request_id"] != r.header.Get("X-Request-ID") {
		t.Fatalf("error request_id %v != X-Request-ID %q", e["request_id"], r.header.Get("X-Request-ID"))
	}
	return e["code"].(string)
}

var client = &http.Client{Timeout: 60 * time.Second}

func do(t testing.TB, method, url string, body io.Reader, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func get(t testing.TB, url string) reply { t.Helper(); return do(t, http.MethodGet, url, nil, nil) }

func postJSON(t testing.TB, url string, v any, header map[string]string) reply {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range header {
		h[k] = v
	}
	return do(t, http.MethodPost, url, bytes.NewReader(b), h)
}

// sseEvents reads a whole SSE answer into its data payloads.
func sseEvents(body []byte) []string {
	var out []string
	for _, block := range strings.Split(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n\n") {
		for _, line := range strings.Split(block, "\n") {
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				out = append(out, d)
			}
		}
	}
	return out
}

// childPIDs lists the pids whose parent is pid.
func childPIDs(pid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var child int
		if _, err := fmt.Sscanf(e.Name(), "%d", &child); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		var state string
		var ppid int
		if i < 0 {
			continue
		}
		if _, err := fmt.Sscanf(s[i+2:], "%s %d", &state, &ppid); err == nil && ppid == pid && state != "Z" {
			out = append(out, child)
		}
	}
	return out
}

func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && len(s) > i+2 && s[i+2] != 'Z'
}

func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var _ = context.Background
