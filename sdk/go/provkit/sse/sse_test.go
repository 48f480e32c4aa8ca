package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// readAll reads every event; it stops at the first error.
func readAll(r io.Reader, max int) ([]Event, error) {
	rd := NewReader(r, max)
	var out []Event
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

// show formats events for a failure message.
func show(evs ...Event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "{type %q data %q id %q unterminated %v} ", e.Type, e.Data, e.ID, e.Unterminated)
	}
	return b.String()
}

func ev(data string) Event { return Event{Data: []byte(data)} }

func TestReader(t *testing.T) {
	cut := func(e Event) Event { e.Unterminated = true; return e }
	typed := func(typ string, e Event) Event { e.Type = typ; return e }
	withID := func(id string, e Event) Event { e.ID = id; return e }
	cases := []struct {
		name string
		in   string
		want []Event
	}{
		{"lf", "data: a\n\ndata: b\n\n", []Event{ev("a"), ev("b")}},
		{"crlf", "data: a\r\n\r\ndata: b\r\n\r\n", []Event{ev("a"), ev("b")}},
		{"lone cr ends a line", "data: a\r\rdata: b\r\r", []Event{ev("a"), ev("b")}},
		{"mixed line ends", "data: a\r\n\ndata: b\n\r\n", []Event{ev("a"), ev("b")}},
		{"cr then lf is one line end", "data: a\r\ndata: b\r\n\r\n", []Event{ev("a\nb")}},
		{"cr cr lf is two", "data: a\r\r\ndata: b\n\n", []Event{ev("a"), ev("b")}},
		{"bom dropped", "\ufeffdata: a\n\n", []Event{ev("a")}},
		{"bom only at the start", "data: a\n\n\ufeffdata: b\n\n", []Event{ev("a")}},
		{"bom then comment", "\ufeff: hi\ndata: a\n\n", []Event{ev("a")}},
		{"multi-line data", "data: a\ndata:b\ndata:  c\n\n", []Event{ev("a\nb\n c")}},
		{"empty data lines", "data\ndata\n\n", []Event{ev("\n")}},
		{"field without colon", "data\n\n", []Event{ev("")}},
		{"comments ignored", ": OPENROUTER PROCESSING\n\n:\ndata: x\n: mid\n\n", []Event{ev("x")}},
		{"event type", "event: error\ndata: {}\n\ndata: next\n\n", []Event{typed("error", ev("{}")), ev("next")}},
		{"type without data resets", "event: ping\n\ndata: x\n\n", []Event{ev("x")}},
		{"blank lines only", "\n\n\r\n\r", nil},
		{"id persists", "id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n", []Event{withID("7", ev("a")), withID("7", ev("b")), ev("c")}},
		{"id with NUL ignored", "id: 1\n\nid: a\x00b\ndata: x\n\n", []Event{withID("1", ev("x"))}},
		{"unknown fields ignored", "foo: bar\ndata: y\nDATA: z\n\n", []Event{ev("y")}},
		{"space only once", "data:  two\n\n", []Event{ev(" two")}},
		{"colon in value", "data: {\"a\":\"b\"}\n\n", []Event{ev(`{"a":"b"}`)}},
		{"unterminated last event", "data: a\n\ndata: b\n", []Event{ev("a"), cut(ev("b"))}},
		{"cut mid-line", "data: a\n\ndata: {\"x\":", []Event{ev("a"), cut(ev(`{"x":`))}},
		{"cut after one blank-less line end with cr", "data: a\r", []Event{cut(ev("a"))}},
		{"trailing fields without data", "data: a\n\nevent: x\n", []Event{ev("a")}},
		{"trailing comment", "data: a\n\n: bye", []Event{ev("a")}},
		{"empty", "", nil},
		{"only bom", "\ufeff", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, split := range []bool{false, true} {
				var r io.Reader = strings.NewReader(tc.in)
				if split {
					r = iotest.OneByteReader(r)
				}
				got, err := readAll(r, 1<<20)
				if err != nil {
					t.Fatalf("split=%v: %v", split, err)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("split=%v:\ngot  %s\nwant %s", split, show(got...), show(tc.want...))
				}
			}
		})
	}
}

func TestReaderRetry(t *testing.T) {
	rd := NewReader(strings.NewReader("retry: 1500\ndata: a\n\nretry: 2x\nretry: -1\ndata: b\n\n"), 0)
	if _, err := rd.Next(); err != nil || rd.Retry() != 1500*time.Millisecond {
		t.Fatalf("retry %v, err %v", rd.Retry(), err)
	}
	if _, err := rd.Next(); err != nil || rd.Retry() != 1500*time.Millisecond {
		t.Fatalf("an invalid retry changed it: %v, err %v", rd.Retry(), err)
	}
}

func TestReaderTooLarge(t *testing.T) {
	cases := map[string]string{
		"one long line":             "data: " + strings.Repeat("x", 5000) + "\n\n",
		"many lines in one event":   strings.Repeat("data: 0123456789\n", 200) + "\n",
		"long comment":              ": " + strings.Repeat("x", 5000) + "\n",
		"long line without its end": "data: " + strings.Repeat("x", 5000),
	}
	for name, in := range cases {
		if _, err := readAll(strings.NewReader(in), 1024); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// The limit is per event: many events of half the limit are fine.
	in := strings.Repeat("data: "+strings.Repeat("y", 500)+"\n\n", 50)
	evs, err := readAll(strings.NewReader(in), 1024)
	if err != nil || len(evs) != 50 {
		t.Fatalf("%d events, err %v", len(evs), err)
	}
}

// A "\r" ends the line at once: an event ending in "\r\n\r" is dispatched
// without waiting for the "\n" that follows.
func TestReaderDispatchesWithoutWaitingForLF(t *testing.T) {
	pr, pw := io.Pipe()
	rd := NewReader(pr, 1<<20)
	go func() { _, _ = io.WriteString(pw, "data: a\r\n\r") }()
	got := make(chan Event, 1)
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
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("end, again: %v", err)
	}
}

// A read error is returned as it is, after the complete events before it,
// and the event it cut is not returned.
func TestReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: b"), iotest.ErrReader(boom))
	evs, err := readAll(r, 1<<20)
	if len(evs) != 1 || string(evs[0].Data) != "a" || !errors.Is(err, boom) {
		t.Fatalf("%s %v", show(evs...), err)
	}
}

func TestReaderNoProgress(t *testing.T) {
	if _, err := readAll(emptyReader{}, 0); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("err = %v", err)
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

// normalizeEOL turns every line terminator ("\r\n", "\r", "\n") into "\n".
func normalizeEOL(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// encode writes terminated events back as a stream.
func encode(evs []Event) []byte {
	var b bytes.Buffer
	for _, ev := range evs {
		if ev.Type != "" {
			b.WriteString("event: " + ev.Type + "\n")
		}
		for _, line := range strings.Split(string(ev.Data), "\n") {
			b.WriteString("data: " + line + "\n")
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// FuzzReader checks that the reader never panics nor loops; that how the
// input is split into reads does not change the events; that the three line
// endings mean the same; that no line terminator leaks into an event; that
// only the last event can be unterminated; and that writing the events back
// and reading them again gives the same events.
func FuzzReader(f *testing.F) {
	f.Add([]byte("\ufeff: OPENROUTER PROCESSING\n\ndata: [DONE]\n\n"))
	f.Add([]byte("data: a\r\ndata: b\r\n\r\nevent: error\ndata: {}\n\n"))
	f.Add([]byte(": comment\revent: e\rid: 1\rretry: 5\rdata: y\r\r"))
	f.Fuzz(func(t *testing.T, in []byte) {
		const max = 1 << 12
		whole, errWhole := readAll(bytes.NewReader(in), max)
		bytewise, errByte := readAll(iotest.OneByteReader(bytes.NewReader(in)), max)
		if (errWhole == nil) != (errByte == nil) || !reflect.DeepEqual(whole, bytewise) {
			t.Fatalf("split reads changed the result:\n%s %v\n%s %v", show(whole...), errWhole, show(bytewise...), errByte)
		}
		if errWhole != nil {
			return // over the size limit; the other checks need full results
		}
		if !bytes.HasPrefix(in, bom) {
			lf, errLF := readAll(bytes.NewReader(normalizeEOL(in)), max)
			if errLF != nil || !reflect.DeepEqual(whole, lf) {
				t.Fatalf("line endings changed the result:\n%s\n%s %v", show(whole...), show(lf...), errLF)
			}
		}
		var terminated []Event
		for i, ev := range whole {
			if bytes.ContainsAny(ev.Data, "\r") || strings.ContainsAny(ev.Type, "\r\n") || strings.ContainsAny(ev.ID, "\r\n\x00") {
				t.Fatalf("a line terminator leaked into an event: %s", show(ev))
			}
			if ev.Unterminated && i != len(whole)-1 {
				t.Fatalf("event %d of %d is unterminated", i, len(whole))
			}
			if !ev.Unterminated {
				terminated = append(terminated, Event{Type: ev.Type, Data: ev.Data})
			}
		}
		again, err := readAll(bytes.NewReader(encode(terminated)), max+len(in))
		if err != nil || len(again) != len(terminated) {
			t.Fatalf("round trip: %d events, then %d (%v)", len(terminated), len(again), err)
		}
		for i := range terminated {
			if again[i].Type != terminated[i].Type || !bytes.Equal(again[i].Data, terminated[i].Data) || again[i].Unterminated {
				t.Fatalf("round trip event %d: %s then %s", i, show(terminated[i]), show(again[i]))
			}
		}
	})
}

// BenchmarkReader reads an OpenAI stream of one answer from memory: a role
// event, 32 content events (one per token, as the API sends them), the
// finish, the usage and [DONE].
func BenchmarkReader(b *testing.B) {
	const head = `data: {"id":"chatcmpl-sim00000001","object":"chat.completion.chunk","created":1764662400,"model":"gpt-4o","service_tier":"default","system_fingerprint":"fp_sim0001","choices":[{"index":0,"delta":`
	var s bytes.Buffer
	s.WriteString(head + `{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n")
	for i := range 32 {
		fmt.Fprintf(&s, head+`{"content":" word%d"},"logprobs":null,"finish_reason":null}],"usage":null}`+"\n\n", i)
	}
	s.WriteString(head + `{},"logprobs":null,"finish_reason":"stop"}],"usage":null}` + "\n\n")
	s.WriteString(`data: {"id":"chatcmpl-sim00000001","object":"chat.completion.chunk","created":1764662400,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":32,"total_tokens":43}}` + "\n\ndata: [DONE]\n\n")
	stream := s.Bytes()
	in := bytes.NewReader(stream)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		in.Reset(stream)
		r := NewReader(in, 0)
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 36 {
			b.Fatalf("%d events", n)
		}
	}
}

func TestLineEnd(t *testing.T) {
	long := strings.Repeat("x", 2500)
	for _, in := range []string{"", "abc", "a\nb", "a\rb\n", "a\nb\rc", "\r", "\n", long, long + "\n", long + "\r\n", long[:1024] + "\r", long[:1023] + "\n" + long} {
		want := bytes.IndexAny([]byte(in), "\r\n")
		if got := lineEnd([]byte(in)); got != want {
			t.Errorf("lineEnd(%.20q… len %d) = %d, want %d", in, len(in), got, want)
		}
	}
}

// A released reader's buffer serves the next reader; the events read before
// stay intact, and the released reader reads nothing more.
func TestReaderRelease(t *testing.T) {
	r := NewReader(strings.NewReader("data: one\n\ndata: two\n\n"), 0)
	first, err := r.Next()
	if err != nil || string(first.Data) != "one" {
		t.Fatalf("%q %v", first.Data, err)
	}
	r.Release()
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("a released reader: %v, want io.EOF", err)
	}
	r.Release() // twice is harmless
	for range 3 {
		r2 := NewReader(strings.NewReader("data: "+strings.Repeat("x", 5000)+"\n\n"), 0)
		ev, err := r2.Next()
		if err != nil || len(ev.Data) != 5000 {
			t.Fatalf("%d %v", len(ev.Data), err)
		}
		r2.Release()
	}
	if string(first.Data) != "one" {
		t.Fatalf("an event read before the release changed: %q", first.Data)
	}
	small := NewReader(strings.NewReader("data: a\n\n"), 16)
	if ev, err := small.Next(); err != nil || string(ev.Data) != "a" || small.pooled != nil || len(small.buf) != 16 {
		t.Fatalf("a reader with a limit under the buffer size: %q %v", ev.Data, err)
	}
	small.Release()
}
