package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/hashicorp/go-hclog"

	"github.com/llmgw/llmgw/core/affinity"
	"github.com/llmgw/llmgw/core/api"
	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pipeline"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// commonFlags are the flags of serve and validate.
type commonFlags struct {
	fs       *flag.FlagSet
	config   string
	listen   string
	logLevel string
}

func parseFlags(name string, args []string) (*commonFlags, error) {
	f := &commonFlags{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	f.fs.StringVar(&f.config, "config", "", "pipeline file (default $LLMGW_CONFIG or pipeline.hcl)")
	f.fs.StringVar(&f.listen, "listen", "", "listen address (default $LLMGW_LISTEN or the file's server.listen or 127.0.0.1:8000)")
	f.fs.StringVar(&f.logLevel, "log-level", "", "trace, debug, info, warn or error")
	if err := f.fs.Parse(args); err != nil {
		return nil, err
	}
	if f.config == "" {
		f.config = os.Getenv("LLMGW_CONFIG")
	}
	if f.config == "" {
		f.config = "pipeline.hcl"
	}
	return f, nil
}

// flagLayer is the settings layer of the flags the user set.
func (f *commonFlags) flagLayer() map[string]any {
	out := map[string]any{}
	if f.listen != "" {
		out["listen"] = f.listen
	}
	if f.logLevel != "" {
		out["log_level"] = f.logLevel
	}
	return out
}

func newLogger(s config.Settings) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:       "llmgw",
		Level:      hclog.LevelFromString(s.LogLevel),
		JSONFormat: s.LogFormat == "json",
		Output:     os.Stderr,
		TimeFormat: "2006-01-02T15:04:05.000Z07:00",
	})
}

// load parses the flags, the pipeline file and the layered settings of a
// command; code is the exit code when it fails (ok false).
func load(name string, args []string) (f *commonFlags, spec *config.Spec, settings config.Settings, code int, ok bool) {
	f, err := parseFlags(name, args)
	if err != nil {
		return nil, nil, settings, 2, false
	}
	if spec, err = config.LoadFile(f.config); err == nil {
		settings, err = config.LoadSettings(spec.Server, os.Environ(), f.flagLayer())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return nil, nil, settings, 1, false
	}
	return f, spec, settings, 0, true
}

func serve(args []string) int {
	f, _, settings, code, ok := load("serve", args)
	if !ok {
		return code
	}
	logger := newLogger(settings)
	if settings.CPUs != "" {
		// Before any plugin starts: a plugin inherits the mask of the
		// thread that starts it.
		cpus, err := affinity.Parse(settings.CPUs)
		if err == nil {
			err = affinity.Pin(cpus)
		}
		if err != nil {
			logger.Error("cannot pin the gateway to the CPUs of the cpus setting", "cpus", settings.CPUs, "error", err)
			return 1
		}
		logger.Info(fmt.Sprintf("pinned llmgw and the plugins it starts to CPUs %s", affinity.Format(cpus)), "gomaxprocs", runtime.GOMAXPROCS(0))
	}
	dataDir, err := filepath.Abs(settings.DataDir)
	if err == nil {
		err = os.MkdirAll(dataDir, 0o700)
	}
	if err != nil {
		logger.Error("data dir unusable", "dir", settings.DataDir, "error", err)
		return 1
	}
	rt := pipeline.NewRuntime(pipeline.Options{
		Logger:              logger,
		File:                f.config,
		DataDir:             dataDir,
		DrainTimeout:        settings.DrainTimeout,
		StartTimeout:        settings.PluginStartTimeout,
		TrackerQueue:        settings.TrackerQueue,
		TrackerBacklogBytes: settings.TrackerBacklogBytes,
		Liveness:            settings.Liveness(),
		// Every generation, the first and each reload (file watch, SIGHUP,
		// /admin/reload), passes the protected-mode check: a reload may not
		// make a public gateway anonymous.
		Admit: func(g *pipeline.Generation) error {
			if msg := protectedMode(settings.Listen, g.KeysRequired(), settings.AllowAnonymous); msg != "" {
				return errors.New(msg)
			}
			if requireKeysIgnored(os.Getenv("LLMGW_REQUIRE_KEYS"), g.KeysRequired()) {
				logger.Warn("LLMGW_REQUIRE_KEYS is set but no stage of the pipeline requires keys: requests without a key are served; add the virtual-keys stage with require_keys = env(\"LLMGW_REQUIRE_KEYS\", \"0\") (see docs/keys.md)")
			}
			return nil
		},
	})
	ctx := context.Background()
	g, err := rt.Load(ctx)
	if err != nil {
		rt.Shutdown(5 * time.Second)
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", settings.Listen)
	if err != nil {
		logger.Error("cannot listen", "addr", settings.Listen, "error", err)
		rt.Shutdown(5 * time.Second)
		return 1
	}
	srv := &http.Server{
		Handler:           api.New(rt, settings, logger),
		ReadHeaderTimeout: settings.ReadHeaderTimeout,
		ReadTimeout:       settings.ReadTimeout,
		WriteTimeout:      settings.WriteTimeout,
		IdleTimeout:       settings.IdleTimeout,
		MaxHeaderBytes:    settings.MaxHeaderBytes,
		ErrorLog:          logger.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
	}
	logger.Info(fmt.Sprintf("llmgw serving on http://%s", ln.Addr()), "generation", g.ID, "pipeline", f.config, "models", len(g.ModelNames()), "pid", os.Getpid())

	if settings.PprofListen != "" {
		go sdk.ServePprof(logger, settings.PprofListen)
	}
	stopWatch := make(chan struct{})
	if settings.Watch {
		go watchFile(logger, f.config, rt, stopWatch)
	}
	errCh := make(chan error, 1)
	go func() { errCh <- srv.Serve(ln) }()

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	for {
		select {
		case err := <-errCh:
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("server failed", "error", err)
				close(stopWatch)
				rt.Shutdown(settings.ShutdownTimeout)
				return 1
			}
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				logger.Info("SIGHUP: reloading the pipeline")
				_, _ = rt.Load(context.Background())
				continue
			}
			logger.Info("shutting down: finishing in-flight requests", "signal", sig.String(), "deadline", settings.ShutdownTimeout)
			close(stopWatch)
			sctx, cancel := context.WithTimeout(context.Background(), settings.ShutdownTimeout)
			if err := srv.Shutdown(sctx); err != nil {
				logger.Warn("in-flight requests did not finish before the deadline", "error", err)
			}
			cancel()
			rt.Shutdown(5 * time.Second)
			logger.Info("stopped")
			return 0
		}
	}
}

// protectedMode refuses (a non-empty message) to serve anonymous use on an
// address other machines can reach, unless the operator said so: anyone
// who reaches the gateway would spend its provider keys.
func protectedMode(listen string, keysRequired, allowAnonymous bool) string {
	if keysRequired || allowAnonymous || isLoopback(listen) {
		return ""
	}
	return fmt.Sprintf("refusing to serve on %s without virtual keys: anyone who reaches this address could spend the gateway's provider keys.\n"+
		"Either require keys (LLMGW_REQUIRE_KEYS=1, with the virtual-keys stage in the pipeline; create keys with `llmgw keys create`, see docs/keys.md),\n"+
		"or accept anonymous use on purpose (LLMGW_ALLOW_ANONYMOUS=1, or allow_anonymous = true in server {}),\n"+
		"or listen on loopback only (LLMGW_LISTEN=127.0.0.1:8000).", listen)
}

// requireKeysIgnored reports whether LLMGW_REQUIRE_KEYS asks for keys (1 or
// true) while no stage of the pipeline requires them: the variable only
// works through the keys stage's config in pipeline.hcl.
func requireKeysIgnored(env string, keysRequired bool) bool {
	on, err := strconv.ParseBool(strings.TrimSpace(env))
	return err == nil && on && !keysRequired
}

// isLoopback reports whether a listen address only accepts local clients.
func isLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		host = listen
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// watchFile reloads the pipeline when its file changes. It watches the
// directory, so editors that save by rename or replace are followed, and
// debounces bursts of events into one reload.
func watchFile(logger hclog.Logger, file string, rt *pipeline.Runtime, stop <-chan struct{}) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		logger.Warn("pipeline file watch unavailable", "error", err)
		return
	}
	defer w.Close()
	abs, _ := filepath.Abs(file)
	dir := filepath.Dir(abs)
	if err := w.Add(dir); err != nil {
		logger.Warn("pipeline file watch unavailable", "dir", dir, "error", err)
		return
	}
	const debounce = 150 * time.Millisecond
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-stop:
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if filepath.Clean(ev.Name) != abs || ev.Op == fsnotify.Chmod {
				continue
			}
			if timer == nil {
				timer = time.AfterFunc(debounce, func() {
					select {
					case fire <- struct{}{}:
					default:
					}
				})
			} else {
				timer.Reset(debounce)
			}
		case <-fire:
			if _, err := os.Stat(abs); err != nil {
				// Mid-rename: the new file will raise its own event.
				continue
			}
			logger.Info("pipeline file changed: reloading", "file", file)
			_, _ = rt.Load(context.Background())
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			logger.Warn("pipeline file watch error", "error", err)
		}
	}
}

func validate(args []string) int {
	f, spec, settings, code, ok := load("validate", args)
	if !ok {
		return code
	}
	settings.LogLevel = "warn"
	logger := newLogger(settings)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pipeline.Validate(ctx, logger, f.config, settings.PluginStartTimeout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("%s: valid (%d models, %d stages, %d trackers, %d plugins)\n", f.config, len(spec.Models), len(spec.Stages), len(spec.Trackers), len(spec.Plugins))
	return 0
}
