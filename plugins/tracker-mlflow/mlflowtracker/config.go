package mlflowtracker

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Config is an instance's `config = { … }` block.
type Config struct {
	// TrackingURI is the MLflow server (default http://127.0.0.1:5000).
	TrackingURI string `json:"tracking_uri"`
	// ExperimentName receives the traces; created when missing (default llm-gateway).
	ExperimentName string `json:"experiment_name"`
	// LogPrompts records messages and answers as text; false records their
	// length and sha256 instead (default true).
	LogPrompts bool `json:"log_prompts"`
	// BatchSize is the most traces sent in one request (default 64).
	BatchSize int `json:"batch_size"`
	// FlushInterval is the longest an event waits for its batch (default 2s).
	FlushInterval sdk.Duration `json:"flush_interval"`
	// QueueSize is how many spooled events are also kept in memory for the
	// sender (default 1000); beyond it the sender reads them back from disk.
	QueueSize int `json:"queue_size"`
	// QueueBytes bounds those events' encoded bytes too (default 4 MiB; 0:
	// no byte bound), so long prompts cannot make the in-memory copy large.
	QueueBytes int64 `json:"queue_bytes"`
	// SpoolDir holds the on-disk spool (default <data_dir>/tracker-mlflow/<instance>).
	SpoolDir string `json:"spool_dir"`
	// SpoolMaxBytes bounds the spool (default 256 MiB).
	SpoolMaxBytes int64 `json:"spool_max_bytes"`
	// RunMetricsInterval is how often the run's metrics are logged (default 30s).
	RunMetricsInterval sdk.Duration `json:"run_metrics_interval"`
	// RequestTimeout bounds each call to MLflow (default 5s).
	RequestTimeout sdk.Duration `json:"request_timeout"`
}

// Defaults of Config.
const (
	DefaultTrackingURI    = "http://127.0.0.1:5000"
	DefaultExperimentName = "llm-gateway"
	DefaultBatchSize      = 64
	DefaultFlushInterval  = 2 * time.Second
	DefaultQueueSize      = 1000
	DefaultQueueBytes     = 4 << 20
	DefaultSpoolMaxBytes  = 256 << 20
	DefaultRunMetrics     = 30 * time.Second
	DefaultRequestTimeout = 5 * time.Second
)

// decodeConfig decodes and checks an instance's config, filling defaults.
func decodeConfig(c sdk.Config) (Config, error) {
	cfg := Config{
		TrackingURI:        DefaultTrackingURI,
		ExperimentName:     DefaultExperimentName,
		LogPrompts:         true,
		BatchSize:          DefaultBatchSize,
		FlushInterval:      sdk.Duration(DefaultFlushInterval),
		QueueSize:          DefaultQueueSize,
		QueueBytes:         DefaultQueueBytes,
		SpoolMaxBytes:      DefaultSpoolMaxBytes,
		RunMetricsInterval: sdk.Duration(DefaultRunMetrics),
		RequestTimeout:     sdk.Duration(DefaultRequestTimeout),
	}
	if err := c.Decode(&cfg); err != nil {
		return cfg, nameDurationField(c.Raw, err)
	}
	switch {
	case cfg.TrackingURI == "":
		return cfg, sdk.ConfigError("field %q: must not be empty", "tracking_uri")
	case cfg.ExperimentName == "":
		return cfg, sdk.ConfigError("field %q: must not be empty", "experiment_name")
	case cfg.BatchSize <= 0 || cfg.BatchSize > 1000:
		return cfg, sdk.ConfigError("field %q: must be between 1 and 1000", "batch_size")
	case cfg.FlushInterval <= 0:
		return cfg, sdk.ConfigError("field %q: must be positive", "flush_interval")
	case cfg.QueueSize < 0:
		return cfg, sdk.ConfigError("field %q: must not be negative", "queue_size")
	case cfg.QueueBytes < 0:
		return cfg, sdk.ConfigError("field %q: must not be negative", "queue_bytes")
	case cfg.SpoolMaxBytes < 1<<20:
		return cfg, sdk.ConfigError("field %q: must be at least 1 MiB (1048576)", "spool_max_bytes")
	case cfg.RunMetricsInterval < sdk.Duration(time.Second):
		return cfg, sdk.ConfigError("field %q: must be at least 1s", "run_metrics_interval")
	case cfg.RequestTimeout <= 0:
		return cfg, sdk.ConfigError("field %q: must be positive", "request_timeout")
	}
	if cfg.SpoolDir == "" {
		dataDir := c.Host.GetDataDir()
		if dataDir == "" {
			dataDir = os.Getenv("LLMGW_DATA_DIR")
		}
		if dataDir == "" {
			dataDir = "data"
		}
		name := c.Name
		if name == "" {
			name = "default"
		}
		cfg.SpoolDir = filepath.Join(dataDir, "tracker-mlflow", name)
	}
	abs, err := filepath.Abs(cfg.SpoolDir)
	if err != nil {
		return cfg, sdk.ConfigError("field %q: %v", "spool_dir", err)
	}
	cfg.SpoolDir = abs
	return cfg, nil
}

// nameDurationField names the field of a bad duration: the SDK's decoder
// reports a json.Unmarshaler's error without the field it came from.
func nameDurationField(raw []byte, err error) error {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return err
	}
	for _, name := range []string{"flush_interval", "run_metrics_interval", "request_timeout"} {
		if v, ok := fields[name]; ok {
			var d sdk.Duration
			if derr := json.Unmarshal(v, &d); derr != nil {
				return sdk.ConfigError("field %q: %v", name, derr)
			}
		}
	}
	return err
}
