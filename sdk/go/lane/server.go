package lane

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Handler is what a plugin serves on the lane. Errors are gRPC status
// errors (as the gRPC services return them); a provider failure is a last
// chunk with error set, sent by the handler itself.
type Handler interface {
	Process(ctx context.Context, req *pb.StageRequest) (*pb.StageResponse, error)
	After(ctx context.Context, req *pb.StageAfterRequest) (*pb.StageAfterResponse, error)
	Complete(ctx context.Context, req *pb.CompleteRequest) (*pb.CompleteResponse, error)
	Stream(ctx context.Context, req *pb.CompleteRequest, send func(*pb.StreamChunk) error) error
}

// ServeConn serves calls from one authenticated host connection until it
// closes or sends a malformed frame; every call still running then has its
// context cancelled.
func ServeConn(conn net.Conn, h Handler) error {
	s := &serverConn{conn: conn, w: newWriter(conn), h: h, calls: map[uint32]context.CancelFunc{},
		work: make(chan laneCall), done: make(chan struct{})}
	defer s.cancelAll()
	defer close(s.done)
	defer conn.Close()
	rd := newFrameReader(conn)
	for {
		f, err := rd.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch f.Type {
		case TypeCall:
			if err := s.call(f); err != nil {
				return err
			}
		case TypeCancel:
			s.cancel(f.ID)
			f.Release()
		default:
			f.Release()
			return errors.New("lane: host sent a plugin-only frame")
		}
	}
}

type serverConn struct {
	conn net.Conn
	w    *writer
	h    Handler

	mu    sync.Mutex
	calls map[uint32]context.CancelFunc

	// work hands a call to a worker waiting for one (unbuffered: a send
	// succeeds only then); parked counts the waiting workers; done ends
	// them with the connection.
	work   chan laneCall
	parked atomic.Int32
	done   chan struct{}
}

// laneCall is one call for a worker.
type laneCall struct {
	ctx  context.Context
	f    Frame
	body []byte
}

// maxParkedWorkers bounds the goroutines a connection keeps waiting for its
// next call.
//
// A call runs on a goroutine whose stack grows as deep as the handler goes
// (a guard's detector, a provider's HTTP round trip and JSON). A new
// goroutine per call grew it again on every call: runtime.newstack was
// 11–19 % of guard-injection's CPU samples and 3–5 % of provider-openai's
// at 64 connections (bench -profile). A worker that finished a call waits
// for the next instead, up to this many per connection; past them a worker
// ends after its call, as every call's goroutine did before.
const maxParkedWorkers = 64

// call starts one call on a worker goroutine of its own (calls run
// concurrently, as on gRPC): a waiting worker, else a new one. The worker
// owns the frame; call releases it on its error paths.
func (s *serverConn) call(f Frame) error {
	timeout, body, err := CallTimeout(f.Body)
	if err != nil {
		f.Release()
		return err
	}
	if f.Aux < MethodStageProcess || f.Aux > MethodProviderStream {
		// An unknown method is the caller's problem, not the connection's.
		f.Release()
		return s.w.writeRaw(TypeError, byte(codes.Unimplemented), f.ID, []byte("method not served on the fast lane"))
	}
	var (
		ctx    context.Context
		cancel context.CancelFunc
	)
	if timeout > 0 {
		// The host's deadline, as gRPC carries it: relative, from receipt.
		ctx, cancel = context.WithTimeout(context.Background(), time.Duration(timeout))
	} else {
		ctx, cancel = context.WithCancel(context.Background())
	}
	s.mu.Lock()
	if old := s.calls[f.ID]; old != nil {
		old()
	}
	s.calls[f.ID] = cancel
	s.mu.Unlock()
	c := laneCall{ctx: ctx, f: f, body: body}
	select {
	case s.work <- c:
	default:
		go s.worker(c)
	}
	return nil
}

// worker runs c, then the calls handed to it while it waits (see
// maxParkedWorkers).
func (s *serverConn) worker(c laneCall) {
	for {
		s.run(c.ctx, c.f, c.body)
		c = laneCall{} // keep nothing of the call while waiting
		if s.parked.Add(1) > maxParkedWorkers {
			s.parked.Add(-1)
			return
		}
		select {
		case c = <-s.work:
			s.parked.Add(-1)
		case <-s.done:
			s.parked.Add(-1)
			return
		}
	}
}

func (s *serverConn) cancel(id uint32) {
	s.mu.Lock()
	c := s.calls[id]
	delete(s.calls, id)
	s.mu.Unlock()
	if c != nil {
		c()
	}
}

func (s *serverConn) cancelAll() {
	s.mu.Lock()
	calls := s.calls
	s.calls = map[uint32]context.CancelFunc{}
	s.mu.Unlock()
	for _, c := range calls {
		c()
	}
}

// run decodes the request, calls the handler and sends the answer.
func (s *serverConn) run(ctx context.Context, f Frame, body []byte) {
	id := f.ID
	defer s.cancel(id)
	var (
		resp proto.Message
		err  error
	)
	switch f.Aux {
	case MethodStageProcess:
		req := &pb.StageRequest{}
		if err = decoded(decodeStageRequest(body, req), &f); err == nil {
			resp, err = nilSafe(s.h.Process(ctx, req))
		}
	case MethodStageAfter:
		req := &pb.StageAfterRequest{}
		if err = decoded(decodeStageAfterRequest(body, req), &f); err == nil {
			resp, err = nilSafe(s.h.After(ctx, req))
		}
	case MethodProviderComplete:
		req := &pb.CompleteRequest{}
		if err = unmarshal(body, req, &f); err == nil {
			resp, err = nilSafe(s.h.Complete(ctx, req))
		}
	case MethodProviderStream:
		req := &pb.CompleteRequest{}
		if err = unmarshal(body, req, &f); err == nil {
			err = s.h.Stream(ctx, req, func(c *pb.StreamChunk) error {
				if err := ctx.Err(); err != nil {
					return status.FromContextError(err).Err()
				}
				return s.w.writeMsg(TypeData, 0, id, nil, c)
			})
		}
		if err == nil {
			_ = s.w.writeRaw(TypeEnd, 0, id, nil)
			return
		}
	}
	if err != nil {
		st := status.Convert(err)
		_ = s.w.writeRaw(TypeError, byte(st.Code()), id, []byte(st.Message()))
		return
	}
	_ = s.w.writeMsg(TypeData, 0, id, nil, resp)
}

// unmarshal decodes the request and releases the frame's buffer.
func unmarshal(body []byte, m proto.Message, f *Frame) error {
	return decoded(proto.Unmarshal(body, m), f)
}

// decoded releases the frame's buffer once its request is decoded (with
// err).
func decoded(err error, f *Frame) error {
	f.Release()
	if err != nil {
		return status.Error(codes.InvalidArgument, "bad request: "+err.Error())
	}
	return nil
}

// nilSafe turns a typed answer into a proto.Message, refusing a nil one.
func nilSafe[T proto.Message](resp T, err error) (proto.Message, error) {
	if err != nil {
		return nil, err
	}
	if any(resp) == nil || !resp.ProtoReflect().IsValid() {
		return nil, status.Error(codes.Internal, "plugin returned no answer")
	}
	return resp, nil
}
