package spool

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func recs(from, to int) [][]byte {
	var out [][]byte
	for i := from; i < to; i++ {
		out = append(out, fmt.Appendf(nil, "record-%04d", i))
	}
	return out
}

func mustOpen(t *testing.T, o Options) *Spool {
	t.Helper()
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// drain reads everything, committing every batch, and returns the payloads.
func drain(t *testing.T, s *Spool, batch int) []string {
	t.Helper()
	var out []string
	for {
		rs, err := s.Read(batch)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return out
		}
		for _, r := range rs {
			out = append(out, string(r.Data))
		}
		if err := s.Commit(rs[len(rs)-1].End); err != nil {
			t.Fatal(err)
		}
	}
}

func want(from, to int) []string {
	var out []string
	for _, r := range recs(from, to) {
		out = append(out, string(r))
	}
	return out
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d\n got: %v", len(got), len(want), got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("record %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestAppendReadInOrder(t *testing.T) {
	for _, mem := range []int{0, 5, 1000} {
		t.Run(fmt.Sprintf("mem=%d", mem), func(t *testing.T) {
			s := mustOpen(t, Options{Dir: t.TempDir(), MemRecords: mem, SegmentBytes: 64})
			defer s.Close()
			var got []string
			for i := 0; i < 50; i += 10 {
				if n, err := s.Append(recs(i, i+10)); n != 10 || err != nil {
					t.Fatalf("append = %d, %v", n, err)
				}
				got = append(got, drain(t, s, 3)...)
			}
			equal(t, got, want(0, 50))
			if p := s.Pending(); p != 0 {
				t.Fatalf("pending = %d after draining", p)
			}
		})
	}
}

// TestMemBytesBound: the in-memory copy stops at MemBytes of payload even
// when MemRecords would allow more; the rest is read back from the file, in
// order.
func TestMemBytesBound(t *testing.T) {
	s := mustOpen(t, Options{Dir: t.TempDir(), MemRecords: 1000, MemBytes: 60, SegmentBytes: 64})
	defer s.Close()
	equal(t, drain(t, s, 1), nil) // the reader has caught up with the (empty) files
	// Each record is 11 bytes ("record-0000"): five fit in 60, six do not.
	if n, err := s.Append(recs(0, 5)); n != 5 || err != nil {
		t.Fatalf("append = %d, %v", n, err)
	}
	if len(s.mem) != 5 || s.memBytes != 55 {
		t.Fatalf("in memory: %d records, %d bytes; want 5, 55", len(s.mem), s.memBytes)
	}
	if n, err := s.Append(recs(5, 6)); n != 1 || err != nil {
		t.Fatalf("append = %d, %v", n, err)
	}
	if len(s.mem) != 5 || s.memBytes != 55 || s.caughtUp {
		t.Fatalf("over the byte bound: %d records, %d bytes in memory, caughtUp %v", len(s.mem), s.memBytes, s.caughtUp)
	}
	rs, err := s.Read(2)
	if err != nil || len(rs) != 2 {
		t.Fatalf("read = %d, %v", len(rs), err)
	}
	if s.memBytes != 33 {
		t.Fatalf("memBytes = %d after reading two, want 33", s.memBytes)
	}
	if n, err := s.Append(recs(6, 20)); n != 14 || err != nil {
		t.Fatalf("append = %d, %v", n, err)
	}
	got := []string{string(rs[0].Data), string(rs[1].Data)}
	got = append(got, drain(t, s, 4)...)
	equal(t, got, want(0, 20))
	if s.memBytes != 0 || len(s.mem) != 0 {
		t.Fatalf("after draining: %d records, %d bytes in memory", len(s.mem), s.memBytes)
	}
}

func TestReplayAfterReopen(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, Options{Dir: dir, MemRecords: 100, SegmentBytes: 100})
	if _, err := s.Append(recs(0, 30)); err != nil {
		t.Fatal(err)
	}
	// Consume 10 and commit; read 5 more without committing.
	rs, _ := s.Read(10)
	if err := s.Commit(rs[len(rs)-1].End); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read(5); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, Options{Dir: dir, MemRecords: 100, SegmentBytes: 100})
	if _, err := s.Append(recs(30, 35)); err != nil {
		t.Fatal(err)
	}
	equal(t, drain(t, s, 7), want(10, 35))
	s.Close()
	// Everything was committed: a third process finds nothing.
	s = mustOpen(t, Options{Dir: dir})
	defer s.Close()
	equal(t, drain(t, s, 7), nil)
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(segs) != 1 {
		t.Fatalf("finished segments were not deleted: %v", segs)
	}
}

func TestTornTail(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, Options{Dir: dir})
	if _, err := s.Append(recs(0, 5)); err != nil {
		t.Fatal(err)
	}
	seg := s.segPath(s.activeSeg().id)
	s.Close()
	// A crash in the middle of the next write: half a header and payload.
	f, err := os.OpenFile(seg, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{200, 0, 0, 0, 1, 2, 3, 4, 'x', 'y'})
	f.Close()
	var warned int
	s = mustOpen(t, Options{Dir: dir, Warn: func(string, ...any) { warned++ }})
	defer s.Close()
	if _, err := s.Append(recs(5, 8)); err != nil {
		t.Fatal(err)
	}
	equal(t, drain(t, s, 100), want(0, 8))
	if warned == 0 {
		t.Fatal("torn tail was not reported")
	}
}

func TestCorruptRecordSkipsRestOfSegment(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, Options{Dir: dir})
	s.Append(recs(0, 3))
	seg := s.segPath(s.activeSeg().id)
	s.Close()
	b, _ := os.ReadFile(seg)
	b[len(b)-1] ^= 0xff // flip a byte of the last payload
	os.WriteFile(seg, b, 0o600)
	s = mustOpen(t, Options{Dir: dir})
	defer s.Close()
	equal(t, drain(t, s, 100), want(0, 2))
}

func TestBound(t *testing.T) {
	s := mustOpen(t, Options{Dir: t.TempDir(), MaxBytes: 10 * (headerSize + 11)})
	defer s.Close()
	n, err := s.Append(recs(0, 8))
	if n != 8 || err != nil {
		t.Fatalf("append = %d, %v", n, err)
	}
	n, err = s.Append(recs(8, 14))
	if n != 2 || !errors.Is(err, ErrFull) {
		t.Fatalf("append over the bound = %d, %v; want 2, ErrFull", n, err)
	}
	if n, err := s.Append(recs(14, 15)); n != 0 || !errors.Is(err, ErrFull) {
		t.Fatalf("append when full = %d, %v", n, err)
	}
	equal(t, drain(t, s, 4), want(0, 10))
	// That committed segments free room again is TestBoundFreesAfterCommit.
}

func TestBoundFreesAfterCommit(t *testing.T) {
	// Small segments so committed ones are deleted.
	s := mustOpen(t, Options{Dir: t.TempDir(), MaxBytes: 20 * (headerSize + 11), SegmentBytes: 2 * (headerSize + 11)})
	defer s.Close()
	for round := 0; round < 5; round++ {
		n, err := s.Append(recs(round*10, round*10+10))
		if n != 10 || err != nil {
			t.Fatalf("round %d: append = %d, %v (bytes %d)", round, n, err, s.Bytes())
		}
		equal(t, drain(t, s, 3), want(round*10, round*10+10))
	}
}

func TestMemOverflowFallsBackToFile(t *testing.T) {
	s := mustOpen(t, Options{Dir: t.TempDir(), MemRecords: 4, SegmentBytes: 50})
	defer s.Close()
	if rs, _ := s.Read(10); len(rs) != 0 {
		t.Fatal("empty spool returned records")
	}
	s.Append(recs(0, 3)) // in memory
	s.Append(recs(3, 9)) // overflows memory: read back from the file
	s.Append(recs(9, 10))
	equal(t, drain(t, s, 2), want(0, 10))
}

func TestRewindRereads(t *testing.T) {
	s := mustOpen(t, Options{Dir: t.TempDir(), MemRecords: 100})
	defer s.Close()
	s.Append(recs(0, 5))
	rs, _ := s.Read(2)
	s.Commit(rs[1].End)
	s.Read(2)
	s.Rewind()
	equal(t, drain(t, s, 10), want(2, 5))
}

func TestLockAndAdoptOrphans(t *testing.T) {
	dir := t.TempDir()
	owner := mustOpen(t, Options{Dir: dir})
	if _, err := Open(Options{Dir: dir}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want ErrLocked", err)
	}
	ov, err := OpenOverflow(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ov.Append(recs(100, 103))
	if n, _ := owner.AdoptOrphans(); n != 0 {
		t.Fatal("adopted a live overflow spool")
	}
	ov.Close()
	owner.Append(recs(0, 2))
	n, err := owner.AdoptOrphans()
	if n != 3 || err != nil {
		t.Fatalf("adopt = %d, %v", n, err)
	}
	got := drain(t, owner, 10)
	equal(t, got, append(want(0, 2), want(100, 103)...))
	if m, _ := filepath.Glob(filepath.Join(dir, "overflow-*")); len(m) != 0 {
		t.Fatalf("overflow dir left behind: %v", m)
	}
	owner.Close()
}

func BenchmarkAppend(b *testing.B) {
	s, err := Open(Options{Dir: b.TempDir(), MemRecords: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := make([][]byte, 16)
	for i := range batch {
		batch[i] = make([]byte, 1024)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Append(batch); err != nil {
			b.Fatal(err)
		}
		if rs, _ := s.Read(16); len(rs) > 0 {
			s.Commit(rs[len(rs)-1].End)
		}
	}
}
