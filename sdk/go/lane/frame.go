// Package lane is the fast lane between the llmgw host and a Go plugin: one
// persistent unix-socket connection per plugin process carrying
// length-prefixed protobuf frames with request ids, multiplexed, with
// batched writes and pooled buffers. It carries the request path
// (Stage.Process, Stage.After, Provider.Complete, Provider.Stream); every
// other call stays on gRPC, which also remains the fallback.
//
// A frame is
//
//	length uint32  (big endian; bytes after this field)
//	type   uint8   (call, cancel, data, end, error)
//	aux    uint8   (call: the method; error: the gRPC status code)
//	id     uint32  (the call's id, chosen by the host)
//	body           (call: timeout int64 nanoseconds, then the request;
//	                data: one message; error: the status message)
//
// Before the first frame, the plugin sends one byte, 'L', once it has
// accepted the host's credentials. A peer that sends a malformed frame loses
// the connection; it never panics the other side.
package lane

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Frame types.
const (
	// TypeCall starts a call (host → plugin).
	TypeCall byte = 1
	// TypeCancel cancels a call's context (host → plugin).
	TypeCancel byte = 2
	// TypeData is a unary answer or one stream message (plugin → host).
	TypeData byte = 3
	// TypeEnd ends a stream without error (plugin → host).
	TypeEnd byte = 4
	// TypeError ends a call with a gRPC status (plugin → host).
	TypeError byte = 5
)

// Methods a call frame names.
const (
	MethodStageProcess     byte = 1
	MethodStageAfter       byte = 2
	MethodProviderComplete byte = 3
	MethodProviderStream   byte = 4
)

const (
	// headerLen is type + aux + id, after the length prefix.
	headerLen = 1 + 1 + 4
	// prefixLen is the length prefix plus the header.
	prefixLen = 4 + headerLen
	// timeoutLen is the call frame's timeout field.
	timeoutLen = 8
	// MaxFrame bounds a frame's length (gRPC's limit on this connection is
	// 16 MiB too).
	MaxFrame = 16<<20 + headerLen + timeoutLen
)

// Frame is one decoded frame. Body aliases a pooled buffer: Release hands it
// back once the body has been unmarshalled.
type Frame struct {
	Type byte
	Aux  byte
	ID   uint32
	Body []byte
	buf  *[]byte
}

// Release returns the frame's buffer to the pool.
func (f *Frame) Release() {
	if f.buf != nil {
		putBuf(f.buf)
		f.buf = nil
		f.Body = nil
	}
}

// ErrMalformed is a frame that breaks the format.
var ErrMalformed = errors.New("lane: malformed frame")

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func getBuf(n int) *[]byte {
	p := bufPool.Get().(*[]byte)
	if cap(*p) < n {
		b := make([]byte, n)
		*p = b
	}
	*p = (*p)[:n]
	return p
}

func putBuf(p *[]byte) {
	if cap(*p) > 1<<20 {
		// Do not pin a rare huge message's buffer.
		return
	}
	bufPool.Put(p)
}

// ReadFrame reads one frame, and nothing past it (both ends of a lane read
// their connection with a frameReader, which reads ahead; this is for a
// peer that reads frame by frame, as the tests' stand-in plugin does). The
// returned frame's Body is valid until Release. io.EOF means the peer
// closed the connection between frames.
func ReadFrame(r io.Reader) (Frame, error) {
	var hdr [prefixLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return Frame{}, fmt.Errorf("%w: truncated header", ErrMalformed)
		}
		return Frame{}, err
	}
	f, body, err := parsePrefix(hdr[:])
	if err != nil {
		return Frame{}, err
	}
	if body > 0 {
		f.buf = getBuf(body)
		if _, err := io.ReadFull(r, *f.buf); err != nil {
			f.Release()
			return Frame{}, fmt.Errorf("%w: truncated body: %v", ErrMalformed, err)
		}
		f.Body = *f.buf
	}
	return f, nil
}

// parsePrefix decodes a frame's length prefix and header (prefixLen bytes):
// the frame without its body, and the body's length.
func parsePrefix(hdr []byte) (f Frame, body int, err error) {
	n := binary.BigEndian.Uint32(hdr[0:4])
	if n < headerLen || n > MaxFrame {
		return Frame{}, 0, fmt.Errorf("%w: length %d", ErrMalformed, n)
	}
	f = Frame{Type: hdr[4], Aux: hdr[5], ID: binary.BigEndian.Uint32(hdr[6:10])}
	if f.Type < TypeCall || f.Type > TypeError {
		return Frame{}, 0, fmt.Errorf("%w: type %d", ErrMalformed, f.Type)
	}
	return f, int(n) - headerLen, nil
}

// appendHeader starts a frame in b (which must be empty): the length is
// filled in by finish.
func appendHeader(b []byte, typ, aux byte, id uint32) []byte {
	b = append(b, 0, 0, 0, 0, typ, aux)
	return binary.BigEndian.AppendUint32(b, id)
}

// finish writes the frame's length prefix.
func finish(b []byte) []byte {
	binary.BigEndian.PutUint32(b[0:4], uint32(len(b)-4))
	return b
}

// CallTimeout splits a call frame's body into its timeout and the request.
func CallTimeout(body []byte) (timeoutNanos int64, req []byte, err error) {
	if len(body) < timeoutLen {
		return 0, nil, fmt.Errorf("%w: call without timeout", ErrMalformed)
	}
	return int64(binary.BigEndian.Uint64(body[:timeoutLen])), body[timeoutLen:], nil
}
