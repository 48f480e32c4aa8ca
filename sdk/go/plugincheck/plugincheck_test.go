package plugincheck_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/plugincheck"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// The test binary doubles as the plugin under check: started with
// PLUGINCHECK_TEST_PLUGIN set, it serves the plugin of that name.
const pluginEnv = "PLUGINCHECK_TEST_PLUGIN"

type stage struct{ sleep time.Duration }

func (s stage) Process(ctx context.Context, _ *sdk.StageRequest) (*sdk.StageResponse, error) {
	select {
	case <-time.After(s.sleep):
	case <-ctx.Done():
	}
	return sdk.Continue(), nil
}

func TestMain(m *testing.M) {
	switch os.Getenv(pluginEnv) {
	case "":
		os.Exit(m.Run())
	case "good":
		sdk.Serve(sdk.Plugin{Name: "good", Version: "1.0.0", Stage: func(c sdk.Config) (sdk.Stage, error) {
			return stage{}, c.Decode(&struct{}{})
		}})
	case "lax":
		sdk.Serve(sdk.Plugin{Name: "lax", Version: "1.0.0", Stage: func(sdk.Config) (sdk.Stage, error) {
			return stage{}, nil
		}})
	case "slow":
		sdk.Serve(sdk.Plugin{Name: "slow", Version: "1.0.0", Stage: func(c sdk.Config) (sdk.Stage, error) {
			return stage{sleep: time.Hour}, c.Decode(&struct{}{})
		}})
	}
}

func check(t *testing.T, name string) (*plugincheck.Result, string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res := plugincheck.Run(context.Background(), plugincheck.Options{
		Path:        exe,
		Env:         []string{pluginEnv + "=" + name},
		Out:         &out,
		Conformance: conformance(),
	})
	return res, out.String()
}

func TestGoodPluginPasses(t *testing.T) {
	res, out := check(t, "good")
	if !res.OK() {
		t.Fatalf("a good plugin failed:\n%s", out)
	}
	for _, want := range []string{"PASS  handshake", "PASS  gRPC health", "magic cookie", "exits after GRPCController.Shutdown", "0 failed",
		"PASS  fast lane: offered at the handshake", "PASS  fast lane: stage: Process answers within its timeout"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestGRPCOnlySwitch: LLMGW_PLUGIN_LANE=grpc keeps the checks on gRPC.
func TestGRPCOnlySwitch(t *testing.T) {
	t.Setenv(sdk.LaneEnv, "grpc")
	res, out := check(t, "good")
	if !res.OK() || strings.Contains(out, "fast lane") {
		t.Fatalf("with the lane switched off:\n%s", out)
	}
}

func TestBrokenPluginsFail(t *testing.T) {
	for name, want := range map[string]string{
		"lax":  "FAIL  stage: Configure rejects an unknown config field",
		"slow": "FAIL  stage: Process answers within its timeout",
	} {
		t.Run(name, func(t *testing.T) {
			res, out := check(t, name)
			if res.OK() || !strings.Contains(out, want) {
				t.Fatalf("want %q:\n%s", want, out)
			}
			// The same check fails on the fast lane too.
			if onLane := "FAIL  fast lane: " + strings.TrimPrefix(want, "FAIL  "); !strings.Contains(out, onLane) {
				t.Fatalf("want %q:\n%s", onLane, out)
			}
			if !strings.Contains(out, "FAIL  "+func() string { exe, _ := os.Executable(); return exe }()) {
				t.Fatalf("no failing summary line:\n%s", out)
			}
		})
	}
}

func TestMissingExecutable(t *testing.T) {
	var out bytes.Buffer
	res := plugincheck.Run(context.Background(), plugincheck.Options{Path: "/nonexistent/plugin", Out: &out})
	if res.OK() || !strings.Contains(out.String(), "not an executable file") {
		t.Fatalf("%s", out.String())
	}
}

func conformance() (o sdktest.ConformanceOptions) {
	o.StageTimeout = 500 * time.Millisecond
	o.Concurrency = 4
	return o
}
