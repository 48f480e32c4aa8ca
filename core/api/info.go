package api

import (
	_ "embed"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/llmgw/llmgw/core/pipeline"
)

func (s *Server) current(w http.ResponseWriter, r *http.Request) *pipeline.Generation {
	g := s.rt.Current()
	if g == nil {
		fail(w, r, http.StatusServiceUnavailable, "service_unavailable", "no_provider_configured", "", "no pipeline is loaded")
	}
	return g
}

// servedModels is the serving pipeline's models that the client's key may
// use (all of them without a key). It writes the refusal with failWith and
// returns false when there is no pipeline or the key is refused.
func (s *Server) servedModels(w http.ResponseWriter, r *http.Request, failWith errorWriter) ([]pipeline.ModelInfo, bool) {
	g := s.rt.Current()
	if g == nil {
		failWith(w, r, http.StatusServiceUnavailable, "service_unavailable", "no_provider_configured", "", "no pipeline is loaded")
		return nil, false
	}
	allowed, ok := s.keyModels(w, r, failWith)
	if !ok {
		return nil, false
	}
	models := g.Models()
	if allowed != nil {
		models = slices.DeleteFunc(models, func(m pipeline.ModelInfo) bool { return !allowed[m.Name] })
	}
	return models, true
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	if models, ok := s.servedModels(w, r, fail); ok {
		writeJSON(w, http.StatusOK, map[string]any{"models": models})
	}
}

// openAIModel is a model in OpenAI's list shape.
type openAIModel struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

func (s *Server) openAIModelsOf(models []pipeline.ModelInfo) []openAIModel {
	data := []openAIModel{}
	for _, m := range models {
		owner := m.Provider
		if owner == "" {
			owner = "llmgw"
		}
		data = append(data, openAIModel{ID: m.Name, Object: "model", Created: s.started.Unix(), OwnedBy: owner})
	}
	return data
}

// anthropicModel is a model in Anthropic's shape (its SDKs' models.list and
// models.retrieve).
type anthropicModel struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	CreatedAt   string `json:"created_at"`
}

// fromAnthropic reports whether a request comes from an Anthropic client:
// its SDKs send anthropic-version on every call, and GET /v1/models answers
// them in Anthropic's shapes.
func fromAnthropic(r *http.Request) bool { return r.Header.Get("Anthropic-Version") != "" }

// anthropicModelsOf is the chat models in Anthropic's shape (the Messages
// API serves no embeddings model).
func (s *Server) anthropicModelsOf(models []pipeline.ModelInfo) []anthropicModel {
	data := []anthropicModel{}
	created := s.started.UTC().Format(time.RFC3339)
	for _, m := range models {
		if m.Kind == "" {
			data = append(data, anthropicModel{Type: "model", ID: m.Name, DisplayName: m.Name, CreatedAt: created})
		}
	}
	return data
}

// anthropicListParams are Anthropic's list parameters.
var anthropicListParams = []string{"limit", "after_id", "before_id"}

// anthropicPage is the page of a list that Anthropic's parameters ask for:
// at most limit (1–1000, default 20) models after after_id or before
// before_id, and whether more lie beyond them. A bad parameter is an error
// naming it.
func anthropicPage(data []anthropicModel, q url.Values) ([]anthropicModel, bool, string, error) {
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, false, "limit", fmt.Errorf("limit: must be an integer from 1 to 1000, got %q", v)
		}
		limit = n
	}
	after, before := q.Get("after_id"), q.Get("before_id")
	if after != "" && before != "" {
		return nil, false, "before_id", fmt.Errorf("after_id and before_id cannot both be set")
	}
	at := func(param, id string) (int, error) {
		i := slices.IndexFunc(data, func(m anthropicModel) bool { return m.ID == id })
		if i < 0 {
			return 0, fmt.Errorf("%s: no model %q in the list", param, id)
		}
		return i, nil
	}
	switch {
	case before != "":
		i, err := at("before_id", before)
		if err != nil {
			return nil, false, "before_id", err
		}
		from := max(0, i-limit)
		return data[from:i], from > 0, "", nil
	case after != "":
		i, err := at("after_id", after)
		if err != nil {
			return nil, false, "after_id", err
		}
		data = data[i+1:]
	}
	if len(data) > limit {
		return data[:limit], true, "", nil
	}
	return data, false, "", nil
}

// openAIModels answers GET /v1/models: the models the client's key may
// use, in OpenAI's list shape, or in Anthropic's paged one for an
// Anthropic client.
func (s *Server) openAIModels(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !fromAnthropic(r) {
		for _, p := range anthropicListParams {
			if q.Has(p) {
				fail(w, r, http.StatusBadRequest, "invalid_request_error", "unknown_parameter", p,
					fmt.Sprintf("%s is a parameter of Anthropic's model list, which answers requests with an anthropic-version header; OpenAI's list takes no parameters", p))
				return
			}
		}
		if models, ok := s.servedModels(w, r, fail); ok {
			writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": s.openAIModelsOf(models)})
		}
		return
	}
	w.Header().Set("Request-Id", requestID(r))
	models, ok := s.servedModels(w, r, failAnthropic)
	if !ok {
		return
	}
	page, more, param, err := anthropicPage(s.anthropicModelsOf(models), q)
	if err != nil {
		failAnthropic(w, r, http.StatusBadRequest, "invalid_request_error", "invalid_value", param, err.Error())
		return
	}
	var first, last any
	if len(page) > 0 {
		first, last = page[0].ID, page[len(page)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": page, "has_more": more, "first_id": first, "last_id": last})
}

// openAIModel answers GET /v1/models/{model} (the SDKs' models.retrieve), in
// OpenAI's or Anthropic's shape; a model the client's key may not use does
// not exist for it.
func (s *Server) openAIModel(w http.ResponseWriter, r *http.Request) {
	failWith := fail
	if fromAnthropic(r) {
		w.Header().Set("Request-Id", requestID(r))
		failWith = failAnthropic
	}
	models, ok := s.servedModels(w, r, failWith)
	if !ok {
		return
	}
	name := mux.Vars(r)["model"]
	var found any
	if fromAnthropic(r) {
		for _, m := range s.anthropicModelsOf(models) {
			if m.ID == name {
				found = m
			}
		}
	} else {
		for _, m := range s.openAIModelsOf(models) {
			if m.ID == name {
				found = m
			}
		}
	}
	if found != nil {
		writeJSON(w, http.StatusOK, found)
		return
	}
	failWith(w, r, http.StatusNotFound, "invalid_request_error", "model_not_found", "model", fmt.Sprintf("The model %q does not exist (GET /v1/models lists the models this gateway serves)", name))
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	body, code := s.healthBody()
	writeJSON(w, code, body)
}

// healthBody is GET /health's answer (the dashboard shows it too).
type healthBody struct {
	Status     string                  `json:"status"`
	Generation uint64                  `json:"generation"`
	Plugins    []pipeline.PluginHealth `json:"plugins"`
	LastReload pipeline.ReloadStatus   `json:"last_reload"`
	Version    string                  `json:"version"`
	UptimeS    int64                   `json:"uptime_s"`
}

func (s *Server) healthBody() (healthBody, int) {
	h := s.rt.Health()
	status, code := "ok", http.StatusOK
	if !h.OK {
		status, code = "degraded", http.StatusServiceUnavailable
	}
	return healthBody{
		Status:     status,
		Generation: h.Generation,
		Plugins:    h.Plugins,
		LastReload: h.LastReload,
		Version:    pipeline.Version,
		UptimeS:    int64(time.Since(s.started).Seconds()),
	}, code
}

// securityStatus shows the stages, and the settings of the first stage
// whose plugin declares itself a guard or a rate limiter.
func (s *Server) securityStatus(w http.ResponseWriter, r *http.Request) {
	g := s.current(w, r)
	if g == nil {
		return
	}
	stages := g.Stages()
	var guard, rate map[string]string
	for _, st := range stages {
		switch {
		case st.Role == pipeline.RoleGuard && guard == nil:
			guard = st.Settings
		case st.Role == pipeline.RoleRateLimit && rate == nil:
			rate = st.Settings
		}
	}
	status := "protected"
	if len(stages) == 0 {
		status = "unprotected"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status":     status,
		"generation": g.ID,
		"guard":      guard,
		"rate_limit": rate,
		"stages":     stages,
	})
}

func (s *Server) securityMetrics(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.rt.Metrics().Security())
}

//go:embed openapi.json
var openAPIDoc []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
