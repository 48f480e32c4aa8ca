package pluginhost

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/llmgw/llmgw/core/config"
	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func configureStage(tb testing.TB, p *Process, cfg string) string {
	tb.Helper()
	if _, err := p.Configure(context.Background(), &pb.ConfigureRequest{InstanceId: "s@1", Kind: sdk.KindStage, ConfigJson: []byte(cfg), ProtocolVersion: 1, Host: &pb.HostInfo{}}); err != nil {
		tb.Fatal(err)
	}
	return "s@1"
}

// servingStage starts the test plugin bin as a stage and returns its
// process, its client and the stage's instance id.
func servingStage(t *testing.T, h *Host, bin string) (*Process, *sdk.Client, string) {
	t.Helper()
	p, id := acquireStage(t, h, &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: time.Second})
	c, err := p.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p, c, id
}

// TestLaneNegotiation: a Go plugin's request path moves onto the fast lane
// unless LLMGW_PLUGIN_LANE=grpc; both answer the same call.
func TestLaneNegotiation(t *testing.T) {
	bin := buildTestPlugin(t)
	for _, lane := range []string{"fast", "grpc"} {
		t.Run(lane, func(t *testing.T) {
			if lane == "grpc" {
				t.Setenv(sdk.LaneEnv, "grpc")
			}
			h := quietHost()
			defer h.Shutdown()
			p, c, id := servingStage(t, h, bin)
			if c.LaneName() != lane {
				t.Fatalf("lane %q, want %q", c.LaneName(), lane)
			}
			resp, err := c.Stage.Process(context.Background(), &pb.StageRequest{InstanceId: id, Request: &pb.ChatRequest{}})
			if err != nil || resp.Action != pb.StageResponse_CONTINUE {
				t.Fatalf("Process = %v, %v", resp, err)
			}
			// An unknown instance keeps its class (the pipeline treats
			// NotFound as "not configured yet").
			if _, err := c.Stage.Process(context.Background(), &pb.StageRequest{InstanceId: "nope", Request: &pb.ChatRequest{}}); status.Code(err) != codes.NotFound {
				t.Fatalf("unknown instance: %v", err)
			}
			dir := p.sockDir
			h.Shutdown()
			if dir == "" {
				t.Fatal("no socket directory")
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Fatalf("socket directory left behind: %v", err)
			}
		})
	}
}

// TestLongTemporaryDirectory: when TMPDIR is too long for sockets in a
// private directory below it, the plugin still starts, on gRPC.
func TestLongTemporaryDirectory(t *testing.T) {
	bin := buildTestPlugin(t)
	base := t.TempDir()
	// Room for go-plugin's own socket ("/plugin" and ten digits) in it, none
	// for the private directory's name as well.
	long := filepath.Join(base, strings.Repeat("d", max(1, 80-len(base)-1)))
	if err := os.Mkdir(long, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", long)
	h := quietHost()
	defer h.Shutdown()
	p, c, id := servingStage(t, h, bin)
	if c.LaneName() != "grpc" || p.sockDir != "" {
		t.Fatalf("lane %q, socket directory %q: want gRPC and none", c.LaneName(), p.sockDir)
	}
	if _, err := c.Stage.Process(context.Background(), &pb.StageRequest{InstanceId: id, Request: &pb.ChatRequest{}}); err != nil {
		t.Fatal(err)
	}
}

// TestLaneCrashMidCallAndDeadline: a call in flight when the plugin dies
// fails at once with Unavailable (as a broken gRPC connection does), the
// restarted process serves on a new lane, and a call's deadline ends it.
func TestLaneCrashMidCallAndDeadline(t *testing.T) {
	bin := buildTestPlugin(t)
	h := quietHost()
	defer h.Shutdown()
	p, err := h.Acquire(context.Background(), &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release(p)
	id := configureStage(t, p, `{"sleep":"3s"}`)
	c, _ := p.Client(context.Background())
	if c.LaneName() != "fast" {
		t.Fatalf("lane %q", c.LaneName())
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	_, err = c.Stage.Process(ctx, &pb.StageRequest{InstanceId: id, Request: &pb.ChatRequest{}})
	cancel()
	if status.Code(err) != codes.DeadlineExceeded || time.Since(start) > 2*time.Second {
		t.Fatalf("call past its deadline: %v after %v", err, time.Since(start))
	}

	got := make(chan error, 1)
	go func() {
		_, err := c.Stage.Process(context.Background(), &pb.StageRequest{InstanceId: id, Request: &pb.ChatRequest{}})
		got <- err
	}()
	time.Sleep(200 * time.Millisecond)
	pid := p.Status().Pid
	if err := syscallKill(pid); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if status.Code(err) != codes.Unavailable {
			t.Fatalf("call on a killed plugin: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a call in flight outlived its plugin process")
	}
	c2, err := p.ClientAfterFailure(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if c2 == c || c2.LaneName() != "fast" || p.Status().Pid == pid {
		t.Fatalf("after the restart: lane %s, %+v", c2.LaneName(), p.Status())
	}
}

func syscallKill(pid int) error {
	proc, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return proc.Kill()
}

// TestLaneUnderConcurrency: 64 callers at once on one plugin process, as
// the benchmark's 64 connections, get every answer (no call lost, crossed
// or failed by the multiplexing).
func TestLaneUnderConcurrency(t *testing.T) {
	bin := buildTestPlugin(t)
	h := quietHost()
	defer h.Shutdown()
	p, id := acquireStage(t, h, &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: time.Second})
	c, _ := p.Client(context.Background())
	if c.LaneName() != "fast" {
		t.Fatalf("lane %q", c.LaneName())
	}
	const callers, calls = 64, 40
	errs := make(chan error, callers*calls)
	for i := 0; i < callers; i++ {
		go func() {
			for j := 0; j < calls; j++ {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				_, err := c.Stage.Process(ctx, &pb.StageRequest{InstanceId: id, Request: &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Content: "hi"}}}})
				cancel()
				errs <- err
			}
		}()
	}
	for i := 0; i < callers*calls; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
}
