package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pipeline"
)

const testAdminToken = "adm-unit-0123456789"

// uiServer is the API over a runtime that has loaded nothing, with the
// pipeline file text given.
func uiServer(t *testing.T, adminToken, fileText string) http.Handler {
	t.Helper()
	file := filepath.Join(t.TempDir(), "pipeline.hcl")
	if err := os.WriteFile(file, []byte(fileText), 0o600); err != nil {
		t.Fatal(err)
	}
	rt := pipeline.NewRuntime(pipeline.Options{Logger: hclog.NewNullLogger(), File: file, DataDir: t.TempDir(), DrainTimeout: time.Second, StartTimeout: time.Second, TrackerQueue: 4})
	t.Cleanup(func() { rt.Shutdown(time.Second) })
	return New(rt, config.Settings{AdminToken: adminToken, MaxInflight: 10, MaxBodyBytes: 1 << 20}, hclog.NewNullLogger())
}

func serveUI(h http.Handler, method, path string, body string, header map[string]string) *httptest.ResponseRecorder {
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// signIn signs in and returns the session cookie header.
func signIn(t *testing.T, h http.Handler) string {
	t.Helper()
	w := serveUI(h, http.MethodPost, "/ui/login", "token="+url.QueryEscape(testAdminToken), map[string]string{"Origin": "http://example.com"})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d %s", w.Code, w.Body)
	}
	c := w.Result().Cookies()
	if len(c) != 1 || c[0].Name != sessionCookie || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode || c[0].Path != "/ui" {
		t.Fatalf("session cookie: %+v", c)
	}
	return sessionCookie + "=" + c[0].Value
}

func TestUIOffWithoutAdminToken(t *testing.T) {
	h := uiServer(t, "", "")
	for _, p := range []string{"/ui", "/ui/static/app.js", "/ui/api/state", "/ui/api/keys"} {
		if w := serveUI(h, http.MethodGet, p, "", nil); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), `"not_found"`) {
			t.Errorf("GET %s: %d %s", p, w.Code, w.Body)
		}
	}
	if w := serveUI(h, http.MethodPost, "/ui/login", "token=x", nil); w.Code != http.StatusNotFound {
		t.Errorf("POST /ui/login: %d", w.Code)
	}
}

func TestUISignInAndSession(t *testing.T) {
	h := uiServer(t, testAdminToken, "")
	// Signed out: the form only, and no data.
	w := serveUI(h, http.MethodGet, "/ui", "", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `type="password"`) || strings.Contains(w.Body.String(), `id="pipeline"`) {
		t.Fatalf("signed-out page: %d %s", w.Code, w.Body)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP: %q", csp)
	}
	if w := serveUI(h, http.MethodGet, "/ui/api/state", "", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("state without a session: %d", w.Code)
	}
	// A wrong token, a cross-site post: refused, no cookie.
	if w := serveUI(h, http.MethodPost, "/ui/login", "token=nope", nil); w.Code != http.StatusUnauthorized || len(w.Result().Cookies()) != 0 {
		t.Errorf("wrong token: %d %v", w.Code, w.Result().Cookies())
	}
	if w := serveUI(h, http.MethodPost, "/ui/login", "token="+testAdminToken, map[string]string{"Origin": "http://evil.test"}); w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
		t.Errorf("cross-site sign-in: %d", w.Code)
	}
	if w := serveUI(h, http.MethodGet, "/ui/api/state", "", map[string]string{"Cookie": sessionCookie + "=forged"}); w.Code != http.StatusUnauthorized {
		t.Errorf("forged session: %d", w.Code)
	}

	cookie := signIn(t, h)
	w = serveUI(h, http.MethodGet, "/ui", "", map[string]string{"Cookie": cookie})
	if !strings.Contains(w.Body.String(), `id="pipeline"`) {
		t.Fatalf("signed-in page lacks the dashboard: %s", w.Body)
	}
	w = serveUI(h, http.MethodGet, "/ui/api/state", "", map[string]string{"Cookie": cookie})
	var st struct {
		CSRF   string `json:"csrf"`
		Health struct {
			Status string `json:"status"`
		} `json:"health"`
		Traffic struct {
			Step int64   `json:"step_s"`
			T    []int64 `json:"t"`
		} `json:"traffic"`
	}
	// A gateway just started: its series start at its start (at least two
	// points), not five minutes back.
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil || w.Code != 200 || len(st.CSRF) != 64 || st.Health.Status != "degraded" || st.Traffic.Step != 1 || len(st.Traffic.T) < 2 || len(st.Traffic.T) > 60 {
		t.Fatalf("state: %d %v %s", w.Code, err, w.Body)
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("state Cache-Control %q", w.Header().Get("Cache-Control"))
	}
	w = serveUI(h, http.MethodGet, "/ui/api/state?window=1h", "", map[string]string{"Cookie": cookie})
	if !strings.Contains(w.Body.String(), `"step_s":60`) {
		t.Errorf("window=1h is not per minute: %.200s", w.Body)
	}

	// Changing actions need the session's CSRF token.
	for _, tok := range []string{"", "0000"} {
		if w := serveUI(h, http.MethodPost, "/ui/api/reload", "", map[string]string{"Cookie": cookie, "X-CSRF-Token": tok}); w.Code != http.StatusForbidden {
			t.Errorf("reload with CSRF %q: %d", tok, w.Code)
		}
	}
	// With it, the reload runs (and fails: the file is empty of models).
	if w := serveUI(h, http.MethodPost, "/ui/api/reload", "", map[string]string{"Cookie": cookie, "X-CSRF-Token": st.CSRF}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"invalid_pipeline"`) {
		t.Errorf("reload: %d %s", w.Code, w.Body)
	}
	// Sign-out ends the session.
	if w := serveUI(h, http.MethodPost, "/ui/logout", "", map[string]string{"Cookie": cookie, "X-CSRF-Token": st.CSRF}); w.Code != http.StatusNoContent {
		t.Errorf("logout: %d", w.Code)
	}
	if w := serveUI(h, http.MethodGet, "/ui/api/state", "", map[string]string{"Cookie": cookie}); w.Code != http.StatusUnauthorized {
		t.Errorf("state after logout: %d", w.Code)
	}
}

func TestUIPipelineFileHidesLiteralSecrets(t *testing.T) {
	h := uiServer(t, testAdminToken, `provider "x" {
  config = {
    api_key   = "sk-live-123"
    "client_secret" = "s3cr3t"
    base_url  = "https://api.example.com"
    auth_token = env("TOKEN", "")
    redis_url  = "redis://:r3dis-pw@cache.internal:6379/0"
    alert_webhook = "https://hooks.example.com/services/T0/B0/w3bh00k"
  }
}
`)
	cookie := signIn(t, h)
	w := serveUI(h, http.MethodGet, "/ui/api/state", "", map[string]string{"Cookie": cookie})
	var st struct {
		Pipeline struct{ Text string } `json:"pipeline"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"sk-live-123", "s3cr3t", "r3dis-pw", "w3bh00k"} {
		if strings.Contains(st.Pipeline.Text, secret) {
			t.Errorf("the page shows %q:\n%s", secret, st.Pipeline.Text)
		}
	}
	for _, kept := range []string{`"https://api.example.com"`, `env("TOKEN", "")`, `api_key   = "…redacted…"`, `"redis://…redacted…@cache.internal:6379/0"`} {
		if !strings.Contains(st.Pipeline.Text, kept) {
			t.Errorf("the page lost %s:\n%s", kept, st.Pipeline.Text)
		}
	}
}

func TestUISessionsAreBounded(t *testing.T) {
	var u uiSessions
	now := time.Now()
	first := u.create(now)
	for i := 0; i < maxSessions+10; i++ {
		u.create(now.Add(time.Duration(i+1) * time.Millisecond))
	}
	if len(u.byID) != maxSessions {
		t.Errorf("%d sessions kept, want %d", len(u.byID), maxSessions)
	}
	if _, ok := u.get(first, now); ok {
		t.Error("the oldest session survived")
	}
	id := u.create(now)
	if _, ok := u.get(id, now.Add(sessionTTL+time.Second)); ok {
		t.Error("an expired session is still valid")
	}
}
