package vkeys

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// fileStore keeps keys in memory and every change in an append-only JSON
// lines file, fsynced before the change counts: after a SIGKILL the file
// holds every change that was answered. A torn last line (killed mid-write)
// is dropped at the next start. A file that has grown well past what it
// describes (one spend record per priced answer) is compacted at start.
type fileStore struct {
	*memBudgets
	mu     sync.Mutex
	f      *os.File
	keys   map[string]*Key
	byHash map[string]string
}

type logRecord struct {
	Op     string     `json:"op"` // "create", "update" (the whole key), "revoke", "spend", "mark"
	Key    *Key       `json:"key,omitempty"`
	ID     string     `json:"id,omitempty"`
	At     *time.Time `json:"at,omitempty"`
	Window string     `json:"window,omitempty"`
	Nanos  int64      `json:"nanos,omitempty"`
	Event  string     `json:"event,omitempty"`
}

// openFileStore opens (or creates) the store at path and replays it.
func openFileStore(path string) (*fileStore, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	s := &fileStore{f: f, keys: map[string]*Key{}, byHash: map[string]string{}}
	s.memBudgets = newMemBudgets(s.appendSpend)
	s.onMark = s.appendMark
	records, err := s.replay()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if records > compactMin && records > 2*(len(s.keys)+len(s.spent)) {
		if err := s.compact(path, time.Now()); err != nil {
			_ = s.f.Close()
			return nil, fmt.Errorf("%s: compact: %w", path, err)
		}
	}
	return s, nil
}

// compactMin is the records a file must hold before it is compacted.
var compactMin = 10_000

// compact rewrites the file as one record per key (its revocation
// included) and one spend record per budget window that has not ended,
// forgetting the spend of past day and month windows: written to a
// temporary file, fsynced, renamed over the store, the directory fsynced.
// A kill at any point leaves the old or the new file whole.
func (s *fileStore) compact(path string, now time.Time) error {
	for wk := range s.spent {
		if _, window, _ := strings.Cut(wk, "\x00"); windowEnded(window, now) {
			delete(s.spent, wk)
		}
	}
	for mk := range s.marks {
		if _, rest, _ := strings.Cut(mk, "\x00"); windowEnded(strings.Split(rest, "\x00")[0], now) {
			delete(s.marks, mk)
		}
	}
	tmp := path + ".compact"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, id := range slices.Sorted(maps.Keys(s.keys)) {
		err = errors.Join(err, enc.Encode(&logRecord{Op: "create", Key: s.keys[id]}))
	}
	for _, wk := range slices.Sorted(maps.Keys(s.spent)) {
		id, window, _ := strings.Cut(wk, "\x00")
		err = errors.Join(err, enc.Encode(&logRecord{Op: "spend", ID: id, Window: window, Nanos: s.spent[wk]}))
	}
	for _, mk := range slices.Sorted(maps.Keys(s.marks)) {
		parts := strings.SplitN(mk, "\x00", 3)
		err = errors.Join(err, enc.Encode(&logRecord{Op: "mark", ID: parts[0], Window: parts[1], Event: parts[2]}))
	}
	if err = errors.Join(err, w.Flush(), f.Sync()); err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	// Appends go on at the end of the new file.
	_ = s.f.Close()
	s.f = f
	_, err = f.Seek(0, io.SeekEnd)
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// replay reads every whole line (returning how many) and cuts a torn tail
// off the file.
func (s *fileStore) replay() (int, error) {
	data, err := io.ReadAll(s.f)
	if err != nil {
		return 0, err
	}
	good := bytes.LastIndexByte(data, '\n') + 1
	sc := bufio.NewScanner(bytes.NewReader(data[:good]))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		var r logRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return line, fmt.Errorf("line %d: %w", line, err)
		}
		s.apply(&r)
	}
	if err := sc.Err(); err != nil {
		return line, err
	}
	if good < len(data) {
		if err := s.f.Truncate(int64(good)); err != nil {
			return line, err
		}
	}
	_, err = s.f.Seek(int64(good), io.SeekStart)
	return line, err
}

func (s *fileStore) apply(r *logRecord) {
	switch r.Op {
	case "create", "update":
		s.keys[r.Key.ID] = r.Key
		s.byHash[r.Key.Hash] = r.Key.ID
		for _, old := range r.Key.Retired {
			s.byHash[old.Hash] = r.Key.ID
		}
	case "revoke":
		if k := s.keys[r.ID]; k != nil {
			k.RevokedAt = r.At
		}
	case "spend":
		s.addSpent(r.ID, r.Window, r.Nanos)
	case "mark":
		s.marks[windowKey(r.ID, r.Window)+"\x00"+r.Event] = true
	}
}

// appendLocked writes one record and fsyncs it.
func (s *fileStore) appendLocked(r *logRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := s.f.Write(append(b, '\n')); err != nil {
		return err
	}
	return s.f.Sync()
}

func (s *fileStore) appendMark(keyID, window, event string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendLocked(&logRecord{Op: "mark", ID: keyID, Window: window, Event: event})
}

func (s *fileStore) appendSpend(keyID, window string, cost int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendLocked(&logRecord{Op: "spend", ID: keyID, Window: window, Nanos: cost})
}

func (s *fileStore) Create(_ context.Context, k *Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &logRecord{Op: "create", Key: k}
	if err := s.appendLocked(r); err != nil {
		return err
	}
	s.apply(r)
	return nil
}

func (s *fileStore) Get(_ context.Context, id string) (*Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[id]
	if k == nil {
		return nil, ErrNotFound
	}
	c := *k
	return &c, nil
}

func (s *fileStore) List(_ context.Context) ([]*Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Key, 0, len(s.keys))
	for _, k := range s.keys {
		c := *k
		out = append(out, &c)
	}
	slices.SortFunc(out, func(a, b *Key) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *fileStore) Revoke(_ context.Context, id string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[id]
	if k == nil {
		return ErrNotFound
	}
	if k.RevokedAt != nil {
		return nil
	}
	r := &logRecord{Op: "revoke", ID: id, At: &at}
	if err := s.appendLocked(r); err != nil {
		return err
	}
	s.apply(r)
	return nil
}

func (s *fileStore) Update(_ context.Context, id string, change func(*Key) error) (*Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[id]
	if k == nil {
		return nil, ErrNotFound
	}
	c := k.clone()
	if err := change(c); err != nil {
		return nil, err
	}
	r := &logRecord{Op: "update", Key: c}
	if err := s.appendLocked(r); err != nil {
		return nil, err
	}
	s.apply(r)
	return c.clone(), nil
}

func (s *fileStore) ByHash(_ context.Context, hash string) (*Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byHash[hash]
	if !ok {
		return nil, nil
	}
	c := *s.keys[id]
	return &c, nil
}

func (s *fileStore) Close() error { return s.f.Close() }
