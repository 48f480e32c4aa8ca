package sdk

import (
	"context"
	"os"
	"slices"

	"github.com/hashicorp/go-hclog"

	"github.com/llmgw/llmgw/sdk/go/lane"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

const (
	// CapLane is declared in Describe by a plugin that listens on the fast
	// lane (package lane) in the directory the host gave it.
	CapLane = "transport.lane"
	// LaneDirEnv names the private directory (mode 0700) the host created
	// for a plugin's fast-lane socket. The host sets it only when it will
	// use the lane; a plugin that does not know it (Python) stays on gRPC.
	LaneDirEnv = "LLMGW_PLUGIN_LANE_DIR"
	// LaneEnv set to "grpc" in the host's environment keeps every plugin on
	// gRPC (the fast lane is never offered).
	LaneEnv = "LLMGW_PLUGIN_LANE"
)

// LaneWanted reports whether a host should offer plugins the fast lane: the
// platform checks peer credentials and LLMGW_PLUGIN_LANE is not "grpc".
func LaneWanted() bool {
	return lane.Supported && os.Getenv(LaneEnv) != "grpc"
}

// serveLane listens on the fast lane when the host offered one; any failure
// leaves the plugin on gRPC only, with a warning.
func (s *server) serveLane(logger hclog.Logger) {
	dir := os.Getenv(LaneDirEnv)
	if dir == "" || !lane.Supported {
		return
	}
	l, err := lane.Listen(dir)
	if err != nil {
		logger.Warn("fast lane unavailable; serving gRPC only", "error", err)
		return
	}
	s.lane = true
	host := os.Getppid()
	go func() {
		_ = lane.Serve(l, laneHandler{s: s}, host, func(err error) {
			logger.Warn("fast lane: refused a connection", "error", err)
		})
	}()
}

// laneHandler serves the fast lane's calls with the gRPC services' code, so
// both lanes answer alike.
type laneHandler struct{ s *server }

func (h laneHandler) Process(ctx context.Context, req *pb.StageRequest) (*pb.StageResponse, error) {
	return (&stageService{s: h.s}).Process(ctx, req)
}

func (h laneHandler) After(ctx context.Context, req *pb.StageAfterRequest) (*pb.StageAfterResponse, error) {
	return (&stageService{s: h.s}).After(ctx, req)
}

func (h laneHandler) Complete(ctx context.Context, req *pb.CompleteRequest) (*pb.CompleteResponse, error) {
	return (&providerService{s: h.s}).Complete(ctx, req)
}

func (h laneHandler) Stream(ctx context.Context, req *pb.CompleteRequest, send func(*pb.StreamChunk) error) error {
	return (&providerService{s: h.s}).stream(ctx, req, send)
}

// DialLane moves c's request path (Stage.Process/After, Provider.Complete/
// Stream) onto the fast lane of the plugin process pid when its Describe
// offered one in dir; the rest stays on gRPC. It returns c unchanged (and
// no error) when the lane was not offered.
func DialLane(ctx context.Context, c *Client, desc *pb.DescribeResponse, dir string, pid int) (*Client, error) {
	if dir == "" || !slices.Contains(desc.GetCapabilities(), CapLane) {
		return c, nil
	}
	lc, err := lane.Dial(ctx, dir, pid)
	if err != nil {
		return c, err
	}
	out := *c
	out.Stage = lc.StageClient(c.Stage)
	out.Provider = lc.ProviderClient(c.Provider)
	out.Lane = lc
	return &out, nil
}
