package api

import (
	_ "embed"
	"fmt"
	"net/http"
	"slices"
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
// use (all of them without a key). It writes the refusal and returns false
// when there is no pipeline or the key is refused.
func (s *Server) servedModels(w http.ResponseWriter, r *http.Request) ([]pipeline.ModelInfo, bool) {
	g := s.current(w, r)
	if g == nil {
		return nil, false
	}
	allowed, ok := s.keyModels(w, r)
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
	if models, ok := s.servedModels(w, r); ok {
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

// openAIModels answers GET /v1/models: the models the client's key may use.
func (s *Server) openAIModels(w http.ResponseWriter, r *http.Request) {
	if models, ok := s.servedModels(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": s.openAIModelsOf(models)})
	}
}

// openAIModel answers GET /v1/models/{model} (the SDKs' models.retrieve); a
// model the client's key may not use does not exist for it.
func (s *Server) openAIModel(w http.ResponseWriter, r *http.Request) {
	models, ok := s.servedModels(w, r)
	if !ok {
		return
	}
	name := mux.Vars(r)["model"]
	for _, m := range s.openAIModelsOf(models) {
		if m.ID == name {
			writeJSON(w, http.StatusOK, m)
			return
		}
	}
	fail(w, r, http.StatusNotFound, "invalid_request_error", "model_not_found", "model", fmt.Sprintf("The model %q does not exist (GET /v1/models lists the models this gateway serves)", name))
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
