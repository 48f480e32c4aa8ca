package pipeline

import (
	"sync"
	"time"
)

// breaker is a circuit breaker per provider instance: after `failures`
// consecutive failures it opens and the router skips the provider for
// `cooldown`; then it lets one probe through, which closes it on success and
// opens it again on failure.
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

// allow reports whether the provider may be tried now.
func (b *breaker) allow() bool {
	if b.failures <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.count < b.failures {
		return true
	}
	if time.Now().Before(b.openUntil) || b.probing {
		return false
	}
	b.probing = true
	return true
}

func (b *breaker) success() {
	b.mu.Lock()
	b.count = 0
	b.probing = false
	b.mu.Unlock()
}

func (b *breaker) failure() {
	b.mu.Lock()
	b.count++
	if b.count >= b.failures {
		b.openUntil = time.Now().Add(b.cooldown)
	}
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
