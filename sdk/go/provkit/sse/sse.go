// Package sse reads server-sent events (the text/event-stream format of the
// WHATWG HTML standard, "Server-sent events"), as upstream LLM APIs stream
// their answers.
//
// The rules it follows:
//
//   - a line ends with "\r\n", "\n" or a lone "\r"; a "\r" ends the line at
//     once, so an event is dispatched as soon as its last byte arrives, even if
//     the "\n" of a "\r\n" comes in a later read;
//   - a byte order mark at the very start of the stream is dropped;
//   - a line starting with ":" is a comment (OpenRouter's
//     ": OPENROUTER PROCESSING" keep-alives) and is ignored;
//   - "field: value" (one space after the colon is dropped; a line without a
//     colon is a field with an empty value); "data" lines accumulate, joined by
//     "\n"; "event" sets the type; "id" sets the last event id (unless it
//     contains NUL) which every later event carries; "retry" with only digits
//     sets Reader.Retry; other fields are ignored;
//   - a blank line dispatches the event if any data line was seen, and resets
//     the type otherwise;
//   - an event the stream ended inside (no blank line after it) is returned
//     with Unterminated set, so that a provider can report a cut stream rather
//     than take half an event for a whole one;
//   - one event (and so one line) may hold at most the reader's limit of
//     bytes; a bigger one fails with ErrTooLarge instead of growing memory
//     without bound.
package sse

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"sync"
	"time"
)

// DefaultMaxEvent is the limit of one event when NewReader is given none.
const DefaultMaxEvent = 8 << 20

// ErrTooLarge is returned when an event, or a single line, exceeds the
// reader's limit.
var ErrTooLarge = errors.New("sse: event too large")

// bom is the UTF-8 byte order mark, dropped at the start of a stream.
var bom = []byte("\ufeff")

// Event is one dispatched server-sent event.
type Event struct {
	// Type is the "event" field; "" when the event set none (a "message").
	Type string
	// Data is the event's "data" lines joined by "\n".
	Data []byte
	// ID is the last event id the stream set, at this event or before.
	ID string
	// Unterminated is set on an event the stream ended inside: no blank line
	// followed it, so it may be incomplete. It is the last event returned.
	Unterminated bool
}

// Reader reads events from a stream. It is not safe for concurrent use.
type Reader struct {
	r   io.Reader
	max int

	buf     []byte
	pooled  *[]byte // the buffer NewReader took from bufPool, for Release
	start   int
	end     int
	eof     bool
	err     error // the underlying reader's error, other than io.EOF
	skipLF  bool  // the previous line ended in "\r": a "\n" next is part of it
	started bool  // the byte order mark check is done

	data    bytes.Buffer
	hasData bool
	typ     string
	id      string
	retry   time.Duration
}

// NewReader reads events from r; maxEvent bounds one event in bytes
// (DefaultMaxEvent when it is 0 or less).
func NewReader(r io.Reader, maxEvent int) *Reader {
	if maxEvent <= 0 {
		maxEvent = DefaultMaxEvent
	}
	if maxEvent < bufSize {
		return &Reader{r: r, max: maxEvent, buf: make([]byte, maxEvent)}
	}
	p := bufPool.Get().(*[]byte)
	return &Reader{r: r, max: maxEvent, buf: *p, pooled: p}
}

// bufSize is a reader's first buffer, which grows (up to the event limit)
// only for a longer line. Released readers' buffers are used again: one per
// streamed answer was a fifth of a provider's allocated bytes.
const bufSize = 4096

var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

// Release hands the reader's buffer to the next reader. The reader must not
// be used after it (Next then returns io.EOF); the events it returned stay
// valid, as their Data is their own.
func (s *Reader) Release() {
	if s.pooled != nil {
		bufPool.Put(s.pooled)
		s.pooled = nil
	}
	s.buf, s.start, s.end, s.eof = nil, 0, 0, true
}

// Retry is the reconnection time the stream last set with a "retry" field,
// 0 when it set none.
func (s *Reader) Retry() time.Duration { return s.retry }

// Next returns the next event. At the end of the stream it returns io.EOF,
// after a last event marked Unterminated if the stream ended inside one. A
// read error of the underlying reader is returned as it is, and ErrTooLarge
// when an event exceeds the limit.
func (s *Reader) Next() (Event, error) {
	if s.buf == nil {
		return Event{}, io.EOF // released
	}
	for {
		line, complete, err := s.line()
		if err != nil {
			return Event{}, err
		}
		if !complete {
			// The stream ended; line is what followed the last line end.
			if len(line) > 0 {
				if err := s.field(line); err != nil {
					return Event{}, err
				}
			}
			if !s.hasData {
				return Event{}, io.EOF
			}
			ev := s.dispatch()
			ev.Unterminated = true
			return ev, nil
		}
		if len(line) == 0 {
			if s.hasData {
				return s.dispatch(), nil
			}
			s.typ = ""
			continue
		}
		if err := s.field(line); err != nil {
			return Event{}, err
		}
	}
}

// field applies one non-blank line to the pending event.
func (s *Reader) field(line []byte) error {
	if line[0] == ':' {
		return nil
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		if s.data.Len()+len(value)+1 > s.max {
			return ErrTooLarge
		}
		if s.hasData {
			s.data.WriteByte('\n')
		}
		s.data.Write(value)
		s.hasData = true
	case "event":
		s.typ = string(value)
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			s.id = string(value)
		}
	case "retry":
		if ms, ok := digits(value); ok {
			s.retry = time.Duration(ms) * time.Millisecond
		}
	}
	return nil
}

// digits parses a value made only of ASCII digits, as "retry" requires.
func digits(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n > int64(time.Duration(1<<62)/time.Millisecond) {
		return 0, false
	}
	return n, true
}

// dispatch returns the pending event and starts the next one.
func (s *Reader) dispatch() Event {
	ev := Event{Type: s.typ, Data: bytes.Clone(s.data.Bytes()), ID: s.id}
	if ev.Data == nil {
		ev.Data = []byte{}
	}
	s.data.Reset()
	s.hasData = false
	s.typ = ""
	return ev
}

// line returns the next line without its terminator; complete is false when
// the stream ended first (line then holds the bytes after the last line end).
// The slice is valid until the next call.
func (s *Reader) line() (line []byte, complete bool, err error) {
	for {
		if !s.started {
			// Decide on the byte order mark once enough bytes are in to
			// tell; wait only while they could still be the start of one.
			head := s.buf[s.start:s.end]
			if len(head) >= len(bom) || s.eof || !bytes.HasPrefix(bom, head) {
				if bytes.HasPrefix(head, bom) {
					s.start += len(bom)
				}
				s.started = true
			}
		}
		if s.skipLF && s.start < s.end {
			if s.buf[s.start] == '\n' {
				s.start++
			}
			s.skipLF = false
		}
		if s.started && s.start < s.end {
			pending := s.buf[s.start:s.end]
			if i := lineEnd(pending); i >= 0 {
				s.skipLF = pending[i] == '\r'
				s.start += i + 1
				return pending[:i], true, nil
			}
		}
		if s.eof {
			if s.err != nil {
				return nil, false, s.err
			}
			rest := s.buf[s.start:s.end]
			s.start = s.end
			return rest, false, nil
		}
		if err := s.fill(); err != nil {
			return nil, false, err
		}
	}
}

// lineEnd is the index of the first "\r" or "\n" in b, -1 when there is
// none. It looks for "\n" (the usual end) and then for a "\r" before it,
// with vectorised byte searches instead of bytes.IndexAny's byte-by-byte
// loop, window by window so that a stream of "\r" line ends is not searched
// to its end for a "\n" on every line.
func lineEnd(b []byte) int {
	const window = 1024
	for off := 0; off < len(b); off += window {
		w := b[off:min(off+window, len(b))]
		n := bytes.IndexByte(w, '\n')
		if n < 0 {
			n = len(w)
		}
		if r := bytes.IndexByte(w[:n], '\r'); r >= 0 {
			return off + r
		}
		if n < len(w) {
			return off + n
		}
	}
	return -1
}

// fill reads more input, keeping the unread bytes; the buffer grows up to the
// event limit, so one line can never be longer.
func (s *Reader) fill() error {
	if s.start > 0 {
		n := copy(s.buf, s.buf[s.start:s.end])
		s.start, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.max {
			return ErrTooLarge
		}
		grown := make([]byte, min(2*len(s.buf), s.max))
		copy(grown, s.buf[:s.end])
		s.buf = grown
	}
	// Like bufio, give up on a reader that keeps returning nothing.
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
			return nil
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}
