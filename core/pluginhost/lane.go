package pluginhost

import (
	"context"
	"os"
	"path/filepath"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// socketDirectory is the plugin's private directory (mode 0700, made by
// os.MkdirTemp) for its sockets: go-plugin's gRPC socket (through
// PLUGIN_UNIX_SOCKET_DIR) and the fast lane's. It is created on first use
// and outlives restarts; a new incarnation starts with it emptied, so a
// plugin killed mid-run (crash, SIGKILL) leaves nothing behind, and
// removeSocketDirectory deletes it when the process is stopped for good.
// "" when sdk.MakeSocketDir cannot make one (or the temporary directory's
// path is too long for sockets below it): go-plugin then puts its socket
// in the temporary directory itself and the plugin stays on gRPC.
func (p *Process) socketDirectory() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sockDir == "" {
		dir, err := sdk.MakeSocketDir()
		if err != nil {
			p.log.Warn("no private socket directory; the plugin's sockets go to the temporary directory itself and it stays on gRPC", "error", err)
			return ""
		}
		p.sockDir = dir
		return dir
	}
	// What a previous incarnation left: its sockets, if it was killed.
	if entries, err := os.ReadDir(p.sockDir); err == nil {
		for _, e := range entries {
			_ = os.RemoveAll(filepath.Join(p.sockDir, e.Name()))
		}
	}
	return p.sockDir
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

// removeSocketDirectory deletes the plugin's socket directory once the
// process is stopped for good.
func (p *Process) removeSocketDirectory() {
	p.mu.Lock()
	dir := p.sockDir
	p.sockDir = ""
	p.mu.Unlock()
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}
