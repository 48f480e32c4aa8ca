package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Setup is one thing under test: where to send the chat request, with which
// headers and model, and which process tree to weigh.
type Setup struct {
	Name       string
	Model      string
	URL        string // full chat completions URL
	Headers    http.Header
	Proc       *proc  // the process tree whose RSS is reported (nil: none)
	MetricsURL string // Prometheus endpoint of the gateway ("" when none)
	Stream     bool   // measure streaming time-to-first-byte
	Note       string // how it ran (shown in the report)
	// StagesParallel: Server-Timing's guard and ratelimit ran side by side,
	// so together they cost the longer of the two, not the sum.
	StagesParallel bool
	// CacheHits: the setup answers from its cache (no upstream call expected).
	CacheHits bool
	// Tracked: the setup's tracker sends its traces to the run's MLflow.
	Tracked bool
	// NoMessages: the setup is not measured on the Messages API's route:
	// only llmgw translates it to the same upstream chat call (the
	// simulator's Messages route is another upstream; the peers' Anthropic
	// routes are another provider's).
	NoMessages bool
	// Pprof maps a process (host, or a plugin's name) to its pprof address,
	// when -profile asked for CPU profiles.
	Pprof map[string]string
}

// env is what setups need to start: paths and the simulator.
type env struct {
	root    string // repository root
	tmp     string // scratch directory of this run
	simURL  string // http://127.0.0.1:PORT
	self    string // this executable (for the floor)
	peerDir string // bench/.peers (install cache)
	procs   []*proc
	log     func(format string, a ...any)
	// profile: give llmgw-host's gateway a pprof listener too (-profile).
	profile bool
	// mlflow is the MLflow server the trackers send to (nil: none ran).
	mlflow     *proc
	mlflowPrio string // the CPU priority it runs at
	mlflowIdle bool   // run it at idle priority (-mlflow-idle)
}

const simKey = "sim-bench-key"

func (e *env) start(label, dir string, extraEnv []string, name string, args ...string) (*proc, error) {
	p, err := startProc(label, dir, extraEnv, name, args...)
	if err != nil {
		return nil, err
	}
	e.procs = append(e.procs, p)
	return p, nil
}

func (e *env) stopAll() {
	for i := len(e.procs) - 1; i >= 0; i-- {
		e.procs[i].stop(10 * time.Second)
	}
	e.procs = nil
}

func bearer() http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+simKey)
	h.Set("Content-Type", "application/json")
	return h
}

func (e *env) directSetup(sim *proc) *Setup {
	return &Setup{Name: "direct", Model: "gpt-4o", URL: e.simURL + "/v1/chat/completions", Headers: bearer(), Stream: true, NoMessages: true, Note: "client → upstream-sim"}
}

func (e *env) floorSetup() (*Setup, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := e.start("floor", e.root, nil, e.self, "floor", "--listen", addr, "--upstream", e.simURL)
	if err != nil {
		return nil, err
	}
	if err := waitHTTP("http://"+addr+"/v1/models", p, 15*time.Second); err != nil {
		return nil, err
	}
	return &Setup{Name: "floor", Model: "gpt-4o", URL: "http://" + addr + "/v1/chat/completions", Headers: bearer(), Proc: p, Stream: true, NoMessages: true,
		Note: "net/http/httputil reverse proxy → upstream-sim"}, nil
}

// floorPinnedSetup is the floor pinned to cpu with taskset -c, for the same
// comparison as llmgw-full-pinned's: does pinning alone help a single proxy?
func (e *env) floorPinnedSetup(cpu string) (*Setup, error) {
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return nil, fmt.Errorf("taskset (util-linux) not found: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := e.start("floor-pinned", e.root, nil, taskset, "-c", cpu, e.self, "floor", "--listen", addr, "--upstream", e.simURL)
	if err != nil {
		return nil, err
	}
	if err := waitHTTP("http://"+addr+"/v1/models", p, 15*time.Second); err != nil {
		return nil, err
	}
	return &Setup{Name: "floor-pinned", Model: "gpt-4o", URL: "http://" + addr + "/v1/chat/completions", Headers: bearer(), Proc: p, Stream: true, NoMessages: true,
		Note: "the floor under taskset -c " + cpu}, nil
}

// firstCPU is the first CPU this process may use, for the pinned setups, or
// why there are none: on a single CPU pinning changes nothing.
func firstCPU() (cpu, why string) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "", "no /proc/self/status (pinning is Linux-only): " + err.Error()
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
			v = strings.TrimSpace(v)
			if !strings.ContainsAny(v, ",-") {
				return "", "this process may use one CPU only (" + v + "): pinning changes nothing"
			}
			first, _, _ := strings.Cut(v, ",")
			first, _, _ = strings.Cut(first, "-")
			return first, ""
		}
	}
	return "", "no Cpus_allowed_list in /proc/self/status"
}

// providerHCL is provider-openai pointed at the simulator, and the model the
// benchmark asks for.
func (e *env) providerHCL() string { return e.providerHCLWith(e.bin("plugins/provider-openai")) }

// providerHCLWith is providerHCL with the provider-openai binary at path.
func (e *env) providerHCLWith(path string) string {
	return fmt.Sprintf(`
plugin "provider-openai" {
  path = %q
}

provider "openai" {
  plugin = "provider-openai"
  config = {
    api_key  = %q
    base_url = "%s/v1"
    flavor   = "openai"
  }
}

model "gpt-4o-primary" {
  provider = "openai"
  upstream = "gpt-4o"
}
`, path, simKey, e.simURL)
}

func (e *env) bin(name string) string { return filepath.Join(e.root, "bin", name) }

// startGateway writes text as the pipeline file of a fresh directory and
// serves it; extraEnv is added to (and overrides) its environment.
func (e *env) startGateway(name, text string, extraEnv ...string) (*Setup, error) {
	return e.startGatewayBin(e.bin("llmgw"), name, text, extraEnv...)
}

// startGatewayBin is startGateway with the gateway binary at llmgw.
func (e *env) startGatewayBin(llmgw, name, text string, extraEnv ...string) (*Setup, error) {
	dir := filepath.Join(e.tmp, name)
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "pipeline.hcl")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := e.start(name, dir, append([]string{"LLMGW_LOG_LEVEL=warn", "LLMGW_DATA_DIR=" + filepath.Join(dir, "data"), "LLMGW_ADMIN_TOKEN="}, extraEnv...),
		llmgw, "serve", "--config", file, "--listen", addr)
	if err != nil {
		return nil, err
	}
	if err := waitHTTP("http://"+addr+"/v1/models", p, 60*time.Second); err != nil {
		return nil, err
	}
	return &Setup{Name: name, Model: "gpt-4o-primary", URL: "http://" + addr + "/v1/chat/completions", Headers: bearer(), Proc: p,
		MetricsURL: "http://" + addr + "/metrics", Stream: true}, nil
}

func (e *env) hostSetup() (*Setup, error) {
	var extraEnv []string
	var addr string
	if e.profile {
		var err error
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
		extraEnv = append(extraEnv, "LLMGW_PPROF_LISTEN="+addr)
	}
	s, err := e.startGateway("llmgw-host", e.providerHCL(), extraEnv...)
	if err != nil {
		return nil, err
	}
	if e.profile {
		s.Pprof = map[string]string{"host": addr}
	}
	s.Note = "bin/llmgw, provider-openai only, no stages or trackers"
	return s, nil
}

// baselineSetup is llmgw-host with another provider-openai binary.
func (e *env) baselineSetup(path string) (*Setup, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("baseline provider: %w", err)
	}
	s, err := e.startGateway("llmgw-host-baseline", e.providerHCLWith(abs))
	if err != nil {
		return nil, err
	}
	s.Note = "bin/llmgw, provider-openai from " + abs + ", no stages or trackers"
	return s, nil
}

// cacheSetup is llmgw-host with the cache stage in front of the provider,
// every answer shared and kept: after the warm-up each request is a hit, so
// it measures what a hit costs (the stage call and the replay), no upstream.
func (e *env) cacheSetup() (*Setup, error) {
	if _, err := os.Stat(e.bin("plugins/cache")); err != nil {
		return nil, fmt.Errorf("missing plugin binary: bin/plugins/cache")
	}
	s, err := e.startGateway("llmgw-cache-hit", e.providerHCL()+fmt.Sprintf(`
plugin "cache" {
  path = %q
}

pipeline "default" {
  stage "cache" {
    plugin   = "cache"
    on_error = "fail_open"
    timeout  = "250ms"
    config = {
      shared             = true
      deterministic_only = false
    }
  }
}
`, e.bin("plugins/cache")))
	if err != nil {
		return nil, err
	}
	s.Note = "bin/llmgw, cache stage (every request a hit after the warm-up), provider-openai never called"
	s.CacheHits = true
	return s, nil
}

// fullPlugins are the plugins of the default pipeline's shape.
var fullPlugins = []string{"guard-injection", "ratelimit", "provider-openai", "tracker-mlflow"}

// fullSetup starts the default pipeline's shape: guard-injection and
// ratelimit (limit raised) as parallel stages, provider-openai, and
// tracker-mlflow sending to trackingURI. binDir holds llmgw and plugins/
// (ROOT/bin, or another build's for llmgw-full-baseline). lane is "fast" (Go
// plugins on the fast lane, the default) or "grpc" (LLMGW_PLUGIN_LANE=grpc:
// the request path on gRPC, as before issue 21); lease false turns the rate
// limiter's quota leases off; profile gives every process a pprof listener.
// fullSetup is the default pipeline's shape served by binDir's build; with
// during the guard runs during the call (during_call = true).
func (e *env) fullSetup(name, binDir, lane string, lease, during, profile bool, trackingURI, trackerNote string) (*Setup, error) {
	return e.fullSetupEnv(name, binDir, lane, lease, during, profile, trackingURI, trackerNote, nil, nil)
}

// fullSetupEnv is fullSetup with plugEnv ("KEY=VALUE") in every plugin's
// environment.
func (e *env) fullSetupEnv(name, binDir, lane string, lease, during, profile bool, trackingURI, trackerNote string, plugEnv, hostEnv []string) (*Setup, error) {
	bin := func(name string) string { return filepath.Join(binDir, name) }
	var missing []string
	for _, p := range append([]string{"llmgw"}, prefixed("plugins/", fullPlugins)...) {
		if _, err := os.Stat(bin(p)); err != nil {
			missing = append(missing, bin(p))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing plugin binaries: %s", strings.Join(missing, ", "))
	}
	extraEnv := append([]string(nil), hostEnv...)
	if lane == "grpc" {
		extraEnv = append(extraEnv, "LLMGW_PLUGIN_LANE=grpc")
	}
	pprof := map[string]string{}
	pluginEnv := map[string]string{}
	for _, who := range append([]string{"host"}, fullPlugins...) {
		var kv []string
		if profile {
			addr, err := freeAddr()
			if err != nil {
				return nil, err
			}
			pprof[who] = addr
			kv = append(kv, fmt.Sprintf("LLMGW_PLUGIN_PPROF = %q", addr))
		}
		for _, pe := range plugEnv {
			k, v, _ := strings.Cut(pe, "=")
			kv = append(kv, fmt.Sprintf("%s = %q", k, v))
		}
		if len(kv) > 0 {
			pluginEnv[who] = "\n  env = { " + strings.Join(kv, ", ") + " }"
		}
	}
	if profile {
		extraEnv = append(extraEnv, "LLMGW_PPROF_LISTEN="+pprof["host"])
	}
	duringCall := ""
	if during {
		duringCall = "\n    during_call = true"
	}
	text := e.providerHCLWith(bin("plugins/provider-openai")) + fmt.Sprintf(`
plugin "guard-injection" {
  path = %q`+pluginEnv["guard-injection"]+`
}

plugin "ratelimit" {
  path = %q`+pluginEnv["ratelimit"]+`
}

plugin "tracker-mlflow" {
  path = %q`+pluginEnv["tracker-mlflow"]+`
}

pipeline "default" {
  stage "guard" {
    plugin   = "guard-injection"
    on_error = "fail_closed"
    timeout  = "200ms"
    parallel = true%s
  }

  stage "ratelimit" {
    plugin   = "ratelimit"
    on_error = "fail_open"
    timeout  = "250ms"
    parallel = true
    config = {
      rpm   = 100000000
      lease = %t
    }
  }

  tracker "mlflow" {
    plugin = "tracker-mlflow"
    config = {
      tracking_uri    = %q
      experiment_name = "llmgw-bench"
    }
  }
}
`, bin("plugins/guard-injection"), bin("plugins/ratelimit"), bin("plugins/tracker-mlflow"), duringCall, lease, trackingURI)
	if pluginEnv["provider-openai"] != "" {
		// The provider's plugin block is providerHCL's: add its env there.
		text = strings.Replace(text, fmt.Sprintf("path = %q", bin("plugins/provider-openai")),
			fmt.Sprintf("path = %q", bin("plugins/provider-openai"))+pluginEnv["provider-openai"], 1)
	}
	s, err := e.startGatewayBin(bin("llmgw"), name, text, extraEnv...)
	if err != nil {
		return nil, err
	}
	s.StagesParallel = true
	if profile {
		s.Pprof = pprof
	}
	leases := "quota leases on"
	if !lease {
		leases = "quota leases off"
	}
	binNote := "bin/llmgw"
	if binDir != e.bin("") {
		binNote = "the build in " + binDir
	}
	guard := "guard-injection"
	if during {
		guard = "guard-injection during the call"
	}
	s.Tracked = true
	s.Note = binNote + " (request path on the " + lane + " lane), " + guard + " ‖ ratelimit (rpm 1e8, " + leases + "), provider-openai, tracker-mlflow → " + trackerNote
	if len(plugEnv) > 0 {
		s.Note += "; every plugin with " + strings.Join(plugEnv, " ")
	}
	if len(hostEnv) > 0 {
		s.Note += "; the host with " + strings.Join(hostEnv, " ")
	}
	return s, nil
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// startMLflow serves the repository's pinned MLflow (.venv/bin/mlflow) on a
// free port with a scratch SQLite database. It returns the tracking URI.
func (e *env) startMLflow() (string, error) {
	bin := filepath.Join(e.root, ".venv", "bin", "mlflow")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("%s is missing (make mlflow-install)", bin)
	}
	dir := filepath.Join(e.tmp, "mlflow")
	if err := os.MkdirAll(filepath.Join(dir, "artifacts"), 0o755); err != nil {
		return "", err
	}
	addr, err := freeAddr()
	if err != nil {
		return "", err
	}
	host, port, _ := strings.Cut(addr, ":")
	name, args, prio := idlePriority(e.mlflowIdle, bin, "server", "--backend-store-uri", "sqlite:///"+filepath.Join(dir, "mlflow.db"),
		"--artifacts-destination", filepath.Join(dir, "artifacts"), "--host", host, "--port", port, "--workers", "1")
	p, err := e.start("mlflow", dir, []string{"MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false"}, name, args...)
	if err != nil {
		return "", err
	}
	if err := waitHTTP("http://"+addr+"/health", p, 120*time.Second); err != nil {
		return "", err
	}
	e.mlflow, e.mlflowPrio = p, prio
	return "http://" + addr, nil
}

// idlePriority runs a command at the lowest CPU priority the machine offers:
// SCHED_IDLE (chrt --idle 0: it runs only on a CPU nothing else wants), else
// nice 19, else as is. The MLflow server gets it: it ingests traces far more
// slowly than llmgw-full answers (bench/README.md, "MLflow's share"), so a
// run leaves minutes of ingestion behind; at normal priority that work took a
// core from every setup measured after the first tracked one — the floor and
// the peers included — and how much depended on the order. Tracing stays on the request path exactly as
// in production (the tracker spools and posts off it); only the MLflow
// server, which runs on other machines in production, yields the CPU.
// The third result says which, for the report. idle false: as is.
func idlePriority(idle bool, name string, args ...string) (string, []string, string) {
	if !idle {
		return name, args, "normal priority (-mlflow-idle=false)"
	}
	if p, err := exec.LookPath("chrt"); err == nil && exec.Command(p, "--idle", "0", "true").Run() == nil {
		return p, append([]string{"--idle", "0", name}, args...), "SCHED_IDLE (chrt --idle 0: it runs only on a CPU nothing else wants)"
	}
	if p, err := exec.LookPath("nice"); err == nil {
		return p, append([]string{"-n", "19", name}, args...), "nice 19"
	}
	return name, args, "normal priority (neither chrt nor nice found)"
}

// closedPortURI is a loopback URL nothing listens on: the tracker spools.
func closedPortURI() string {
	addr, err := freeAddr()
	if err != nil {
		return "http://127.0.0.1:9"
	}
	return "http://" + addr
}

// --- peers ---

const portkeyVersion = "1.15.2"
const litellmVersion = "1.108.7"

// installPortkey installs @portkey-ai/gateway into bench/.peers/portkey once.
func (e *env) installPortkey() (string, error) {
	dir := filepath.Join(e.peerDir, "portkey")
	entry := filepath.Join(dir, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js")
	if _, err := os.Stat(entry); err == nil {
		return entry, nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", fmt.Errorf("npm is not installed")
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "", fmt.Errorf("node is not installed")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	e.log("installing @portkey-ai/gateway@%s into %s (cached for the next run)", portkeyVersion, dir)
	if err := runQuiet(5*time.Minute, dir, "npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "@portkey-ai/gateway@"+portkeyVersion); err != nil {
		return "", err
	}
	if _, err := os.Stat(entry); err != nil {
		return "", fmt.Errorf("npm install left no %s", entry)
	}
	return entry, nil
}

// portkeySetup runs the Portkey gateway's Node server on a free loopback port
// (a preload keeps its listener on 127.0.0.1), routed to the simulator with
// x-portkey-provider and x-portkey-custom-host.
func (e *env) portkeySetup() (*Setup, error) {
	entry, err := e.installPortkey()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := strings.Cut(addr, ":")
	preload := filepath.Join(e.root, "bench", "peers", "loopback.cjs")
	p, err := e.start("portkey", filepath.Dir(entry), []string{"NODE_ENV=production"}, "node", "-r", preload, entry, "--port="+port, "--headless")
	if err != nil {
		return nil, err
	}
	if err := waitHTTP("http://"+addr+"/", p, 60*time.Second); err != nil {
		return nil, err
	}
	h := bearer()
	h.Set("x-portkey-provider", "openai")
	h.Set("x-portkey-custom-host", e.simURL+"/v1")
	return &Setup{Name: "portkey", Model: "gpt-4o", URL: "http://" + addr + "/v1/chat/completions", Headers: h, Proc: p, Stream: true, NoMessages: true,
		Note: "@portkey-ai/gateway " + portkeyVersion + " (node " + nodeVersion() + "), x-portkey-custom-host → upstream-sim"}, nil
}

func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// installLiteLLM installs litellm[proxy] into bench/.peers/litellm-venv once.
func (e *env) installLiteLLM() (string, error) {
	venv := filepath.Join(e.peerDir, "litellm-venv")
	bin := filepath.Join(venv, "bin", "litellm")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		return "", fmt.Errorf("python3 is not installed")
	}
	e.log("installing litellm[proxy]==%s into %s (cached for the next run; takes a few minutes)", litellmVersion, venv)
	if err := runQuiet(2*time.Minute, e.peerDir, py, "-m", "venv", venv); err != nil {
		return "", err
	}
	if err := runQuiet(10*time.Minute, e.peerDir, filepath.Join(venv, "bin", "pip"), "install", "-q", "litellm[proxy]=="+litellmVersion); err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("pip install left no %s", bin)
	}
	return bin, nil
}

// litellmSetup runs the LiteLLM proxy (one uvicorn worker) with a model
// gpt-4o → openai/gpt-4o at the simulator.
func (e *env) litellmSetup() (*Setup, error) {
	bin, err := e.installLiteLLM()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(e.tmp, "litellm")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// LiteLLM refuses to start without a master key; clients then send it
	// as their bearer token. A fresh random one per run.
	masterKey := "sk-bench-" + randomHex(16)
	cfg := fmt.Sprintf(`model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: %s/v1
      api_key: %s
litellm_settings:
  telemetry: false
  drop_params: true
general_settings:
  master_key: %s
`, e.simURL, simKey, masterKey)
	file := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(file, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := strings.Cut(addr, ":")
	p, err := e.start("litellm", dir, []string{"LITELLM_LOCAL_MODEL_COST_MAP=True", "LITELLM_LOG=ERROR", "LITELLM_TELEMETRY=False", "DO_NOT_TRACK=true"},
		bin, "--config", file, "--host", host, "--port", port, "--num_workers", "1")
	if err != nil {
		return nil, err
	}
	if err := waitHTTP("http://"+addr+"/health/liveliness", p, 180*time.Second); err != nil {
		return nil, err
	}
	h := bearer()
	h.Set("Authorization", "Bearer "+masterKey)
	return &Setup{Name: "litellm", Model: "gpt-4o", URL: "http://" + addr + "/v1/chat/completions", Headers: h, Proc: p, Stream: true, NoMessages: true,
		Note: "litellm[proxy] " + litellmInstalledVersion(bin) + ", 1 uvicorn worker, api_base → upstream-sim"}, nil
}

func litellmInstalledVersion(bin string) string {
	pip := filepath.Join(filepath.Dir(bin), "pip")
	out, err := exec.Command(pip, "show", "litellm").Output()
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "Version: "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// runQuiet runs a command, returning its output's tail on failure.
func runQuiet(timeout time.Duration, dir, name string, args ...string) error {
	p, err := startProc(name, dir, nil, name, args...)
	if err != nil {
		return err
	}
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.stop(5 * time.Second)
		return fmt.Errorf("%s timed out after %s", name, timeout)
	}
	if !p.cmd.ProcessState.Success() {
		return fmt.Errorf("%s failed: %s", name, oneLine(p.tail(500)))
	}
	return nil
}
