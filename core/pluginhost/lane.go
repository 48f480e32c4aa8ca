package pluginhost

import (
	"context"
	"os"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// laneDirectory is the private directory (mode 0700, made by os.MkdirTemp)
// where the plugin listens for the fast lane, created on first use; "" when
// the host keeps every plugin on gRPC (LLMGW_PLUGIN_LANE=grpc, or no peer
// credentials on this platform). The directory outlives restarts: each
// incarnation replaces the socket.
func (p *Process) laneDirectory() string {
	if !sdk.LaneWanted() {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.laneDir == "" {
		dir, err := os.MkdirTemp("", "llmgw-lane-")
		if err != nil {
			p.log.Warn("fast lane unavailable: no private directory; using gRPC", "error", err)
			return ""
		}
		p.laneDir = dir
	}
	return p.laneDir
}

// dialLane moves c's request path onto the fast lane when the plugin offered
// it; a lane that cannot be set up leaves the plugin on gRPC, with a warning.
func (p *Process) dialLane(c *sdk.Client, desc *pb.DescribeResponse, dir string, pid int) *sdk.Client {
	ctx, cancel := context.WithTimeout(context.Background(), p.host.startTimeout)
	defer cancel()
	lc, err := sdk.DialLane(ctx, c, desc, dir, pid)
	if err != nil {
		p.log.Warn("fast lane refused; using gRPC", "error", err)
	}
	return lc
}

// closeClient breaks both of the client's connections, failing every call in
// flight on them.
func closeClient(c *sdk.Client) {
	_ = c.Conn.Close()
	if c.Lane != nil {
		_ = c.Lane.Close()
	}
}

// removeLaneDirectory deletes the lane's directory once the process is
// stopped for good.
func (p *Process) removeLaneDirectory() {
	p.mu.Lock()
	dir := p.laneDir
	p.laneDir = ""
	p.mu.Unlock()
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}
