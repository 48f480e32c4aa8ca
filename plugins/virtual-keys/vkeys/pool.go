package vkeys

import (
	"errors"
	"sync"

	"github.com/llmgw/llmgw/plugins/ratelimit/limiter"
)

// stores keeps one open store per backend for as long as some instance uses
// it: a pipeline reload configures name@N+1 before it closes name@N, and two
// file stores on one file would each miss the other's writes.
var stores = struct {
	sync.Mutex
	m map[string]*sharedStore
}{m: map[string]*sharedStore{}}

type sharedStore struct {
	st   Store
	lim  limiter.Backend
	refs int
}

// acquireStore returns the store of s's backend, the rate limiter of the
// keys' rpm and tpm (the ratelimit plugin's exact sliding log, in the same
// place: Redis or memory) and their release function (the last release
// closes them).
func acquireStore(s settings) (Store, limiter.Backend, func() error, error) {
	id := "file\x00" + s.dataFile
	if s.redisURL != "" {
		id = "redis\x00" + s.redisURL + "\x00" + s.redisPrefix
	}
	stores.Lock()
	defer stores.Unlock()
	sh := stores.m[id]
	if sh == nil {
		var st Store
		var err error
		if s.redisURL != "" {
			st, err = openRedisStore(s.redisURL, s.redisPrefix, s.redisTimeout, s.cacheTTL)
		} else {
			st, err = openFileStore(s.dataFile)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		var lim limiter.Backend
		if s.redisURL != "" {
			lim, err = limiter.NewRedis(limiter.RedisOptions{URL: s.redisURL, Prefix: s.redisPrefix + "rl:", Timeout: s.redisTimeout})
		} else {
			lim = limiter.NewMemory(limiter.MemoryOptions{})
		}
		if err != nil {
			_ = st.Close()
			return nil, nil, nil, err
		}
		sh = &sharedStore{st: st, lim: lim}
		stores.m[id] = sh
	}
	sh.refs++
	var once sync.Once
	release := func() error {
		var err error
		once.Do(func() {
			stores.Lock()
			defer stores.Unlock()
			sh.refs--
			if sh.refs == 0 {
				delete(stores.m, id)
				err = errors.Join(sh.st.Close(), sh.lim.Close())
			}
		})
		return err
	}
	return sh.st, sh.lim, release, nil
}
