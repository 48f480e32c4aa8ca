// Package limiter holds the rate-limit algorithm — an exact sliding log — and
// its two backends: Memory (one process) and Redis (shared by every gateway
// replica). A limit of N per window W means at most N units in ANY rolling
// interval of length W: an event at time t counts while now-W < t ≤ now.
//
// A decision covers several limits at once (check-all-then-commit): the
// request is admitted only when every limit allows it, and a refused request
// leaves no trace in any of them.
package limiter

import (
	"context"
	"errors"
	"time"
)

// Kind says what a limit counts.
type Kind uint8

const (
	// Requests counts admitted requests: Allow records one unit per request.
	Requests Kind = iota
	// Tokens counts tokens reported after the response: Allow only checks
	// the window's sum, Charge records the tokens.
	Tokens
)

// String returns "requests" or "tokens".
func (k Kind) String() string {
	if k == Tokens {
		return "tokens"
	}
	return "requests"
}

// Check is one limit applied to one client key.
type Check struct {
	// Key identifies the rule and the client (e.g. "per-ip:=10.0.0.1").
	// Keys must be unique within one call.
	Key string
	// Kind is what the limit counts.
	Kind Kind
	// Limit is the most units allowed in any rolling Window (≥ 1).
	Limit int64
	// Window is the length of the rolling window.
	Window time.Duration
}

// Result is what one check found.
type Result struct {
	// Allowed reports whether this limit alone admits the request.
	Allowed bool
	// Used is the number of units in the window after the decision (the
	// admitted request included).
	Used int64
	// ResetAfter is the time until the oldest unit in the window leaves it,
	// freeing capacity (0 when the window is empty).
	ResetAfter time.Duration
	// RetryAfter is, for a limit that refused, the time until it would admit
	// a request again (0 otherwise).
	RetryAfter time.Duration
}

// Backend decides and records. Implementations are safe for concurrent use.
type Backend interface {
	// Allow checks every limit and, only when all of them allow, records one
	// unit in each Requests check. results must have len(checks) elements;
	// it is filled in. It returns whether the request is admitted.
	Allow(ctx context.Context, checks []Check, results []Result) (bool, error)
	// Grant is Allow that, when the request is admitted and every check
	// counts requests, also records up to want more requests in every check
	// — never more than half of what any check has left — as of ttl from
	// now, so they stay in the window for a full window after the last
	// moment they may be used. The caller hands them out itself (a quota
	// lease) and gives back what it did not use with Release. The results'
	// Used include the lease.
	Grant(ctx context.Context, checks []Check, results []Result, want int64, ttl time.Duration) (bool, Lease, error)
	// Release removes unused of a lease's permits from every check (keys
	// already gone are skipped).
	Release(ctx context.Context, checks []Check, lease Lease, unused int64) error
	// Charge records amount units in every check (used for Tokens checks).
	Charge(ctx context.Context, checks []Check, amount int64) error
	// Close releases the backend's resources.
	Close() error
}

// ErrUnavailable is wrapped by every error of a backend that could not be
// reached (a Redis outage). Memory never returns it.
var ErrUnavailable = errors.New("rate-limit backend unavailable")

// Lease is what Grant recorded beyond the admitted request.
type Lease struct {
	// Permits is the number of requests recorded for the caller to admit
	// (0: no lease).
	Permits int64
	// Ref identifies the lease's records to Release (backend-specific,
	// printable ASCII without spaces).
	Ref string
}

// leaseShare caps a lease at half of what a check has left after the
// admitted request, so one replica's lease never takes the whole rest of a
// window from the others.
func leaseShare(limit, used int64) int64 { return max(0, (limit-used)/2) }
