package lane

import (
	"bufio"
	"io"
	"sync"
	"sync/atomic"

	"google.golang.org/protobuf/proto"
)

// writer writes whole frames to the connection. Concurrent writers batch:
// a writer that sees others queued behind it leaves the flush to the last
// one, so a burst of answers goes out in one write(2).
type writer struct {
	pending atomic.Int32
	mu      sync.Mutex
	bw      *bufio.Writer
	err     error
}

func newWriter(w io.Writer) *writer {
	return &writer{bw: bufio.NewWriterSize(w, 64<<10)}
}

// write sends one finished frame.
func (w *writer) write(frame []byte) error {
	w.pending.Add(1)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		_, w.err = w.bw.Write(frame)
	}
	if w.pending.Add(-1) == 0 && w.err == nil {
		w.err = w.bw.Flush()
	}
	return w.err
}

// writeMsg encodes and sends a frame with a protobuf body, prefixed by pre
// (the call frame's timeout) when given.
func (w *writer) writeMsg(typ, aux byte, id uint32, pre []byte, m proto.Message) error {
	p := getBuf(0)
	b := appendHeader((*p)[:0], typ, aux, id)
	b = append(b, pre...)
	b, err := proto.MarshalOptions{}.MarshalAppend(b, m)
	if err != nil {
		*p = b
		putBuf(p)
		return err
	}
	err = w.write(finish(b))
	*p = b
	putBuf(p)
	return err
}

// writeRaw sends a frame whose body is raw bytes.
func (w *writer) writeRaw(typ, aux byte, id uint32, body []byte) error {
	p := getBuf(0)
	b := appendHeader((*p)[:0], typ, aux, id)
	b = append(b, body...)
	err := w.write(finish(b))
	*p = b
	putBuf(p)
	return err
}
