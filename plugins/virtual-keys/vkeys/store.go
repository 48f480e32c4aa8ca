package vkeys

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is a key id the store does not hold.
var ErrNotFound = errors.New("no such key")

// Store keeps the keys and their spend. Implementations: fileStore (one
// process, crash-safe append-only file) and redisStore (shared by replicas).
type Store interface {
	Create(ctx context.Context, k *Key) error
	Get(ctx context.Context, id string) (*Key, error)
	List(ctx context.Context) ([]*Key, error)
	// Revoke marks the key revoked at at; ErrNotFound when unknown.
	Revoke(ctx context.Context, id string, at time.Time) error
	// Update applies change to a copy of the key and stores the result in
	// one step (ErrNotFound when unknown; change's error is returned and
	// nothing is stored). A changed Hash indexes the key under it too; the
	// old hash (kept in Retired) still finds the key, whose Hash no
	// longer matches it.
	Update(ctx context.Context, id string, change func(*Key) error) (*Key, error)
	// ByHash finds the key whose secret hashes to hash (nil when none).
	ByHash(ctx context.Context, hash string) (*Key, error)
	Budgets
	Close() error
}

// Budgets is the exact spend accounting of a key in one budget window
// (e.g. "d:2026-12-02"): reserve the worst case before the provider call,
// settle to the real cost after it. Every step is atomic.
type Budgets interface {
	// Reserve adds a reservation of amount for request rid unless spend +
	// live reservations + amount > budget. A reservation not settled within
	// ttl expires (a crashed gateway's).
	Reserve(ctx context.Context, keyID, window, rid string, amount, budget int64, ttl time.Duration) (bool, error)
	// Settle drops rid's reservation and adds cost to the spend (cost is
	// what the client was answered; 0 releases).
	Settle(ctx context.Context, keyID, window, rid string, cost int64) error
	// Spent is the settled spend of the window.
	Spent(ctx context.Context, keyID, window string) (int64, error)
	// MarkOnce records that event happened to the key in the window and
	// reports whether this was the first time (across every replica
	// sharing the store): a budget alert is sent once per window.
	MarkOnce(ctx context.Context, keyID, window, event string) (bool, error)
}
