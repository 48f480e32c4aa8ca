package lane

import (
	"errors"
	"fmt"
	"io"
)

// frameReader reads frames from a connection — either end's: the host's
// client and the plugin's server both read with it — into a buffer of its
// own and consumes a frame's bytes only once the whole frame is there, so a
// read cut short by a deadline loses nothing: the host's client interrupts
// the reading caller's read that way when that caller's context ends
// (Client.lead), and the next reader goes on where it stopped.
type frameReader struct {
	r          io.Reader
	buf        []byte // buf[start:end] is read and not yet parsed
	start, end int
}

// readBufSize is the buffer a reader keeps; a larger frame grows it for as
// long as it is being read.
const readBufSize = 64 << 10

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: r, buf: make([]byte, readBufSize)}
}

// next returns the next frame, whose Body is valid until Release. An error
// from the connection is returned as it is (a deadline's included: nothing
// read is lost); io.EOF means the peer closed it between frames.
func (fr *frameReader) next() (Frame, error) {
	for {
		need := prefixLen
		if avail := fr.end - fr.start; avail >= prefixLen {
			f, body, err := parsePrefix(fr.buf[fr.start : fr.start+prefixLen])
			if err != nil {
				return Frame{}, err
			}
			need = prefixLen + body
			if avail >= need {
				if body > 0 {
					f.buf = getBuf(body)
					copy(*f.buf, fr.buf[fr.start+prefixLen:fr.start+need])
					f.Body = *f.buf
				}
				fr.consume(need)
				return f, nil
			}
		}
		fr.room(need)
		n, err := fr.r.Read(fr.buf[fr.end:])
		fr.end += n
		if err != nil {
			if errors.Is(err, io.EOF) && fr.end > fr.start {
				return Frame{}, fmt.Errorf("%w: truncated frame", ErrMalformed)
			}
			return Frame{}, err
		}
	}
}

// consume drops the n bytes of a parsed frame; an emptied buffer starts
// over (at its usual size, after a large frame).
func (fr *frameReader) consume(n int) {
	fr.start += n
	if fr.start == fr.end {
		fr.start, fr.end = 0, 0
		if len(fr.buf) > readBufSize {
			fr.buf = make([]byte, readBufSize)
		}
	}
}

// room makes space after end for a frame of need bytes that starts at
// start: it moves the unparsed bytes to the front, and grows the buffer
// when the frame is larger than it.
func (fr *frameReader) room(need int) {
	if fr.start+need <= len(fr.buf) && fr.end < len(fr.buf) {
		return
	}
	size := len(fr.buf)
	if need > size {
		size = need
	}
	dst := fr.buf
	if size > len(fr.buf) {
		dst = make([]byte, size)
	}
	fr.end = copy(dst, fr.buf[fr.start:fr.end])
	fr.start = 0
	fr.buf = dst
}
