// Package sdktest runs a plugin in-process over a real gRPC connection, so a
// plugin's tests exercise exactly the code the host calls, without building a
// binary:
//
//	h := sdktest.Start(t, sdk.Plugin{Name: "x", Stage: mystage.New})
//	id := h.MustConfigure(t, sdk.KindStage, "guard", `{"max_chars": 10}`)
//	resp, err := h.Process(ctx, id, &sdk.StageRequest{Request: &sdk.ChatRequest{…}})
package sdktest

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Harness is a plugin served in-process and the client connected to it.
type Harness struct {
	*sdk.Client
	// Host is sent with every Configure; tests may change it first.
	Host *sdk.HostInfo
}

// Start serves p in-process over gRPC and connects to it. The server and the
// connection have the options of a real plugin and host (sdk.ServerOptions,
// sdk.DialOptions: message size limits, windows), over a unix socket.
// Everything is stopped when the test ends.
func Start(t testing.TB, p sdk.Plugin) *Harness {
	t.Helper()
	// A short directory: a unix socket's path is limited to about 100 bytes.
	dir, err := os.MkdirTemp("", "sdktest")
	if err != nil {
		t.Fatalf("sdktest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	sock := filepath.Join(dir, "plugin.sock")
	lis, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatalf("sdktest: listen: %v", err)
	}
	set := sdk.TestPluginSet(p)
	gp := set[sdk.PluginName].(plugin.GRPCPlugin)
	srv := grpc.NewServer(sdk.ServerOptions()...)
	// The health service go-plugin serves, which the host's liveness
	// checks call.
	hs := health.NewServer()
	hs.SetServingStatus(plugin.GRPCServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	if err := gp.GRPCServer(nil, srv); err != nil {
		t.Fatalf("sdktest: %v", err)
	}
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("unix://"+sock, append(sdk.DialOptions(), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		srv.Stop()
		t.Fatalf("sdktest: connect: %v", err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		srv.Stop()
	})
	raw, err := gp.GRPCClient(context.Background(), nil, conn)
	if err != nil {
		t.Fatalf("sdktest: client: %v", err)
	}
	return &Harness{Client: raw.(*sdk.Client), Host: &sdk.HostInfo{DataDir: t.TempDir()}}
}

// Describe calls the plugin's Describe.
func (h *Harness) Describe(ctx context.Context) (*sdk.DescribeResponse, error) {
	return h.Plugin.Describe(ctx, &pb.DescribeRequest{HostProtocolVersions: sdk.SupportedProtocolVersions})
}

// Configure creates the instance name of kind with the JSON config and
// returns its instance id. A rejected config comes back as an error whose
// text is the plugin's message.
func (h *Harness) Configure(ctx context.Context, kind, name, configJSON string) (string, error) {
	id := name + "@1"
	_, err := h.Plugin.Configure(ctx, &pb.ConfigureRequest{
		InstanceId:      id,
		Kind:            kind,
		ConfigJson:      []byte(configJSON),
		ProtocolVersion: sdk.ProtocolVersion,
		Host:            h.Host,
	})
	if err != nil {
		return "", errors.New(status.Convert(err).Message())
	}
	return id, nil
}

// MustConfigure is Configure that fails the test on error.
func (h *Harness) MustConfigure(t testing.TB, kind, name, configJSON string) string {
	t.Helper()
	id, err := h.Configure(context.Background(), kind, name, configJSON)
	if err != nil {
		t.Fatalf("sdktest: configure %s %q: %v", kind, name, err)
	}
	return id
}

// Close closes an instance.
func (h *Harness) CloseInstance(ctx context.Context, id string) error {
	_, err := h.Plugin.Close(ctx, &pb.CloseRequest{InstanceId: id})
	return err
}

// Process calls a stage instance. A rejection that breaks the rules of
// sdk.Rejection.Validate (a status a stage may not use, a type that does
// not go with it, no category, …) comes back as an error, so the stage's
// tests fail where the host would have to patch it up.
func (h *Harness) Process(ctx context.Context, id string, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	req.InstanceId = id
	resp, err := h.Stage.Process(ctx, req)
	if err == nil && resp.GetAction() == pb.StageResponse_REJECT {
		err = sdk.ValidateRejection(resp.GetReject())
	}
	return resp, err
}

// After calls a stage instance's after-response hook.
func (h *Harness) After(ctx context.Context, id string, req *sdk.StageAfterRequest) error {
	req.InstanceId = id
	_, err := h.Stage.After(ctx, req)
	return err
}

// Complete calls a provider instance.
func (h *Harness) Complete(ctx context.Context, id string, req *sdk.CompleteRequest) (*sdk.CompleteResponse, error) {
	req.InstanceId = id
	return h.Provider.Complete(ctx, req)
}

// Stream calls a provider instance's Stream and collects every chunk.
func (h *Harness) Stream(ctx context.Context, id string, req *sdk.CompleteRequest) ([]*sdk.StreamChunk, error) {
	req.InstanceId = id
	stream, err := h.Provider.Stream(ctx, req)
	if err != nil {
		return nil, err
	}
	var chunks []*sdk.StreamChunk
	for {
		c, err := stream.Recv()
		if err == io.EOF {
			return chunks, nil
		}
		if err != nil {
			return chunks, err
		}
		chunks = append(chunks, c)
	}
}

// Track sends events to a tracker instance and returns the acknowledged ids.
func (h *Harness) Track(ctx context.Context, id string, events []*sdk.Event) ([]string, error) {
	resp, err := h.Tracker.Track(ctx, &pb.TrackRequest{InstanceId: id, Events: events})
	if err != nil {
		return nil, err
	}
	return resp.AckedIds, nil
}
