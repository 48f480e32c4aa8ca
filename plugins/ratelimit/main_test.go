package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// startBinary builds this plugin and starts it as the host does (go-plugin
// over gRPC), returning a configured stage instance's id and its client.
func startBinary(tb testing.TB, configJSON string) (*sdk.Client, string) {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "ratelimit")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.PluginSets(),
		Cmd:              exec.Command(bin),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Output: os.Stderr, Level: hclog.Warn}),
	})
	tb.Cleanup(client.Kill)
	rpc, err := client.Client()
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		tb.Fatal(err)
	}
	c := raw.(*sdk.Client)
	d, err := c.Plugin.Describe(context.Background(), &pb.DescribeRequest{HostProtocolVersions: sdk.SupportedProtocolVersions})
	if err != nil || d.Name != "ratelimit" || !slices.Equal(d.Capabilities, []string{sdk.CapStageAfter, sdk.CapStageLease, sdk.CapStageMetadata, sdk.CapRoleRateLimit}) {
		tb.Fatalf("describe: %v %+v", err, d)
	}
	resp, err := c.Plugin.Configure(context.Background(), &pb.ConfigureRequest{
		InstanceId: "ratelimit@1", Kind: sdk.KindStage, ConfigJson: []byte(configJSON),
		ProtocolVersion: sdk.ProtocolVersion, Host: &sdk.HostInfo{Generation: 1},
	})
	if err != nil {
		tb.Fatal(err)
	}
	if resp.Info["backend"] != "memory" {
		tb.Fatalf("info: %v", resp.Info)
	}
	return c, "ratelimit@1"
}

func TestBinary65RequestsFromOneIP(t *testing.T) {
	c, id := startBinary(t, `{"rpm":"60"}`)
	ok, limited := 0, 0
	for range 65 {
		resp, err := c.Stage.Process(context.Background(), &pb.StageRequest{InstanceId: id, ClientIp: "192.0.2.7", Request: &sdk.ChatRequest{Model: "smart-router"}})
		if err != nil {
			t.Fatal(err)
		}
		if sdk.IsReject(resp) {
			if resp.Reject.Status != 429 || resp.Reject.RetryAfterMs < 1000 || resp.ResponseHeaders["X-RateLimit-Remaining"] != "0" {
				t.Fatalf("rejection: %+v", resp)
			}
			limited++
		} else {
			ok++
		}
	}
	if ok != 60 || limited != 5 {
		t.Fatalf("%d allowed, %d limited; want 60 and 5", ok, limited)
	}
}

// BenchmarkBinaryProcess is one Process round trip to the plugin process,
// the cost the host pays per request for this stage.
func BenchmarkBinaryProcess(b *testing.B) {
	c, id := startBinary(b, `{"rpm":1000000000000}`)
	req := &pb.StageRequest{InstanceId: id, ClientIp: "192.0.2.7", Request: &sdk.ChatRequest{Model: "smart-router"},
		Headers: map[string]string{"user-agent": "bench", "content-type": "application/json"}}
	for b.Loop() {
		if _, err := c.Stage.Process(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
