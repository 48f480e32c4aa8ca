package sdk

// The CPU of one plain (non-streamed) answer's provider hop, host and plugin
// ends in this process, with the upstream's stream already parsed: the host
// streaming and assembling (what a plugin without provider.assemble costs)
// against the plugin assembling and answering once. Run
//
//	go test -run '^$' -bench PlainAnswer -benchmem -count 5 ./sdk/go/
//
// bench/README.md "The plugin hop (issue 21)" has the numbers.

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/llmgw/llmgw/sdk/go/lane"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest/cpubench"
)

// upstreamChunks is an OpenAI stream of an answer in n content events: a
// role chunk, the content, the finish reason and the usage chunk. The
// simulator sends 3 content events for the benchmark's answer; the real API
// sends one per token (32 for max_tokens 32).
func upstreamChunks(n int) []*pb.StreamChunk {
	out := []*pb.StreamChunk{{Role: "assistant", Id: "chatcmpl-1", Model: "gpt-4o"}}
	for range n {
		out = append(out, &pb.StreamChunk{Content: "word ", Id: "chatcmpl-1", Model: "gpt-4o"})
	}
	return append(out, &pb.StreamChunk{FinishReason: "stop", Id: "chatcmpl-1", Model: "gpt-4o"},
		&pb.StreamChunk{Id: "chatcmpl-1", Model: "gpt-4o", Usage: &pb.Usage{PromptTokens: 9, CompletionTokens: int32(n), TotalTokens: int32(9 + n)}})
}

// replayProvider streams its chunks at once.
type replayProvider struct{ chunks []*pb.StreamChunk }

func (p replayProvider) Complete(context.Context, *CompleteRequest) (*CompleteResponse, error) {
	return nil, Fail(ClassBadRequest, 0, 0, "", "not used")
}

func (p replayProvider) Stream(_ context.Context, _ *CompleteRequest, send ChunkSender) error {
	for _, c := range p.chunks {
		if err := send(c); err != nil {
			return err
		}
	}
	return nil
}

func BenchmarkPlainAnswer(b *testing.B) {
	for _, n := range []int{3, 32} {
		for _, tr := range []struct {
			name string
			dial func(b *testing.B, s *server) pb.ProviderClient
		}{{"lane", laneProvider}, {"grpc", grpcProvider}} {
			s := newServer(Plugin{Name: "bench", Provider: func(Config) (Provider, error) { return replayProvider{upstreamChunks(n)}, nil }}, hclog.NewNullLogger())
			if _, err := s.configure(&pb.ConfigureRequest{InstanceId: "p@1", Kind: KindProvider}); err != nil {
				b.Fatal(err)
			}
			req := &pb.CompleteRequest{InstanceId: "p@1", UpstreamModel: "gpt-4o", Request: &pb.ChatRequest{Model: "gpt-4o",
				Messages: []*pb.Message{{Role: "user", Content: "Say hello in one short sentence, please."}}}}
			b.Run(fmt.Sprintf("%s/%d-events/host-assembles", tr.name, n), func(b *testing.B) {
				c := tr.dial(b, s)
				b.ReportAllocs()
				defer cpubench.PerOp(b)()
				for b.Loop() {
					hostAssembles(b, c, req)
				}
			})
			b.Run(fmt.Sprintf("%s/%d-events/plugin-assembles", tr.name, n), func(b *testing.B) {
				c := tr.dial(b, s)
				areq := &pb.CompleteRequest{InstanceId: req.InstanceId, UpstreamModel: req.UpstreamModel, Request: req.Request,
					Assemble: &pb.AssembleDeadlines{FirstByteMs: 15000, IdleMs: 30000}}
				b.ReportAllocs()
				defer cpubench.PerOp(b)()
				for b.Loop() {
					resp, err := c.Complete(context.Background(), areq)
					if err != nil || resp.Error != nil || resp.FinishReason != "stop" {
						b.Fatal(resp, err)
					}
				}
			})
		}
	}
}

// hostAssembles is the host's side of a plain answer from a plugin without
// provider.assemble: a Stream under a progress deadline, every chunk
// folded in (as core/pipeline streamAttempt does).
func hostAssembles(b *testing.B, c pb.ProviderClient, req *pb.CompleteRequest) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	dl := StartProgressDeadline(15*time.Second, 30*time.Second, cancel)
	defer dl.Stop()
	st, err := c.Stream(ctx, req)
	if err != nil {
		b.Fatal(err)
	}
	var acc Assembler
	for {
		chunk, err := st.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		dl.Chunk()
		acc.Add(chunk)
	}
	if resp, pe := acc.Response(); pe != nil || resp.FinishReason != "stop" {
		b.Fatal(pe)
	}
}

func laneProvider(b *testing.B, s *server) pb.ProviderClient {
	dir, err := os.MkdirTemp("", "lane-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	l, err := lane.Listen(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	go func() { _ = lane.Serve(l, laneHandler{s: s}, os.Getpid(), nil) }()
	c, err := lane.Dial(context.Background(), dir, os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c.ProviderClient(nil)
}

// grpcProvider serves s over gRPC on a unix socket, without TLS (the
// difference between the two paths is the frames, not their encryption).
func grpcProvider(b *testing.B, s *server) pb.ProviderClient {
	dir := b.TempDir()
	l, err := net.Listen("unix", dir+"/grpc.sock")
	if err != nil {
		b.Fatal(err)
	}
	g := grpc.NewServer()
	s.register(g)
	go func() { _ = g.Serve(l) }()
	b.Cleanup(g.Stop)
	conn, err := grpc.NewClient("unix://"+dir+"/grpc.sock", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return pb.NewProviderClient(conn)
}
