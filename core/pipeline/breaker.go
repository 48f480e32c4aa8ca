package pipeline

import (
	"sync"
	"time"
)

// breaker is a circuit breaker per provider instance: after `failures`
// consecutive failures it opens and the router skips the provider for
// `cooldown`; then it lets one probe through, which closes it on success and
// opens it again on failure. Every attempt it lets through ends in exactly
// one of success, failure or neutral, so a probe always resolves.
type breaker struct {
	failures int
	cooldown time.Duration

	mu        sync.Mutex
	count     int
	openUntil time.Time
	probing   bool
}

func newBreaker(failures int, cooldown time.Duration) *breaker {
	return &breaker{failures: failures, cooldown: cooldown}
}

// allow reports whether the provider may be tried now, and whether that
// attempt is the half-open probe (which must then be resolved).
func (b *breaker) allow() (ok, probe bool) {
	if b.failures <= 0 {
		return true, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.count < b.failures {
		return true, false
	}
	if time.Now().Before(b.openUntil) || b.probing {
		return false, false
	}
	b.probing = true
	return true, true
}

// success records that the provider answered (a content-filter refusal is an
// answer too): the circuit closes.
func (b *breaker) success() {
	b.mu.Lock()
	b.count = 0
	b.probing = false
	b.mu.Unlock()
}

// failure records a failure that is the provider's doing.
func (b *breaker) failure() {
	b.mu.Lock()
	b.count++
	if b.count >= b.failures {
		b.openUntil = time.Now().Add(b.cooldown)
	}
	b.probing = false
	b.mu.Unlock()
}

// neutral records an attempt that tells nothing about the provider (the
// client went away, the gateway is shutting down): the counts stay, and a
// probe gives its turn back so the next request probes instead.
func (b *breaker) neutral(probe bool) {
	if !probe {
		return
	}
	b.mu.Lock()
	b.probing = false
	b.mu.Unlock()
}

// open reports whether the breaker currently skips its provider.
func (b *breaker) open() bool {
	if b.failures <= 0 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.count >= b.failures && time.Now().Before(b.openUntil)
}

// same reports whether b has the settings failures and cooldown, so a reload
// that keeps them may keep b (and its state).
func (b *breaker) same(failures int, cooldown time.Duration) bool {
	return b.failures == failures && b.cooldown == cooldown
}
