// Package plugincheck runs the conformance suite against a plugin executable,
// written in any language: it launches the binary the way the llmgw host does
// (hashicorp/go-plugin, gRPC only, AutoMTLS, the protocol versions of
// sdk.PluginSets), then checks the handshake, the health service, the
// protocol calls (sdktest.RunConformance) and that the process exits on
// shutdown. `llmgw plugin check PATH` is a thin command around Run.
package plugincheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// Options configure Run.
type Options struct {
	// Path is the plugin executable; Args are passed to it.
	Path string
	Args []string
	// Env is added to the plugin's environment (KEY=VALUE).
	Env []string
	// DisableMTLS turns go-plugin's AutoMTLS off (pipeline: auto_mtls = false).
	DisableMTLS bool
	// StartTimeout bounds the handshake (default 20s).
	StartTimeout time.Duration
	// ShutdownTimeout is how long the process may take to exit after
	// GRPCController.Shutdown (default 5s).
	ShutdownTimeout time.Duration
	// Conformance tunes the protocol-level checks.
	Conformance sdktest.ConformanceOptions
	// Out receives one line per check and the summary (default os.Stdout).
	Out io.Writer
	// PluginLog receives the plugin's own log (default: discarded, but its
	// last lines are shown when the handshake fails).
	PluginLog io.Writer
}

// Result is the outcome of Run.
type Result struct {
	Checks []sdktest.CheckResult
	Passed int
	Failed int
}

// OK reports whether every check passed.
func (r *Result) OK() bool { return r.Failed == 0 && r.Passed > 0 }

// Run launches the plugin, runs every check and stops the plugin. It prints
// one line per check ("PASS  …" / "FAIL  …") and a final summary line.
func Run(ctx context.Context, o Options) *Result {
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 20 * time.Second
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 5 * time.Second
	}
	res := &Result{}
	report := func(c sdktest.CheckResult) {
		res.Checks = append(res.Checks, c)
		if c.Passed {
			res.Passed++
		} else {
			res.Failed++
		}
		fmt.Fprintln(o.Out, c.String())
	}
	defer func() {
		verdict := "PASS"
		if !res.OK() {
			verdict = "FAIL"
		}
		fmt.Fprintf(o.Out, "%s  %s: %d checks passed, %d failed\n", verdict, o.Path, res.Passed, res.Failed)
	}()

	if st, err := os.Stat(o.Path); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		report(sdktest.CheckResult{Name: "the plugin is an executable file", Detail: fmt.Sprintf("%s is not an executable file", o.Path)})
		return res
	}

	cookie(ctx, o, report)

	logs := &tailBuffer{max: 8 << 10}
	var logOut io.Writer = logs
	if o.PluginLog != nil {
		logOut = io.MultiWriter(logs, o.PluginLog)
	}
	cmd := exec.Command(o.Path, o.Args...)
	cmd.Env = append(os.Environ(), o.Env...)
	laneDir := ""
	// The plugin's sockets go to a private directory removed afterwards, as
	// the host does it, so a plugin that dies mid-check leaves nothing behind.
	if dir, err := sdk.MakeSocketDir(); err == nil {
		defer os.RemoveAll(dir)
		cmd.Env = append(cmd.Env, sdk.SocketDirEnv+"="+dir)
		if sdk.LaneWanted() {
			// Offer the fast lane as the host does, so its checks run on both lanes.
			laneDir = dir
			cmd.Env = append(cmd.Env, sdk.LaneDirEnv+"="+dir)
		}
	}
	pc := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.PluginSets(),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         !o.DisableMTLS,
		Managed:          false,
		StartTimeout:     o.StartTimeout,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:   "plugin",
			Level:  hclog.Debug,
			Output: logOut,
		}),
	})
	defer pc.Kill()

	const handshake = "handshake: go-plugin over gRPC, negotiated protocol version"
	rpc, err := pc.Client()
	if err != nil {
		report(sdktest.CheckResult{Name: handshake, Detail: explain(err) + lastLines(logs.String())})
		return res
	}
	proto := pc.NegotiatedVersion()
	pid := 0
	if rc := pc.ReattachConfig(); rc != nil {
		pid = rc.Pid
	}
	mtls := "mTLS on"
	if o.DisableMTLS {
		mtls = "mTLS off"
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		report(sdktest.CheckResult{Name: handshake, Detail: err.Error()})
		return res
	}
	client := raw.(*sdk.Client)
	report(sdktest.CheckResult{Name: handshake, Passed: true, Detail: fmt.Sprintf("protocol %d (host speaks %v), %s, pid %d", proto, sdk.SupportedProtocolVersions, mtls, pid)})

	health(ctx, client.Conn, report)

	copts := o.Conformance
	copts.Protocol = proto
	sdktest.RunConformance(ctx, client, copts, report)
	fastLane(ctx, client, laneDir, pid, copts, report)

	shutdown(ctx, pc, client.Conn, o.ShutdownTimeout, report)
	return res
}

// cookie checks that the binary refuses to run without the magic cookie
// (started by hand, it must say it is a plugin and exit, not hang).
func cookie(ctx context.Context, o Options, report func(sdktest.CheckResult)) {
	const name = "started without the magic cookie, it exits with an error"
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(cctx, o.Path, o.Args...)
	for _, kv := range append(os.Environ(), o.Env...) {
		if !strings.HasPrefix(kv, sdk.Handshake.MagicCookieKey+"=") && !strings.HasPrefix(kv, "PLUGIN_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.WaitDelay = time.Second
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case cctx.Err() != nil:
		report(sdktest.CheckResult{Name: name, Detail: "still running after 10s; check the " + sdk.Handshake.MagicCookieKey + " environment variable and exit"})
	case err == nil:
		report(sdktest.CheckResult{Name: name, Detail: "exited 0; exit non-zero when " + sdk.Handshake.MagicCookieKey + " is not set"})
	case errors.As(err, &ee) && strings.Contains(stdout.String(), "|grpc"):
		report(sdktest.CheckResult{Name: name, Detail: "printed a handshake line without the cookie"})
	case errors.As(err, &ee):
		report(sdktest.CheckResult{Name: name, Passed: true, Detail: fmt.Sprintf("exit status %d", ee.ExitCode())})
	default:
		report(sdktest.CheckResult{Name: name, Detail: err.Error()})
	}
}

// health checks go-plugin's health service ("plugin" SERVING).
func health(ctx context.Context, conn *grpc.ClientConn, report func(sdktest.CheckResult)) {
	const name = "gRPC health service reports \"plugin\" SERVING"
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	resp, err := grpc_health_v1.NewHealthClient(conn).Check(cctx, &grpc_health_v1.HealthCheckRequest{Service: plugin.GRPCServiceName})
	switch {
	case err != nil:
		report(sdktest.CheckResult{Name: name, Detail: err.Error()})
	case resp.Status != grpc_health_v1.HealthCheckResponse_SERVING:
		report(sdktest.CheckResult{Name: name, Detail: "status " + resp.Status.String()})
	default:
		report(sdktest.CheckResult{Name: name, Passed: true})
	}
}

// shutdown calls go-plugin's GRPCController.Shutdown, as the host does when it
// stops a plugin, and wants the process gone within timeout.
func shutdown(ctx context.Context, pc *plugin.Client, conn *grpc.ClientConn, timeout time.Duration, report func(sdktest.CheckResult)) {
	const name = "the process exits after GRPCController.Shutdown"
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	err := conn.Invoke(cctx, "/plugin.GRPCController/Shutdown", &emptypb.Empty{}, &emptypb.Empty{})
	cancel()
	if err != nil && strings.Contains(err.Error(), "Unimplemented") {
		report(sdktest.CheckResult{Name: name, Detail: "plugin.GRPCController/Shutdown is not implemented"})
		return
	}
	start := time.Now()
	for !pc.Exited() {
		if time.Since(start) > timeout {
			report(sdktest.CheckResult{Name: name, Detail: fmt.Sprintf("still running %s after Shutdown (the host would have to kill it)", timeout)})
			pc.Kill()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	report(sdktest.CheckResult{Name: name, Passed: true, Detail: fmt.Sprintf("exited after %s", time.Since(start).Round(time.Millisecond))})
}

// explain makes go-plugin's start errors say what is wrong.
func explain(err error) string {
	msg := err.Error()
	if strings.Contains(strings.ToLower(msg), "incompatible api version") {
		return fmt.Sprintf("protocol version mismatch: %s (the host speaks %v; rebuild the plugin against a supported SDK)", msg, sdk.SupportedProtocolVersions)
	}
	if strings.Contains(msg, "Unrecognized remote plugin message") {
		return msg + " (the first stdout line must be go-plugin's handshake; log to stderr only)"
	}
	return msg
}

func lastLines(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return "\n    plugin log:\n    " + strings.Join(lines, "\n    ")
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// fastLane runs the conformance checks again with the request path on the
// fast lane, when the plugin offered it (Go plugins do; Python ones serve
// gRPC only, which is fine).
func fastLane(ctx context.Context, client *sdk.Client, dir string, pid int, copts sdktest.ConformanceOptions, report func(sdktest.CheckResult)) {
	const name = "fast lane: offered at the handshake, peer credentials checked"
	if dir == "" {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	desc, err := client.Plugin.Describe(cctx, &pb.DescribeRequest{HostProtocolVersions: sdk.SupportedProtocolVersions})
	if err != nil {
		report(sdktest.CheckResult{Name: name, Detail: "describe: " + err.Error()})
		return
	}
	if !slices.Contains(desc.Capabilities, sdk.CapLane) {
		report(sdktest.CheckResult{Name: "fast lane: not offered (the request path stays on gRPC)", Passed: true})
		return
	}
	lc, err := sdk.DialLane(cctx, client, desc, dir, pid)
	if err != nil {
		report(sdktest.CheckResult{Name: name, Detail: err.Error()})
		return
	}
	defer lc.Lane.Close()
	report(sdktest.CheckResult{Name: name, Passed: true})
	sdktest.RunConformance(ctx, lc, copts, func(c sdktest.CheckResult) {
		c.Name = "fast lane: " + c.Name
		report(c)
	})
}
