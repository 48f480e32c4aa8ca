package geminiprovider

import (
	"bytes"
	"errors"
	"io"
)

// sseEvent is one dispatched server-sent event.
type sseEvent struct {
	// Type is the "event:" field ("" when absent).
	Type string
	// Data is the concatenation of the event's "data:" lines, joined by "\n".
	Data []byte
}

// errSSETooLarge reports an event (or a line) bigger than the reader's limit.
var errSSETooLarge = errors.New("server-sent event too large")

// sseReader reads server-sent events as the WHATWG event-stream format
// defines them: lines end in "\r\n", "\n" or "\r"; a blank line dispatches
// the event; lines starting with ":" are comments; an event cut by the end of
// the stream (no blank line after it) is discarded.
//
// It never waits for more input than it needs: a "\r" ends a line at once and
// a "\n" right after it, whenever it arrives, is skipped, so an event ending
// in "\r\n\r\n" is dispatched as soon as its last byte is read.
type sseReader struct {
	r      io.Reader
	max    int
	buf    []byte
	start  int
	end    int
	eof    bool
	err    error
	skipLF bool

	data    bytes.Buffer
	hasData bool
	typ     string
}

// newSSEReader reads events from r; max bounds the size of one event.
func newSSEReader(r io.Reader, max int) *sseReader {
	return &sseReader{r: r, max: max, buf: make([]byte, min(4096, max))}
}

// Next returns the next event. It returns io.EOF at the end of the stream
// (dropping a trailing incomplete event) and the reader's error otherwise.
func (s *sseReader) Next() (sseEvent, error) {
	for {
		line, err := s.line()
		if err != nil {
			return sseEvent{}, err
		}
		if len(line) == 0 {
			if !s.hasData {
				s.typ = ""
				continue
			}
			data := s.data.Bytes()
			data = data[:len(data)-1] // the "\n" after the last data line
			ev := sseEvent{Type: s.typ, Data: bytes.Clone(data)}
			s.data.Reset()
			s.hasData = false
			s.typ = ""
			return ev, nil
		}
		if line[0] == ':' {
			continue
		}
		field, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			field, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(field) {
		case "data":
			if s.data.Len()+len(value)+1 > s.max {
				return sseEvent{}, errSSETooLarge
			}
			s.data.Write(value)
			s.data.WriteByte('\n')
			s.hasData = true
		case "event":
			s.typ = string(value)
		}
		// "id" and "retry" mean nothing to a one-shot stream; other fields
		// are ignored, as the format requires.
	}
}

// line returns the next line without its terminator. The slice is valid
// until the next call.
func (s *sseReader) line() ([]byte, error) {
	for {
		if s.skipLF && s.start < s.end {
			if s.buf[s.start] == '\n' {
				s.start++
			}
			s.skipLF = false
		}
		if s.start < s.end {
			pending := s.buf[s.start:s.end]
			if i := bytes.IndexAny(pending, "\r\n"); i >= 0 {
				line := pending[:i]
				if pending[i] == '\r' {
					s.skipLF = true
				}
				s.start += i + 1
				return line, nil
			}
		}
		if s.eof {
			if s.err != nil {
				return nil, s.err
			}
			return nil, io.EOF
		}
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
}

// fill reads more input, keeping the unread bytes.
func (s *sseReader) fill() error {
	if s.start > 0 {
		n := copy(s.buf, s.buf[s.start:s.end])
		s.start, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.max {
			return errSSETooLarge
		}
		grown := make([]byte, min(2*len(s.buf), s.max))
		copy(grown, s.buf[:s.end])
		s.buf = grown
	}
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
