package lane

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Client is the host's end of a fast-lane connection. Its calls fail with
// gRPC status errors, as the gRPC client's do: codes.Unavailable once the
// connection is broken, codes.Canceled / DeadlineExceeded for the caller's
// context, and the plugin's own status otherwise.
//
// No goroutine of its own sits reading the connection: a caller waiting
// for its answer reads it. The first caller to wait becomes the reader; it
// hands the frames of other calls to their callers and, once its own has
// come, leaves the reading to a goroutine that reads for the callers still
// waiting (if any) and stops when none is left. So at one call at a time the
// answer wakes the very goroutine that waits for it — the hand-off from a
// reader goroutine to the caller, and the second thread the Go scheduler
// wakes for it, are gone from the request path — and under many calls at
// once the lane is read as before, with no hand-over per call
// (bench/README.md, "The caller reads its own answer").
type Client struct {
	conn net.Conn
	w    *writer
	rd   *frameReader // read only by the reader (c.reading)

	mu      sync.Mutex
	calls   map[uint32]*call
	nextID  uint32
	err     error // why the connection ended; nil while open
	done    chan struct{}
	reading bool    // a caller, or readForWaiters, is reading the connection
	waiters []*call // calls waiting for a frame while another reads
}

// call is one outstanding call: the frames the reader delivered to it.
type call struct {
	id     uint32
	unary  bool          // its one data frame is also its last
	notify chan struct{} // capacity 1: a frame is queued
	mu     sync.Mutex
	queue  []Frame
	failed error // the connection broke
}

// NewClient wraps conn, a connection to a plugin's lane that the caller has
// authenticated.
func NewClient(conn net.Conn) *Client {
	return &Client{conn: conn, w: newWriter(conn), rd: newFrameReader(conn), calls: map[uint32]*call{}, done: make(chan struct{})}
}

// Close ends the connection; outstanding calls fail with Unavailable.
func (c *Client) Close() error {
	c.fail(errors.New("lane closed by the host"))
	return nil
}

// Broken reports whether the connection has ended.
func (c *Client) Broken() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Done is closed when the connection ends.
func (c *Client) Done() <-chan struct{} { return c.done }

// aLongTimeAgo is a read deadline that has passed: it interrupts a read.
var aLongTimeAgo = time.Unix(1, 0)

// lead reads the connection for cl's caller until a frame of cl's has come,
// ctx ends or the connection breaks, delivering every frame to its call.
// The caller has set c.reading. A context that ends interrupts the read
// with a deadline in the past; the frame reader keeps what it had read for
// the next reader. When other callers wait as it stops, a goroutine of its
// own reads for them (readForWaiters): under many calls at once the lane
// is read as it was before callers read it, with no hand-over per call.
func (c *Client) lead(ctx context.Context, cl *call) {
	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { _ = c.conn.SetReadDeadline(aLongTimeAgo) })
	}
	for !cl.ready() && ctx.Err() == nil && c.readOne() {
	}
	if stop != nil {
		stop()
	}
	c.mu.Lock()
	if len(c.waiters) > 0 && c.err == nil {
		c.mu.Unlock()
		go c.readForWaiters()
		return
	}
	c.reading = false
	c.mu.Unlock()
}

// readForWaiters reads the connection while callers wait on it, then gives
// the reading back (c.reading stays set meanwhile): the next caller to
// wait reads for itself again.
func (c *Client) readForWaiters() {
	for {
		c.mu.Lock()
		if len(c.waiters) == 0 || c.err != nil {
			c.reading = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		if !c.readOne() {
			c.mu.Lock()
			c.reading = false
			c.mu.Unlock()
			return
		}
	}
}

// readOne reads one frame and delivers it; false when the lane broke. A
// read cut short by a deadline in the past (a reader's context ended, now
// or before this reader read) delivers nothing and returns true: the
// reader's own loop decides whether to go on.
func (c *Client) readOne() bool {
	f, err := c.rd.next()
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			_ = c.conn.SetReadDeadline(time.Time{})
			return true
		}
		if errors.Is(err, io.EOF) {
			err = errors.New("plugin closed the lane")
		}
		c.fail(err)
		return false
	}
	return c.deliver(f)
}

// deliver hands one frame to its call; false when the frame broke the lane.
func (c *Client) deliver(f Frame) bool {
	if f.Type == TypeCall || f.Type == TypeCancel {
		f.Release()
		c.fail(errors.New("lane: plugin sent a host-only frame"))
		return false
	}
	c.mu.Lock()
	cl := c.calls[f.ID]
	if cl != nil {
		if cl.unary || f.Type != TypeData {
			// The call's last frame: later frames with its id are stray.
			delete(c.calls, f.ID)
		}
		// It waits no longer: a reader that finds nobody waiting stops.
		c.unwait(cl)
	}
	c.mu.Unlock()
	if cl == nil {
		// A call the host gave up on (cancelled).
		f.Release()
		return true
	}
	cl.push(f)
	return true
}

// unwait takes cl off the waiters (c.mu held).
func (c *Client) unwait(cl *call) {
	if i := slices.Index(c.waiters, cl); i >= 0 {
		c.waiters = slices.Delete(c.waiters, i, i+1)
	}
}

// fail ends the connection once and fails every outstanding call.
func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	calls := c.calls
	c.calls = map[uint32]*call{}
	close(c.done)
	c.mu.Unlock()
	_ = c.conn.Close()
	st := status.Error(codes.Unavailable, "plugin fast lane: "+err.Error())
	for _, cl := range calls {
		cl.mu.Lock()
		cl.failed = st
		cl.mu.Unlock()
		cl.wake()
	}
}

func (cl *call) push(f Frame) {
	cl.mu.Lock()
	cl.queue = append(cl.queue, f)
	cl.mu.Unlock()
	cl.wake()
}

func (cl *call) wake() {
	select {
	case cl.notify <- struct{}{}:
	default:
	}
}

// ready reports whether a frame (or the connection's failure) waits for
// the call.
func (cl *call) ready() bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return len(cl.queue) > 0 || cl.failed != nil
}

// pop takes the call's next frame, or its failure; ok is false when neither
// is there yet.
func (cl *call) pop() (f Frame, err error, ok bool) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if len(cl.queue) > 0 {
		f = cl.queue[0]
		cl.queue[0] = Frame{}
		cl.queue = cl.queue[1:]
		return f, nil, true
	}
	return Frame{}, cl.failed, cl.failed != nil
}

// next waits for cl's next frame: it reads the connection itself when
// nobody does, and otherwise waits for the reader to deliver the frame.
// Nobody waits unless someone reads (c.waiters is empty whenever c.reading
// is not).
func (c *Client) next(ctx context.Context, cl *call) (Frame, error) {
	for {
		if f, err, ok := cl.pop(); ok {
			return f, err
		}
		c.mu.Lock()
		if !c.reading && c.err == nil {
			c.reading = true
			c.mu.Unlock()
			c.lead(ctx, cl)
			if err := ctx.Err(); err != nil && !cl.ready() {
				return Frame{}, status.FromContextError(err).Err()
			}
			continue
		}
		c.waiters = append(c.waiters, cl)
		c.mu.Unlock()
		var err error
		select {
		case <-cl.notify:
		case <-ctx.Done():
			err = ctx.Err()
		}
		c.mu.Lock()
		c.unwait(cl)
		c.mu.Unlock()
		if err != nil && !cl.ready() {
			return Frame{}, status.FromContextError(err).Err()
		}
	}
}

// start registers a call and sends its call frame.
func (c *Client) start(ctx context.Context, method byte, req proto.Message) (*call, error) {
	if err := ctx.Err(); err != nil {
		return nil, status.FromContextError(err).Err()
	}
	cl := &call{notify: make(chan struct{}, 1), unary: method != MethodProviderStream}
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, status.Error(codes.Unavailable, "plugin fast lane: "+err.Error())
	}
	c.nextID++
	cl.id = c.nextID
	c.calls[cl.id] = cl
	c.mu.Unlock()
	var timeout [timeoutLen]byte
	if dl, ok := ctx.Deadline(); ok {
		d := time.Until(dl)
		if d <= 0 {
			d = 1
		}
		binary.BigEndian.PutUint64(timeout[:], uint64(d))
	}
	if err := c.w.writeMsg(TypeCall, method, cl.id, timeout[:], req); err != nil {
		c.fail(err)
		return nil, status.Error(codes.Unavailable, "plugin fast lane: "+err.Error())
	}
	return cl, nil
}

// abandon forgets a call the caller gave up on and tells the plugin to
// cancel its context.
func (c *Client) abandon(cl *call) {
	c.mu.Lock()
	_, live := c.calls[cl.id]
	delete(c.calls, cl.id)
	c.mu.Unlock()
	if live {
		_ = c.w.writeRaw(TypeCancel, 0, cl.id, nil)
	}
	cl.mu.Lock()
	for i := range cl.queue {
		cl.queue[i].Release()
	}
	cl.queue = nil
	cl.mu.Unlock()
}

// unary makes one call and decodes its answer into resp; sent is false when
// the call never went out (start failed).
func (c *Client) unary(ctx context.Context, method byte, req, resp proto.Message) (sent bool, err error) {
	cl, err := c.start(ctx, method, req)
	if err != nil {
		return false, err
	}
	return true, c.answer(ctx, cl, resp)
}

// answer waits for a unary call's answer and decodes it into resp.
func (c *Client) answer(ctx context.Context, cl *call, resp proto.Message) error {
	f, err := c.next(ctx, cl)
	if err != nil {
		c.abandon(cl)
		return err
	}
	defer f.Release()
	if f.Type == TypeError {
		if err := contextEnded(ctx); err != nil {
			return err
		}
	}
	return decodeAnswer(f, resp)
}

// contextEnded is the caller's context's own error once it is done or past
// its deadline: the plugin, which got the same deadline, may report it a
// moment before the host's timer fires, and the caller must see
// Canceled/DeadlineExceeded as it does on gRPC, not the plugin's wording.
func contextEnded(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return status.FromContextError(err).Err()
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return status.Error(codes.DeadlineExceeded, context.DeadlineExceeded.Error())
	}
	return nil
}

// decodeAnswer turns a data frame into resp and an error frame into its
// status.
func decodeAnswer(f Frame, resp proto.Message) error {
	switch f.Type {
	case TypeData:
		var err error
		if sr, ok := resp.(*pb.StageResponse); ok {
			err = decodeStageResponse(f.Body, sr)
		} else {
			err = proto.Unmarshal(f.Body, resp)
		}
		if err != nil {
			return status.Error(codes.Internal, "plugin fast lane: bad answer: "+err.Error())
		}
		return nil
	case TypeError:
		code := codes.Code(f.Aux)
		if code == codes.OK {
			// An error frame must carry an error; never let it read as success.
			code = codes.Unknown
		}
		return status.Error(code, string(f.Body))
	}
	return status.Error(codes.Internal, "plugin fast lane: answer ended without a message")
}

// StageClient serves Process and After over the lane and everything else
// (Admin) over the gRPC client it wraps. Once the lane is broken, calls go
// to gRPC: it answers them, or fails like a broken lane when the process is
// gone.
func (c *Client) StageClient(fallback pb.StageClient) pb.StageClient {
	return &stageClient{StageClient: fallback, c: c}
}

// ProviderClient serves Complete and Stream over the lane and everything
// else (Embed) over the gRPC client it wraps.
func (c *Client) ProviderClient(fallback pb.ProviderClient) pb.ProviderClient {
	return &providerClient{ProviderClient: fallback, c: c}
}

type stageClient struct {
	pb.StageClient
	c *Client
}

func (s *stageClient) Process(ctx context.Context, in *pb.StageRequest, opts ...grpc.CallOption) (*pb.StageResponse, error) {
	return unaryOr(s.c, ctx, MethodStageProcess, in, &pb.StageResponse{}, s.StageClient != nil,
		func() (*pb.StageResponse, error) { return s.StageClient.Process(ctx, in, opts...) })
}

func (s *stageClient) After(ctx context.Context, in *pb.StageAfterRequest, opts ...grpc.CallOption) (*pb.StageAfterResponse, error) {
	return unaryOr(s.c, ctx, MethodStageAfter, in, &pb.StageAfterResponse{}, s.StageClient != nil,
		func() (*pb.StageAfterResponse, error) { return s.StageClient.After(ctx, in, opts...) })
}

type providerClient struct {
	pb.ProviderClient
	c *Client
}

func (p *providerClient) Complete(ctx context.Context, in *pb.CompleteRequest, opts ...grpc.CallOption) (*pb.CompleteResponse, error) {
	return unaryOr(p.c, ctx, MethodProviderComplete, in, &pb.CompleteResponse{}, p.ProviderClient != nil,
		func() (*pb.CompleteResponse, error) { return p.ProviderClient.Complete(ctx, in, opts...) })
}

// unaryOr makes a unary call on the lane into resp, or on gRPC (fallback)
// once the lane is broken and a gRPC client is there. No goroutine watches
// an idle lane (the callers read it), so a lane that broke while nothing
// was in flight is found by the next call's write: that call never went
// out, and gRPC carries it too.
func unaryOr[T proto.Message](c *Client, ctx context.Context, method byte, in proto.Message, resp T, hasFallback bool, fallback func() (T, error)) (T, error) {
	if hasFallback && c.Broken() {
		return fallback()
	}
	if sent, err := c.unary(ctx, method, in, resp); err != nil {
		if !sent && hasFallback && c.Broken() {
			return fallback()
		}
		var zero T
		return zero, err
	}
	return resp, nil
}

func (p *providerClient) Stream(ctx context.Context, in *pb.CompleteRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[pb.StreamChunk], error) {
	if p.c.Broken() && p.ProviderClient != nil {
		return p.ProviderClient.Stream(ctx, in, opts...)
	}
	cl, err := p.c.start(ctx, MethodProviderStream, in)
	if err != nil {
		if p.c.Broken() && p.ProviderClient != nil {
			// It never went out (see unaryOr).
			return p.ProviderClient.Stream(ctx, in, opts...)
		}
		return nil, err
	}
	s := &stream{c: p.c, cl: cl, ctx: ctx}
	// A caller that cancels and stops reading still ends the plugin's side.
	s.stop = context.AfterFunc(ctx, func() { p.c.abandon(cl) })
	return s, nil
}

// stream is a Provider.Stream call's receiving end.
type stream struct {
	c    *Client
	cl   *call
	ctx  context.Context
	stop func() bool
	end  error
}

func (s *stream) Recv() (*pb.StreamChunk, error) {
	if s.end != nil {
		return nil, s.end
	}
	f, err := s.c.next(s.ctx, s.cl)
	if err != nil {
		s.finish(err)
		return nil, err
	}
	defer f.Release()
	switch f.Type {
	case TypeData:
		m := &pb.StreamChunk{}
		if err := proto.Unmarshal(f.Body, m); err != nil {
			err = status.Error(codes.Internal, "plugin fast lane: bad stream message: "+err.Error())
			s.finish(err)
			return nil, err
		}
		return m, nil
	case TypeEnd:
		s.finish(io.EOF)
		return nil, io.EOF
	default:
		err := contextEnded(s.ctx)
		if err == nil {
			err = decodeAnswer(f, nil)
		}
		s.finish(err)
		return nil, err
	}
}

func (s *stream) finish(err error) {
	s.end = err
	s.stop()
	s.c.abandon(s.cl)
}

func (s *stream) RecvMsg(m any) error {
	chunk, err := s.Recv()
	if err != nil {
		return err
	}
	dst, ok := m.(*pb.StreamChunk)
	if !ok {
		return status.Error(codes.Internal, "plugin fast lane: RecvMsg wants a *StreamChunk")
	}
	proto.Reset(dst)
	proto.Merge(dst, chunk)
	return nil
}

func (s *stream) Header() (metadata.MD, error) { return metadata.MD{}, nil }
func (s *stream) Trailer() metadata.MD         { return metadata.MD{} }
func (s *stream) CloseSend() error             { return nil }
func (s *stream) Context() context.Context     { return s.ctx }
func (s *stream) SendMsg(any) error {
	return status.Error(codes.Internal, "plugin fast lane: a server stream takes no messages")
}
