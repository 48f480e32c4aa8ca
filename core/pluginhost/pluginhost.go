// Package pluginhost starts plugin processes with hashicorp/go-plugin, checks
// them, supervises them (a process that exits is restarted with backoff and
// its instances configured again; one that stops answering its liveness
// checks is killed and replaced the same way) and shares them between
// pipeline generations, so a reload only starts the processes that changed.
package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/status"

	"github.com/llmgw/llmgw/core/config"
	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// States of a plugin process, as /health shows them.
const (
	StateStarting   = "starting"
	StateServing    = "serving"
	StateRestarting = "restarting"
	StateFailed     = "failed"
	StateStopped    = "stopped"
	// StateUnresponsive is a process that missed its liveness checks: it is
	// being killed and replaced.
	StateUnresponsive = "unresponsive"
)

// States lists every state a process can be in, for metrics.
var States = []string{StateStarting, StateServing, StateUnresponsive, StateRestarting, StateFailed, StateStopped}

// ErrUnavailable is returned when a plugin process is not serving and did not
// come back within its restart wait.
var ErrUnavailable = errors.New("plugin unavailable")

// Host owns every plugin process of the gateway.
type Host struct {
	logger       hclog.Logger
	startTimeout time.Duration

	mu       sync.Mutex
	procs    map[string]*Process
	liveness config.Liveness
	// attached are plugins served in this process (tests), by plugin name.
	attached map[string]*sdk.Client
}

// New returns a Host. startTimeout bounds each plugin's handshake. Its
// liveness check is config.DefaultLiveness until SetLiveness.
func New(logger hclog.Logger, startTimeout time.Duration) *Host {
	return &Host{logger: logger, startTimeout: startTimeout, procs: map[string]*Process{}, liveness: config.DefaultLiveness()}
}

// SetLiveness sets the liveness check of plugins whose block does not
// override it (the server settings); it applies from their next Acquire.
func (h *Host) SetLiveness(l config.Liveness) {
	h.mu.Lock()
	h.liveness = l
	h.mu.Unlock()
}

// Attach makes Acquire hand out c, a plugin already served in this process
// (tests serve one with sdk/go/sdktest), for the plugin blocks named name
// instead of starting their binary. An attached plugin is not supervised.
func (h *Host) Attach(name string, c *sdk.Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.attached == nil {
		h.attached = map[string]*sdk.Client{}
	}
	h.attached[name] = c
}

func (h *Host) attachedClient(name string) *sdk.Client {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.attached[name]
}

// Process is one supervised plugin process.
type Process struct {
	Name string
	spec config.PluginSpec
	key  string
	host *Host
	log  hclog.Logger

	client   atomic.Pointer[sdk.Client]
	state    atomic.Value // string
	liveness atomic.Pointer[config.Liveness]

	mu sync.Mutex
	// pc, cmd and pid are the running incarnation of the process.
	pc        *plugin.Client
	cmd       *exec.Cmd
	pid       int
	restarts  int
	hangs     int
	ready     chan struct{}
	describe  *pb.DescribeResponse
	instances map[string]*pb.ConfigureRequest
	refs      int
	stopped   bool
	stopCh    chan struct{}
	lastError string
	// sockDir is the plugin's private directory for its gRPC and fast-lane
	// sockets (socketDirectory).
	sockDir string
}

// Status is what /health shows of a process.
type Status struct {
	Name      string `json:"name"`
	State     string `json:"state"`
	Pid       int    `json:"pid"`
	Restarts  int    `json:"restarts"`
	LastError string `json:"last_error,omitempty"`
	// Hangs counts the times the process stopped answering its liveness
	// checks and was replaced (those replacements count in Restarts too).
	Hangs int `json:"hangs"`
	// Version is what the plugin's Describe reported at its last start.
	Version string `json:"version,omitempty"`
}

// processKey identifies a process: two generations with the same plugin
// block (path, args, env, checksum, TLS) share one process.
func processKey(s *config.PluginSpec) string {
	var env []string
	for k, v := range s.Env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return strings.Join([]string{s.Name, s.Path, strings.Join(s.Args, "\x1f"), strings.Join(env, "\x1f"), s.SHA256, fmt.Sprint(s.AutoMTLS)}, "\x1e")
}

// Acquire returns a serving process for the plugin block, reusing a running
// one with the same definition; the caller must Release it.
func (h *Host) Acquire(ctx context.Context, spec *config.PluginSpec) (*Process, error) {
	key := processKey(spec)
	h.mu.Lock()
	liveness := spec.LivenessOver(h.liveness)
	if p, ok := h.procs[key]; ok {
		p.mu.Lock()
		p.refs++
		p.mu.Unlock()
		h.mu.Unlock()
		// The newest generation's liveness settings win.
		p.liveness.Store(&liveness)
		return p, nil
	}
	p := &Process{
		Name:      spec.Name,
		spec:      *spec,
		key:       key,
		host:      h,
		log:       h.logger.Named(spec.Name),
		ready:     make(chan struct{}),
		instances: map[string]*pb.ConfigureRequest{},
		refs:      1,
		stopCh:    make(chan struct{}),
	}
	p.state.Store(StateStarting)
	p.liveness.Store(&liveness)
	h.procs[key] = p
	h.mu.Unlock()

	c, err := p.start()
	if err != nil {
		h.mu.Lock()
		delete(h.procs, key)
		h.mu.Unlock()
		p.state.Store(StateStopped)
		p.removeSocketDirectory()
		return nil, err
	}
	p.publish(c)
	if h.attachedClient(spec.Name) == nil {
		go p.supervise()
		go p.watch()
	}
	return p, nil
}

// Release drops one reference; the last one stops the process.
func (h *Host) Release(p *Process) {
	p.mu.Lock()
	p.refs--
	last := p.refs <= 0
	p.mu.Unlock()
	if !last {
		return
	}
	h.mu.Lock()
	if h.procs[p.key] == p {
		delete(h.procs, p.key)
	}
	h.mu.Unlock()
	p.stop()
}

// Shutdown stops every process: each instance is closed first (trackers
// flush), then the process is asked to exit and killed if it does not.
func (h *Host) Shutdown() {
	h.mu.Lock()
	procs := make([]*Process, 0, len(h.procs))
	for _, p := range h.procs {
		procs = append(procs, p)
	}
	h.procs = map[string]*Process{}
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func() { defer wg.Done(); p.stop() }()
	}
	wg.Wait()
	plugin.CleanupClients()
}

// Statuses lists the state of every running process, sorted by name.
func (h *Host) Statuses() []Status {
	h.mu.Lock()
	procs := make([]*Process, 0, len(h.procs))
	for _, p := range h.procs {
		procs = append(procs, p)
	}
	h.mu.Unlock()
	out := make([]Status, 0, len(procs))
	for _, p := range procs {
		out = append(out, p.Status())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Status reports the process's state, pid and restart count.
func (p *Process) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := Status{Name: p.Name, State: p.state.Load().(string), Pid: p.pid, Restarts: p.restarts, Hangs: p.hangs, LastError: p.lastError}
	if p.describe != nil {
		st.Version = p.describe.Version
	}
	return st
}

// Describe is what the plugin said of itself at its last start.
func (p *Process) Describe() *pb.DescribeResponse {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.describe
}

// Client returns the connection to the process. While the process is being
// restarted it waits up to the plugin's restart wait (or ctx), then fails
// with ErrUnavailable.
func (p *Process) Client(ctx context.Context) (*sdk.Client, error) {
	if c := p.client.Load(); c != nil {
		return c, nil
	}
	p.mu.Lock()
	ready := p.ready
	p.mu.Unlock()
	t := time.NewTimer(p.spec.RestartWait)
	defer t.Stop()
	select {
	case <-ready:
		if c := p.client.Load(); c != nil {
			return c, nil
		}
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, fmt.Errorf("plugin %q: %w", p.Name, ErrUnavailable)
}

// Configure creates an instance on the process and remembers it, so a
// restarted process gets it again.
func (p *Process) Configure(ctx context.Context, req *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	c, err := p.Client(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.Plugin.Configure(ctx, req)
	if err != nil {
		return nil, errors.New(status.Convert(err).Message())
	}
	p.mu.Lock()
	p.instances[req.InstanceId] = req
	p.mu.Unlock()
	return resp, nil
}

// CloseInstance releases an instance on the process.
func (p *Process) CloseInstance(ctx context.Context, id string) {
	p.mu.Lock()
	delete(p.instances, id)
	p.mu.Unlock()
	c := p.client.Load()
	if c == nil {
		return
	}
	if _, err := c.Plugin.Close(ctx, &pb.CloseRequest{InstanceId: id}); err != nil {
		p.log.Debug("close instance failed", "instance", id, "error", err)
	}
}

// start launches the process and checks its handshake and Describe. The
// connection is not handed out until publish.
func (p *Process) start() (*sdk.Client, error) {
	if c := p.host.attachedClient(p.Name); c != nil {
		return p.startAttached(c)
	}
	sum, err := expectedChecksum(&p.spec)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(p.spec.Path, p.spec.Args...)
	cmd.Env = os.Environ()
	for k, v := range p.spec.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	laneDir := ""
	if sockDir := p.socketDirectory(); sockDir != "" {
		cmd.Env = append(cmd.Env, sdk.SocketDirEnv+"="+sockDir)
		if sdk.LaneWanted() {
			laneDir = sockDir
			cmd.Env = append(cmd.Env, sdk.LaneDirEnv+"="+laneDir)
		}
	}
	setParentDeathSignal(cmd)
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.PluginSets(),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         p.spec.AutoMTLS,
		Managed:          true,
		Logger:           p.log,
		StartTimeout:     p.host.startTimeout,
		GRPCDialOptions:  sdk.DialOptions(),
	}
	if sum != nil {
		cfg.SecureConfig = &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}
	}
	pc := plugin.NewClient(cfg)
	rpc, err := pc.Client()
	if err != nil {
		end(pc, cmd)
		return nil, fmt.Errorf("plugin %q (%s): %s", p.Name, p.spec.Path, explainStartError(err))
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		end(pc, cmd)
		return nil, fmt.Errorf("plugin %q: %w", p.Name, err)
	}
	c := raw.(*sdk.Client)
	ctx, cancel := context.WithTimeout(context.Background(), p.host.startTimeout)
	defer cancel()
	desc, err := c.Plugin.Describe(ctx, &pb.DescribeRequest{HostProtocolVersions: sdk.SupportedProtocolVersions})
	if err != nil {
		end(pc, cmd)
		return nil, fmt.Errorf("plugin %q: describe: %s", p.Name, status.Convert(err).Message())
	}
	if !speaks(desc.ProtocolVersions, uint32(pc.NegotiatedVersion())) {
		end(pc, cmd)
		return nil, fmt.Errorf("plugin %q speaks protocol versions %v, the host speaks %v", p.Name, desc.ProtocolVersions, sdk.SupportedProtocolVersions)
	}
	pid := 0
	if rc := pc.ReattachConfig(); rc != nil {
		pid = rc.Pid
	}
	c = p.dialLane(c, desc, laneDir, pid)
	p.mu.Lock()
	p.pc = pc
	p.cmd = cmd
	p.pid = pid
	p.describe = desc
	p.lastError = ""
	p.mu.Unlock()
	p.log.Info("plugin started", "pid", pid, "version", desc.Version, "kinds", strings.Join(desc.Kinds, ","), "protocol", pc.NegotiatedVersion(), "mtls", p.spec.AutoMTLS, "lane", c.LaneName())
	return c, nil
}

// startAttached checks an attached plugin's Describe as start does a
// binary's.
func (p *Process) startAttached(c *sdk.Client) (*sdk.Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), p.host.startTimeout)
	defer cancel()
	desc, err := c.Plugin.Describe(ctx, &pb.DescribeRequest{HostProtocolVersions: sdk.SupportedProtocolVersions})
	if err != nil {
		return nil, fmt.Errorf("plugin %q: describe: %s", p.Name, status.Convert(err).Message())
	}
	p.mu.Lock()
	p.describe = desc
	p.mu.Unlock()
	return c, nil
}

// publish hands out the connection and wakes callers waiting for it.
func (p *Process) publish(c *sdk.Client) {
	p.mu.Lock()
	ready := p.ready
	p.mu.Unlock()
	p.client.Store(c)
	p.state.Store(StateServing)
	closeOnce(ready)
}

func speaks(versions []uint32, v uint32) bool {
	for _, x := range versions {
		if x == v {
			return true
		}
	}
	return false
}

// explainStartError turns go-plugin's start errors into a sentence that says
// what to do.
func explainStartError(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, plugin.ErrChecksumsDoNotMatch):
		return "checksum mismatch: the binary is not the one the pipeline or build pinned (run make build, or update sha256)"
	case strings.Contains(strings.ToLower(msg), "incompatible api version"):
		return fmt.Sprintf("incompatible protocol: %s; this host speaks protocol versions %v", msg, sdk.SupportedProtocolVersions)
	case errors.Is(err, os.ErrNotExist) || strings.Contains(msg, "no such file"):
		return "executable not found (run make build)"
	}
	return msg
}

func closeOnce(ch chan struct{}) {
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// supervise notices an exit within a fraction of a second and restarts the
// process with exponential backoff; a crash loop settles into "failed" with
// a capped backoff.
func (p *Process) supervise() {
	const (
		poll       = 100 * time.Millisecond
		minBackoff = 100 * time.Millisecond
		maxBackoff = 10 * time.Second
		stableRun  = 10 * time.Second
	)
	backoff := minBackoff
	started := time.Now()
	for {
		select {
		case <-p.stopCh:
			return
		case <-time.After(poll):
		}
		p.mu.Lock()
		pc := p.pc
		p.mu.Unlock()
		if pc != nil && !pc.Exited() {
			continue
		}
		// The process is gone: stop handing out its connection.
		p.client.Store(nil)
		p.mu.Lock()
		if p.stopped {
			p.mu.Unlock()
			return
		}
		p.renewReadyLocked()
		p.restarts++
		failures := p.restarts
		p.mu.Unlock()
		if time.Since(started) > stableRun {
			backoff = minBackoff
		}
		if p.state.Load() == StateUnresponsive {
			// Killed by the liveness check: /health keeps saying why until
			// the replacement serves.
			p.log.Warn("unresponsive plugin process ended; starting its replacement", "restarts", failures, "backoff", backoff)
		} else {
			p.state.Store(StateRestarting)
			p.log.Warn("plugin process exited; restarting", "restarts", failures, "backoff", backoff)
		}
		for {
			select {
			case <-p.stopCh:
				return
			case <-time.After(backoff):
			}
			started = time.Now()
			err := p.restartOnce()
			if err == nil {
				break
			}
			p.mu.Lock()
			p.lastError = err.Error()
			p.mu.Unlock()
			backoff = min(backoff*2, maxBackoff)
			if backoff == maxBackoff {
				p.state.Store(StateFailed)
			}
			p.log.Error("plugin restart failed", "error", err, "next_try", backoff)
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// restartOnce starts the process again and configures every instance it had.
func (p *Process) restartOnce() error {
	p.mu.Lock()
	if old := p.pc; old != nil {
		old.Kill()
	}
	p.mu.Unlock()
	c, err := p.start()
	if err != nil {
		return err
	}
	p.mu.Lock()
	if p.stopped {
		// Stopped while restarting: do not leave the new process behind.
		pc, cmd := p.pc, p.cmd
		p.mu.Unlock()
		end(pc, cmd)
		return nil
	}
	reqs := make([]*pb.ConfigureRequest, 0, len(p.instances))
	for _, r := range p.instances {
		reqs = append(reqs, r)
	}
	p.mu.Unlock()
	for _, r := range reqs {
		ctx, cancel := context.WithTimeout(context.Background(), p.host.startTimeout)
		_, err := c.Plugin.Configure(ctx, r)
		cancel()
		if err != nil {
			return fmt.Errorf("configure %s again: %s", r.InstanceId, status.Convert(err).Message())
		}
	}
	p.publish(c)
	return nil
}

// stop closes every instance (so trackers flush), then ends the process.
func (p *Process) stop() {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	close(p.stopCh)
	ids := make([]string, 0, len(p.instances))
	for id := range p.instances {
		ids = append(ids, id)
	}
	pc, cmd := p.pc, p.cmd
	p.mu.Unlock()
	if c := p.client.Load(); c != nil {
		for _, id := range ids {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, _ = c.Plugin.Close(ctx, &pb.CloseRequest{InstanceId: id})
			cancel()
		}
	}
	p.client.Store(nil)
	p.state.Store(StateStopped)
	if pc != nil {
		end(pc, cmd)
	}
	p.removeSocketDirectory()
}

// expectedChecksum is the sha256 the binary must have: the pipeline's pin,
// else the build's SHA256SUMS beside the binary, else none.
func expectedChecksum(s *config.PluginSpec) ([]byte, error) {
	want := s.SHA256
	if want == "" {
		sums, err := os.ReadFile(filepath.Join(filepath.Dir(s.Path), "SHA256SUMS"))
		if err == nil {
			want = lookupSum(string(sums), filepath.Base(s.Path))
		}
	}
	if want == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(want)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("plugin %q: invalid sha256 %q", s.Name, want)
	}
	return b, nil
}

// lookupSum finds a file's sum in `sha256sum` output.
func lookupSum(sums, file string) string {
	for _, line := range strings.Split(sums, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 2 && strings.TrimPrefix(fields[1], "*") == file {
			return strings.ToLower(fields[0])
		}
	}
	return ""
}

// ClientAfterFailure is Client for a caller whose call on failed just broke
// (the process probably died): it waits, up to the restart wait, for a
// connection other than failed.
func (p *Process) ClientAfterFailure(ctx context.Context, failed *sdk.Client) (*sdk.Client, error) {
	start := time.Now()
	deadline := start.Add(p.spec.RestartWait)
	for {
		c := p.client.Load()
		if c != nil && c != failed {
			return c, nil
		}
		p.mu.Lock()
		pc := p.pc
		p.mu.Unlock()
		if c == failed && pc != nil && !pc.Exited() && time.Since(start) > 200*time.Millisecond {
			// Still the same live process after a while: the failure was not
			// a crash; let the caller see it.
			return c, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("plugin %q: %w", p.Name, ErrUnavailable)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("plugin %q: %w", p.Name, ErrUnavailable)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ClientNow returns the connection if the process is serving, else nil,
// without waiting.
func (p *Process) ClientNow() *sdk.Client { return p.client.Load() }
