package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
	"github.com/llmgw/llmgw/core/affinity"
)

// Settings are the host's own settings. They are layered: defaults → the
// pipeline file's `server { … }` block → LLMGW_* environment → flags. They
// are read once, at start: a reload does not apply a changed server block
// (the Runtime logs which keys changed).
type Settings struct {
	// Listen is the HTTP address (LLMGW_LISTEN, --listen).
	Listen string `koanf:"listen"`
	// MaxBodyBytes bounds a request body (413 beyond it).
	MaxBodyBytes int64 `koanf:"max_body_bytes"`
	// MaxHeaderBytes bounds the request headers.
	MaxHeaderBytes int `koanf:"max_header_bytes"`
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the
	// HTTP server's timeouts; streams are exempt from WriteTimeout.
	ReadHeaderTimeout time.Duration `koanf:"read_header_timeout"`
	ReadTimeout       time.Duration `koanf:"read_timeout"`
	WriteTimeout      time.Duration `koanf:"write_timeout"`
	IdleTimeout       time.Duration `koanf:"idle_timeout"`
	// ShutdownTimeout bounds a graceful stop (SIGTERM).
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout"`
	// DrainTimeout bounds how long an old pipeline generation may finish its
	// in-flight requests after a reload; longer than the longest stream.
	DrainTimeout time.Duration `koanf:"drain_timeout"`
	// MaxInflight bounds concurrent pipeline requests (503 beyond it).
	MaxInflight int `koanf:"max_inflight"`
	// MaxStreams bounds concurrent streaming responses (503 beyond it).
	MaxStreams int `koanf:"max_streams"`
	// AdminToken enables POST /admin/reload (LLMGW_ADMIN_TOKEN).
	AdminToken string `koanf:"admin_token"`
	// AllowAnonymous lets `llmgw serve` listen on a non-loopback address
	// although no virtual key is required (LLMGW_ALLOW_ANONYMOUS).
	AllowAnonymous bool `koanf:"allow_anonymous"`
	// DataDir is where the gateway and its plugins keep state (LLMGW_DATA_DIR).
	DataDir string `koanf:"data_dir"`
	// LogLevel is trace, debug, info, warn or error.
	LogLevel string `koanf:"log_level"`
	// LogFormat is "text" or "json".
	LogFormat string `koanf:"log_format"`
	// PluginStartTimeout bounds a plugin's handshake.
	PluginStartTimeout time.Duration `koanf:"plugin_start_timeout"`
	// TrackerQueue bounds the events waiting for trackers.
	TrackerQueue int `koanf:"tracker_queue"`
	// TrackerBacklogBytes bounds the encoded bytes of the events a tracker
	// has not acknowledged, which the host keeps for it.
	TrackerBacklogBytes int64 `koanf:"tracker_backlog_bytes"`
	// Watch reloads the pipeline when its file changes.
	Watch bool `koanf:"watch"`
	// PprofListen serves net/http/pprof on this address (off when empty);
	// bind it to loopback.
	PprofListen string `koanf:"pprof_listen"`
	// LivenessInterval, LivenessTimeout and LivenessMisses are every plugin
	// process's liveness check (see Liveness); a plugin block may override
	// them.
	LivenessInterval time.Duration `koanf:"liveness_interval"`
	LivenessTimeout  time.Duration `koanf:"liveness_timeout"`
	LivenessMisses   int           `koanf:"liveness_misses"`
	// CPUs pins the gateway and every plugin it starts to these CPUs
	// ("0", "0-3", "0,2"; LLMGW_CPUS); empty leaves them to the scheduler.
	// See package affinity for why and bench/README.md for what it buys.
	CPUs string `koanf:"cpus"`
}

// Liveness is how the host checks that a plugin process still answers: every
// Interval one health check with a Timeout deadline, served by the plugin's
// gRPC server beside its work; Misses checks in a row without an answer mark
// the process unresponsive and it is replaced. Misses 0 turns the checks off.
type Liveness struct {
	Interval time.Duration
	Timeout  time.Duration
	Misses   int
}

// Default liveness check: a hung plugin is noticed 2.5–3.5 s after it stops
// answering.
const (
	DefaultLivenessInterval = time.Second
	DefaultLivenessTimeout  = 500 * time.Millisecond
	DefaultLivenessMisses   = 3
)

// DefaultLiveness is the liveness check when nothing overrides it.
func DefaultLiveness() Liveness {
	return Liveness{Interval: DefaultLivenessInterval, Timeout: DefaultLivenessTimeout, Misses: DefaultLivenessMisses}
}

// Liveness is the server-wide liveness check of the settings.
func (s Settings) Liveness() Liveness {
	return Liveness{Interval: s.LivenessInterval, Timeout: s.LivenessTimeout, Misses: s.LivenessMisses}
}

// DefaultSettings are the settings before any layer is applied.
func DefaultSettings() Settings {
	return Settings{
		Listen:              "127.0.0.1:8000",
		MaxBodyBytes:        1 << 20,
		MaxHeaderBytes:      64 << 10,
		ReadHeaderTimeout:   10 * time.Second,
		ReadTimeout:         30 * time.Second,
		WriteTimeout:        150 * time.Second,
		IdleTimeout:         120 * time.Second,
		ShutdownTimeout:     30 * time.Second,
		DrainTimeout:        180 * time.Second,
		MaxInflight:         4096,
		MaxStreams:          1024,
		DataDir:             "./data",
		LogLevel:            "info",
		LogFormat:           "text",
		PluginStartTimeout:  10 * time.Second,
		TrackerQueue:        10000,
		TrackerBacklogBytes: 256 << 20,
		Watch:               true,
		LivenessInterval:    DefaultLivenessInterval,
		LivenessTimeout:     DefaultLivenessTimeout,
		LivenessMisses:      DefaultLivenessMisses,
	}
}

// SettingNames lists every setting's key, sorted.
func SettingNames() []string {
	t := reflect.TypeOf(Settings{})
	names := make([]string, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		names = append(names, t.Field(i).Tag.Get("koanf"))
	}
	sort.Strings(names)
	return names
}

// IsSetting reports whether name is a setting's key.
func IsSetting(name string) bool {
	for _, n := range SettingNames() {
		if n == name {
			return true
		}
	}
	return false
}

// LoadSettings layers the settings. server is the pipeline file's server
// block (may be nil), environ the process environment (os.Environ form) and
// flags the flags the user set (key → value).
func LoadSettings(server map[string]any, environ []string, flags map[string]any) (Settings, error) {
	k := koanf.New(".")
	defaults, err := toMap(DefaultSettings())
	if err != nil {
		return Settings{}, err
	}
	layers := []map[string]any{defaults, server, envLayer(environ), flags}
	for _, layer := range layers {
		if err := k.Load(confmap.Provider(layer, "."), nil); err != nil {
			return Settings{}, err
		}
	}
	var s Settings
	err = k.UnmarshalWithConf("", &s, koanf.UnmarshalConf{
		Tag: "koanf",
		DecoderConfig: &mapstructure.DecoderConfig{
			DecodeHook: mapstructure.ComposeDecodeHookFunc(
				mapstructure.StringToTimeDurationHookFunc(),
				mapstructure.StringToSliceHookFunc(","),
			),
			Metadata:         nil,
			Result:           &s,
			WeaklyTypedInput: true,
			ErrorUnused:      true,
			TagName:          "koanf",
		},
	})
	if err != nil {
		return Settings{}, fmt.Errorf("settings: %w", err)
	}
	return s, s.validate()
}

// MaxBodyBytesLimit is the largest max_body_bytes: a request goes to a
// stage or provider plugin as one message, which a plugin takes up to 16 MiB
// (the SDKs' gRPC servers, and the fast lane's frames); its encoding is about
// the body's size, and the rest of the message (metadata, headers) needs
// room too. A larger body would be read and then fail at the first plugin.
const MaxBodyBytesLimit = 15 << 20

func (s Settings) validate() error {
	var problems []string
	if s.Listen == "" {
		problems = append(problems, "listen must not be empty")
	}
	if s.MaxBodyBytes <= 0 || s.MaxBodyBytes > MaxBodyBytesLimit {
		problems = append(problems, fmt.Sprintf("max_body_bytes must be between 1 and %d (15 MiB): a request travels to plugins in one message, and they take up to 16 MiB", MaxBodyBytesLimit))
	}
	for name, d := range map[string]time.Duration{"read_header_timeout": s.ReadHeaderTimeout, "read_timeout": s.ReadTimeout, "write_timeout": s.WriteTimeout, "idle_timeout": s.IdleTimeout, "shutdown_timeout": s.ShutdownTimeout, "drain_timeout": s.DrainTimeout, "plugin_start_timeout": s.PluginStartTimeout,
		"liveness_interval": s.LivenessInterval, "liveness_timeout": s.LivenessTimeout} {
		if d <= 0 {
			problems = append(problems, name+" must be a positive duration")
		}
	}
	if s.MaxInflight <= 0 || s.MaxStreams <= 0 || s.TrackerQueue <= 0 || s.TrackerBacklogBytes <= 0 {
		problems = append(problems, "max_inflight, max_streams, tracker_queue and tracker_backlog_bytes must be positive")
	}
	if s.LivenessTimeout > s.LivenessInterval {
		problems = append(problems, "liveness_timeout must not be longer than liveness_interval")
	}
	if s.LivenessMisses < 0 {
		problems = append(problems, "liveness_misses must be 0 (checks off) or more")
	}
	if s.CPUs != "" {
		if _, err := affinity.Parse(s.CPUs); err != nil {
			problems = append(problems, err.Error())
		}
	}
	switch s.LogFormat {
	case "text", "json":
	default:
		problems = append(problems, fmt.Sprintf("log_format must be text or json, not %q", s.LogFormat))
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("settings: %s", strings.Join(problems, "; "))
	}
	return nil
}

// envLayer maps LLMGW_<KEY> variables onto settings. Variables that are not
// settings (LLMGW_CONFIG, LLMGW_RATE_LIMIT_RPM, …) belong to others and are
// left alone.
func envLayer(environ []string) map[string]any {
	out := map[string]any{}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, "LLMGW_") {
			continue
		}
		key := strings.ToLower(strings.TrimPrefix(name, "LLMGW_"))
		if IsSetting(key) {
			out[key] = value
		}
	}
	return out
}

func toMap(v any) (map[string]any, error) {
	out := map[string]any{}
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		out[rt.Field(i).Tag.Get("koanf")] = rv.Field(i).Interface()
	}
	return out, nil
}

func decodeJSON(js []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return fromNumbers(v), nil
}

// fromNumbers turns json.Number into int64 or float64 so mapstructure can
// decode them.
func fromNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, e := range t {
			t[k] = fromNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = fromNumbers(e)
		}
	}
	return v
}
