package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// load sends requests through smart-router from a few clients until stop is
// closed, and counts the answers that were not 200.
type load struct {
	ok, failed atomic.Int64
	mu         sync.Mutex
	failures   []string
	stop       chan struct{}
	wg         sync.WaitGroup
}

func startLoad(t testing.TB, url string, clients int, body map[string]any) *load {
	l := &load{stop: make(chan struct{})}
	for i := 0; i < clients; i++ {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				r := postJSON(t, url, body, nil)
				if r.status == 200 {
					l.ok.Add(1)
					continue
				}
				l.failed.Add(1)
				l.mu.Lock()
				if len(l.failures) < 5 {
					l.failures = append(l.failures, fmt.Sprintf("%d %s", r.status, r.body))
				}
				l.mu.Unlock()
			}
		}()
	}
	return l
}

func (l *load) finish(t testing.TB) {
	t.Helper()
	close(l.stop)
	l.wg.Wait()
	if l.failed.Load() > 0 || l.ok.Load() == 0 {
		t.Errorf("under load: %d ok, %d failed: %v", l.ok.Load(), l.failed.Load(), l.failures)
	}
	t.Logf("load: %d requests answered 200", l.ok.Load())
}

func modelNames(t testing.TB, g *gateway) []string {
	var m struct{ Models []struct{ Name string } }
	_ = json.Unmarshal(get(t, g.url()+"/models").body, &m)
	var out []string
	for _, x := range m.Models {
		out = append(out, x.Name)
	}
	return out
}

// replaceFile writes the file the way editors do: a new file renamed over it.
func replaceFile(t testing.TB, file, text string) {
	t.Helper()
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
}

func TestReloadUnderLoadDropsNothing(t *testing.T) {
	s := startSim(t)
	base := providersHCL(s)
	stage := func(v int) string { return testStageHCL(fmt.Sprintf(`    config = { header = "v%d" }`, v)) }
	file := writePipeline(t, base+stage(0))
	g := startGateway(t, file)
	l := startLoad(t, g.url()+"/generate", 4, map[string]any{"prompt": "steady"})
	for i := 1; i <= 20; i++ {
		text := base + stage(i)
		extra := fmt.Sprintf("reload-model-%d", i)
		if i%2 == 1 {
			text += fmt.Sprintf("\nmodel %q {\n  provider = \"gemini\"\n  upstream = \"gemini-2.0-flash\"\n}\n", extra)
		}
		if i%3 == 0 {
			replaceFile(t, file, text)
		} else if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		written := time.Now()
		waitFor(t, fmt.Sprintf("reload %d to show in /models", i), 2*time.Second, func() bool {
			has := strings.Contains(strings.Join(modelNames(t, g), ","), extra)
			if has != (i%2 == 1) {
				return false
			}
			r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "probe"}, nil)
			return r.header.Get("X-Test-Stage") == fmt.Sprintf("v%d", i)
		})
		t.Logf("reload %d visible after %v", i, time.Since(written).Round(time.Millisecond))
	}
	l.finish(t)
	var h struct {
		Generation int
		LastReload struct{ OK bool } `json:"last_reload"`
		Plugins    []struct{ Name string }
	}
	_ = json.Unmarshal(get(t, g.url()+"/health").body, &h)
	if h.Generation != 21 || !h.LastReload.OK {
		t.Errorf("health after 20 reloads: %+v", h)
	}
	// Unchanged plugin processes were reused, not multiplied.
	if n := len(childPIDs(g.cmd.Process.Pid)); n != 3 {
		waitFor(t, "old processes to be released", 5*time.Second, func() bool { return len(childPIDs(g.cmd.Process.Pid)) == 3 })
	}
}

func TestBrokenEditChangesNothing(t *testing.T) {
	s := startSim(t)
	file := writePipeline(t, providersHCL(s))
	g := startGateway(t, file, "LLMGW_ADMIN_TOKEN=s3cret")
	broken := providersHCL(s) + "\nmodel \"oops\" {\n  provider = \"nope\"\n  upstream = \"x\"\n}\n"
	if err := os.WriteFile(file, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	r := do(t, "POST", g.url()+"/admin/reload", nil, map[string]string{"Authorization": "Bearer s3cret"})
	if r.status != 400 || r.errorCode(t) != "invalid_pipeline" || !positionRE.Match(r.body) {
		t.Fatalf("a broken edit must answer 400 invalid_pipeline with its position: %d %s", r.status, r.body)
	}
	if r := do(t, "POST", g.url()+"/admin/reload", nil, nil); r.status != 401 || r.errorCode(t) != "unauthorized" {
		t.Errorf("no token: %d %s", r.status, r.body)
	}
	if r := do(t, "POST", g.url()+"/admin/reload", nil, map[string]string{"Authorization": "Bearer wrong"}); r.status != 401 {
		t.Errorf("wrong token: %d", r.status)
	}
	if r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x"}, nil); r.status != 200 {
		t.Errorf("the old pipeline stopped serving: %d %s", r.status, r.body)
	}
	var h struct {
		Status     string
		Generation int
		LastReload struct {
			OK    bool
			Error string
		} `json:"last_reload"`
	}
	_ = json.Unmarshal(get(t, g.url()+"/health").body, &h)
	if h.Generation != 1 || h.LastReload.OK || !strings.Contains(h.LastReload.Error, "nope") || h.Status != "ok" {
		t.Errorf("health after a failed reload: %+v", h)
	}
	// A file that parses but whose config a plugin refuses fails in the
	// build, after the plugins were asked: it takes no generation number.
	rejected := strings.Replace(providersHCL(s), `api_key  = "sim-key-openai"`, `api_key  = "sim-key-openai"
    no_such_setting = 1`, 1)
	if err := os.WriteFile(file, []byte(rejected), 0o644); err != nil {
		t.Fatal(err)
	}
	r = do(t, "POST", g.url()+"/admin/reload", nil, map[string]string{"Authorization": "Bearer s3cret"})
	if r.status != 400 || !strings.Contains(string(r.body), "no_such_setting") {
		t.Fatalf("a config the plugin refuses must answer 400 naming the setting: %d %s", r.status, r.body)
	}
	// A good edit through SIGHUP.
	if err := os.WriteFile(file, []byte(providersHCL(s)+"\nmodel \"later\" {\n  provider = \"openai\"\n  upstream = \"gpt-4o\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = g.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "SIGHUP reload", 3*time.Second, func() bool { return strings.Contains(strings.Join(modelNames(t, g), ","), "later") })
	_ = json.Unmarshal(get(t, g.url()+"/health").body, &h)
	if h.Generation != 2 {
		t.Errorf("failed reloads must not use up generation numbers: the second good load is generation %d, want 2", h.Generation)
	}
	r = do(t, "POST", g.url()+"/admin/reload", nil, map[string]string{"Authorization": "Bearer s3cret"})
	if gen, _ := r.json(t)["generation"].(float64); r.status != 200 || gen != 3 {
		t.Errorf("admin reload of a good file: %d %s (want generation 3)", r.status, r.body)
	}
}

func TestLongStreamFinishesOnItsGeneration(t *testing.T) {
	s := startSim(t)
	file := writePipeline(t, providersHCL(s))
	g := startGateway(t, file)
	postJSON(t, s.url()+"/sim/fault", map[string]any{"latency": "900ms"}, nil)
	done := make(chan streamReply, 1)
	go func() {
		done <- postStream(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary", "stream": true,
			"messages": []map[string]string{{"role": "user", "content": "a long story"}}})
	}()
	time.Sleep(300 * time.Millisecond)
	// The new generation drops the OpenAI-compatible provider entirely.
	only := fmt.Sprintf(`
plugin "provider-gemini" {
  path = %q
}
provider "gemini" {
  plugin = "provider-gemini"
  config = { api_key = "k", base_url = %q }
}
model "gemini-secondary" {
  provider = "gemini"
  upstream = "gemini-2.0-flash"
}
`, binPath("plugins/provider-gemini"), s.url())
	replaceFile(t, file, only)
	waitFor(t, "the reload", 3*time.Second, func() bool { return strings.Join(modelNames(t, g), ",") == "gemini-secondary" })
	r := <-done
	if r.status != 200 || !r.done() || r.errorEvent() != nil {
		t.Fatalf("a stream begun before the reload must finish on the old generation: %d %s", r.status, r.raw)
	}
	postJSON(t, s.url()+"/sim/fault", map[string]any{"latency": "0s"}, nil)
	waitFor(t, "the unused provider process to stop", 5*time.Second, func() bool { return len(childPIDs(g.cmd.Process.Pid)) == 1 })
}

func TestKilledPluginsAreRestartedWithoutFailedRequests(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)+testStageHCL("")))
	l := startLoad(t, g.url()+"/generate", 4, map[string]any{"prompt": "survive"})
	type plug struct {
		Name, State   string
		Pid, Restarts int
	}
	health := func() (string, []plug) {
		var h struct {
			Status  string
			Plugins []plug
		}
		_ = json.Unmarshal(get(t, g.url()+"/health").body, &h)
		return h.Status, h.Plugins
	}
	_, plugins := health()
	for _, p := range plugins {
		time.Sleep(300 * time.Millisecond)
		if err := syscall.Kill(p.Pid, syscall.SIGKILL); err != nil {
			t.Fatalf("kill %s: %v", p.Name, err)
		}
		waitFor(t, p.Name+" to be back", 5*time.Second, func() bool {
			status, now := health()
			for _, q := range now {
				if q.Name == p.Name {
					return status == "ok" && q.State == "serving" && q.Pid != p.Pid && q.Restarts == p.Restarts+1
				}
			}
			return false
		})
	}
	time.Sleep(300 * time.Millisecond)
	l.finish(t)
	if g.exited() {
		t.Fatal("the host went down")
	}
}

func TestSIGTERMFinishesInFlightRequests(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	postJSON(t, s.url()+"/sim/fault", map[string]any{"latency": "700ms"}, nil)
	done := make(chan reply, 1)
	go func() {
		done <- postJSON(t, g.url()+"/generate", map[string]any{"prompt": "finish me", "model": "gemini-secondary"}, nil)
	}()
	time.Sleep(200 * time.Millisecond)
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	r := <-done
	if r.status != 200 {
		t.Errorf("an in-flight request was cut by SIGTERM: %d %s", r.status, r.body)
	}
	<-g.done
}
