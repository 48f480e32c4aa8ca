package ratelimit

import (
	"strconv"
	"sync"

	"github.com/llmgw/llmgw/plugins/ratelimit/limiter"
)

// memories keeps one in-memory backend per instance name (and max_keys) for
// as long as some generation of that instance is configured, so a pipeline
// reload — the host configures name@N+1, then closes name@N — keeps every
// client's history instead of handing everyone a fresh window. Rules are
// keyed by name, so a renamed rule starts afresh and a changed limit or
// window applies to the kept history at once.
var memories = struct {
	sync.Mutex
	m map[string]*sharedMemory
}{m: map[string]*sharedMemory{}}

type sharedMemory struct {
	mem  *limiter.Memory
	refs int
}

// acquireMemory returns the shared backend for an instance and a function
// that releases it (the last release closes it).
func acquireMemory(name string, maxKeys int) (*limiter.Memory, func() error) {
	key := name + "\x00" + strconv.Itoa(maxKeys)
	memories.Lock()
	defer memories.Unlock()
	sm := memories.m[key]
	if sm == nil {
		sm = &sharedMemory{mem: limiter.NewMemory(limiter.MemoryOptions{MaxKeys: maxKeys})}
		memories.m[key] = sm
	}
	sm.refs++
	var once sync.Once
	release := func() error {
		var err error
		once.Do(func() {
			memories.Lock()
			defer memories.Unlock()
			sm.refs--
			if sm.refs == 0 {
				delete(memories.m, key)
				err = sm.mem.Close()
			}
		})
		return err
	}
	return sm.mem, release
}
