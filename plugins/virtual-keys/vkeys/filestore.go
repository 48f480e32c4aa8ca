package vkeys

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
// is dropped at the next start.
type fileStore struct {
	*memBudgets
	mu     sync.Mutex
	f      *os.File
	keys   map[string]*Key
	byHash map[string]string
}

type logRecord struct {
	Op     string     `json:"op"` // "create", "revoke", "spend"
	Key    *Key       `json:"key,omitempty"`
	ID     string     `json:"id,omitempty"`
	At     *time.Time `json:"at,omitempty"`
	Window string     `json:"window,omitempty"`
	Nanos  int64      `json:"nanos,omitempty"`
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
	if err := s.replay(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// replay reads every whole line and cuts a torn tail off the file.
func (s *fileStore) replay() error {
	data, err := io.ReadAll(s.f)
	if err != nil {
		return err
	}
	good := bytes.LastIndexByte(data, '\n') + 1
	sc := bufio.NewScanner(bytes.NewReader(data[:good]))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for line := 1; sc.Scan(); line++ {
		var r logRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		s.apply(&r)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if good < len(data) {
		if err := s.f.Truncate(int64(good)); err != nil {
			return err
		}
	}
	_, err = s.f.Seek(int64(good), io.SeekStart)
	return err
}

func (s *fileStore) apply(r *logRecord) {
	switch r.Op {
	case "create":
		s.keys[r.Key.ID] = r.Key
		s.byHash[r.Key.Hash] = r.Key.ID
	case "revoke":
		if k := s.keys[r.ID]; k != nil {
			k.RevokedAt = r.At
		}
	case "spend":
		s.addSpent(r.ID, r.Window, r.Nanos)
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
