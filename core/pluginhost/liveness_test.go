package pluginhost

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/llmgw/llmgw/core/config"
	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// fastLiveness notices a hang in about a second, with deadlines that
// still hold on a loaded machine.
var fastLiveness = config.Liveness{Interval: 300 * time.Millisecond, Timeout: 250 * time.Millisecond, Misses: 3}

// freeze SIGSTOPs pid and makes sure the test leaves no stopped process.
func freeze(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if alive(pid) {
			_ = syscall.Kill(pid, syscall.SIGCONT)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// alive reports whether pid is a process that has not exited (zombies count
// as gone).
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && len(s) > i+2 && s[i+2] != 'Z'
}

func waitUntil(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func stageCall(ctx context.Context, p *Process, id, prompt string) error {
	c, err := p.Client(ctx)
	if err != nil {
		return err
	}
	_, err = c.Stage.Process(ctx, &pb.StageRequest{InstanceId: id, Request: &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Content: prompt}}}})
	return err
}

func TestUnresponsiveProcessIsReplaced(t *testing.T) {
	bin := buildTestPlugin(t)
	h := quietHost()
	defer h.Shutdown()
	h.SetLiveness(fastLiveness)
	p, id := acquireStage(t, h, &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: 2 * time.Second})
	// The frozen process and its connection, read together while it serves:
	// on a loaded machine the fast checks may already have replaced the
	// first process, and a goroutine scheduled late must not pick up the
	// replacement's connection.
	var old int
	var c *sdk.Client
	waitUntil(t, "a serving process", 10*time.Second, func() bool {
		st := p.Status()
		c = p.ClientNow()
		old = st.Pid
		return c != nil && st.State == StateServing && p.Status().Pid == old && p.ClientNow() == c
	})
	frozen := time.Now()
	freeze(t, old)

	// A call caught on the frozen process ends when it is declared
	// unresponsive, not at its own (far) deadline: it fails with the
	// connection, or — when the SIGCONT that lets the process handle its
	// SIGTERM also lets it write the answer first — it is answered.
	inflight := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := c.Stage.Process(ctx, &pb.StageRequest{InstanceId: id, Request: &pb.ChatRequest{}})
		inflight <- err
	}()

	waitUntil(t, "the process to be declared unresponsive", 5*time.Second, func() bool { return p.Status().State == StateUnresponsive })
	detected := time.Since(frozen)
	select {
	case err := <-inflight:
		if code := status.Code(err); err != nil && code != codes.Canceled && code != codes.Unavailable {
			t.Errorf("the in-flight call ended with %v, want a broken connection", err)
		}
	case <-time.After(time.Second):
		t.Fatal("the in-flight call was not failed when its process was declared unresponsive")
	}
	// 3 misses at 300 ms, each with a 250 ms deadline (fastLiveness): about
	// 0.85–1.2 s, more on a loaded machine.
	if detected < 2*fastLiveness.Interval || detected > 3*time.Second {
		t.Errorf("declared unresponsive %v after the freeze", detected)
	}
	st := p.Status()
	if st.Hangs != 1 || !strings.Contains(st.LastError, "unresponsive") {
		t.Errorf("while replacing: %+v", st)
	}

	waitUntil(t, "a new process serving", 10*time.Second, func() bool {
		st := p.Status()
		return st.State == StateServing && st.Pid != old
	})
	if alive(old) {
		t.Errorf("the unresponsive process %d is still there", old)
	}
	// The replacement has the instance configured again.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := stageCall(ctx, p, id, "hello"); err != nil {
		t.Fatalf("the replacement does not serve: %v", err)
	}
	if st := p.Status(); st.Hangs != 1 || st.Restarts != 1 || st.LastError != "" {
		t.Errorf("after the replacement: %+v", st)
	}
}

func TestBusyProcessIsNotReplaced(t *testing.T) {
	bin := buildTestPlugin(t)
	h := quietHost()
	defer h.Shutdown()
	h.SetLiveness(fastLiveness)
	p, err := h.Acquire(context.Background(), &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release(p)
	if _, err := p.Configure(context.Background(), &pb.ConfigureRequest{InstanceId: "s@1", Kind: sdk.KindStage,
		ConfigJson: []byte(`{"burn_word":"burn","burn":"2s"}`), ProtocolVersion: 1, Host: &pb.HostInfo{}}); err != nil {
		t.Fatal(err)
	}
	pid := p.Status().Pid
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Ten liveness intervals of CPU-bound work in one call.
	if err := stageCall(ctx, p, "s@1", "burn please"); err != nil {
		t.Fatalf("the busy call failed: %v", err)
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Fatalf("the call took %v: it did not burn", d)
	}
	if st := p.Status(); st.State != StateServing || st.Pid != pid || st.Hangs != 0 || st.Restarts != 0 {
		t.Errorf("a busy process was treated as hung: %+v", st)
	}
}

func TestLivenessChecksCanBeTurnedOff(t *testing.T) {
	bin := buildTestPlugin(t)
	h := quietHost()
	defer h.Shutdown()
	h.SetLiveness(config.Liveness{Interval: 100 * time.Millisecond, Timeout: 50 * time.Millisecond, Misses: 0})
	p, _ := acquireStage(t, h, &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: time.Second})
	pid := p.Status().Pid
	freeze(t, pid)
	time.Sleep(800 * time.Millisecond)
	if st := p.Status(); st.State != StateServing || st.Pid != pid {
		t.Errorf("liveness_misses = 0 still replaced the process: %+v", st)
	}
	_ = syscall.Kill(pid, syscall.SIGCONT)
}

// TestEndStopsAStoppedProcess: go-plugin's Kill alone waits forever for a
// stopped process to answer its shutdown request.
func TestEndStopsAStoppedProcess(t *testing.T) {
	bin := buildTestPlugin(t)
	h := quietHost()
	defer h.Shutdown()
	h.SetLiveness(config.Liveness{Interval: time.Hour, Timeout: time.Second, Misses: 0})
	p, _ := acquireStage(t, h, &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: time.Second})
	p.mu.Lock()
	pc, cmd, pid := p.pc, p.cmd, p.pid
	p.mu.Unlock()
	freeze(t, pid)
	done := make(chan struct{})
	go func() { end(pc, cmd); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("end did not return for a stopped process")
	}
	if alive(pid) {
		t.Errorf("process %d survived end", pid)
	}
}

// TestUnresponsiveProcessIgnoringSIGTERMIsKilled: a hung process that
// ignores SIGTERM gets SIGKILL after the grace (killGrace) and is replaced.
func TestUnresponsiveProcessIgnoringSIGTERMIsKilled(t *testing.T) {
	bin := buildTestPlugin(t)
	h := quietHost()
	defer h.Shutdown()
	h.SetLiveness(fastLiveness)
	p, err := h.Acquire(context.Background(), &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release(p)
	if _, err := p.Configure(context.Background(), &pb.ConfigureRequest{InstanceId: "s@1", Kind: sdk.KindStage, ConfigJson: []byte(`{"ignore_sigterm":true}`), ProtocolVersion: 1, Host: &pb.HostInfo{}}); err != nil {
		t.Fatal(err)
	}
	var old int
	waitUntil(t, "a serving process", 10*time.Second, func() bool {
		st := p.Status()
		old = st.Pid
		return st.State == StateServing && p.ClientNow() != nil && p.Status().Pid == old
	})
	freeze(t, old)
	waitUntil(t, "the process to be declared unresponsive", 5*time.Second, func() bool { return p.Status().State == StateUnresponsive })
	detected := time.Now()
	// SIGTERM (with SIGCONT) does not end it: it is still there half-way
	// through the grace…
	time.Sleep(killGrace / 2)
	if !alive(old) {
		t.Fatalf("the process ignoring SIGTERM exited within %v of the SIGTERM", time.Since(detected))
	}
	// …and SIGKILL does, once the grace is over.
	waitUntil(t, "the process to be killed", killGrace+3*time.Second, func() bool { return !alive(old) })
	if gone := time.Since(detected); gone < killGrace*3/4 {
		t.Fatalf("the process went after %v, before the %v grace", gone, killGrace)
	}
	waitUntil(t, "a new process serving", 10*time.Second, func() bool {
		st := p.Status()
		return st.State == StateServing && st.Pid != old
	})
}
