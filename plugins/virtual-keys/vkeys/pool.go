package vkeys

import (
	"errors"

	"github.com/llmgw/llmgw/plugins/ratelimit/limiter"
	"github.com/llmgw/llmgw/sdk/go/refpool"
)

// backend is one key store and the rate limiter of the keys' rpm and tpm
// (the ratelimit plugin's exact sliding log, in the same place: Redis or
// memory).
type backend struct {
	st  Store
	lim limiter.Backend
}

func (b *backend) Close() error { return errors.Join(b.st.Close(), b.lim.Close()) }

// backends keeps one open backend per store for as long as some instance
// uses it: a pipeline reload configures name@N+1 before it closes name@N,
// and two file stores on one file would each miss the other's writes.
var backends refpool.Pool[string, *backend]

// acquireBackend returns the backend of s and its handle (Release closes it
// with the last holder).
func acquireBackend(s settings) (*refpool.Handle[string, *backend], error) {
	id := "file\x00" + s.dataFile
	if s.redisURL != "" {
		id = "redis\x00" + s.redisURL + "\x00" + s.redisPrefix
	}
	return backends.Acquire(id, func() (*backend, error) {
		var st Store
		var err error
		if s.redisURL != "" {
			st, err = openRedisStore(s.redisURL, s.redisPrefix, s.redisTimeout, s.cacheTTL)
		} else {
			st, err = openFileStore(s.dataFile)
		}
		if err != nil {
			return nil, err
		}
		var lim limiter.Backend
		if s.redisURL != "" {
			lim, err = limiter.NewRedis(limiter.RedisOptions{URL: s.redisURL, Prefix: s.redisPrefix + "rl:", Timeout: s.redisTimeout})
		} else {
			lim = limiter.NewMemory(limiter.MemoryOptions{})
		}
		if err != nil {
			return nil, errors.Join(err, st.Close())
		}
		return &backend{st: st, lim: lim}, nil
	})
}
