package vkeys

import (
	"context"
	"sync"
	"time"
)

// memBudgets is the single-process budget accounting: one lock over every
// key's spend and reservations. onSpend persists a settled cost (the file
// store appends it) before it counts.
type memBudgets struct {
	mu      sync.Mutex
	spent   map[string]int64
	res     map[string]map[string]reservation
	marks   map[string]bool // windowKey + "\x00" + event
	now     func() time.Time
	onSpend func(keyID, window string, cost int64) error
	onMark  func(keyID, window, event string) error
}

type reservation struct {
	amount  int64
	expires time.Time
}

func newMemBudgets(onSpend func(keyID, window string, cost int64) error) *memBudgets {
	return &memBudgets{spent: map[string]int64{}, res: map[string]map[string]reservation{}, marks: map[string]bool{}, now: time.Now, onSpend: onSpend}
}

func windowKey(keyID, window string) string { return keyID + "\x00" + window }

// liveLocked drops expired reservations of wk and sums the others.
func (m *memBudgets) liveLocked(wk string, now time.Time) int64 {
	var sum int64
	for rid, r := range m.res[wk] {
		if !now.Before(r.expires) {
			delete(m.res[wk], rid)
			continue
		}
		sum += r.amount
	}
	return sum
}

func (m *memBudgets) Reserve(_ context.Context, keyID, window, rid string, amount, budget int64, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	wk := windowKey(keyID, window)
	now := m.now()
	if m.spent[wk]+m.liveLocked(wk, now)+amount > budget {
		return false, nil
	}
	if m.res[wk] == nil {
		m.res[wk] = map[string]reservation{}
	}
	m.res[wk][rid] = reservation{amount: amount, expires: now.Add(ttl)}
	return true, nil
}

func (m *memBudgets) Settle(_ context.Context, keyID, window, rid string, cost int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	wk := windowKey(keyID, window)
	delete(m.res[wk], rid)
	if len(m.res[wk]) == 0 {
		delete(m.res, wk)
	}
	if cost <= 0 {
		return nil
	}
	if m.onSpend != nil {
		if err := m.onSpend(keyID, window, cost); err != nil {
			return err
		}
	}
	m.spent[wk] += cost
	return nil
}

func (m *memBudgets) Spent(_ context.Context, keyID, window string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.spent[windowKey(keyID, window)], nil
}

// addSpent counts spend read back from the file at start.
func (m *memBudgets) addSpent(keyID, window string, cost int64) {
	m.spent[windowKey(keyID, window)] += cost
}

func (m *memBudgets) MarkOnce(_ context.Context, keyID, window, event string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mk := windowKey(keyID, window) + "\x00" + event
	if m.marks[mk] {
		return false, nil
	}
	if m.onMark != nil {
		if err := m.onMark(keyID, window, event); err != nil {
			return false, err
		}
	}
	m.marks[mk] = true
	return true, nil
}
