// Package spool is a durable, bounded, append-only queue of records on disk:
// the tracker's guarantee that an acknowledged event survives a crash.
//
// Records are appended to numbered segment files (000000000001.seg, …), each
// framed as a 4-byte little-endian length, a 4-byte CRC-32C of the payload and
// the payload; one Append writes a whole batch and fsyncs once. A reader takes
// records in order and Commit persists how far the consumer got (the cursor
// file) and deletes the segments it has passed. A torn or corrupt tail (a crash
// in the middle of a write) ends its segment: the reader moves on to the next.
//
// Each process writes to a fresh segment, never after a tail it did not write.
// Records appended while the reader has caught up are also kept in memory (up
// to Options.MemRecords), so the consumer normally never reads the file back.
//
// A spool directory is owned by one process at a time (flock on its LOCK
// file). Open returns ErrLocked when another process holds it; OpenOverflow
// then gives a private sub-spool, whose records the owner adopts later
// (AdoptOrphans).
package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrFull is returned by Append when the spool reached its byte bound.
var ErrFull = errors.New("spool full")

// ErrLocked is returned by Open when another process owns the directory.
var ErrLocked = errors.New("spool directory is in use by another process")

// ErrClosed is returned by calls on a closed spool.
var ErrClosed = errors.New("spool closed")

const (
	headerSize = 8
	// maxRecord bounds one record, so a corrupt length cannot make the reader
	// allocate gigabytes.
	maxRecord     = 64 << 20
	segSuffix     = ".seg"
	cursorName    = "cursor"
	lockName      = "LOCK"
	overflowGlob  = "overflow-*"
	overflowStem  = "overflow-"
	defaultSegMax = 16 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Options configure a spool.
type Options struct {
	// Dir holds the segments; it is created when missing.
	Dir string
	// MaxBytes bounds the segment files' total size (0: unbounded).
	MaxBytes int64
	// SegmentBytes is the size after which a new segment is started
	// (default 16 MiB, at most a quarter of MaxBytes).
	SegmentBytes int64
	// MemRecords is how many freshly appended records are kept in memory for
	// the reader (0: none; the reader then reads them back from the file).
	MemRecords int
	// MemBytes bounds the payload bytes of those records too (0: only
	// MemRecords bounds them), so large records cannot hold much memory.
	MemBytes int64
	// Warn receives problems the spool recovered from (a torn tail, an
	// unreadable cursor). May be nil.
	Warn func(msg string, args ...any)
}

// Position is a place in the spool: a segment and a byte offset in it.
type Position struct {
	Seg uint64
	Off int64
}

// Record is one payload read from the spool and the position just after it
// (the value to Commit once the record is consumed).
type Record struct {
	Data []byte
	End  Position
}

type segment struct {
	id   uint64
	size int64
}

// Spool is a durable FIFO of byte records. It is safe for concurrent use by
// one appender and one reader.
type Spool struct {
	opts Options
	lock *os.File

	mu        sync.Mutex
	closed    bool
	segs      []segment // ordered by id; the last one is active
	active    *os.File
	total     int64
	committed Position
	read      Position
	readFile  *os.File
	readID    uint64
	caughtUp  bool     // the reader has read everything in the files
	mem       []Record // records appended while caughtUp, not read yet
	memBytes  int64    // payload bytes of mem
}

// Open opens (or creates) the spool in opts.Dir and takes ownership of it.
func Open(opts Options) (*Spool, error) {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = defaultSegMax
	}
	if opts.MaxBytes > 0 && opts.SegmentBytes > opts.MaxBytes/4 {
		opts.SegmentBytes = max(opts.MaxBytes/4, 4096)
	}
	if opts.Warn == nil {
		opts.Warn = func(string, ...any) {}
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	lock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	s := &Spool{opts: opts, lock: lock}
	if err := s.load(); err != nil {
		_ = lock.Close()
		return nil, err
	}
	return s, nil
}

// OpenOverflow opens a private spool under dir for a process that found dir
// owned by another one (ErrLocked). The owner adopts its records later.
func OpenOverflow(opts Options) (*Spool, error) {
	opts.Dir = filepath.Join(opts.Dir, fmt.Sprintf("%s%d-%d", overflowStem, os.Getpid(), time.Now().UnixNano()))
	return Open(opts)
}

func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("spool: lock: %w", err)
	}
	return f, nil
}

// load reads the directory, drops finished segments and starts a new active
// segment.
func (s *Spool) load() error {
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, segSuffix) || e.IsDir() {
			continue
		}
		id, err := strconv.ParseUint(strings.TrimSuffix(name, segSuffix), 10, 64)
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		s.segs = append(s.segs, segment{id: id, size: info.Size()})
	}
	sort.Slice(s.segs, func(i, j int) bool { return s.segs[i].id < s.segs[j].id })
	cur := s.loadCursor()
	// Segment ids only grow, even across restarts, so that a cursor left by an
	// earlier process can never mark a newer segment as done.
	next := cur.Seg + 1
	if n := len(s.segs); n > 0 && s.segs[n-1].id >= next {
		next = s.segs[n-1].id + 1
	}
	// Drop segments the cursor has passed, and empty ones.
	kept := s.segs[:0]
	for _, sg := range s.segs {
		done := sg.id < cur.Seg || (sg.id == cur.Seg && cur.Off >= sg.size)
		if done || sg.size == 0 {
			_ = os.Remove(s.segPath(sg.id))
			continue
		}
		kept = append(kept, sg)
		s.total += sg.size
	}
	s.segs = kept
	switch {
	case len(s.segs) == 0:
		s.committed = Position{Seg: next}
	case s.segs[0].id == cur.Seg:
		s.committed = cur
	default:
		s.committed = Position{Seg: s.segs[0].id}
	}
	s.read = s.committed
	return s.startSegment(next)
}

func (s *Spool) loadCursor() Position {
	b, err := os.ReadFile(filepath.Join(s.opts.Dir, cursorName))
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			s.opts.Warn("spool: unreadable cursor; replaying from the oldest segment", "error", err)
		}
		return Position{}
	}
	var p Position
	if _, err := fmt.Sscanf(string(b), "%d %d", &p.Seg, &p.Off); err != nil {
		s.opts.Warn("spool: corrupt cursor; replaying from the oldest segment")
		return Position{}
	}
	return p
}

func (s *Spool) segPath(id uint64) string {
	return filepath.Join(s.opts.Dir, fmt.Sprintf("%012d%s", id, segSuffix))
}

func (s *Spool) startSegment(id uint64) error {
	f, err := os.OpenFile(s.segPath(id), os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if s.active != nil {
		_ = s.active.Close()
	}
	s.active = f
	s.segs = append(s.segs, segment{id: id})
	syncDir(s.opts.Dir)
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

func (s *Spool) activeSeg() *segment { return &s.segs[len(s.segs)-1] }

// Append writes records durably (one fsync) and returns how many it took.
// When the byte bound leaves no room for all of them it takes the ones that
// fit, in order, and returns ErrFull.
func (s *Spool) Append(records [][]byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	if s.activeSeg().size >= s.opts.SegmentBytes {
		if err := s.startSegment(s.activeSeg().id + 1); err != nil {
			return 0, err
		}
	}
	var buf []byte
	n := 0
	for _, r := range records {
		size := int64(headerSize + len(r))
		if len(r) > maxRecord || (s.opts.MaxBytes > 0 && s.total+int64(len(buf))+size > s.opts.MaxBytes) {
			break
		}
		var h [headerSize]byte
		binary.LittleEndian.PutUint32(h[0:4], uint32(len(r)))
		binary.LittleEndian.PutUint32(h[4:8], crc32.Checksum(r, castagnoli))
		buf = append(buf, h[:]...)
		buf = append(buf, r...)
		n++
	}
	if n > 0 {
		if _, err := s.active.Write(buf); err != nil {
			// Whatever part of buf reached the file is a torn tail the
			// reader skips; start afresh in a new segment.
			_ = s.startSegment(s.activeSeg().id + 1)
			return 0, fmt.Errorf("spool: write: %w", err)
		}
		if err := dataSync(s.active); err != nil {
			_ = s.startSegment(s.activeSeg().id + 1)
			return 0, fmt.Errorf("spool: sync: %w", err)
		}
		seg := s.activeSeg()
		off := seg.size
		seg.size += int64(len(buf))
		s.total += int64(len(buf))
		if s.caughtUp {
			if s.memFits(n, int64(len(buf)-n*headerSize)) {
				for _, r := range records[:n] {
					off += int64(headerSize + len(r))
					s.mem = append(s.mem, Record{Data: r, End: Position{Seg: seg.id, Off: off}})
					s.memBytes += int64(len(r))
				}
			} else {
				// Too much to hold: the reader goes back to the file after
				// the records still in memory.
				s.caughtUp = false
			}
		}
	}
	if n < len(records) {
		return n, ErrFull
	}
	return n, nil
}

// memFits reports whether n more records of size payload bytes stay within
// the in-memory bounds.
func (s *Spool) memFits(n int, size int64) bool {
	if len(s.mem)+n > s.opts.MemRecords {
		return false
	}
	return s.opts.MemBytes <= 0 || s.memBytes+size <= s.opts.MemBytes
}

// Read returns up to max records after the last one read, in append order,
// without blocking; none when the reader has caught up.
func (s *Spool) Read(max int) ([]Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if len(s.mem) > 0 {
		n := min(max, len(s.mem))
		out := append([]Record(nil), s.mem[:n]...)
		for i := range s.mem[:n] {
			s.memBytes -= int64(len(s.mem[i].Data))
			s.mem[i] = Record{} // the payload is the caller's now
		}
		s.mem = s.mem[n:]
		if len(s.mem) == 0 {
			s.mem = nil
			s.memBytes = 0
		}
		s.read = out[n-1].End
		return out, nil
	}
	if s.caughtUp {
		return nil, nil
	}
	var out []Record
	for len(out) < max {
		rec, ok, err := s.readNextLocked()
		if err != nil {
			return out, err
		}
		if !ok {
			s.caughtUp = true
			s.closeReadFile()
			break
		}
		out = append(out, rec)
	}
	return out, nil
}

// readNextLocked reads the record at s.read from the files.
func (s *Spool) readNextLocked() (Record, bool, error) {
	for {
		act := s.activeSeg()
		idx := s.segIndex(s.read.Seg)
		if idx < 0 {
			// The read segment is gone (or never existed): go to the next one.
			nxt := s.nextSegAfter(s.read.Seg)
			if nxt == 0 {
				s.read = Position{Seg: act.id, Off: act.size}
				return Record{}, false, nil
			}
			s.read = Position{Seg: nxt}
			continue
		}
		sg := s.segs[idx]
		if s.read.Off >= sg.size {
			if sg.id == act.id {
				return Record{}, false, nil
			}
			s.read = Position{Seg: s.segs[idx+1].id}
			continue
		}
		rec, err := s.readRecordAt(sg)
		if err != nil {
			if sg.id == act.id {
				// Our own segment should never be torn; if it is, skip what
				// is there and continue with new appends in a new segment.
				s.opts.Warn("spool: unreadable record in the active segment; skipping it", "segment", sg.id, "offset", s.read.Off, "error", err)
				s.read = Position{Seg: sg.id, Off: sg.size}
				if e := s.startSegment(sg.id + 1); e != nil {
					return Record{}, false, e
				}
				continue
			}
			s.opts.Warn("spool: torn or corrupt record; skipping the rest of the segment", "segment", sg.id, "offset", s.read.Off, "error", err)
			s.read = Position{Seg: s.segs[idx+1].id}
			continue
		}
		return rec, true, nil
	}
}

func (s *Spool) readRecordAt(sg segment) (Record, error) {
	if s.readFile == nil || s.readID != sg.id {
		s.closeReadFile()
		f, err := os.Open(s.segPath(sg.id))
		if err != nil {
			return Record{}, err
		}
		s.readFile, s.readID = f, sg.id
	}
	var h [headerSize]byte
	if s.read.Off+headerSize > sg.size {
		return Record{}, errors.New("truncated header")
	}
	if _, err := s.readFile.ReadAt(h[:], s.read.Off); err != nil {
		return Record{}, fmt.Errorf("header: %w", err)
	}
	n := binary.LittleEndian.Uint32(h[0:4])
	if n > maxRecord || int64(n) > sg.size-s.read.Off-headerSize {
		return Record{}, fmt.Errorf("bad length %d", n)
	}
	data := make([]byte, n)
	if _, err := s.readFile.ReadAt(data, s.read.Off+headerSize); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return Record{}, fmt.Errorf("payload: %w", err)
	}
	if crc32.Checksum(data, castagnoli) != binary.LittleEndian.Uint32(h[4:8]) {
		return Record{}, errors.New("checksum mismatch")
	}
	s.read = Position{Seg: sg.id, Off: s.read.Off + headerSize + int64(n)}
	return Record{Data: data, End: s.read}, nil
}

func (s *Spool) closeReadFile() {
	if s.readFile != nil {
		_ = s.readFile.Close()
		s.readFile = nil
	}
}

func (s *Spool) segIndex(id uint64) int {
	i := sort.Search(len(s.segs), func(i int) bool { return s.segs[i].id >= id })
	if i < len(s.segs) && s.segs[i].id == id {
		return i
	}
	return -1
}

func (s *Spool) nextSegAfter(id uint64) uint64 {
	for _, sg := range s.segs {
		if sg.id > id {
			return sg.id
		}
	}
	return 0
}

// Rewind makes the next Read start again after the last committed record
// (for a consumer that dropped records it had read but not committed).
func (s *Spool) Rewind() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.read = s.committed
	s.mem = nil
	s.memBytes = 0
	s.caughtUp = false
}

// Commit records that every record up to p was consumed: it persists the
// cursor and deletes the segments before it.
func (s *Spool) Commit(p Position) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.committed = p
	tmp := filepath.Join(s.opts.Dir, cursorName+".tmp")
	if err := os.WriteFile(tmp, fmt.Appendf(nil, "%d %d\n", p.Seg, p.Off), 0o600); err != nil {
		return fmt.Errorf("spool: cursor: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.opts.Dir, cursorName)); err != nil {
		return fmt.Errorf("spool: cursor: %w", err)
	}
	act := s.activeSeg().id
	kept := s.segs[:0]
	for _, sg := range s.segs {
		done := sg.id < p.Seg || (sg.id == p.Seg && p.Off >= sg.size)
		if done && sg.id != act {
			if s.readFile != nil && s.readID == sg.id {
				s.closeReadFile()
			}
			_ = os.Remove(s.segPath(sg.id))
			s.total -= sg.size
			continue
		}
		kept = append(kept, sg)
	}
	s.segs = kept
	return nil
}

// Pending is the number of bytes appended but not committed yet.
func (s *Spool) Pending() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, sg := range s.segs {
		switch {
		case sg.id < s.committed.Seg:
		case sg.id == s.committed.Seg:
			n += max(sg.size-s.committed.Off, 0)
		default:
			n += sg.size
		}
	}
	return n
}

// Bytes is the total size of the segment files.
func (s *Spool) Bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Dir is the spool's directory.
func (s *Spool) Dir() string { return s.opts.Dir }

// Options returns the options the spool runs with (defaults filled in).
func (s *Spool) Options() Options { return s.opts }

// AdoptOrphans moves the records of overflow sub-spools whose process is
// gone into this spool and removes them. It returns how many it moved.
func (s *Spool) AdoptOrphans() (int, error) {
	dirs, _ := filepath.Glob(filepath.Join(s.opts.Dir, overflowGlob))
	moved := 0
	for _, dir := range dirs {
		o, err := Open(Options{Dir: dir, Warn: s.opts.Warn})
		if errors.Is(err, ErrLocked) {
			continue // its process is still running
		}
		if err != nil {
			return moved, err
		}
		complete := true
		for {
			recs, err := o.Read(256)
			if err != nil || len(recs) == 0 {
				complete = err == nil
				break
			}
			data := make([][]byte, len(recs))
			for i, r := range recs {
				data[i] = r.Data
			}
			n, err := s.Append(data)
			moved += n
			if n > 0 {
				_ = o.Commit(recs[n-1].End)
			}
			if err != nil {
				_ = o.Close()
				return moved, err
			}
		}
		_ = o.Close()
		if complete {
			_ = os.RemoveAll(dir)
		}
	}
	return moved, nil
}

// Close releases the files and the directory lock. Records not committed
// stay for the next Open.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.closeReadFile()
	var err error
	if s.active != nil {
		err = s.active.Close()
		// An empty active segment is of no use to the next process.
		if sg := s.activeSeg(); sg.size == 0 {
			_ = os.Remove(s.segPath(sg.id))
		}
	}
	_ = s.lock.Close()
	return err
}
