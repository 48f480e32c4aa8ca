package sdk

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/llmgw/llmgw/sdk/go/lane"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// PluginName is the name under which the one gRPC plugin of every llmgw
// plugin binary is dispensed.
const PluginName = "llmgw"

// Handshake is go-plugin's handshake between the host and a plugin. The
// cookie only keeps people from running a plugin binary by hand by mistake;
// it is not a security boundary.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "LLMGW_PLUGIN",
	MagicCookieValue: "8c3f0f6e-llmgw-plugin-protocol",
}

// Client is the host's side of one plugin process: one gRPC connection and a
// client per service.
type Client struct {
	Conn     *grpc.ClientConn
	Plugin   pb.PluginClient
	Stage    pb.StageClient
	Provider pb.ProviderClient
	Tracker  pb.TrackerClient
	// Protocol is the protocol version negotiated at the handshake.
	Protocol int
	// Lane is the fast-lane connection carrying Stage and Provider's
	// request-path calls, nil when everything goes over gRPC.
	Lane *lane.Client
}

// LaneName says which lane carries the request path: "fast" or "grpc".
func (c *Client) LaneName() string {
	if c.Lane != nil && !c.Lane.Broken() {
		return "fast"
	}
	return "grpc"
}

// NewClient wraps an established connection to a plugin.
func NewClient(conn *grpc.ClientConn, protocol int) *Client {
	return &Client{
		Conn:     conn,
		Plugin:   pb.NewPluginClient(conn),
		Stage:    pb.NewStageClient(conn),
		Provider: pb.NewProviderClient(conn),
		Tracker:  pb.NewTrackerClient(conn),
		Protocol: protocol,
	}
}

// grpcPlugin is go-plugin's glue: the server side registers our services, the
// client side hands the host a *Client.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	srv      *server
	protocol int
}

func (g *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	g.srv.register(s)
	return nil
}

func (g *grpcPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return NewClient(c, g.protocol), nil
}

// PluginSets is what the host passes as go-plugin's VersionedPlugins: one
// plugin set per protocol version it speaks.
func PluginSets(versions ...uint32) map[int]plugin.PluginSet {
	if len(versions) == 0 {
		versions = SupportedProtocolVersions
	}
	sets := make(map[int]plugin.PluginSet, len(versions))
	for _, v := range versions {
		sets[int(v)] = plugin.PluginSet{PluginName: &grpcPlugin{protocol: int(v)}}
	}
	return sets
}

// TestPluginSet is the plugin set that serves p in-process; sdktest uses it.
func TestPluginSet(p Plugin) plugin.PluginSet {
	srv := newServer(p, NewLogger(p.Name))
	return plugin.PluginSet{PluginName: &grpcPlugin{srv: srv, protocol: ProtocolVersion}}
}
