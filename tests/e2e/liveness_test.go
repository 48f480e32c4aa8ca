package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The gateway checks every plugin process's liveness (default: every 1 s,
// 500 ms deadline, 3 misses). These tests SIGSTOP one plugin process of each
// kind under light load and check that it is declared unresponsive within
// 5 s, replaced by a new process without a manual step, and that what was
// caught on it fails over at once. They use the default liveness settings.

// detectWithin is the longest the default liveness check may take to declare
// a frozen process unresponsive (it takes 2.5–3.5 s).
const detectWithin = 5 * time.Second

type pluginHealth struct {
	Name     string `json:"name"`
	State    string `json:"state"`
	Pid      int    `json:"pid"`
	Restarts int    `json:"restarts"`
	Hangs    int    `json:"hangs"`
	Required bool   `json:"required"`
}

type healthDoc struct {
	Status  string         `json:"status"`
	Plugins []pluginHealth `json:"plugins"`
}

var quick = &http.Client{Timeout: 2 * time.Second}

// readHealth reads /health without failing the test on a slow answer.
func readHealth(g *gateway) (int, healthDoc, error) {
	resp, err := quick.Get(g.url() + "/health")
	if err != nil {
		return 0, healthDoc{}, err
	}
	defer resp.Body.Close()
	var h healthDoc
	err = json.NewDecoder(resp.Body).Decode(&h)
	return resp.StatusCode, h, err
}

func (h healthDoc) plugin(name string) pluginHealth {
	for _, p := range h.Plugins {
		if p.Name == name {
			return p
		}
	}
	return pluginHealth{}
}

func pluginNow(t *testing.T, g *gateway, name string) pluginHealth {
	t.Helper()
	_, h, err := readHealth(g)
	if err != nil {
		t.Fatal(err)
	}
	p := h.plugin(name)
	if p.Pid == 0 {
		t.Fatalf("plugin %s is not in /health: %+v", name, h)
	}
	return p
}

// freeze SIGSTOPs pid; whatever happens, the test leaves no stopped process
// behind.
func freeze(t *testing.T, pid int) time.Time {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if alive(pid) {
			_ = syscall.Kill(pid, syscall.SIGCONT)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return time.Now()
}

// replacement is what /health showed of a frozen plugin.
type replacement struct {
	detected time.Duration // freeze → first seen unresponsive
	serving  time.Duration // freeze → a new pid serving
	code     int           // /health's status code while unresponsive
	status   string        // /health's status while unresponsive
	newPid   int
}

// watchReplacement polls /health after the plugin's process oldPid was
// frozen: it must show the plugin unresponsive within detectWithin, then
// serving from a new process.
func watchReplacement(t *testing.T, g *gateway, name string, oldPid int, frozen time.Time) replacement {
	t.Helper()
	var r replacement
	for r.detected == 0 {
		code, h, err := readHealth(g)
		if err == nil && h.plugin(name).State == "unresponsive" {
			r.detected, r.code, r.status = time.Since(frozen), code, h.Status
			break
		}
		if time.Since(frozen) > detectWithin {
			t.Fatalf("%s not shown unresponsive within %v of the freeze: %+v", name, detectWithin, h.plugin(name))
		}
		time.Sleep(5 * time.Millisecond)
	}
	waitFor(t, name+" served by a new process", 15*time.Second, func() bool {
		_, h, err := readHealth(g)
		p := h.plugin(name)
		if err == nil && p.State == "serving" && p.Pid != oldPid {
			r.serving, r.newPid = time.Since(frozen), p.Pid
			return true
		}
		return false
	})
	if alive(oldPid) {
		t.Errorf("the frozen process %d of %s is still there", oldPid, name)
	}
	if p := pluginNow(t, g, name); p.Hangs != 1 {
		t.Errorf("%s: hangs = %d, want 1", name, p.Hangs)
	}
	// The log names the plugin and the pid.
	if !regexp.MustCompile(`plugin process unresponsive.*plugin=` + regexp.QuoteMeta(name) + ` pid=` + strconv.Itoa(oldPid) + `\b`).MatchString(g.output()) {
		t.Errorf("no log line names %s and pid %d:\n%s", name, oldPid, tail(g.output(), 3000))
	}
	t.Logf("%s frozen: unresponsive after %v (/health %d %s), new pid serving after %v",
		name, r.detected.Round(time.Millisecond), r.code, r.status, r.serving.Round(time.Millisecond))
	return r
}

// result is one request of the background load.
type result struct {
	start   time.Time
	latency time.Duration
	status  int
	model   string // model_used of a /generate answer ("" for a stream)
	err     string
}

// startTimedLoad sends requests from n workers, each pausing pause between them, until
// stop is called; stop returns every result.
func startTimedLoad(g *gateway, n int, pause time.Duration, path string, body map[string]any) (stop func() []result) {
	var (
		mu   sync.Mutex
		out  []result
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	raw, _ := json.Marshal(body)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				case <-time.After(pause):
				}
				r := result{start: time.Now()}
				resp, err := client.Post(g.url()+path, "application/json", bytes.NewReader(raw))
				if err != nil {
					r.err = err.Error()
				} else {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					r.status = resp.StatusCode
					r.model, r.err = answerModel(b)
				}
				r.latency = time.Since(r.start)
				mu.Lock()
				out = append(out, r)
				mu.Unlock()
			}
		}()
	}
	return func() []result {
		close(done)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return out
	}
}

// answerModel finds which model answered a /generate body or a chat stream,
// and an error event of a stream.
func answerModel(b []byte) (model, streamErr string) {
	var m struct {
		ModelUsed string `json:"model_used"`
	}
	if json.Unmarshal(b, &m) == nil && m.ModelUsed != "" {
		return m.ModelUsed, ""
	}
	events := sseEvents(b)
	for _, e := range events {
		if strings.Contains(e, `"error"`) {
			return "", e
		}
	}
	if len(events) > 0 && events[len(events)-1] != "[DONE]" {
		return "", "stream did not end with [DONE]"
	}
	return "", ""
}

// recovered waits until a request succeeds again, without a manual step.
func recovered(t *testing.T, g *gateway, body map[string]any) {
	t.Helper()
	waitFor(t, "requests to succeed again", 10*time.Second, func() bool {
		return postJSON(t, g.url()+"/generate", body, nil).status == 200
	})
}

func TestFrozenStagesAreReplaced(t *testing.T) {
	s := startSim(t)
	file := writePipeline(t, providersHCL(s)+fmt.Sprintf(`
plugin "guard-injection" {
  path = %q
}

plugin "ratelimit" {
  path = %q
}

pipeline "default" {
  stage "guard" {
    plugin   = "guard-injection"
    on_error = "fail_closed"
    timeout  = "200ms"
    parallel = true
  }
  stage "ratelimit" {
    plugin   = "ratelimit"
    on_error = "fail_open"
    timeout  = "250ms"
    parallel = true
    config = {
      rpm = 100000
    }
  }
}
`, binPath("plugins/guard-injection"), binPath("plugins/ratelimit")))
	g := startGateway(t, file)
	body := map[string]any{"prompt": "What is the capital of France?"}
	for _, c := range []struct {
		plugin   string
		required bool // a fail-closed stage: /health is 503 degraded while it is out
	}{{"guard-injection", true}, {"ratelimit", false}} {
		t.Run(c.plugin, func(t *testing.T) {
			stop := startTimedLoad(g, 2, 100*time.Millisecond, "/generate", body)
			time.Sleep(300 * time.Millisecond)
			old := pluginNow(t, g, c.plugin).Pid
			r := watchReplacement(t, g, c.plugin, old, freeze(t, old))
			wantCode, wantStatus := 200, "ok"
			if c.required {
				wantCode, wantStatus = 503, "degraded"
			}
			if r.code != wantCode || r.status != wantStatus {
				t.Errorf("/health while %s was unresponsive: %d %s, want %d %s", c.plugin, r.code, r.status, wantCode, wantStatus)
			}
			recovered(t, g, body)
			results := stop()
			if len(results) == 0 {
				t.Fatal("no load ran")
			}
			for _, res := range results {
				// A frozen fail-closed stage refuses (503) until it is
				// replaced; a fail-open one is skipped. Nothing waits long.
				if res.latency > detectWithin {
					t.Errorf("a request took %v", res.latency)
				}
				if !c.required && res.status != 200 {
					t.Errorf("a fail-open stage's hang failed a request: %d %s", res.status, res.err)
				}
			}
		})
	}
	if m := get(t, g.url()+"/metrics"); !strings.Contains(string(m.body), `llmgw_plugin_unresponsive_total{plugin="guard-injection"} 1`) ||
		!strings.Contains(string(m.body), `llmgw_plugin_state{plugin="guard-injection",state="serving"} 1`) {
		t.Errorf("/metrics lacks the hang count or state:\n%s", grepLines(string(m.body), "llmgw_plugin_"))
	}
}

// grepLines keeps the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestFrozenProviderAddsOnlyDetectionTime: with the default 15 s first-byte
// deadline, requests caught on a frozen primary provider fall back as soon
// as it is declared unresponsive, and it serves again once replaced.
func TestFrozenProviderAddsOnlyDetectionTime(t *testing.T) {
	s := startSim(t)
	// Models with the default 15 s first-byte deadline over the simulator's
	// providers (whose breakers are off, so the replaced primary is tried
	// again at once).
	file := writePipeline(t, providersHCL(s)+`
model "patient-primary" {
  provider = "openai"
  upstream = "gpt-4o"
}

model "patient-secondary" {
  provider = "gemini"
  upstream = "gemini-2.0-flash"
}

model "patient-router" {
  fallback = ["patient-primary", "patient-secondary"]
}
`)
	g := startGateway(t, file)
	stopPlain := startTimedLoad(g, 3, 50*time.Millisecond, "/generate", map[string]any{"prompt": "hello", "model": "patient-router"})
	stopStream := startTimedLoad(g, 1, 50*time.Millisecond, "/v1/chat/completions", map[string]any{"model": "patient-router", "stream": true,
		"messages": []map[string]string{{"role": "user", "content": "hello stream"}}})
	time.Sleep(time.Second)
	old := pluginNow(t, g, "provider-openai").Pid
	frozen := freeze(t, old)
	r := watchReplacement(t, g, "provider-openai", old, frozen)
	if r.code != 503 || r.status != "degraded" {
		t.Errorf("/health while the provider was unresponsive: %d %s, want 503 degraded", r.code, r.status)
	}
	// Run on until the new process has answered for a while.
	time.Sleep(1500 * time.Millisecond)
	results := append(stopPlain(), stopStream()...)

	var caught, before, after int
	var worst time.Duration
	for _, res := range results {
		if res.status != 200 || res.err != "" {
			t.Errorf("a request failed: %d %s", res.status, res.err)
			continue
		}
		switch {
		case res.start.Before(frozen):
			before++
		case res.start.After(frozen.Add(r.serving)):
			if res.model == "patient-primary" {
				after++
			}
		}
		if res.start.Add(res.latency).After(frozen) && res.start.Before(frozen.Add(r.detected)) {
			caught++
			worst = max(worst, res.latency)
		}
	}
	t.Logf("%d requests (%d before the freeze), %d caught on the frozen provider: the slowest took %v (detection %v); %d answered by the replaced primary",
		len(results), before, caught, worst.Round(time.Millisecond), r.detected.Round(time.Millisecond), after)
	if caught == 0 {
		t.Fatal("no request was caught on the frozen provider")
	}
	// At most the detection time (plus scheduling slack), never the 15 s
	// first-byte deadline.
	if worst > r.detected+time.Second {
		t.Errorf("a request caught on the frozen provider took %v, detection took %v", worst, r.detected)
	}
	if after == 0 {
		t.Error("the replaced primary provider answered nothing")
	}
}

// TestBusyPluginIsNotReplaced: a stage busy for 5 s of CPU-bound work in one
// call keeps answering the liveness checks.
func TestBusyPluginIsNotReplaced(t *testing.T) {
	s := startSim(t)
	file := writePipeline(t, providersHCL(s)+fmt.Sprintf(`
plugin "testplugin" {
  path = %q
}

pipeline "default" {
  stage "busy" {
    plugin   = "testplugin"
    on_error = "fail_closed"
    timeout  = "20s"
    config = {
      burn_word = "burn"
      burn      = "5s"
    }
  }
}
`, testPluginBin))
	g := startGateway(t, file)
	before := pluginNow(t, g, "testplugin")
	start := time.Now()
	done := make(chan reply, 1)
	go func() {
		resp, err := client.Post(g.url()+"/generate", "application/json", strings.NewReader(`{"prompt":"burn some CPU"}`))
		if err != nil {
			done <- reply{}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- reply{status: resp.StatusCode, body: b}
	}()
	var r reply
	for r.status == 0 {
		select {
		case r = <-done:
			if r.status == 0 {
				t.Fatal("the busy request failed")
			}
		case <-time.After(100 * time.Millisecond):
			if p := pluginNow(t, g, "testplugin"); p.State != "serving" || p.Pid != before.Pid {
				t.Fatalf("the busy plugin was treated as hung after %v: %+v", time.Since(start), p)
			}
		}
	}
	took := time.Since(start)
	if r.status != 200 || took < 5*time.Second {
		t.Fatalf("the busy request: %d after %v: %s", r.status, took, r.body)
	}
	if p := pluginNow(t, g, "testplugin"); p.Pid != before.Pid || p.Hangs != 0 || p.Restarts != 0 {
		t.Errorf("after 5 s of CPU-bound work: %+v", p)
	}
}

// TestFrozenPythonPluginIsReplaced: sdk/python answers the liveness checks
// (the plugin is left alone while it runs), and a frozen Python plugin is
// replaced like a Go one.
func TestFrozenPythonPluginIsReplaced(t *testing.T) {
	pythonVenv(t)
	s := startSim(t)
	file := writePipeline(t, providersHCL(s)+fmt.Sprintf(`
plugin "keyword-block" {
  path = %q
}

pipeline "default" {
  stage "keyword-block" {
    plugin   = "keyword-block"
    on_error = "fail_closed"
    timeout  = "1s"
    config = {
      words = ["forbidden-word"]
    }
  }
}
`, filepath.Join(root, "examples", "python-plugin", "keyword-block")))
	g := startGateway(t, file)
	body := map[string]any{"prompt": "hello"}
	stop := startTimedLoad(g, 1, 100*time.Millisecond, "/generate", body)
	// Longer than three liveness intervals: answered checks keep it.
	time.Sleep(4 * time.Second)
	first := pluginNow(t, g, "keyword-block")
	if first.Hangs != 0 || first.Restarts != 0 || first.State != "serving" {
		t.Fatalf("a healthy Python plugin was replaced: %+v", first)
	}
	r := watchReplacement(t, g, "keyword-block", first.Pid, freeze(t, first.Pid))
	if r.code != 503 || r.status != "degraded" {
		t.Errorf("/health while the Python stage was unresponsive: %d %s", r.code, r.status)
	}
	recovered(t, g, body)
	stop()
	if r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "a forbidden-word here"}, nil); r.status != 400 {
		t.Errorf("the replaced Python stage does not enforce its config: %d %s", r.status, r.body)
	}
}

// TestFrozenTrackerDeliversExactlyOnce: events wait in the host's bounded
// queue while the tracker is frozen; its replacement gets what was not
// acknowledged, and MLflow ends with every request exactly once.
func TestFrozenTrackerDeliversExactlyOnce(t *testing.T) {
	s := startSim(t)
	m := startMLflow(t, freeAddr(t), filepath.Join(t.TempDir(), "mlflow.db"))
	g := startGateway(t, writePipeline(t, providersHCL(s)+trackerHCL(m, "e2e-frozen-tracker")))
	dumpOnFailure(t, "gateway", g.proc)
	var ids []string
	send := func(n int) {
		for i := 0; i < n; i++ {
			r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": fmt.Sprintf("track me %d", len(ids))}, nil)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			ids = append(ids, r.header.Get("X-Request-ID"))
			time.Sleep(20 * time.Millisecond)
		}
	}
	send(20)
	old := pluginNow(t, g, "tracker-mlflow").Pid
	frozen := freeze(t, old)
	// Requests go on while the tracker is frozen; their events are held.
	send(20)
	held := queueDepth(t, g)
	r := watchReplacement(t, g, "tracker-mlflow", old, frozen)
	if r.code != 200 || r.status != "ok" {
		t.Errorf("/health while the tracker was unresponsive: %d %s (a tracker is not required)", r.code, r.status)
	}
	send(20)
	t.Logf("%d events held in the host's queue while the tracker was frozen", held)
	if held == 0 {
		t.Error("no events were held for the frozen tracker")
	}
	var got map[string]traceInfo
	waitFor(t, "every request's trace in MLflow", 90*time.Second, func() bool {
		got = byRequest(t, m.traces(t, "e2e-frozen-tracker"))
		return len(got) >= len(ids)
	})
	for _, id := range ids {
		if _, ok := got[id]; !ok {
			t.Errorf("request %s has no trace", id)
		}
	}
	if len(got) != len(ids) {
		t.Errorf("%d traces for %d requests", len(got), len(ids))
	}
	waitFor(t, "the host's tracker queue to drain", 10*time.Second, func() bool { return queueDepth(t, g) == 0 })
}

// queueDepth reads llmgw_tracker_queue_depth (queued and unacknowledged events).
func queueDepth(t *testing.T, g *gateway) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^llmgw_tracker_queue_depth (\S+)$`).FindSubmatch(get(t, g.url()+"/metrics").body)
	if m == nil {
		t.Fatal("no llmgw_tracker_queue_depth in /metrics")
	}
	f, _ := strconv.ParseFloat(string(m[1]), 64)
	return int(f)
}
