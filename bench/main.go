// Command bench is llmgw's benchmark (issue 8) and soak (issue 10): it
// starts bin/upstream-sim, a bare reverse proxy (the floor), the gateway
// with one provider and with the default pipeline's shape, and the peers
// (Portkey, LiteLLM), then measures them interleaved in one run with vegeta
// and writes bench/results/<date>.json and .md. `make bench` runs it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "floor" {
		os.Exit(floorMain(os.Args[2:]))
	}
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "run" {
		args = args[1:]
	}
	os.Exit(runMain(args))
}

type options struct {
	root   string
	out    string
	rounds int
	// alternate reverses the setups' order in even rounds.
	alternate bool
	conns     int
	seqDur    time.Duration
	concDur   time.Duration
	ttfbDur   time.Duration
	agentDur  time.Duration
	// agentMessages: the agent regime on the Messages API's route too.
	agentMessages bool
	peers         bool
	soak          time.Duration
	soakRate      int
	warmup        time.Duration
	// grpcLane adds llmgw-full-grpc: llmgw-full with the request path on
	// gRPC (LLMGW_PLUGIN_LANE=grpc), the before of issue 21's fast lane.
	grpcLane bool
	// baselineProvider adds llmgw-host-baseline: llmgw-host with this
	// provider-openai binary (e.g. one built from main), the before of a
	// provider or SDK change in the same interleaved run.
	baselineProvider string
	// during adds llmgw-full-during: llmgw-full with the guard running
	// during the call (during_call = true).
	during bool
	// duringFirst runs llmgw-full-during just before llmgw-full in each
	// round instead of just after it.
	duringFirst bool
	// noLease adds llmgw-full-nolease: llmgw-full with the rate limiter's
	// quota leases off (every request calls the plugin, as before them).
	noLease bool
	// pinned adds llmgw-full-pinned and floor-pinned.
	pinned bool
	// baselineBin adds llmgw-full-baseline: llmgw-full with the gateway and
	// plugins of another build (DIR/llmgw, DIR/plugins/*), the before of a
	// host or plugin change in the same interleaved run.
	baselineBin string
	// baselineFirst runs llmgw-full-baseline just before llmgw-full in each
	// round instead of after it (and the llmgw-full-* setups).
	baselineFirst bool
	// profile is a directory for CPU profiles of host and plugins, taken
	// during the first round's many-connection run of each llmgw-full setup.
	profile        string
	variantEnv     string
	variantHostEnv string
	// mlflowIdle runs the MLflow server at idle CPU priority (idlePriority).
	mlflowIdle bool
}

func runMain(args []string) int {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.root, "root", "", "repository root (default: the directory holding go.work above the working directory)")
	fs.StringVar(&o.out, "out", "", "results directory (default ROOT/bench/results)")
	fs.IntVar(&o.rounds, "rounds", 5, "interleaved rounds")
	fs.BoolVar(&o.alternate, "alternate", true, "run the setups in reverse order in even rounds, so that an order effect falls on both sides of a comparison (exactly with an even -rounds)")
	fs.IntVar(&o.conns, "conns", 64, "connections of the throughput regime")
	fs.DurationVar(&o.seqDur, "seq", 3*time.Second, "duration of one 1-connection latency run")
	fs.DurationVar(&o.concDur, "conc", 5*time.Second, "duration of one many-connection throughput run")
	fs.DurationVar(&o.ttfbDur, "ttfb", 2*time.Second, "duration of one streaming TTFB run (1 connection)")
	fs.BoolVar(&o.agentMessages, "agent-messages", false, "with -agent: the same conversation on the Messages API's route too (POST /v1/messages, as Claude Code sends it; llmgw setups only). Off by default: with it, the host's RSS in the next round's 64-connection regime was 130-164 MB instead of about 47 (bench/README.md), which would change the RSS target's verdict")
	fs.DurationVar(&o.agentDur, "agent", 2*time.Second, "duration of one 1-connection run with a coding agent's conversation as the body (about 160 kB re-sent whole, as its client does each turn; 0 disables)")
	fs.BoolVar(&o.peers, "peers", true, "also measure Portkey and LiteLLM (installed into bench/.peers on first use)")
	fs.DurationVar(&o.soak, "soak", 3*time.Minute, "soak duration through llmgw-full (0 disables)")
	fs.IntVar(&o.soakRate, "soak-rate", 300, "soak request rate per second")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up per setup before measuring")
	fs.StringVar(&o.baselineProvider, "baseline-provider", "", "also measure llmgw-host-baseline: llmgw-host with this provider-openai binary (e.g. built from main) instead of bin/plugins/provider-openai")
	fs.BoolVar(&o.grpcLane, "grpc-lane", true, "also measure llmgw-full-grpc: the full pipeline with the plugins' request path on gRPC (LLMGW_PLUGIN_LANE=grpc)")
	fs.BoolVar(&o.mlflowIdle, "mlflow-idle", true, "run the MLflow server at idle CPU priority, so that its ingestion of earlier runs' traces does not take CPU from the setup being measured (false: normal priority, as before 2026-12-02)")
	fs.BoolVar(&o.during, "during", true, "also measure llmgw-full-during: the full pipeline with the guard running during the call (during_call = true)")
	fs.BoolVar(&o.duringFirst, "during-first", false, "run llmgw-full-during just before llmgw-full in each round (default: just after), to see the order's own effect")
	fs.BoolVar(&o.noLease, "nolease", true, "also measure llmgw-full-nolease: the full pipeline with the rate limiter's quota leases off (lease = false)")
	fs.StringVar(&o.baselineBin, "baseline-bin", "", "also measure llmgw-full-baseline: llmgw-full with DIR/llmgw and DIR/plugins/* (e.g. a copy of main's bin/) instead of bin/")
	fs.BoolVar(&o.baselineFirst, "baseline-first", false, "run llmgw-full-baseline just before llmgw-full in each round (default: after the llmgw-full setups), to see the order's own effect")
	fs.StringVar(&o.variantEnv, "variant-env", "", "also measure llmgw-full-during-env: llmgw-full-during with these KEY=VALUE pairs (comma-separated) in every plugin's environment, e.g. GOMAXPROCS=1")
	fs.StringVar(&o.variantHostEnv, "variant-host-env", "", "with -variant-env: these KEY=VALUE pairs (comma-separated) in llmgw-full-during-env's host environment too")
	fs.BoolVar(&o.pinned, "pinned", true, "also measure llmgw-full-pinned (llmgw-full with LLMGW_CPUS set to one CPU: the gateway and its plugins pinned to it) and floor-pinned (the floor under taskset -c on the same CPU)")
	fs.StringVar(&o.profile, "profile", "", "write CPU profiles of the host and every plugin of llmgw-full setups, and of llmgw-host's host (first round, many connections), into this directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.root == "" {
		wd, _ := os.Getwd()
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
				o.root = dir
				break
			}
			if dir == filepath.Dir(dir) {
				fmt.Fprintln(os.Stderr, "bench: cannot find the repository root (go.work); pass --root")
				return 2
			}
		}
	}
	if o.out == "" {
		o.out = filepath.Join(o.root, "bench", "results")
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
}

func run(o options) error {
	began := time.Now()
	for _, b := range []string{"bin/llmgw", "bin/upstream-sim", "bin/plugins/provider-openai"} {
		if _, err := os.Stat(filepath.Join(o.root, b)); err != nil {
			return fmt.Errorf("%s is missing: run make build first", b)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "llmgw-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	peerDir := filepath.Join(o.root, "bench", ".peers")
	_ = os.MkdirAll(peerDir, 0o755)
	e := &env{root: o.root, tmp: tmp, self: self, peerDir: peerDir, log: logf, profile: o.profile != "", mlflowIdle: o.mlflowIdle}

	// Stop everything on Ctrl-C too.
	var stopOnce sync.Once
	stopAll := func() { stopOnce.Do(e.stopAll) }
	defer stopAll()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-sig
		logf("interrupted: stopping what was started")
		stopAll()
		os.Exit(130)
	}()

	rep := &Report{Date: began.Format("2006-01-02T15:04:05Z07:00"), Commit: gitDescribe(o.root), Machine: machine(),
		Config: RunConfig{Rounds: o.rounds, Alternate: o.alternate, Conns: o.conns, SeqDuration: o.seqDur.String(), ConcDur: o.concDur.String(),
			TTFBDur: o.ttfbDur.String(), AgentDur: o.agentDur.String(), AgentBytes: len(agentBody("gpt-4o-primary")), AgentMessagesBytes: agentMessagesBytes(o), Peers: o.peers, Soak: o.soak.String(), SoakRate: o.soakRate, Prompt: prompt}}

	// The simulator.
	simAddr, err := freeAddr()
	if err != nil {
		return err
	}
	sim, err := e.start("upstream-sim", o.root, nil, e.bin("upstream-sim"), "--listen", simAddr)
	if err != nil {
		return err
	}
	e.simURL = "http://" + simAddr
	if err := waitHTTP(e.simURL+"/sim/stats", sim, 15*time.Second); err != nil {
		return err
	}
	logf("upstream-sim on %s", e.simURL)

	var setups []*Setup
	add := func(name string, f func() (*Setup, error)) {
		logf("starting %s …", name)
		s, err := f()
		if err != nil {
			logf("SKIPPED %s: %v", name, err)
			rep.Skipped = append(rep.Skipped, Skip{Name: name, Reason: err.Error()})
			return
		}
		setups = append(setups, s)
	}
	add("direct", func() (*Setup, error) { return e.directSetup(sim), nil })
	add("floor", e.floorSetup)
	pinCPU, pinWhy := firstCPU()
	if o.pinned && pinWhy == "" {
		add("floor-pinned", func() (*Setup, error) { return e.floorPinnedSetup(pinCPU) })
	}
	add("llmgw-host", e.hostSetup)
	if o.baselineProvider != "" {
		add("llmgw-host-baseline", func() (*Setup, error) { return e.baselineSetup(o.baselineProvider) })
	}
	add("llmgw-cache-hit", e.cacheSetup)
	add("llmgw-host-ui", e.uiSetup)
	trackingURI, trackerNote := "", ""
	if uri, err := e.startMLflow(); err == nil {
		trackingURI, trackerNote = uri, "a real MLflow server ("+uri+", scratch SQLite)"
		rep.MLflow = "ran: " + filepath.Join(o.root, ".venv/bin/mlflow") + " server at " + uri + " with a scratch SQLite database; tracker-mlflow sent to it"
	} else {
		trackingURI = closedPortURI()
		trackerNote = "a closed port (" + trackingURI + "): the tracker spools"
		rep.MLflow = "not started (" + err.Error() + "); tracker-mlflow pointed at a closed port and spooled"
	}
	logf("MLflow: %s", rep.MLflow)
	baseline := func() {
		if o.baselineBin != "" {
			add("llmgw-full-baseline", func() (*Setup, error) {
				dir, err := filepath.Abs(o.baselineBin)
				if err != nil {
					return nil, err
				}
				return e.fullSetup("llmgw-full-baseline", dir, "fast", true, false, o.profile != "", trackingURI, trackerNote)
			})
		}
	}
	if o.baselineFirst {
		baseline()
	}
	during := func() {
		if o.during {
			add("llmgw-full-during", func() (*Setup, error) {
				return e.fullSetup("llmgw-full-during", e.bin(""), "fast", true, true, o.profile != "", trackingURI, trackerNote)
			})
		}
	}
	if o.duringFirst {
		during()
	}
	if o.variantEnv != "" {
		add("llmgw-full-during-env", func() (*Setup, error) {
			return e.fullSetupEnv("llmgw-full-during-env", e.bin(""), "fast", true, true, o.profile != "", trackingURI, trackerNote, strings.Split(o.variantEnv, ","), splitNonEmpty(o.variantHostEnv))
		})
	}
	add("llmgw-full", func() (*Setup, error) {
		return e.fullSetup("llmgw-full", e.bin(""), "fast", true, false, o.profile != "", trackingURI, trackerNote)
	})
	if !o.duringFirst {
		during()
	}
	if o.pinned {
		if pinWhy != "" {
			rep.Skipped = append(rep.Skipped, Skip{Name: "llmgw-full-pinned, floor-pinned", Reason: pinWhy})
		} else {
			add("llmgw-full-pinned", func() (*Setup, error) {
				return e.fullSetupEnv("llmgw-full-pinned", e.bin(""), "fast", true, false, o.profile != "", trackingURI, trackerNote, nil, []string{"LLMGW_CPUS=" + pinCPU})
			})
		}
	}
	if o.grpcLane {
		add("llmgw-full-grpc", func() (*Setup, error) {
			return e.fullSetup("llmgw-full-grpc", e.bin(""), "grpc", true, false, o.profile != "", trackingURI, trackerNote)
		})
	}
	if o.noLease {
		add("llmgw-full-nolease", func() (*Setup, error) {
			return e.fullSetup("llmgw-full-nolease", e.bin(""), "fast", false, false, o.profile != "", trackingURI, trackerNote)
		})
	}
	if !o.baselineFirst {
		baseline()
	}
	if o.peers {
		add("portkey", e.portkeySetup)
		add("litellm", e.litellmSetup)
	} else {
		rep.Skipped = append(rep.Skipped, Skip{Name: "portkey, litellm", Reason: "peers disabled (-peers=false, as in bench-quick)"})
	}

	// Warm up, then weigh each process tree at idle.
	for _, s := range setups {
		logf("warming up %s (%s)", s.Name, o.warmup)
		attack(s, "warmup", 0, Load{Conns: 4, Duration: o.warmup})
		attack(s, "warmup", 0, Load{Conns: 1, Duration: o.warmup / 4, Stream: s.Stream})
	}
	time.Sleep(time.Second)
	idle := map[string]TreeRSS{}
	for _, s := range setups {
		if s.Proc != nil {
			idle[s.Name] = treeRSS(s.Proc.pid())
		}
	}

	// Rounds: A B C … per regime, every round (C B A … in even rounds with
	// -alternate).
	runs := map[string][]*Run{}
	type regime struct {
		name  string
		load  Load
		label string
	}
	regimes := []regime{
		{"seq", Load{Conns: 1, Duration: o.seqDur}, "c=1"},
		{"conc", Load{Conns: o.conns, Duration: o.concDur}, fmt.Sprintf("c=%d", o.conns)},
		{"ttfb", Load{Conns: 1, Duration: o.ttfbDur, Stream: true}, "stream TTFB"},
	}
	if o.agentDur > 0 {
		regimes = append(regimes, regime{"agent", Load{Conns: 1, Duration: o.agentDur, Agent: "chat"}, "agent body"})
		if o.agentMessages {
			regimes = append(regimes, regime{"agent-messages", Load{Conns: 1, Duration: o.agentDur, Agent: "messages"}, "agent /v1/messages"})
		}
	}
	var mlflowCPU time.Duration
	if e.mlflow != nil {
		mlflowCPU = treeTotal(e.mlflow.pid())
	}
	roundsStart := time.Now()
	for r := 1; r <= o.rounds; r++ {
		order := roundOrder(setups, r, o.alternate)
		for _, g := range regimes {
			for _, s := range order {
				if g.name == "ttfb" && !s.Stream || g.name == "agent-messages" && s.NoMessages {
					continue
				}
				fmt.Fprintf(os.Stderr, "[round %d/%d] %-10s %-11s … ", r, o.rounds, s.Name, g.label)
				before := simRequests(e.simURL)
				var sampler *rssSampler
				if g.name == "conc" && s.Proc != nil {
					sampler = sampleRSS(s.Proc.pid(), 200*time.Millisecond)
				}
				var prof *profiler
				if g.name == "conc" && r == 1 && o.profile != "" && len(s.Pprof) > 0 {
					prof = startProfiles(o.profile, s, g.load.Duration)
				}
				var cpu map[string]time.Duration
				backlog, heap := -1.0, -1.0
				if g.name == "conc" {
					cpu = runCPU(s, sim)
					if s.MetricsURL != "" {
						m := promGauges(s.MetricsURL, "llmgw_tracker_queue_depth", "go_memstats_heap_inuse_bytes")
						if v, ok := m["llmgw_tracker_queue_depth"]; ok {
							backlog = v
						}
						if v, ok := m["go_memstats_heap_inuse_bytes"]; ok {
							heap = v / (1 << 20)
						}
					}
				}
				res := attack(s, g.name, r, g.load)
				res.Backlog, res.HeapMB = backlog, heap
				if cpu != nil {
					res.CPU = cpuSince(cpu, runCPU(s, sim))
				}
				if prof != nil {
					prof.wait()
				}
				if sampler != nil {
					res.PeakRSS = sampler.finish()
				}
				if after := simRequests(e.simURL); before >= 0 && after >= 0 {
					res.Upstream = after - before
				}
				runs[s.Name] = append(runs[s.Name], res)
				fmt.Fprintln(os.Stderr, progress(res))
				time.Sleep(200 * time.Millisecond)
			}
		}
	}

	if e.mlflow != nil {
		rep.MLflow += mlflowShare(treeTotal(e.mlflow.pid())-mlflowCPU, time.Since(roundsStart), e.mlflowPrio, setups, runs)
	}
	for _, s := range setups {
		sr := aggregate(s, runs[s.Name])
		if t, ok := idle[s.Name]; ok {
			t := t
			sr.RSSIdle = &t
		}
		if sr.Answers > 0 && sr.UpstreamCalls < sr.Answers && !s.CacheHits {
			logf("WARNING %s: %d answers but only %d upstream calls (a cache?)", s.Name, sr.Answers, sr.UpstreamCalls)
		}
		rep.Setups = append(rep.Setups, sr)
	}
	rep.compare()

	if o.soak > 0 {
		var full *Setup
		for _, s := range setups {
			if s.Name == "llmgw-full" {
				full = s
			}
		}
		if full == nil {
			logf("soak skipped: llmgw-full did not start")
		} else {
			// Stop the others first: their idle CPU is noise the soak does not need.
			for _, s := range setups {
				if s != full && s.Proc != nil {
					s.Proc.stop(10 * time.Second)
				}
			}
			rep.Soak = soak(full, o.soak, o.soakRate)
		}
	}

	rep.Machine.LoadAvgEnd = loadavg()
	rep.Duration = time.Since(began).Round(time.Second).String()
	md := rep.Markdown()
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	stamp := began.Format("2006-01-02T150405")
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	jsonFile := filepath.Join(o.out, stamp+".json")
	mdFile := filepath.Join(o.out, stamp+".md")
	if err := os.WriteFile(jsonFile, append(js, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(mdFile, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Println(md)
	logf("wrote %s and %s", rel(o.root, jsonFile), rel(o.root, mdFile))
	return nil
}

func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return r
	}
	return p
}

func progress(r *Run) string {
	var b strings.Builder
	switch r.Regime {
	case "seq":
		c := append([]float64(nil), r.OKLat...)
		d := Summarize(c)
		fmt.Fprintf(&b, "p50 %.3f ms  p99 %.3f ms  n=%d", d.P50, d.P99, len(r.Lat))
	case "conc":
		c := append([]float64(nil), r.OKLat...)
		d := Summarize(c)
		fmt.Fprintf(&b, "%.0f rps  p99 %.3f ms  n=%d", r.RPS(), d.P99, len(r.Lat))
		if r.PeakRSS.TotalMB > 0 {
			fmt.Fprintf(&b, "  rss %.0f MB", r.PeakRSS.TotalMB)
		}
		if cpu := cpuPerAnswer([]*Run{r}); cpu != nil {
			fmt.Fprintf(&b, "  cpu %.0f µs/answer (gateway)", gatewayCPU(cpu))
		}
	case "agent", "agent-messages":
		c := append([]float64(nil), r.OKLat...)
		d := Summarize(c)
		fmt.Fprintf(&b, "p50 %.3f ms  p99 %.3f ms  n=%d", d.P50, d.P99, len(r.Lat))
	case "ttfb":
		c := append([]float64(nil), r.TTFB...)
		d := Summarize(c)
		fmt.Fprintf(&b, "TTFB p50 %.3f ms  p99 %.3f ms  n=%d", d.P50, d.P99, len(r.Lat))
	}
	if r.Errors > 0 {
		fmt.Fprintf(&b, "  errors %d %v", r.Errors, r.ErrKind)
	}
	return b.String()
}

// soak drives s at a fixed rate for d and samples memory and goroutines.
func soak(s *Setup, d time.Duration, rate int) *SoakReport {
	k := &SoakReport{Setup: s.Name, Duration: d.String(), Rate: rate, ErrKinds: map[string]int{}}
	point := func(t0 time.Time) SoakPoint {
		g := promGauges(s.MetricsURL, "go_goroutines", "process_resident_memory_bytes", "go_memstats_heap_inuse_bytes", "llmgw_tracker_queue_depth")
		tr := treeRSS(s.Proc.pid())
		return SoakPoint{AtSec: round3(time.Since(t0).Seconds()), TreeRSSMB: round3(tr.TotalMB), Processes: tr.Procs,
			HostRSSMB: round3(g["process_resident_memory_bytes"] / (1 << 20)), Goroutines: g["go_goroutines"],
			HeapMB: round3(g["go_memstats_heap_inuse_bytes"] / (1 << 20)), Backlog: g["llmgw_tracker_queue_depth"]}
	}
	time.Sleep(2 * time.Second)
	t0 := time.Now()
	k.Idle = point(t0)
	logf("soak: %s at %d rps through %s (idle: %.1f MB, %0.f goroutines)", d, rate, s.Name, k.Idle.TreeRSSMB, k.Idle.Goroutines)
	warm := d / 10
	if warm > 15*time.Second {
		warm = 15 * time.Second
	}
	every := d / 24
	if every < time.Second {
		every = time.Second
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	var mu sync.Mutex
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				pt := point(t0)
				mu.Lock()
				k.Samples = append(k.Samples, pt)
				mu.Unlock()
				fmt.Fprintf(os.Stderr, "[soak %3.0fs/%.0fs] rss %.1f MB, host heap %.1f MB, tracker backlog %.0f events, goroutines %.0f\n", pt.AtSec, d.Seconds(), pt.TreeRSSMB, pt.HeapMB, pt.Backlog, pt.Goroutines)
			}
		}
	}()
	r := attack(s, "soak", 0, Load{Conns: 64, Rate: rate, Duration: d})
	close(stop)
	<-done
	k.End = point(t0)
	if n := len(k.Samples); n > 0 {
		// The last sample taken while the load still ran: point() after the
		// attack already sees the requests drained.
		k.End = k.Samples[n-1]
	}
	k.Requests, k.Errors = len(r.Lat), r.Errors
	k.ErrSamples = map[string]string{}
	for kk, v := range r.ErrKind {
		k.ErrKinds[kk] = v
		k.ErrSamples[kk] = r.ErrText[kk]
	}
	if len(k.ErrKinds) == 0 {
		k.ErrKinds, k.ErrSamples = nil, nil
	}
	k.Latency = Summarize(r.OKLat)
	time.Sleep(3 * time.Second)
	k.IdleAfter = point(t0)

	// Start: the first sample after the warm-up.
	var xs, ys []float64
	k.Start = k.End
	for _, pt := range k.Samples {
		if pt.AtSec >= warm.Seconds() {
			if len(xs) == 0 {
				k.Start = pt
			}
			xs = append(xs, pt.AtSec/60)
			ys = append(ys, pt.TreeRSSMB)
		}
	}
	k.RSSSlopeMBPM = round3(Slope(xs, ys))
	k.Flat, k.Verdict = soakVerdict(k)
	return k
}

// soakVerdict: flat when RSS at the end is within 10% (or 5 MB) of the start,
// the goroutines under load within 10% (or 20) of the start, and the idle
// goroutines after the soak within 10 of those before it.
func soakVerdict(k *SoakReport) (bool, string) {
	var why []string
	rssTol := k.Start.TreeRSSMB * 0.10
	if rssTol < 5 {
		rssTol = 5
	}
	if k.End.TreeRSSMB-k.Start.TreeRSSMB > rssTol {
		grew := fmt.Sprintf("RSS grew %.1f → %.1f MB", k.Start.TreeRSSMB, k.End.TreeRSSMB)
		if k.End.Backlog > k.Start.Backlog {
			// Say what held it, so that a backlog is not read as a leak (nor
			// the other way round: the verdict stays NOT FLAT).
			grew += fmt.Sprintf(" while the tracker backlog grew %.0f → %.0f events (the trackers' sink fell behind)", k.Start.Backlog, k.End.Backlog)
		}
		why = append(why, grew)
	}
	gTol := k.Start.Goroutines * 0.10
	if gTol < 20 {
		gTol = 20
	}
	if k.End.Goroutines-k.Start.Goroutines > gTol {
		why = append(why, fmt.Sprintf("goroutines under load grew %.0f → %.0f", k.Start.Goroutines, k.End.Goroutines))
	}
	if k.IdleAfter.Goroutines-k.Idle.Goroutines > 10 {
		why = append(why, fmt.Sprintf("idle goroutines grew %.0f → %.0f", k.Idle.Goroutines, k.IdleAfter.Goroutines))
	}
	if k.Start.Goroutines == 0 && k.End.Goroutines == 0 {
		why = append(why, "no go_goroutines in /metrics")
	}
	if len(why) > 0 {
		return false, "NOT FLAT: " + strings.Join(why, "; ")
	}
	return true, fmt.Sprintf("FLAT: RSS %.1f → %.1f MB (host+plugins), goroutines %.0f → %.0f under load, %.0f → %.0f idle",
		k.Start.TreeRSSMB, k.End.TreeRSSMB, k.Start.Goroutines, k.End.Goroutines, k.Idle.Goroutines, k.IdleAfter.Goroutines)
}

func gitDescribe(root string) string {
	out, err := exec.Command("git", "-C", root, "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), LoadAvg: loadavg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				f := strings.Fields(l)
				if len(f) >= 2 {
					kb, _ := strconv.Atoi(f[1])
					m.MemTotalMB = kb / 1024
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.Idle = cpuIdle("/sys")
	return m
}

// cpuIdle says how the kernel under sys (normally /sys) idles a CPU: the
// cpuidle driver and, for the haltpoll driver of a KVM guest, how long an
// idle CPU polls before it halts. On a guest that halts at once
// (guest_halt_poll_ns 0) every wake-up of a process on an idle CPU is a
// VM exit, which made each of the gateway's process hops cost far more
// (bench/README.md, "What a hop costs on this machine"). Empty when sys
// says nothing.
func cpuIdle(sys string) string {
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(sys, p))
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	driver := read("devices/system/cpu/cpuidle/current_driver")
	if driver == "" {
		return ""
	}
	s := "cpuidle driver " + driver
	if ns := read("module/haltpoll/parameters/guest_halt_poll_ns"); ns != "" {
		s += ", guest halt polling " + ns + " ns"
	}
	return s
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// roundOrder is the order of the setups in round r (from 1): as listed, or
// reversed in even rounds when alternating. A setup's numbers depend on the
// one that ran just before it (measured: 10–20 % on the 1-connection p50 of
// two llmgw pipelines on a busy 2-core machine, whichever ran first being
// faster), so a comparison needs both orders.
func roundOrder(setups []*Setup, r int, alternate bool) []*Setup {
	if !alternate || r%2 == 1 {
		return setups
	}
	out := make([]*Setup, len(setups))
	for i, s := range setups {
		out[len(setups)-1-i] = s
	}
	return out
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// agentMessagesBytes is the size of the Messages API regime's body, 0 when
// it does not run.
func agentMessagesBytes(o options) int {
	if o.agentDur <= 0 || !o.agentMessages {
		return 0
	}
	return len(agentMessagesBody("gpt-4o-primary"))
}
