package sdk

import (
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Plugin describes a plugin binary: its name and version, and one factory per
// kind it serves (leave the others nil).
type Plugin struct {
	// Name is the plugin's name, as used in pipeline.hcl's plugin block.
	Name string
	// Version is the plugin's own version.
	Version string
	// Stage builds a stage instance from its config.
	Stage func(Config) (Stage, error)
	// Provider builds a provider instance from its config.
	Provider func(Config) (Provider, error)
	// Tracker builds a tracker instance from its config.
	Tracker func(Config) (Tracker, error)
	// Capabilities the plugin declares, e.g. CapStageAfter.
	Capabilities []string
	// ConfigSchema is an optional JSON Schema of the instance config.
	ConfigSchema string
}

// Serve runs the plugin until the host stops it. Call it from main; it does
// not return. Logs go to stderr as JSON, which the host forwards to its log;
// nothing may be written to stdout (it carries go-plugin's handshake).
func Serve(p Plugin) {
	setGCDefault()
	setProcsDefault()
	logger := NewLogger(p.Name)
	srv := newServer(p, logger)
	go exitWhenOrphaned(srv, logger)
	srv.serveLane(logger)
	if addr := os.Getenv("LLMGW_PLUGIN_PPROF"); addr != "" {
		go ServePprof(logger, addr)
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: serverPluginSets(srv),
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, ServerOptions()...)...)
		},
		Logger: logger,
	})
	srv.closeAll()
	os.Exit(0)
}

// DefaultGOGC is the garbage collector's target of a Go plugin process
// (Go's own default is 100) unless its environment sets GOGC: a plugin's
// live heap is small (a few MB) and its garbage comes from requests, so a
// tighter target keeps several plugins' memory down for a little more
// collection work. The operator overrides it per plugin with the block's
// env (e.g. { GOGC = "100" }); GOMEMLIMIT is Go's as always.
const DefaultGOGC = 50

// setGCDefault applies DefaultGOGC unless GOGC is set.
func setGCDefault() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(DefaultGOGC)
	}
}

// DefaultProcs is how many CPUs a Go plugin process runs Go code on at once
// (its GOMAXPROCS) unless its environment sets GOMAXPROCS: half of what Go
// would use (the machine's CPUs, or the container's CPU limit), at least 1.
//
// A plugin is one of several processes on the request path (the host, the
// other plugins, the upstream's client), and its work per call is short. With
// GOMAXPROCS at every CPU, each process's scheduler wakes an idle thread to
// look for work whenever a goroutine becomes ready (a frame arrives, an
// upstream answers) and lets it spin: on 2 CPUs shared by the host and five
// plugin processes those wake-ups competed with the request itself. Measured
// with make bench on 2 CPUs (bench/README.md, "One CPU per plugin"): the full
// pipeline's added p50 at one connection fell 6–20 % in three runs, and
// throughput at 64 connections did not fall. The operator overrides it per
// plugin with the block's env (e.g. { GOMAXPROCS = "8" }) for a plugin that
// computes much per call on a large machine.
func DefaultProcs() int {
	return max(1, runtime.GOMAXPROCS(0)/2)
}

// setProcsDefault applies DefaultProcs unless GOMAXPROCS is set.
func setProcsDefault() {
	if _, set := os.LookupEnv("GOMAXPROCS"); !set {
		runtime.GOMAXPROCS(DefaultProcs())
	}
}

// ServerOptions are the gRPC server options every plugin runs with.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		// A generous stream window keeps long provider streams flowing
		// without flow-control round trips.
		grpc.InitialWindowSize(1 << 20),
		grpc.InitialConnWindowSize(1 << 20),
		grpc.MaxRecvMsgSize(MaxPluginRecvMsgSize),
		// Reuse a few goroutines for incoming calls instead of one new
		// goroutine per call: fewer wake-ups on the request path.
		grpc.NumStreamWorkers(uint32(runtime.GOMAXPROCS(0))),
	}
}

// MaxPluginRecvMsgSize is the largest message a Go plugin accepts from the
// host (ServerOptions; the fast lane's frames and the Python SDK's server
// have the same bound).
const MaxPluginRecvMsgSize = 16 << 20

// MaxHostRecvMsgSize is the largest message the host accepts from a plugin:
// an embeddings answer of 2048 inputs × 3072 dimensions is 25 MB of
// float32s.
const MaxHostRecvMsgSize = 64 << 20

// DialOptions are the gRPC options the host connects to every plugin with
// (sdktest's harness uses them too, so a plugin's tests meet the limits it
// will meet in production).
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(1 << 20),
		grpc.WithInitialConnWindowSize(1 << 20),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxHostRecvMsgSize)),
	}
}

func serverPluginSets(srv *server) map[int]plugin.PluginSet {
	sets := make(map[int]plugin.PluginSet, len(SupportedProtocolVersions))
	for _, v := range SupportedProtocolVersions {
		sets[int(v)] = plugin.PluginSet{PluginName: &grpcPlugin{srv: srv, protocol: int(v)}}
	}
	return sets
}

// NewLogger returns the logger a plugin should use: JSON on stderr, which the
// host parses and re-logs with the plugin's name. LLMGW_PLUGIN_LOG_LEVEL sets
// the level (default info).
func NewLogger(name string) hclog.Logger {
	level := hclog.LevelFromString(os.Getenv("LLMGW_PLUGIN_LOG_LEVEL"))
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Level:      level,
		Output:     os.Stderr,
		JSONFormat: true,
	})
}

// ServePprof serves Go's profiler on its own listener at addr (the host's
// pprof_listen, a plugin's LLMGW_PLUGIN_PPROF); it returns when that fails.
func ServePprof(logger hclog.Logger, addr string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	logger.Info("pprof serving", "addr", addr)
	if err := srv.ListenAndServe(); err != nil {
		logger.Warn("pprof listener failed", "error", err)
	}
}

// exitWhenOrphaned ends the process when its parent (the host) is gone, even
// if the host was killed with SIGKILL and could not stop its plugins.
func exitWhenOrphaned(srv *server, logger hclog.Logger) {
	parent := os.Getppid()
	for {
		time.Sleep(250 * time.Millisecond)
		if os.Getppid() != parent {
			logger.Warn("host process is gone; exiting")
			srv.closeAll()
			os.Exit(0)
		}
	}
}
