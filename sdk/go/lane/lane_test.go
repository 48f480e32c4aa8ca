package lane

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// testHandler is a plugin: Process echoes the request id as an annotation,
// or waits for its context when the request id is "wait".
type testHandler struct {
	cancelled chan error // the context's error of a "wait" call
	deadline  chan time.Duration
}

func (h *testHandler) Process(ctx context.Context, req *pb.StageRequest) (*pb.StageResponse, error) {
	switch req.RequestId {
	case "wait":
		if h.deadline != nil {
			d := time.Duration(-1)
			if dl, ok := ctx.Deadline(); ok {
				d = time.Until(dl)
			}
			h.deadline <- d
		}
		<-ctx.Done()
		h.cancelled <- ctx.Err()
		return nil, status.FromContextError(ctx.Err()).Err()
	case "fail":
		return nil, status.Error(codes.NotFound, "no stage instance \"x\"")
	case "nil":
		return nil, nil
	case "exit":
		// The plugin dies mid-call.
		panic("unreachable in tests: handled by the test's own server")
	}
	return &pb.StageResponse{Annotations: map[string]string{"id": req.RequestId}}, nil
}

func (h *testHandler) After(context.Context, *pb.StageAfterRequest) (*pb.StageAfterResponse, error) {
	return &pb.StageAfterResponse{}, nil
}

func (h *testHandler) Complete(_ context.Context, req *pb.CompleteRequest) (*pb.CompleteResponse, error) {
	return &pb.CompleteResponse{Content: "hello " + req.UpstreamModel}, nil
}

func (h *testHandler) Stream(ctx context.Context, req *pb.CompleteRequest, send func(*pb.StreamChunk) error) error {
	if req.UpstreamModel == "wait" {
		// One chunk, then wait for the host to cancel.
		if err := send(&pb.StreamChunk{Content: "a"}); err != nil {
			return err
		}
		<-ctx.Done()
		h.cancelled <- ctx.Err()
		return ctx.Err()
	}
	for _, w := range []string{"a", "b", "c"} {
		if err := send(&pb.StreamChunk{Content: w}); err != nil {
			return err
		}
	}
	if req.UpstreamModel == "fail" {
		return send(&pb.StreamChunk{Error: &pb.ProviderError{Class: pb.ErrorClass_RATE_LIMITED, Message: "slow down"}})
	}
	return nil
}

// pair serves h on a lane in a private directory and dials it.
func pair(t testing.TB, h Handler) *Client {
	t.Helper()
	dir, err := os.MkdirTemp("", "lane-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	l, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() { _ = Serve(l, h, os.Getpid(), nil) }()
	c, err := Dial(context.Background(), dir, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestUnaryCallsAndErrors(t *testing.T) {
	c := pair(t, &testHandler{})
	stage := c.StageClient(nil)
	ctx := context.Background()
	for _, id := range []string{"r1", "r2"} {
		resp, err := stage.Process(ctx, &pb.StageRequest{RequestId: id})
		if err != nil || resp.Annotations["id"] != id {
			t.Fatalf("Process(%s) = %v, %v", id, resp, err)
		}
	}
	_, err := stage.Process(ctx, &pb.StageRequest{RequestId: "fail"})
	if status.Code(err) != codes.NotFound || !strings.Contains(status.Convert(err).Message(), "no stage instance") {
		t.Fatalf("error lost its class: %v", err)
	}
	_, err = stage.Process(ctx, &pb.StageRequest{RequestId: "nil"})
	if status.Code(err) != codes.Internal {
		t.Fatalf("nil answer: %v", err)
	}
	cr, err := c.ProviderClient(nil).Complete(ctx, &pb.CompleteRequest{UpstreamModel: "m"})
	if err != nil || cr.Content != "hello m" {
		t.Fatalf("Complete = %v, %v", cr, err)
	}
	if _, err := stage.After(ctx, &pb.StageAfterRequest{}); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	left := len(c.calls)
	c.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d finished calls still registered", left)
	}
}

func TestConcurrentCallsAreMultiplexed(t *testing.T) {
	c := pair(t, &testHandler{})
	stage := c.StageClient(nil)
	errs := make(chan error, 200)
	for i := 0; i < 200; i++ {
		go func() {
			id := "r" + string(rune('a'+i%26)) + strings.Repeat("x", i)
			resp, err := stage.Process(context.Background(), &pb.StageRequest{RequestId: id})
			if err == nil && resp.Annotations["id"] != id {
				err = errors.New("answer of another call: " + resp.Annotations["id"])
			}
			errs <- err
		}()
	}
	for i := 0; i < 200; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestCancellationAndDeadlineCross(t *testing.T) {
	h := &testHandler{cancelled: make(chan error, 1), deadline: make(chan time.Duration, 1)}
	c := pair(t, h)
	stage := c.StageClient(nil)

	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := stage.Process(ctx, &pb.StageRequest{RequestId: "wait"})
	if status.Code(err) != codes.Canceled {
		t.Fatalf("cancelled call: %v", err)
	}
	if d := <-h.deadline; d != -1 {
		t.Fatalf("a call without a deadline got one in %v", d)
	}
	select {
	case perr := <-h.cancelled:
		if !errors.Is(perr, context.Canceled) {
			t.Fatalf("plugin's context ended with %v", perr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the plugin's context was not cancelled")
	}

	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = stage.Process(ctx, &pb.StageRequest{RequestId: "wait"})
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("call past its deadline: %v", err)
	}
	if d := <-h.deadline; d <= 0 || d > 300*time.Millisecond {
		t.Fatalf("plugin saw deadline in %v, want within 300ms", d)
	}
	<-h.cancelled
}

func TestStream(t *testing.T) {
	h := &testHandler{cancelled: make(chan error, 1)}
	c := pair(t, h)
	prov := c.ProviderClient(nil)
	read := func(model string) (string, *pb.ProviderError, error) {
		s, err := prov.Stream(context.Background(), &pb.CompleteRequest{UpstreamModel: model})
		if err != nil {
			return "", nil, err
		}
		var text string
		for {
			chunk, err := s.Recv()
			if err == io.EOF {
				return text, nil, nil
			}
			if err != nil {
				return text, nil, err
			}
			if chunk.Error != nil {
				return text, chunk.Error, nil
			}
			text += chunk.Content
		}
	}
	text, pe, err := read("ok")
	if text != "abc" || pe != nil || err != nil {
		t.Fatalf("stream = %q %v %v", text, pe, err)
	}
	text, pe, err = read("fail")
	if text != "abc" || pe == nil || pe.Class != pb.ErrorClass_RATE_LIMITED || err != nil {
		t.Fatalf("failed stream = %q %v %v", text, pe, err)
	}

	// A caller that cancels and stops reading ends the plugin's side.
	ctx, cancel := context.WithCancel(context.Background())
	s, err := prov.Stream(ctx, &pb.CompleteRequest{UpstreamModel: "wait"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-h.cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the plugin's stream context was not cancelled")
	}
}

// TestPeerDyingMidCall: a plugin whose connection breaks during a call fails
// that call and every later one with Unavailable, like a broken gRPC conn.
func TestPeerDyingMidCall(t *testing.T) {
	b, c, got := pendingCall(t)
	// The "plugin" read the call; now it dies.
	b.Close()
	select {
	case err := <-got:
		if status.Code(err) != codes.Unavailable {
			t.Fatalf("call on a dead plugin: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("call hung after its plugin died")
	}
	if !c.Broken() {
		t.Fatal("client not broken")
	}
}

// TestMalformedFrameBreaksTheLane: garbage from a plugin fails the call with
// Unavailable instead of panicking or hanging the host.
func TestMalformedFrameBreaksTheLane(t *testing.T) {
	for name, garbage := range map[string][]byte{
		"huge length":  {0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0, 0, 1},
		"unknown type": {0, 0, 0, 6, 9, 0, 0, 0, 0, 1},
		"host frame":   {0, 0, 0, 6, TypeCall, 0, 0, 0, 0, 1},
		"bad proto":    {0, 0, 0, 9, TypeData, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff},
	} {
		t.Run(name, func(t *testing.T) {
			b, _, got := pendingCall(t)
			_, _ = b.Write(garbage)
			select {
			case err := <-got:
				if err == nil {
					t.Fatal("garbage answered the call")
				}
			case <-time.After(5 * time.Second):
				t.Fatal("call hung on a malformed frame")
			}
		})
	}
}

func TestPeerCredentialsChecked(t *testing.T) {
	if !Supported {
		t.Skip("no peer credentials on this platform")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(dir); err == nil || !strings.Contains(err.Error(), "open to other users") {
		t.Fatalf("Listen in a shared directory: %v", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rejected := make(chan error, 1)
	go func() { _ = Serve(l, &testHandler{}, os.Getpid()+1, func(err error) { rejected <- err }) }()
	// The plugin expects another process (its parent), so it refuses us,
	// and the host learns it at Dial (it falls back to gRPC), not at a call.
	if _, err := Dial(context.Background(), dir, os.Getpid()); err == nil || !strings.Contains(err.Error(), "did not accept") {
		t.Fatalf("Dial refused by the plugin: %v", err)
	}
	if err := <-rejected; !strings.Contains(err.Error(), "not") {
		t.Fatalf("rejection: %v", err)
	}
	// And the host refuses a socket served by another process than the one it started.
	if _, err := Dial(context.Background(), dir, os.Getpid()+1); err == nil || !strings.Contains(err.Error(), "peer is process") {
		t.Fatalf("Dial expecting another pid: %v", err)
	}
}

// pendingCall starts a Stage.Process call on a client whose other end, b,
// plays the plugin and has read the call frame; got receives the call's
// error.
func pendingCall(t *testing.T) (b net.Conn, c *Client, got chan error) {
	t.Helper()
	a, b := socketPair(t)
	c = NewClient(a)
	got = make(chan error, 1)
	go func() {
		_, err := c.StageClient(nil).Process(context.Background(), &pb.StageRequest{RequestId: "r"})
		got <- err
	}()
	if f, err := ReadFrame(b); err != nil || f.Type != TypeCall {
		t.Fatalf("frame %v %v", f, err)
	}
	return b, c, got
}

// socketPair is a connected pair of unix sockets.
func socketPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	dir := t.TempDir()
	l, err := net.Listen("unix", dir+"/s")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	acc := make(chan net.Conn, 1)
	go func() { c, _ := l.Accept(); acc <- c }()
	a, err := net.Dial("unix", dir+"/s")
	if err != nil {
		t.Fatal(err)
	}
	b := <-acc
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// FuzzReadFrame: no input makes the decoder panic or accept a frame that
// breaks its own invariants.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 0, 0, 6, TypeData, 0, 0, 0, 0, 1})
	f.Add([]byte{0, 0, 0, 14, TypeCall, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for {
			fr, err := ReadFrame(r)
			if err != nil {
				return
			}
			if fr.Type < TypeCall || fr.Type > TypeError || len(fr.Body) > MaxFrame {
				t.Fatalf("accepted a bad frame %+v", fr)
			}
			if fr.Type == TypeCall {
				_, _, _ = CallTimeout(fr.Body)
			}
			fr.Release()
		}
	})
}

// FuzzClientInput: whatever bytes a plugin sends, the host's client never
// panics and its call ends.
func FuzzClientInput(f *testing.F) {
	f.Add([]byte{0, 0, 0, 6, TypeEnd, 0, 0, 0, 0, 1})
	f.Add([]byte{0, 0, 0, 8, TypeError, 5, 0, 0, 0, 1, 'n', 'o'})
	f.Add([]byte{0, 0, 0, 9, TypeData, 0, 0, 0, 0, 1, 0x12, 1, 'x'})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := net.Pipe()
		c := NewClient(a)
		done := make(chan struct{})
		go func() {
			defer close(done)
			s, err := c.ProviderClient(nil).Stream(context.Background(), &pb.CompleteRequest{})
			if err != nil {
				return
			}
			for {
				if _, err := s.Recv(); err != nil {
					return
				}
			}
		}()
		feed(t, b, data, done, "a call hung on plugin input")
		c.Close()
	})
}

// TestReadingPassesOnWithoutLoss: the caller that reads the connection for
// everyone gives up (its context ends) in the middle of another call's
// answer; the reading goes on for the caller still waiting, which gets that
// answer whole, and then stops: the next caller reads for itself.
func TestReadingPassesOnWithoutLoss(t *testing.T) {
	a, b := socketPair(t)
	c := NewClient(a)
	stage := c.StageClient(nil)
	state := func() (reading bool, waiters []uint32) {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, w := range c.waiters {
			waiters = append(waiters, w.id)
		}
		return c.reading, waiters
	}
	until := func(what string, ok func() bool) {
		t.Helper()
		for end := time.Now().Add(5 * time.Second); !ok(); time.Sleep(time.Millisecond) {
			if time.Now().After(end) {
				t.Fatal("timed out waiting until " + what)
			}
		}
	}

	ctxA, cancelA := context.WithCancel(context.Background())
	gotA := make(chan error, 1)
	go func() { _, err := stage.Process(ctxA, &pb.StageRequest{RequestId: "a"}); gotA <- err }()
	if f, err := ReadFrame(b); err != nil || f.Type != TypeCall || f.ID != 1 {
		t.Fatalf("call a: %+v %v", f, err)
	}
	until("a reads", func() bool { r, _ := state(); return r })

	gotB := make(chan *pb.StageResponse, 1)
	go func() {
		resp, err := stage.Process(context.Background(), &pb.StageRequest{RequestId: "b"})
		if err != nil {
			t.Error(err)
		}
		gotB <- resp
	}()
	if f, err := ReadFrame(b); err != nil || f.Type != TypeCall || f.ID != 2 {
		t.Fatalf("call b: %+v %v", f, err)
	}
	until("b waits", func() bool { _, w := state(); return slices.Equal(w, []uint32{2}) })

	body, err := proto.Marshal(&pb.StageResponse{Annotations: map[string]string{"id": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	frame := finish(append(appendHeader(nil, TypeData, 0, 2), body...))
	half := len(frame) / 2
	if _, err := b.Write(frame[:half]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // a reads the first half
	cancelA()
	if err := <-gotA; status.Code(err) != codes.Canceled {
		t.Fatalf("a: %v", err)
	}
	// b still waits, and the reading went on for it.
	until("a is gone", func() bool { r, w := state(); return r && slices.Equal(w, []uint32{2}) })
	if _, err := b.Write(frame[half:]); err != nil {
		t.Fatal(err)
	}
	select {
	case resp := <-gotB:
		if resp.GetAnnotations()["id"] != "b" {
			t.Fatalf("b's answer: %v", resp)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("b never got its answer")
	}
	if c.Broken() {
		t.Fatal("the hand-over broke the lane")
	}
	until("nobody reads", func() bool { r, w := state(); return !r && len(w) == 0 })
}

// TestFramesLargerThanTheReadBuffer: answers larger than the reader's
// buffer, one after another and beside small ones, arrive whole.
func TestFramesLargerThanTheReadBuffer(t *testing.T) {
	c := pair(t, &testHandler{})
	stage := c.StageClient(nil)
	for _, n := range []int{3 * readBufSize, 10, readBufSize - 7, 5*readBufSize + 3, 1} {
		id := strings.Repeat("x", n)
		resp, err := stage.Process(context.Background(), &pb.StageRequest{RequestId: id})
		if err != nil || resp.Annotations["id"] != id {
			t.Fatalf("answer of %d bytes: %d bytes, %v", n, len(resp.GetAnnotations()["id"]), err)
		}
	}
}

// grpcStage stands for the gRPC client a lane falls back to.
type grpcFallbackStage struct{ pb.StageClient }

func (grpcFallbackStage) Process(context.Context, *pb.StageRequest, ...grpc.CallOption) (*pb.StageResponse, error) {
	return &pb.StageResponse{Annotations: map[string]string{"via": "grpc"}}, nil
}

// TestIdleLaneBrokenFallsBackToGRPC: nothing reads an idle lane, so a lane
// the plugin closed while no call was in flight is found by the next call's
// write; that call never went out, and goes over gRPC.
func TestIdleLaneBrokenFallsBackToGRPC(t *testing.T) {
	a, b := socketPair(t)
	c := NewClient(a)
	b.Close()
	resp, err := c.StageClient(grpcFallbackStage{}).Process(context.Background(), &pb.StageRequest{RequestId: "r"})
	if err != nil || resp.Annotations["via"] != "grpc" {
		t.Fatalf("call on a lane closed while idle: %v, %v", resp, err)
	}
	if !c.Broken() {
		t.Fatal("client not broken")
	}
}

// FuzzServerInput: whatever bytes a host sends, a plugin's lane server
// never panics and ends when the connection does.
func FuzzServerInput(f *testing.F) {
	f.Add([]byte{0, 0, 0, 14, TypeCall, MethodStageProcess, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 6, TypeCancel, 0, 0, 0, 0, 1})
	f.Add([]byte{0, 0, 0, 6, TypeData, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := net.Pipe()
		done := make(chan struct{})
		go func() { defer close(done); _ = ServeConn(a, &testHandler{}) }()
		feed(t, b, data, done, "the server hung on host input")
	})
}

// feed plays the peer on b for a fuzz target: it writes data, closes, and
// fails with hung unless done is closed within 5 s.
func feed(t *testing.T, b net.Conn, data []byte, done <-chan struct{}, hung string) {
	t.Helper()
	go func() { _, _ = io.Copy(io.Discard, b) }()
	_, _ = b.Write(data)
	b.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal(hung)
	}
}
