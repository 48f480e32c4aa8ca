package geminiprovider

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// parseAll reads every event; it stops at the first error.
func parseAll(r io.Reader, max int) ([]sseEvent, error) {
	rd := newSSEReader(r, max)
	var out []sseEvent
	for {
		ev, err := rd.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ev)
	}
}

func TestSSEParse(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []sseEvent
	}{
		{"lf", "data: a\n\ndata: b\n\n", []sseEvent{{Data: []byte("a")}, {Data: []byte("b")}}},
		{"crlf", "data: a\r\n\r\ndata: b\r\n\r\n", []sseEvent{{Data: []byte("a")}, {Data: []byte("b")}}},
		{"cr", "data: a\r\rdata: b\r\r", []sseEvent{{Data: []byte("a")}, {Data: []byte("b")}}},
		{"mixed", "data: a\r\n\ndata: b\n\r\n", []sseEvent{{Data: []byte("a")}, {Data: []byte("b")}}},
		{"multi-line data", "data: a\ndata:b\ndata:  c\n\n", []sseEvent{{Data: []byte("a\nb\n c")}}},
		{"comments and fields", ": keep-alive\nevent: message\nid: 7\nretry: 10\ndata: x\n\n", []sseEvent{{Type: "message", Data: []byte("x")}}},
		{"blank lines without data", "\n\n\nevent: ping\n\ndata: x\n\n", []sseEvent{{Data: []byte("x")}}},
		{"field without colon", "data\n\n", []sseEvent{{Data: []byte("")}}},
		{"incomplete last event dropped", "data: a\n\ndata: b\n", []sseEvent{{Data: []byte("a")}}},
		{"bom-less unknown field", "foo: bar\ndata: y\n\n", []sseEvent{{Data: []byte("y")}}},
	}
	for _, tc := range cases {
		got, err := parseAll(strings.NewReader(tc.in), 1<<20)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(normalizeEvents(got), normalizeEvents(tc.want)) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSSETooLarge(t *testing.T) {
	in := "data: " + strings.Repeat("x", 5000) + "\n\n"
	if _, err := parseAll(strings.NewReader(in), 1024); !errors.Is(err, errSSETooLarge) {
		t.Fatalf("err = %v", err)
	}
	in = strings.Repeat("data: 0123456789\n", 200) + "\n"
	if _, err := parseAll(strings.NewReader(in), 1024); !errors.Is(err, errSSETooLarge) {
		t.Fatalf("many lines: err = %v", err)
	}
}

// A "\r" ends the line at once: an event ending in "\r\n\r" is dispatched
// without waiting for the "\n" that follows.
func TestSSEDispatchesWithoutWaitingForLF(t *testing.T) {
	pr, pw := io.Pipe()
	rd := newSSEReader(pr, 1<<20)
	go func() { _, _ = io.WriteString(pw, "data: a\r\n\r") }()
	got := make(chan sseEvent, 1)
	go func() {
		ev, err := rd.Next()
		if err == nil {
			got <- ev
		}
	}()
	select {
	case ev := <-got:
		if string(ev.Data) != "a" {
			t.Fatalf("data %q", ev.Data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("event not dispatched on CR")
	}
	go func() { _, _ = io.WriteString(pw, "\ndata: b\r\n\r\n"); _ = pw.Close() }()
	ev, err := rd.Next()
	if err != nil || string(ev.Data) != "b" {
		t.Fatalf("second event %q %v", ev.Data, err)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

func TestSSEReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: b"), iotest.ErrReader(boom))
	evs, err := parseAll(r, 1<<20)
	if len(evs) != 1 || !errors.Is(err, boom) {
		t.Fatalf("%q %v", evs, err)
	}
}

func normalizeEvents(evs []sseEvent) []sseEvent {
	out := make([]sseEvent, 0, len(evs))
	for _, e := range evs {
		if e.Data == nil {
			e.Data = []byte{}
		}
		out = append(out, e)
	}
	return out
}

// normalizeEOL turns every line terminator ("\r\n", "\r", "\n") into "\n".
func normalizeEOL(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// FuzzParseSSE checks that the parser never panics, that the three line
// endings mean the same, and that how the input is split into reads does not
// change the events.
func FuzzParseSSE(f *testing.F) {
	f.Add([]byte("data: {\"a\":1}\r\n\r\ndata: {\"b\":2}\r\n\r\n"))
	f.Add([]byte("data: x\n\n"))
	f.Add([]byte(": comment\revent: e\rdata: y\r\r"))
	f.Fuzz(func(t *testing.T, in []byte) {
		const max = 1 << 12
		whole, errWhole := parseAll(bytes.NewReader(in), max)
		bytewise, errByte := parseAll(iotest.OneByteReader(bytes.NewReader(in)), max)
		if (errWhole == nil) != (errByte == nil) || !reflect.DeepEqual(normalizeEvents(whole), normalizeEvents(bytewise)) {
			t.Fatalf("split reads changed the result:\n%q %v\n%q %v", whole, errWhole, bytewise, errByte)
		}
		if errWhole != nil {
			return // over the size limit; the line-ending check needs full results
		}
		lf, errLF := parseAll(bytes.NewReader(normalizeEOL(in)), max)
		if errLF != nil || !reflect.DeepEqual(normalizeEvents(whole), normalizeEvents(lf)) {
			t.Fatalf("line endings changed the result:\n%q\n%q %v", whole, lf, errLF)
		}
		for _, ev := range whole {
			if bytes.ContainsAny(ev.Data, "\r") || strings.ContainsAny(ev.Type, "\r\n") {
				t.Fatalf("a line terminator leaked into an event: %q", ev)
			}
		}
	})
}
