package vkeys

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/clientaddr"
)

// config is the instance's `config = { … }` block.
type config struct {
	// RequireKeys refuses requests without a valid key (a bool or "0"/"1",
	// so env("LLMGW_REQUIRE_KEYS", "0") works).
	RequireKeys    flag          `json:"require_keys"`
	RedisURL       string        `json:"redis_url"`
	RedisKeyPrefix string        `json:"redis_key_prefix"`
	RedisTimeout   *sdk.Duration `json:"redis_timeout"`
	DataFile       string        `json:"data_file"`
	CacheTTL       *sdk.Duration `json:"cache_ttl"`
	ReservationTTL *sdk.Duration `json:"reservation_ttl"`
	// FailedPerMinute bounds failed key checks per client IP.
	FailedPerMinute *int `json:"failed_per_minute"`
	// TrustedProxies are the proxies whose Forwarded / X-Forwarded-For name
	// the client (the ratelimit plugin's rule, sdk/go/clientaddr).
	TrustedProxies []string `json:"trusted_proxies"`
	// AlertWebhook receives budget alerts (JSON POSTs); empty: none.
	AlertWebhook string `json:"alert_webhook"`
	// AlertWebhookSecret signs them (X-LLMGW-Signature: sha256=HMAC).
	AlertWebhookSecret string `json:"alert_webhook_secret"`
	// AlertThresholds are the fractions of a key's budget whose spending
	// raises an alert, once per budget window.
	AlertThresholds []float64 `json:"alert_thresholds"`
	// Teams are what several keys share — a budget, rpm, tpm, models (a
	// key names its team): team name → its settings.
	Teams map[string]teamConfig `json:"teams"`
}

// teamConfig is one team in the config: what its keys share.
type teamConfig struct {
	BudgetUSD    json.Number `json:"budget_usd"`
	BudgetPeriod string      `json:"budget_period"`
	RPM          int64       `json:"rpm"`
	TPM          int64       `json:"tpm"`
	Models       []string    `json:"models"`
}

// team is what the keys that name it share, exact across replicas like a
// key's own: a budget (its reservations in the budgets' store under
// teamStoreID), requests and tokens per minute, and the models they may use.
type team struct {
	name        string
	budgetNanos int64 // 0: no team budget
	period      string
	rpm, tpm    int64
	models      []string // empty: every model
}

// teamName is what a team may be called.
var teamName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// teamStoreID is the id a team's budget windows have in the store (no
// key id starts with "team:").
func teamStoreID(name string) string { return "team:" + name }

// flag is a bool given as a JSON bool or a string ("1", "true", "0", "").
type flag struct {
	v   bool
	bad string
}

func (f *flag) UnmarshalJSON(b []byte) error {
	var v bool
	if err := json.Unmarshal(b, &v); err == nil {
		f.v = v
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		f.bad = string(b)
		return nil
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false", "no", "off":
	case "1", "true", "yes", "on":
		f.v = true
	default:
		f.bad = s
	}
	return nil
}

type settings struct {
	require        bool
	redisURL       string
	redisPrefix    string
	redisTimeout   time.Duration
	dataFile       string
	cacheTTL       time.Duration
	reservationTTL time.Duration
	failedPerMin   int
	trusted        clientaddr.Proxies
	alertURL       string
	alertSecret    string
	thresholds     []float64
	teams          map[string]team
}

func parseConfig(c sdk.Config) (settings, error) {
	var raw config
	if err := c.Decode(&raw); err != nil {
		return settings{}, err
	}
	if raw.RequireKeys.bad != "" {
		return settings{}, sdk.ConfigError(`field "require_keys": want true/false or "1"/"0", got %q`, raw.RequireKeys.bad)
	}
	s := settings{
		require:        raw.RequireKeys.v,
		redisURL:       strings.TrimSpace(raw.RedisURL),
		redisPrefix:    raw.RedisKeyPrefix,
		redisTimeout:   250 * time.Millisecond,
		dataFile:       raw.DataFile,
		cacheTTL:       500 * time.Millisecond,
		reservationTTL: 10 * time.Minute,
		failedPerMin:   20,
	}
	if s.redisPrefix == "" {
		s.redisPrefix = "llmgw:vk:"
	}
	if raw.RedisTimeout != nil {
		s.redisTimeout = raw.RedisTimeout.D()
		if s.redisTimeout < time.Millisecond || s.redisTimeout > 5*time.Second {
			return s, sdk.ConfigError(`field "redis_timeout": must be between 1ms and 5s`)
		}
	}
	if raw.CacheTTL != nil {
		s.cacheTTL = raw.CacheTTL.D()
		if s.cacheTTL < 0 || s.cacheTTL > time.Second {
			return s, sdk.ConfigError(`field "cache_ttl": must be between 0s and 1s (a revoked key must be refused everywhere within 1 s)`)
		}
	}
	if raw.ReservationTTL != nil {
		s.reservationTTL = raw.ReservationTTL.D()
		if s.reservationTTL < time.Second {
			return s, sdk.ConfigError(`field "reservation_ttl": must be at least 1s (longer than the longest request)`)
		}
	}
	if raw.FailedPerMinute != nil {
		if *raw.FailedPerMinute < 1 {
			return s, sdk.ConfigError(`field "failed_per_minute": must be at least 1`)
		}
		s.failedPerMin = *raw.FailedPerMinute
	}
	trusted, err := clientaddr.ParseProxies("trusted_proxies", raw.TrustedProxies)
	if err != nil {
		return s, err
	}
	s.trusted = trusted
	if err := s.parseAlerts(raw); err != nil {
		return s, err
	}
	if err := s.parseTeams(raw.Teams); err != nil {
		return s, err
	}
	if s.dataFile == "" && s.redisURL == "" {
		dir := c.Host.GetDataDir()
		if dir == "" {
			dir = "data"
		}
		s.dataFile = filepath.Join(dir, "virtual-keys.jsonl")
	}
	return s, nil
}

// parseAlerts checks the budget alerts' settings (the URL is never shown
// in an error: it may hold a token).
func (s *settings) parseAlerts(raw config) error {
	s.alertURL, s.alertSecret = strings.TrimSpace(raw.AlertWebhook), raw.AlertWebhookSecret
	if s.alertURL == "" {
		if len(raw.AlertThresholds) > 0 || s.alertSecret != "" {
			return sdk.ConfigError(`field "alert_thresholds" / "alert_webhook_secret": set "alert_webhook" too (the URL the alerts are posted to)`)
		}
		return nil
	}
	if u, err := url.Parse(s.alertURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return sdk.ConfigError(`field "alert_webhook": want an http:// or https:// URL`)
	}
	s.thresholds = []float64{0.8}
	if raw.AlertThresholds != nil {
		s.thresholds = slices.Sorted(slices.Values(raw.AlertThresholds))
	}
	for _, t := range s.thresholds {
		if !(t > 0 && t <= 1) {
			return sdk.ConfigError(`field "alert_thresholds": each is a fraction of the budget, above 0 and at most 1, got %g`, t)
		}
	}
	s.thresholds = slices.Compact(s.thresholds)
	return nil
}

// parseTeams checks the teams' settings.
func (s *settings) parseTeams(raw map[string]teamConfig) error {
	s.teams = make(map[string]team, len(raw))
	for name, tc := range raw {
		field := fmt.Sprintf("teams.%s", name)
		if !teamName.MatchString(name) {
			return sdk.ConfigError(`field "teams": a team's name is 1 to 64 letters, digits, '_', '.' or '-', got %q`, name)
		}
		t := team{name: name, period: tc.BudgetPeriod, rpm: tc.RPM, tpm: tc.TPM, models: tc.Models}
		if tc.BudgetUSD != "" {
			n, err := sdk.ParseUSD(tc.BudgetUSD.String())
			if err != nil || n <= 0 {
				return sdk.ConfigError(`field %q: want an amount in USD above 0, got %q`, field+".budget_usd", tc.BudgetUSD.String())
			}
			t.budgetNanos = n
		} else if t.period != "" {
			return sdk.ConfigError(`field %q: budget_period without budget_usd`, field+".budget_period")
		}
		switch t.period {
		case "":
			t.period = "total"
		case "day", "month", "total":
		default:
			return sdk.ConfigError(`field %q: must be "day", "month" or "total", got %q`, field+".budget_period", t.period)
		}
		if t.rpm < 0 || t.tpm < 0 {
			return sdk.ConfigError(`field %q: rpm and tpm must be ≥ 0`, field)
		}
		if t.budgetNanos == 0 && t.rpm == 0 && t.tpm == 0 && len(t.models) == 0 {
			return sdk.ConfigError(`field %q: set what its keys share: budget_usd, rpm, tpm or models`, field)
		}
		s.teams[name] = t
	}
	return nil
}

// info is what /security-status may show (no secrets, no URL).
func (s settings) info() map[string]string {
	backend := "file"
	if s.redisURL != "" {
		backend = "redis"
	}
	alerts := "off"
	if s.alertURL != "" {
		alerts = fmt.Sprint(s.thresholds)
	}
	return map[string]string{"require_keys": strconv.FormatBool(s.require), "backend": backend, "budget_alerts": alerts, "teams": strconv.Itoa(len(s.teams))}
}
