package pluginhost

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/llmgw/llmgw/core/config"
	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

var testPlugin struct {
	once sync.Once
	bin  []byte
	err  error
}

// buildTestPlugin builds tests/e2e/testplugin (a stage) once per run and puts
// a copy into a temp dir of the test's own.
func buildTestPlugin(tb testing.TB) string {
	tb.Helper()
	testPlugin.once.Do(func() {
		dir, err := os.MkdirTemp("", "pluginhost-test-")
		if err != nil {
			testPlugin.err = err
			return
		}
		defer os.RemoveAll(dir)
		built := filepath.Join(dir, "testplugin")
		out, err := exec.Command("go", "build", "-o", built, "../../tests/e2e/testplugin").CombinedOutput()
		if err != nil {
			testPlugin.err = fmt.Errorf("%v\n%s", err, out)
			return
		}
		testPlugin.bin, testPlugin.err = os.ReadFile(built)
	})
	if testPlugin.err != nil {
		tb.Fatalf("build test plugin: %v", testPlugin.err)
	}
	bin := filepath.Join(tb.TempDir(), "testplugin")
	if err := os.WriteFile(bin, testPlugin.bin, 0o755); err != nil {
		tb.Fatal(err)
	}
	return bin
}

func quietHost() *Host {
	return New(hclog.New(&hclog.LoggerOptions{Level: hclog.Error, Output: os.Stderr}), 10*time.Second)
}

func acquireStage(tb testing.TB, h *Host, spec *config.PluginSpec) (*Process, string) {
	tb.Helper()
	p, err := h.Acquire(context.Background(), spec)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Release(p) })
	if _, err := p.Configure(context.Background(), &pb.ConfigureRequest{InstanceId: "s@1", Kind: sdk.KindStage, ConfigJson: []byte(`{}`), ProtocolVersion: 1, Host: &pb.HostInfo{}}); err != nil {
		tb.Fatal(err)
	}
	return p, "s@1"
}

// TestAcquireSharesAndRestarts also checks that a plugin killed mid-run
// leaves nothing in the temporary directory: its sockets live in the
// plugin's private directory, emptied at each restart and removed at
// shutdown.
func TestAcquireSharesAndRestarts(t *testing.T) {
	bin := buildTestPlugin(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	h := quietHost()
	defer h.Shutdown()
	spec := &config.PluginSpec{Name: "tp", Path: bin, AutoMTLS: true, RestartWait: 2 * time.Second}
	p, id := acquireStage(t, h, spec)
	p2, err := h.Acquire(context.Background(), spec)
	if err != nil || p2 != p {
		t.Fatalf("the same plugin block must share its process: %v", err)
	}
	h.Release(p2)

	pid := p.Status().Pid
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// A call made while the process is down waits for the restart and finds
	// its instance configured again.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := p.Client(ctx)
		if err == nil {
			if _, err := c.Stage.Process(ctx, &pb.StageRequest{InstanceId: id, Request: &pb.ChatRequest{}}); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not back after a kill: %+v", p.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	st := p.Status()
	if st.Pid == pid || st.Restarts != 1 || st.State != StateServing {
		t.Errorf("after a restart: %+v", st)
	}
	if entries, err := os.ReadDir(p.sockDir); err != nil || len(entries) > 2 {
		t.Errorf("the socket directory after a restart holds %d entries (want the new incarnation's gRPC and lane sockets only): %v", len(entries), err)
	}
	h.Shutdown()
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		names := make([]string, len(left))
		for i, e := range left {
			names[i] = e.Name()
		}
		t.Errorf("left in the temporary directory: %v", names)
	}
}

func TestChecksumIsEnforced(t *testing.T) {
	bin := buildTestPlugin(t)
	h := quietHost()
	defer h.Shutdown()
	_, err := h.Acquire(context.Background(), &config.PluginSpec{Name: "tp", Path: bin, SHA256: strings.Repeat("ab", 32), AutoMTLS: true, RestartWait: time.Second})
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("a wrong pinned sum was accepted: %v", err)
	}
	// The build's SHA256SUMS beside the binary is used when the block pins nothing.
	if err := os.WriteFile(filepath.Join(filepath.Dir(bin), "SHA256SUMS"), []byte(strings.Repeat("cd", 32)+"  testplugin\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = h.Acquire(context.Background(), &config.PluginSpec{Name: "tp2", Path: bin, AutoMTLS: true, RestartWait: time.Second})
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("SHA256SUMS was not enforced: %v", err)
	}
}

// BenchmarkStageRoundTrip is one stage call to a plugin process as the host
// makes it: gRPC over a unix socket with and without AutoMTLS, and the fast
// lane (package sdk/go/lane).
func BenchmarkStageRoundTrip(b *testing.B) {
	bin := buildTestPlugin(b)
	req := &pb.StageRequest{Route: "generate", ClientIp: "127.0.0.1", Request: &pb.ChatRequest{Model: "smart-router",
		Messages: []*pb.Message{{Role: "user", Content: strings.Repeat("What is the capital of France? ", 15)}}},
		Headers: map[string]string{"content-type": "application/json", "user-agent": "bench"}}
	for _, v := range []struct {
		name string
		mtls bool
		lane string
	}{{"mtls", true, "grpc"}, {"plaintext", false, "grpc"}, {"lane", true, ""}} {
		name, mtls := v.name, v.mtls
		b.Run(name, func(b *testing.B) {
			b.Setenv(sdk.LaneEnv, v.lane)
			h := quietHost()
			defer h.Shutdown()
			p, id := acquireStage(b, h, &config.PluginSpec{Name: "tp-" + name, Path: bin, AutoMTLS: mtls, RestartWait: time.Second})
			c, _ := p.Client(context.Background())
			req.InstanceId = id
			b.Run("serial", func(b *testing.B) {
				for b.Loop() {
					if _, err := c.Stage.Process(context.Background(), req); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("parallel", func(b *testing.B) {
				b.SetParallelism(16)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := c.Stage.Process(context.Background(), req); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}
