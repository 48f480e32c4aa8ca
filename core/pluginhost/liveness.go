package pluginhost

import (
	"context"
	"os/exec"
	"strconv"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/llmgw/llmgw/core/config"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Liveness: a process that exits is noticed by supervise; one that lives but
// no longer answers (stopped, deadlocked, stuck in a syscall, lost in a GC
// spiral) is noticed here. Every interval the host asks the process's gRPC
// health service (go-plugin registers it in every Go plugin, sdk/python in
// every Python one) for the "plugin" service, with a short deadline. The
// check is answered by the plugin's gRPC server on its own goroutine or
// thread, beside the calls it is working on, so a plugin busy with real work
// still answers it. After Misses checks in a row without an answer the
// process is declared unresponsive: its connection is closed, so the calls in
// flight on it fail at once (a provider attempt falls back, a stage follows
// its on_error, a tracker keeps its events for the replacement), and it is
// ended; supervise then restarts it like a crashed one.

// killGrace is how long an unresponsive process may take to exit after
// SIGTERM before it gets SIGKILL.
const killGrace = time.Second

// watch runs the liveness checks until the process is stopped.
func (p *Process) watch() {
	interval := p.currentLiveness().Interval
	tick := time.NewTicker(interval)
	defer tick.Stop()
	misses := 0
	var watched *sdk.Client
	for {
		select {
		case <-p.stopCh:
			return
		case <-tick.C:
		}
		l := p.currentLiveness()
		if l.Interval != interval {
			// A reload changed the plugin's settings.
			interval = l.Interval
			tick.Reset(interval)
		}
		c := p.client.Load()
		if c != watched {
			// A new incarnation (or none while it restarts) starts afresh.
			watched, misses = c, 0
		}
		if c == nil || l.Misses <= 0 {
			continue
		}
		err := ping(c, l.Timeout)
		if err == nil {
			misses = 0
			continue
		}
		misses++
		p.log.Debug("plugin missed a liveness check", "missed", misses, "of", l.Misses, "error", err)
		if misses >= l.Misses {
			p.replaceUnresponsive(c, misses, l)
			misses = 0
		}
	}
}

func (p *Process) currentLiveness() config.Liveness { return *p.liveness.Load() }

// ping asks the process's health service once. Any answer of the process,
// even an error status (a plugin that does not register the service), proves
// it alive; a missed deadline or a broken connection does not.
func ping(c *sdk.Client, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err := healthpb.NewHealthClient(c.Conn).Check(ctx, &healthpb.HealthCheckRequest{Service: plugin.GRPCServiceName})
	switch status.Code(err) {
	case codes.DeadlineExceeded, codes.Unavailable, codes.Canceled:
		return err
	}
	return nil
}

// replaceUnresponsive declares the incarnation that serves c unresponsive,
// fails the calls in flight on it and ends it; supervise starts the
// replacement. Nothing happens if c was already replaced or the process
// stopped meanwhile.
func (p *Process) replaceUnresponsive(c *sdk.Client, misses int, l config.Liveness) {
	p.mu.Lock()
	if p.stopped || !p.client.CompareAndSwap(c, nil) {
		p.mu.Unlock()
		return
	}
	// While p.mu is held no restart can begin, so these are c's incarnation.
	pc, cmd, pid := p.pc, p.cmd, p.pid
	p.hangs++
	p.lastError = "unresponsive: no answer to " + plural(misses, "liveness check") + " in a row"
	// New calls wait for the replacement (up to the restart wait), as they do
	// for a crashed process.
	p.renewReadyLocked()
	p.state.Store(StateUnresponsive)
	p.mu.Unlock()
	p.log.Error("plugin process unresponsive; killing and replacing it", "plugin", p.Name, "pid", pid,
		"missed", misses, "interval", l.Interval, "timeout", l.Timeout)
	// Closing the connection fails every call in flight on it now, instead
	// of at each call's own deadline.
	closeClient(c)
	terminate(pc, cmd, killGrace)
}

// renewReadyLocked gives callers a fresh channel to wait on for the next
// incarnation, unless one is already waiting to be closed.
func (p *Process) renewReadyLocked() {
	select {
	case <-p.ready:
		p.ready = make(chan struct{})
	default:
	}
}

// end stops one incarnation: go-plugin's Kill asks the process to exit and
// waits for it, but waits on that request as long as the process lives, so a
// process that does not answer it is terminated.
func end(pc *plugin.Client, cmd *exec.Cmd) {
	done := make(chan struct{})
	go func() { pc.Kill(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(3 * time.Second): // go-plugin's own grace is 2 s
	}
	terminate(pc, cmd, 0)
	<-done
}

// terminate sends SIGTERM (and SIGCONT, so a stopped process handles it
// rather than keep it pending), then SIGKILL if the process has not exited
// after grace, and waits until go-plugin has seen it exit.
func terminate(pc *plugin.Client, cmd *exec.Cmd, grace time.Duration) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	// os.Process signals through a pidfd: never a reused pid.
	if grace > 0 {
		askToExit(cmd.Process)
		if waitExited(pc, grace) {
			return
		}
	}
	_ = cmd.Process.Kill()
	waitExited(pc, 5*time.Second)
}

// waitExited reports whether the process exited within d.
func waitExited(pc *plugin.Client, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !pc.Exited() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
