package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/plugincheck"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// simPlaceholder in a --config value is replaced by the URL of an upstream
// simulator (bin/upstream-sim) that the check starts and stops.
const simPlaceholder = "{{sim}}"

func pluginCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plugin check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var configs multiFlag
	fs.Var(&configs, "config", `a valid instance config: JSON for every kind, or KIND=JSON (repeatable); "`+simPlaceholder+`" in it becomes the URL of an upstream simulator the check starts`)
	noMTLS := fs.Bool("no-mtls", false, "launch without go-plugin's AutoMTLS (as auto_mtls = false does)")
	concurrency := fs.Int("concurrency", 8, "calls of each kind at once")
	callTimeout := fs.Duration("call-timeout", 0, "bound of each call (default: stage 2s, provider 20s, tracker 15s)")
	model := fs.String("upstream-model", "gpt-4o", "upstream model name of provider calls")
	verbose := fs.Bool("v", false, "show the plugin's own log on stderr")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) < 1 {
		fmt.Fprintln(stderr, "usage: llmgw plugin check PATH [--config [KIND=]JSON]... [-- ARGS…]")
		return 2
	}
	path, pluginArgs := pos[0], pos[1:]

	perKind := map[string]string{}
	var all string
	needSim := false
	for _, c := range configs {
		kind, js := "", c
		if k, rest, ok := strings.Cut(c, "="); ok && (k == "stage" || k == "provider" || k == "tracker") {
			kind, js = k, rest
		}
		if strings.Contains(js, simPlaceholder) {
			needSim = true
		} else if !json.Valid([]byte(js)) {
			fmt.Fprintf(stderr, "llmgw plugin check: --config %q is not valid JSON\n", c)
			return 2
		}
		if kind == "" {
			all = js
		} else {
			perKind[kind] = js
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if needSim {
		url, stopSim, err := startUpstreamSim(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "llmgw plugin check:", err)
			return 1
		}
		defer stopSim()
		fmt.Fprintf(stdout, "upstream simulator at %s\n", url)
		all = strings.ReplaceAll(all, simPlaceholder, url)
		for k, v := range perKind {
			perKind[k] = strings.ReplaceAll(v, simPlaceholder, url)
		}
	}
	final := map[string]string{}
	for _, k := range []string{"stage", "provider", "tracker"} {
		if v, ok := perKind[k]; ok {
			final[k] = v
		} else if all != "" {
			final[k] = all
		}
	}
	opts := plugincheck.Options{
		Path:        path,
		Args:        pluginArgs,
		DisableMTLS: *noMTLS,
		Out:         stdout,
		Conformance: sdktest.ConformanceOptions{
			Configs:         final,
			UpstreamModel:   *model,
			Concurrency:     *concurrency,
			StageTimeout:    *callTimeout,
			ProviderTimeout: *callTimeout,
			TrackerTimeout:  *callTimeout,
		},
	}
	dataDir, err := os.MkdirTemp("", "llmgw-plugin-check-")
	if err == nil {
		defer os.RemoveAll(dataDir)
		opts.Conformance.Host = &sdk.HostInfo{DataDir: dataDir, Models: []string{"conformance-model"}, Generation: 1, HostVersion: "plugin-check"}
	}
	if *verbose {
		opts.PluginLog = stderr
	}
	if res := plugincheck.Run(ctx, opts); !res.OK() {
		return 1
	}
	return 0
}

// startUpstreamSim starts bin/upstream-sim (beside this executable, or on
// PATH) on a free loopback port.
func startUpstreamSim(ctx context.Context) (string, func(), error) {
	bin := ""
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			if c := filepath.Join(filepath.Dir(exe), "upstream-sim"); isExecutable(c) {
				bin = c
			}
		}
	}
	if bin == "" {
		p, err := exec.LookPath("upstream-sim")
		if err != nil {
			return "", nil, errors.New("a config uses " + simPlaceholder + " but bin/upstream-sim is missing (run make build)")
		}
		bin = p
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--listen", addr)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stopSim := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	url := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "/sim/stats")
		if err == nil {
			resp.Body.Close()
			return url, stopSim, nil
		}
		select {
		case <-done:
			return "", nil, errors.New("the upstream simulator exited at start")
		case <-ctx.Done():
			stopSim()
			return "", nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stopSim()
			return "", nil, errors.New("the upstream simulator did not answer in 10s")
		}
	}
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}
