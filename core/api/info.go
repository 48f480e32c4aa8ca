package api

import (
	_ "embed"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/llmgw/llmgw/core/pipeline"
	"github.com/llmgw/llmgw/core/pluginhost"
)

func (s *Server) current(w http.ResponseWriter, r *http.Request) *pipeline.Generation {
	g := s.rt.Current()
	if g == nil {
		fail(w, r, http.StatusServiceUnavailable, "service_unavailable", "no_provider_configured", "", "no pipeline is loaded")
	}
	return g
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	g := s.current(w, r)
	if g == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": g.Models()})
}

// openAIModel is a model in OpenAI's list shape.
type openAIModel struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

func (s *Server) openAIModelsOf(g *pipeline.Generation) []openAIModel {
	data := []openAIModel{}
	for _, m := range g.Models() {
		owner := m.Provider
		if owner == "" {
			owner = "llmgw"
		}
		data = append(data, openAIModel{ID: m.Name, Object: "model", Created: s.started.Unix(), OwnedBy: owner})
	}
	return data
}

func (s *Server) openAIModels(w http.ResponseWriter, r *http.Request) {
	g := s.current(w, r)
	if g == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": s.openAIModelsOf(g)})
}

// openAIModel answers GET /v1/models/{model} (the SDKs' models.retrieve).
func (s *Server) openAIModel(w http.ResponseWriter, r *http.Request) {
	g := s.current(w, r)
	if g == nil {
		return
	}
	name := mux.Vars(r)["model"]
	for _, m := range s.openAIModelsOf(g) {
		if m.ID == name {
			writeJSON(w, http.StatusOK, m)
			return
		}
	}
	fail(w, r, http.StatusNotFound, "invalid_request_error", "model_not_found", "model", fmt.Sprintf("The model %q does not exist", name))
}

// pluginHealth is one plugin in /health.
type pluginHealth struct {
	pluginhost.Status
	Required bool `json:"required"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	g := s.rt.Current()
	status, code := "ok", http.StatusOK
	var gen uint64
	used := map[string]bool{}
	if g == nil {
		status, code = "degraded", http.StatusServiceUnavailable
	} else {
		gen = g.ID
		used = g.Plugins()
	}
	trackerStates := s.rt.TrackerStates()
	trackerPlugins := map[string]bool{}
	if g != nil {
		for _, t := range g.Spec.Trackers {
			if st, ok := trackerStates[t.Name]; ok && st != "" && st != "ok" {
				trackerPlugins[t.Plugin] = true
			}
		}
	}
	plugins := []pluginHealth{}
	for _, p := range s.rt.Plugins() {
		required, inUse := used[p.Name]
		if !inUse {
			continue
		}
		if p.State == pluginhost.StateServing && trackerPlugins[p.Name] {
			p.State = "spooling"
		}
		if required && p.State != pluginhost.StateServing {
			status, code = "degraded", http.StatusServiceUnavailable
		}
		plugins = append(plugins, pluginHealth{Status: p, Required: required})
	}
	sort.Slice(plugins, func(i, j int) bool { return plugins[i].Name < plugins[j].Name })
	writeJSON(w, code, map[string]any{
		"status":      status,
		"generation":  gen,
		"plugins":     plugins,
		"last_reload": s.rt.LastReload(),
		"version":     pipeline.Version,
		"uptime_s":    int64(time.Since(s.started).Seconds()),
	})
}

func (s *Server) securityStatus(w http.ResponseWriter, r *http.Request) {
	g := s.current(w, r)
	if g == nil {
		return
	}
	info := g.InstanceInfo()
	type stage struct {
		Name     string            `json:"name"`
		Plugin   string            `json:"plugin"`
		OnError  string            `json:"on_error"`
		Settings map[string]string `json:"settings"`
	}
	stages := []stage{}
	var guard, rate map[string]string
	for _, st := range g.Spec.Stages {
		settings := info["stage."+st.Name]
		if settings == nil {
			settings = map[string]string{}
		}
		stages = append(stages, stage{Name: st.Name, Plugin: st.Plugin, OnError: st.OnError, Settings: settings})
		switch {
		case strings.Contains(st.Plugin, "guard") && guard == nil:
			guard = settings
		case strings.Contains(st.Plugin, "ratelimit") && rate == nil:
			rate = settings
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
