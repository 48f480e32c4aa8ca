package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/mux"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/pipeline"
)

// The dashboard (GET /ui): static files embedded in the binary, and a few
// JSON routes under /ui/api that the page polls. It is on only when
// LLMGW_ADMIN_TOKEN is set, like the admin API; the token is asked once in a
// sign-in form and traded for a session cookie (HttpOnly, SameSite=Strict),
// and actions that change something also need the session's CSRF token.

//go:embed ui
var uiFiles embed.FS

var (
	uiStatic = mustSub(uiFiles, "ui/static")
	uiPages  = template.Must(template.ParseFS(uiFiles, "ui/*.html"))
)

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

const (
	sessionCookie = "llmgw_ui"
	sessionTTL    = 12 * time.Hour
	maxSessions   = 256
	// recentShown is how many finished requests the page lists.
	recentShown = 300
)

// uiSession is a signed-in browser.
type uiSession struct {
	csrf    string
	expires time.Time
}

// uiSessions are the dashboard's sessions, in memory: a restart signs
// everyone out.
type uiSessions struct {
	mu   sync.Mutex
	byID map[string]uiSession
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// create starts a session and returns its id.
func (u *uiSessions) create(now time.Time) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byID == nil {
		u.byID = map[string]uiSession{}
	}
	for id, s := range u.byID {
		if now.After(s.expires) {
			delete(u.byID, id)
		}
	}
	// Full of live sessions: the one closest to its end makes room.
	for len(u.byID) >= maxSessions {
		oldest := ""
		for id, s := range u.byID {
			if oldest == "" || s.expires.Before(u.byID[oldest].expires) {
				oldest = id
			}
		}
		delete(u.byID, oldest)
	}
	id := randomToken()
	u.byID[id] = uiSession{csrf: randomToken(), expires: now.Add(sessionTTL)}
	return id
}

// get returns the live session of id.
func (u *uiSessions) get(id string, now time.Time) (uiSession, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	s, ok := u.byID[id]
	if !ok || now.After(s.expires) {
		return uiSession{}, false
	}
	return s, true
}

func (u *uiSessions) end(id string) {
	u.mu.Lock()
	delete(u.byID, id)
	u.mu.Unlock()
}

// routeUI adds the dashboard's routes.
func (s *Server) routeUI(r *mux.Router) {
	r.HandleFunc("/ui", s.uiPage).Methods(http.MethodGet)
	r.Handle("/ui/", http.RedirectHandler("/ui", http.StatusMovedPermanently)).Methods(http.MethodGet)
	r.PathPrefix("/ui/static/").Handler(s.uiOn(http.StripPrefix("/ui/static/", http.FileServerFS(uiStatic)))).Methods(http.MethodGet)
	r.HandleFunc("/ui/login", s.uiLogin).Methods(http.MethodPost)
	r.HandleFunc("/ui/logout", s.uiSigned(true, s.uiLogout)).Methods(http.MethodPost)
	r.HandleFunc("/ui/api/state", s.uiSigned(false, s.uiState)).Methods(http.MethodGet)
	r.HandleFunc("/ui/api/keys", s.uiSigned(false, s.uiKeys)).Methods(http.MethodGet)
	r.HandleFunc("/ui/api/reload", s.uiSigned(true, s.uiReload)).Methods(http.MethodPost)
	r.HandleFunc("/ui/trace/{event}", s.uiSigned(false, s.uiTrace)).Methods(http.MethodGet)
}

// uiHeaders are the dashboard's security headers: its own scripts only, no
// framing, no referrer to other sites (a form post keeps its Origin).
func uiHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// uiEnabled answers 404 while LLMGW_ADMIN_TOKEN is unset (the dashboard is
// off, as the admin API is) and reports whether the request may go on.
func (s *Server) uiEnabled(w http.ResponseWriter, r *http.Request) bool {
	if s.settings.AdminToken == "" {
		fail(w, r, http.StatusNotFound, "invalid_request_error", "not_found", "", "the dashboard is off; set LLMGW_ADMIN_TOKEN to enable it")
		return false
	}
	uiHeaders(w)
	return true
}

// uiOn serves h only while the dashboard is on.
func (s *Server) uiOn(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.uiEnabled(w, r) {
			w.Header().Set("Cache-Control", "no-cache")
			h.ServeHTTP(w, r)
		}
	})
}

// session returns the request's live session.
func (s *Server) session(r *http.Request) (string, uiSession, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", uiSession{}, false
	}
	sess, ok := s.ui.get(c.Value, time.Now())
	return c.Value, sess, ok
}

// uiSigned serves h to signed-in browsers only (401 otherwise); with
// mutating set it also needs the session's CSRF token in X-CSRF-Token.
func (s *Server) uiSigned(mutating bool, h func(w http.ResponseWriter, r *http.Request, id string, sess uiSession)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.uiEnabled(w, r) {
			return
		}
		id, sess, ok := s.session(r)
		if !ok {
			fail(w, r, http.StatusUnauthorized, "authentication_error", "unauthorized", "", "sign in to the dashboard at /ui first")
			return
		}
		if mutating && subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(sess.csrf)) != 1 {
			fail(w, r, http.StatusForbidden, "permission_error", "csrf_token_invalid", "", "the X-CSRF-Token header does not match this session; reload the page")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, id, sess)
	}
}

// uiPage is the dashboard for a signed-in browser, the sign-in form for
// anyone else.
func (s *Server) uiPage(w http.ResponseWriter, r *http.Request) {
	if !s.uiEnabled(w, r) {
		return
	}
	_, _, ok := s.session(r)
	s.renderUI(w, ok, http.StatusOK, "")
}

func (s *Server) renderUI(w http.ResponseWriter, signedIn bool, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	page := "login.html"
	if signedIn {
		page = "index.html"
	}
	_ = uiPages.ExecuteTemplate(w, page, map[string]string{"Error": msg, "Version": pipeline.Version})
}

// sameOrigin refuses a cross-site form post: a browser sends Origin with
// every POST, and it must name this host.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true // not a browser's cross-site post
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// uiLogin trades the admin token for a session cookie.
func (s *Server) uiLogin(w http.ResponseWriter, r *http.Request) {
	if !s.uiEnabled(w, r) {
		return
	}
	if !sameOrigin(r) {
		fail(w, r, http.StatusForbidden, "permission_error", "cross_origin", "", "sign in from the dashboard's own page")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	token := ""
	if err := r.ParseForm(); err == nil {
		token = r.PostForm.Get("token")
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.settings.AdminToken)) != 1 {
		s.logger.Warn("dashboard sign-in refused", "request_id", requestID(r), "client_ip", clientIP(r))
		s.renderUI(w, false, http.StatusUnauthorized, "That is not the admin token.")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.ui.create(time.Now()), Path: "/ui",
		MaxAge: int(sessionTTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	http.Redirect(w, r, "/ui", http.StatusSeeOther)
}

func (s *Server) uiLogout(w http.ResponseWriter, _ *http.Request, id string, _ uiSession) {
	s.ui.end(id)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/ui", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

// uiWindows are the traffic views: points × seconds per point.
var uiWindows = map[string][2]int64{
	"5m":  {300, 1},
	"15m": {180, 5},
	"1h":  {60, 60},
}

// uiStateBody is what the page polls: everything but the keys.
type uiStateBody struct {
	CSRF       string                    `json:"csrf"`
	Version    string                    `json:"version"`
	UptimeS    int64                     `json:"uptime_s"`
	Now        time.Time                 `json:"now"`
	Health     healthBody                `json:"health"`
	Graph      pipeline.Graph            `json:"graph"`
	Traffic    pipeline.Series           `json:"traffic"`
	Recent     []*pipeline.RecentRequest `json:"recent"`
	Pipeline   uiPipelineFile            `json:"pipeline"`
	KeysStage  bool                      `json:"keys_stage"`
	MLflow     *uiMLflow                 `json:"mlflow,omitempty"`
	Inflight   int64                     `json:"inflight"`
	Generation uint64                    `json:"generation"`
}

// uiPipelineFile is the pipeline file as the page shows it.
type uiPipelineFile struct {
	Path       string                `json:"path"`
	Text       string                `json:"text"`
	ReadError  string                `json:"read_error,omitempty"`
	LastReload pipeline.ReloadStatus `json:"last_reload"`
}

// uiMLflow is where the MLflow tracker sends traces, for the links.
type uiMLflow struct {
	URI        string `json:"uri"`
	Experiment string `json:"experiment"`
}

func (s *Server) uiState(w http.ResponseWriter, r *http.Request, _ string, sess uiSession) {
	win, ok := uiWindows[r.URL.Query().Get("window")]
	if !ok {
		win = uiWindows["5m"]
	}
	now := time.Now()
	graph := s.rt.Graph()
	body := uiStateBody{
		CSRF:       sess.csrf,
		Version:    pipeline.Version,
		UptimeS:    int64(time.Since(s.started).Seconds()),
		Now:        now,
		Graph:      graph,
		Traffic:    s.rt.Stats().Series(now, int(win[0]), win[1]),
		Recent:     s.rt.Stats().Recent(recentShown),
		KeysStage:  s.rt.HasKeysStage(),
		Inflight:   s.inflight.Load(),
		Generation: graph.Generation,
	}
	body.Health, _ = s.healthBody()
	body.Pipeline = s.pipelineFile()
	for _, t := range graph.Trackers {
		if uri := t.Info["tracking_uri"]; uri != "" && body.MLflow == nil {
			body.MLflow = &uiMLflow{URI: uri, Experiment: t.Info["experiment"]}
		}
	}
	writeJSON(w, http.StatusOK, body)
}

// secretAssignment matches `name = "literal"` for names that hold secrets
// (a webhook's URL is one: chat webhooks carry their token in the path), so
// the page never shows a key written into the file (env("…") stays
// visible); urlCredentials matches the user and password of a URL (a
// redis_url's).
var (
	secretAssignment = regexp.MustCompile(`(?im)^(\s*"?[a-z0-9_]*(?:api_key|secret|token|password|webhook)[a-z0-9_]*"?\s*[=:]\s*)"[^"\n]*"`)
	urlCredentials   = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/\s"@]+@`)
)

func (s *Server) pipelineFile() uiPipelineFile {
	f := uiPipelineFile{Path: s.rt.File(), LastReload: s.rt.LastReload()}
	text, err := s.rt.ReadFile()
	if err != nil {
		f.ReadError = err.Error()
		return f
	}
	f.Text = secretAssignment.ReplaceAllString(string(text), `$1"…redacted…"`)
	f.Text = urlCredentials.ReplaceAllString(f.Text, `${1}…redacted…@`)
	return f
}

// uiKeys lists the virtual keys, and the teams whose budgets they share,
// through the key stage's admin API (the one /admin/keys and /admin/teams
// use); without a key stage the lists are empty.
func (s *Server) uiKeys(w http.ResponseWriter, r *http.Request, _ string, _ uiSession) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	resp, err := s.rt.StageAdmin(ctx, sdk.CapStageKeys, &pb.AdminRequest{Method: http.MethodGet, Path: "/admin/keys"})
	if err != nil || resp.GetStatus() != http.StatusOK {
		if err == nil {
			err = &statusError{resp.GetStatus()}
		}
		writeJSON(w, http.StatusOK, map[string]any{"available": false, "data": []any{}, "error": err.Error()})
		return
	}
	var list struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(resp.GetBody(), &list); err != nil || len(list.Data) == 0 {
		list.Data = json.RawMessage("[]")
	}
	var teams struct {
		Data json.RawMessage `json:"data"`
	}
	tr, err := s.rt.StageAdmin(ctx, sdk.CapStageKeys, &pb.AdminRequest{Method: http.MethodGet, Path: "/admin/teams"})
	if err != nil || tr.GetStatus() != http.StatusOK || json.Unmarshal(tr.GetBody(), &teams) != nil || len(teams.Data) == 0 {
		teams.Data = json.RawMessage("[]") // a key stage without teams
	}
	writeJSON(w, http.StatusOK, map[string]any{"available": true, "data": list.Data, "teams": teams.Data})
}

type statusError struct{ status int32 }

func (e *statusError) Error() string {
	return "the key stage answered " + strconv.Itoa(int(e.status))
}

// uiReload is the reload button: POST /admin/reload's answer.
func (s *Server) uiReload(w http.ResponseWriter, r *http.Request, _ string, _ uiSession) {
	s.reload(w, r)
}
