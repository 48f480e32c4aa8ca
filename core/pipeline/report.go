package pipeline

import (
	"slices"
	"sort"

	"github.com/llmgw/llmgw/core/pluginhost"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// What the informational routes report, so the api package needs neither the
// plugin host nor the parsed pipeline file.

// PluginHealth is one plugin process as GET /health shows it: the process's
// status and whether serving needs it.
type PluginHealth struct {
	pluginhost.Status
	// Required: the gateway is degraded while this plugin is not serving.
	Required bool `json:"required"`
}

// Health is the gateway's state for GET /health.
type Health struct {
	// OK: a pipeline is loaded and every plugin it requires is serving.
	OK bool
	// Generation is the serving generation (0 when none is loaded).
	Generation uint64
	// Plugins are the processes the serving generation uses, by name.
	Plugins    []PluginHealth
	LastReload ReloadStatus
}

// Health reports the serving generation's plugins; a tracker plugin whose
// tracker is not "ok" (it keeps events on disk) shows as "spooling".
func (rt *Runtime) Health() Health {
	h := Health{Plugins: []PluginHealth{}, LastReload: rt.LastReload()}
	g := rt.Current()
	if g == nil {
		return h
	}
	h.OK, h.Generation = true, g.ID
	used := g.plugins()
	spooling := map[string]bool{}
	states := rt.tracking.State()
	for _, t := range g.trackers {
		if st := states[t.name]; st != "" && st != "ok" {
			spooling[t.plugin] = true
		}
	}
	for _, p := range rt.host.Statuses() {
		required, inUse := used[p.Name]
		if !inUse {
			continue
		}
		if required && p.State != pluginhost.StateServing {
			h.OK = false
		}
		if p.State == pluginhost.StateServing && spooling[p.Name] {
			p.State = "spooling"
		}
		h.Plugins = append(h.Plugins, PluginHealth{Status: p, Required: required})
	}
	sort.Slice(h.Plugins, func(i, j int) bool { return h.Plugins[i].Name < h.Plugins[j].Name })
	return h
}

// Stage roles a plugin declares (sdk.CapRoleGuard, sdk.CapRoleRateLimit).
const (
	RoleGuard     = "guard"
	RoleRateLimit = "rate_limit"
)

// StageReport describes one stage for GET /security-status.
type StageReport struct {
	Name    string `json:"name"`
	Plugin  string `json:"plugin"`
	OnError string `json:"on_error"`
	// Role is what the plugin declares the stage does ("guard",
	// "rate_limit"), empty when it declares nothing.
	Role string `json:"role,omitempty"`
	// Settings are what the instance's Configure said of its settings (no
	// secrets).
	Settings map[string]string `json:"settings"`
	// DuringCall: the stage runs beside the provider call (during_call).
	DuringCall bool `json:"during_call,omitempty"`
}

// Stages describes the stages in order.
func (g *Generation) Stages() []StageReport {
	out := make([]StageReport, 0, len(g.stages))
	for _, s := range g.stages {
		r := StageReport{Name: s.name, Plugin: s.plugin, OnError: "fail_closed", Settings: s.info, DuringCall: s.duringCall}
		if s.failOpen {
			r.OnError = "fail_open"
		}
		if r.Settings == nil {
			r.Settings = map[string]string{}
		}
		if s.describe != nil {
			switch {
			case slices.Contains(s.caps, sdk.CapRoleGuard):
				r.Role = RoleGuard
			case slices.Contains(s.caps, sdk.CapRoleRateLimit):
				r.Role = RoleRateLimit
			}
		}
		out = append(out, r)
	}
	return out
}
