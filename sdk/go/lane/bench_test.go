package lane

// Micro-benchmarks of one stage call split into its parts (issue 21): run
// them in one binary so they share the machine's state,
//
//	go test -run '^$' -bench . -benchmem -count 5 ./sdk/go/lane/
//
// and compare within the run. bench/README.md has the table.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
	"net"
	"runtime"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest/cpubench"
)

// typicalStageRequest is what the host sends a guard or rate-limit stage for
// the benchmark's chat request (one short user message, max_tokens 32).
func typicalStageRequest() *pb.StageRequest {
	return &pb.StageRequest{
		InstanceId: "guard@3",
		RequestId:  "req_01JF3V6Y9G4S7T2K8M5N0P1Q2R",
		Route:      "chat",
		Request: &pb.ChatRequest{
			Model:     "gpt-4o-primary",
			Messages:  []*pb.Message{{Role: "user", Content: "Say hello in one short sentence, please."}},
			MaxTokens: proto.Int32(32),
		},
		ClientIp:   "127.0.0.1",
		ApiKeyHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Headers:    map[string]string{"user-agent": "Go-http-client/1.1", "content-type": "application/json"},
	}
}

var typicalStageResponse = &pb.StageResponse{Annotations: map[string]string{"guard.score": "0.01"}}

// noopStage is a plugin whose own work is nothing: what is left is the hop.
type noopStage struct {
	pb.UnimplementedStageServer
}

func (noopStage) Process(context.Context, *pb.StageRequest) (*pb.StageResponse, error) {
	return typicalStageResponse, nil
}

func (noopStage) After(context.Context, *pb.StageAfterRequest) (*pb.StageAfterResponse, error) {
	return &pb.StageAfterResponse{}, nil
}

func (noopStage) Complete(context.Context, *pb.CompleteRequest) (*pb.CompleteResponse, error) {
	return &pb.CompleteResponse{}, nil
}

func (noopStage) Stream(context.Context, *pb.CompleteRequest, func(*pb.StreamChunk) error) error {
	return nil
}

// BenchmarkProtobuf is the marshalling share of one stage call: the host
// marshals the request and unmarshals the answer, the plugin the reverse.
func BenchmarkProtobuf(b *testing.B) {
	req := typicalStageRequest()
	b.ReportAllocs()
	defer cpubench.PerOp(b)()
	for b.Loop() {
		rb, _ := proto.Marshal(req)
		var r pb.StageRequest
		_ = proto.Unmarshal(rb, &r)
		ab, _ := proto.Marshal(typicalStageResponse)
		var a pb.StageResponse
		_ = proto.Unmarshal(ab, &a)
	}
}

// BenchmarkGoroutineHandoff is two goroutine wake-ups (a call there and its
// answer back), the least any hop with a reader goroutine pays per side.
func BenchmarkGoroutineHandoff(b *testing.B) {
	ping, pong := make(chan struct{}), make(chan struct{})
	go func() {
		for range ping {
			pong <- struct{}{}
		}
	}()
	defer cpubench.PerOp(b)()
	for b.Loop() {
		ping <- struct{}{}
		<-pong
	}
	close(ping)
}

// BenchmarkRawFrameUnix is a length-prefixed frame of a typical request's
// size sent and echoed over a unix socket: the syscalls and wake-ups of the
// hop, without protobuf, HTTP/2 or TLS.
func BenchmarkRawFrameUnix(b *testing.B) {
	a, c := socketPair(b)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			if _, err := io.ReadFull(c, buf[:4]); err != nil {
				return
			}
			n := binary.BigEndian.Uint32(buf[:4])
			if _, err := io.ReadFull(c, buf[4:4+n]); err != nil {
				return
			}
			if _, err := c.Write(buf[:4+n]); err != nil {
				return
			}
		}
	}()
	size, _ := proto.Marshal(typicalStageRequest())
	frame := make([]byte, 4+len(size))
	binary.BigEndian.PutUint32(frame, uint32(len(size)))
	in := make([]byte, len(frame))
	defer cpubench.PerOp(b)()
	for b.Loop() {
		if _, err := a.Write(frame); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(a, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStageCall is one Stage.Process call with a no-op plugin over each
// transport: sequential (1 caller) and with 64 concurrent callers.
func BenchmarkStageCall(b *testing.B) {
	for _, tr := range []struct {
		name string
		dial func(b *testing.B) pb.StageClient
	}{
		{"grpc-mtls", func(b *testing.B) pb.StageClient { return grpcStage(b, true) }},
		{"grpc-plain", func(b *testing.B) pb.StageClient { return grpcStage(b, false) }},
		{"lane", laneStage},
	} {
		req := typicalStageRequest()
		b.Run(tr.name+"/seq", func(b *testing.B) {
			c := tr.dial(b)
			b.ReportAllocs()
			defer cpubench.PerOp(b)()
			for b.Loop() {
				if _, err := c.Process(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tr.name+"/c64", func(b *testing.B) {
			c := tr.dial(b)
			b.ReportAllocs()
			// 64 callers in all, as the benchmark's 64 connections.
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			defer cpubench.PerOp(b)()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Process(context.Background(), req); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkStageCallDeepStack is BenchmarkStageCall/lane with a stage whose
// work takes about 32 KB of stack, as a real one does (a detector, an HTTP
// round trip): what a call's goroutine costs when its stack must grow.
func BenchmarkStageCallDeepStack(b *testing.B) {
	req := typicalStageRequest()
	for _, conc := range []int{2, 64} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) {
			c := pair(b, deepStage{}).StageClient(nil)
			b.ReportAllocs()
			b.SetParallelism(max(1, conc/runtime.GOMAXPROCS(0)))
			defer cpubench.PerOp(b)()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Process(context.Background(), req); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// deepStage is noopStage that first uses about 32 KB of stack.
type deepStage struct{ noopStage }

func (d deepStage) Process(ctx context.Context, req *pb.StageRequest) (*pb.StageResponse, error) {
	if useStack(64) == 0 {
		return nil, context.Canceled
	}
	return d.noopStage.Process(ctx, req)
}

// useStack recurses depth times with a 512-byte frame each.
//
//go:noinline
func useStack(depth int) byte {
	var frame [512]byte
	frame[depth%len(frame)] = byte(depth) | 1
	if depth == 0 {
		return frame[0] | 1
	}
	return useStack(depth-1) | frame[depth%len(frame)]
}

func laneStage(b *testing.B) pb.StageClient {
	c := pair(b, noopStage{})
	return c.StageClient(nil)
}

// grpcStage serves noopStage with the options the SDK's plugins use, over a
// unix socket, with or without mutual TLS (go-plugin's AutoMTLS: one
// self-signed certificate per side, each trusting the other's).
func grpcStage(b *testing.B, mtls bool) pb.StageClient {
	dir := b.TempDir()
	l, err := net.Listen("unix", dir+"/grpc.sock")
	if err != nil {
		b.Fatal(err)
	}
	sopts := []grpc.ServerOption{grpc.InitialWindowSize(1 << 20), grpc.InitialConnWindowSize(1 << 20), grpc.NumStreamWorkers(2)}
	dopts := []grpc.DialOption{grpc.WithInitialWindowSize(1 << 20), grpc.WithInitialConnWindowSize(1 << 20)}
	if mtls {
		srvCert, cliCert := selfSigned(b), selfSigned(b)
		srvPool, cliPool := x509.NewCertPool(), x509.NewCertPool()
		srvPool.AddCert(cliCert.Leaf)
		cliPool.AddCert(srvCert.Leaf)
		sopts = append(sopts, grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{srvCert}, ClientCAs: srvPool,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})))
		dopts = append(dopts, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cliCert},
			RootCAs: cliPool, ServerName: "localhost", MinVersion: tls.VersionTLS12})))
	} else {
		dopts = append(dopts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	s := grpc.NewServer(sopts...)
	pb.RegisterStageServer(s, noopStage{})
	go func() { _ = s.Serve(l) }()
	b.Cleanup(s.Stop)
	conn, err := grpc.NewClient("unix://"+dir+"/grpc.sock", dopts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return pb.NewStageClient(conn)
}

func selfSigned(b *testing.B) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		b.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		b.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}
