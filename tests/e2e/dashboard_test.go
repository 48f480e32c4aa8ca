package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The dashboard (GET /ui) is tested in a real browser: tests/ui/dashboard.test.mjs
// drives Debian's chromium with playwright-core (make deps installs both)
// against a gateway this test starts and sends real traffic through.

// dashboardDeps finds the browser and the playwright-core package.
func dashboardDeps(t *testing.T) (chromium string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, "tests", "ui", "node_modules", "playwright-core", "package.json")); err != nil {
		t.Fatal("playwright-core is missing from tests/ui/node_modules: run `make deps` (or `make ui-deps`)")
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not on PATH: run `make deps` (it installs Debian's chromium)")
	return ""
}

// dashboardHCL is a pipeline with every section's source: the key stage, a
// parallel guard and rate limiter, two providers and a fallback chain; the
// file is not watched, so only the reload button reloads it.
func dashboardHCL(s *sim) string {
	return providersHCL(s) + fmt.Sprintf(`
server {
  watch = false
}

plugin "virtual-keys" {
  path = %q
}

plugin "guard-injection" {
  path = %q
}

plugin "ratelimit" {
  path = %q
}

pipeline "default" {
  stage "keys" {
    plugin = "virtual-keys"
    config = { require_keys = "0", teams = { lab = { budget_usd = 0.01, budget_period = "month" } } }
  }
  stage "guard" {
    plugin   = "guard-injection"
    parallel = true
    config   = { mode = "block" }
  }
  stage "ratelimit" {
    plugin   = "ratelimit"
    on_error = "fail_open"
    parallel = true
    config   = { rpm = 100000 }
  }
}
`, binPath("plugins/virtual-keys"), binPath("plugins/guard-injection"), binPath("plugins/ratelimit"))
}

func TestDashboardInBrowser(t *testing.T) {
	chromium := dashboardDeps(t)
	s := startSim(t)
	file := writePipeline(t, dashboardHCL(s))
	g := startGateway(t, file, "LLMGW_ADMIN_TOKEN="+adminToken)
	keyID, secret := createKey(t, g, map[string]any{"name": "team-dash", "budget_usd": 0.001, "budget_period": "month", "team": "lab"})

	// Real traffic of every kind the page shows.
	for i := 0; i < 6; i++ {
		if r := generateWith(t, g, "gpt-4o-primary", bearer(secret)); r.status != 200 {
			t.Fatalf("keyed request: %d %s", r.status, r.body)
		}
		if r := generateWith(t, g, "smart-router", nil); r.status != 200 {
			t.Fatalf("request: %d %s", r.status, r.body)
		}
	}
	for i := 0; i < 3; i++ {
		if r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": guardAttack, "model": "smart-router"}, nil); r.status != 400 {
			t.Fatalf("the guard let an attack through: %d %s", r.status, r.body)
		}
	}
	s.fault(t, "gpt-4o", "500")
	for i := 0; i < 2; i++ {
		if r := generateWith(t, g, "smart-router", nil); r.status != 200 || r.header.Get("X-LLMGW-Model-Used") != "gemini-secondary" {
			t.Fatalf("fallback: %d %s %s", r.status, r.header.Get("X-LLMGW-Model-Used"), r.body)
		}
	}
	s.fault(t, "", "none")
	if sp := spendOf(t, g, keyID); sp.Sign() <= 0 {
		t.Fatalf("the key spent nothing (%s): the budget bar would be empty", sp.FloatString(9))
	}

	shots := filepath.Join(root, "bin", "ui-screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"LLMGW_URL=" + g.url(), "LLMGW_ADMIN_TOKEN=" + adminToken, "LLMGW_PIPELINE=" + file,
		"LLMGW_KEY_ID=" + keyID, "CHROMIUM=" + chromium, "SCREENSHOT_DIR=" + shots, "NO_COLOR=1"}
	stop := backgroundTraffic(g)
	out := runTool(t, 6*time.Minute, filepath.Join(root, "tests", "ui"), env, "node", "--test", "--test-reporter=tap", "dashboard.test.mjs")
	stop()
	if m := nodeSummary.FindStringSubmatch(out); m == nil || m[1] == "0" {
		t.Fatalf("node --test ran no test:\n%s", tail(out, 4000))
	}
	if m := nodeFailed.FindStringSubmatch(out); m == nil || m[1] != "0" {
		t.Fatalf("node --test reported failures:\n%s", tail(out, 8000))
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "page load:") {
			t.Log(strings.TrimSpace(line))
		}
	}
	for _, f := range []string{"signin.png", "dashboard-1400.png", "dashboard-phone.png"} {
		if st, err := os.Stat(filepath.Join(shots, f)); err != nil || st.Size() < 1000 {
			t.Errorf("screenshot %s missing or empty (%v)", f, err)
		}
	}
}

// backgroundTraffic keeps requests flowing (about 10 a second, one in ten
// an attack the guard blocks) while the page is open, so its charts move;
// the returned function stops it and waits.
func backgroundTraffic(g *gateway) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := &http.Client{Timeout: 5 * time.Second}
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			prompt, model := "hello there", []string{"smart-router", "gpt-4o-primary", "gemini-secondary"}[i%3]
			if i%10 == 9 {
				prompt = guardAttack
			}
			body := fmt.Sprintf(`{"prompt":%q,"model":%q,"max_tokens":20}`, prompt, model)
			if resp, err := c.Post(g.url()+"/generate", "application/json", strings.NewReader(body)); err == nil {
				resp.Body.Close()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// TestDashboardOffWithoutAdminToken: without LLMGW_ADMIN_TOKEN every /ui
// route answers 404, as the admin API does.
func TestDashboardOffWithoutAdminToken(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, providersHCL(s)))
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/ui"}, {http.MethodGet, "/ui/static/app.js"}, {http.MethodGet, "/ui/api/state"},
		{http.MethodPost, "/ui/login"}, {http.MethodPost, "/ui/api/reload"},
	} {
		r := do(t, c.method, g.url()+c.path, strings.NewReader("token=x"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		if r.status != http.StatusNotFound || r.errorCode(t) != "not_found" {
			t.Errorf("%s %s without an admin token: %d %s", c.method, c.path, r.status, r.body)
		}
	}
}

// uiSession signs in to the dashboard over HTTP and returns the cookie.
func uiSession(t *testing.T, g *gateway) string {
	t.Helper()
	noRedirect := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(g.url()+"/ui/login", map[string][]string{"token": {adminToken}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "llmgw_ui" {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("sign-in answered %d without a session cookie", resp.StatusCode)
	return ""
}

// TestDashboardLinksToMLflowTraces: a recent request's MLflow link leads
// to the trace MLflow really holds for that request.
func TestDashboardLinksToMLflowTraces(t *testing.T) {
	s := startSim(t)
	m := startMLflow(t, freeAddr(t), filepath.Join(t.TempDir(), "mlflow.db"))
	g := startGateway(t, writePipeline(t, providersHCL(s)+trackerHCL(m, "e2e-dashboard")), "LLMGW_ADMIN_TOKEN="+adminToken)
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "trace me"}, nil)
	if r.status != 200 {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	reqID := r.header.Get("X-Request-ID")
	cookie := uiSession(t, g)

	var state struct {
		MLflow *struct{ URI, Experiment string } `json:"mlflow"`
		Recent []struct {
			RequestID string `json:"request_id"`
			EventID   string `json:"event_id"`
		} `json:"recent"`
	}
	if err := json.Unmarshal(do(t, http.MethodGet, g.url()+"/ui/api/state", nil, map[string]string{"Cookie": cookie}).body, &state); err != nil {
		t.Fatal(err)
	}
	if state.MLflow == nil || state.MLflow.URI != m.url() || state.MLflow.Experiment != "e2e-dashboard" || len(state.Recent) != 1 || state.Recent[0].RequestID != reqID || state.Recent[0].EventID == "" {
		t.Fatalf("state: %+v", state)
	}
	var traced map[string]traceInfo
	waitFor(t, "the request's trace in MLflow", 60*time.Second, func() bool {
		traced = byRequest(t, m.traces(t, "e2e-dashboard"))
		return traced[reqID].TraceID != ""
	})
	exp := get(t, m.url()+"/api/2.0/mlflow/experiments/get-by-name?experiment_name=e2e-dashboard").json(t)["experiment"].(map[string]any)["experiment_id"]

	noRedirect := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, g.url()+"/ui/trace/"+state.Recent[0].EventID, nil)
	req.Header.Set("Cookie", cookie)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := fmt.Sprintf("%s/#/experiments/%s/traces/%s", m.url(), exp, traced[reqID].TraceID)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatalf("trace link: %d %q, want %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	// Signed out, the link is refused.
	if r := get(t, g.url()+"/ui/trace/"+state.Recent[0].EventID); r.status != http.StatusUnauthorized {
		t.Errorf("trace link without a session: %d", r.status)
	}
}
