package openaiprovider

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// maxSSELine bounds one line of a server-sent event stream, so a broken
// upstream cannot make the plugin buffer without limit.
const maxSSELine = 8 << 20

// errSSELineTooLong is returned when a line exceeds maxSSELine.
var errSSELineTooLong = errors.New("sse: line too long")

// sseEvent is one dispatched server-sent event.
type sseEvent struct {
	// Event is the event type ("" when the stream sets none).
	Event string
	// Data is the event's data lines joined by "\n".
	Data []byte
	// Unterminated is set on an event that the input ended inside: it was
	// not closed by a blank line (the stream may have been cut mid-event).
	Unterminated bool
}

// sseReader reads server-sent events as the WHATWG spec defines them:
// lines end in "\n" or "\r\n", a blank line dispatches the event, lines
// starting with ":" are comments (OpenRouter's ": OPENROUTER PROCESSING"),
// "data" lines accumulate, "event" sets the type, "id" and "retry" are
// ignored. A lone "\r" is not treated as a line end.
type sseReader struct {
	r       *bufio.Reader
	data    bytes.Buffer
	event   string
	hasData bool
	started bool
	line    []byte
}

// newSSEReader reads events from r.
func newSSEReader(r io.Reader) *sseReader {
	return &sseReader{r: bufio.NewReaderSize(r, 16<<10)}
}

// Next returns the next event. It returns io.EOF when the input ends
// cleanly, after a final event if the input ended inside one (that event is
// marked Unterminated), and any read error of the underlying reader as is.
func (s *sseReader) Next() (sseEvent, error) {
	for {
		line, complete, err := s.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return sseEvent{}, err
		}
		if len(line) > 0 || complete {
			if ev, ok := s.processLine(line); ok {
				return ev, nil
			}
		}
		if err != nil { // io.EOF
			if s.hasData {
				ev := s.dispatch()
				ev.Unterminated = true
				return ev, nil
			}
			return sseEvent{}, io.EOF
		}
	}
}

// readLine returns the next line without its terminator; complete is false
// when the input ended before a line terminator.
func (s *sseReader) readLine() (line []byte, complete bool, err error) {
	s.line = s.line[:0]
	for {
		frag, err := s.r.ReadSlice('\n')
		if len(s.line)+len(frag) > maxSSELine {
			return nil, false, errSSELineTooLong
		}
		s.line = append(s.line, frag...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			line = s.line
			if !s.started {
				line = bytes.TrimPrefix(line, []byte("\ufeff"))
				s.started = len(line) > 0
			}
			return line, false, err
		}
		line = s.line[:len(s.line)-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if !s.started {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
			s.started = true
		}
		return line, true, nil
	}
}

// processLine applies one line; it reports an event when the line is blank
// and an event was pending.
func (s *sseReader) processLine(line []byte) (sseEvent, bool) {
	if len(line) == 0 {
		if !s.hasData {
			s.event = ""
			return sseEvent{}, false
		}
		return s.dispatch(), true
	}
	if line[0] == ':' {
		return sseEvent{}, false
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
		if s.hasData {
			s.data.WriteByte('\n')
		}
		s.data.Write(value)
		s.hasData = true
	case "event":
		s.event = string(value)
	}
	return sseEvent{}, false
}

// dispatch returns the pending event and resets the buffers.
func (s *sseReader) dispatch() sseEvent {
	ev := sseEvent{Event: s.event, Data: bytes.Clone(s.data.Bytes())}
	s.data.Reset()
	s.event = ""
	s.hasData = false
	return ev
}
