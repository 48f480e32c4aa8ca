package guard

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"unsafe"

	"github.com/llmgw/llmgw/plugins/guard-injection/detect"
)

// A chat client sends the whole conversation with every turn: a coding agent's
// session re-sends every earlier tool result (files, logs, pages) each time
// it calls the model, so scanning every message of every request costs the
// guard time that grows with the session — tens of milliseconds per turn
// once the history holds a few hundred kilobytes. The scan cache remembers
// the verdicts of the long texts it has scanned, so a turn costs the scan of
// what is new in it.
//
// The key is the SHA-256 of the text as scanned (after strip_patterns) and
// how it was scanned (as a prompt or as a tool result): the detector is
// deterministic, so the same text scanned the same way gets the same verdict,
// and a client cannot make a text of its own take another text's verdict
// without finding a SHA-256 collision. Thresholds, mode and the allow-list
// are applied to the cached verdict as to a fresh one, after the look-up. A
// client filling the cache with texts of its own only evicts other entries
// (they are scanned again): no verdict is ever served for a text that was
// not scanned. The cache lives in the stage instance, so a reload (a new
// configuration, a new detector) starts empty.

// DefaultScanCacheEntries is the scan cache's default size, in verdicts.
const DefaultScanCacheEntries = 4096

// minCachedBytes is the shortest text the cache keeps: a one-line prompt
// scans in about ten microseconds, and every new one would push an entry
// out. (On BenchmarkAgentSession's 100-turn session, whose requests are
// about 50 bytes, caching everything from 32 bytes cut a turn from 2.35 to
// 1.50 ms; the scan of the turn's new tool result is the rest.)
const minCachedBytes = 128

type cacheKey struct {
	sum      [sha256.Size]byte
	document bool
}

type cacheEntry struct {
	key cacheKey
	v   detect.Verdict
}

// scanCache is a least-recently-used map of verdicts, safe for concurrent use.
type scanCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cacheEntry, most recently used first
	byKey map[cacheKey]*list.Element
}

func newScanCache(entries int) *scanCache {
	if entries <= 0 {
		return nil
	}
	return &scanCache{max: entries, order: list.New(), byKey: make(map[cacheKey]*list.Element, entries)}
}

// verdict returns the verdict of text scanned as a tool result (document) or
// as a prompt, from the cache or from scan (and then kept), whether it came
// from the cache, and ok false when scan stopped before its verdict (then
// nothing is kept). A nil cache always scans.
func (c *scanCache) verdict(text string, document bool, scan func(string) (detect.Verdict, bool)) (v detect.Verdict, hit, ok bool) {
	if c == nil || len(text) < minCachedBytes {
		v, ok = scan(text)
		return v, false, ok
	}
	// Hashed in place: a copy of a long conversation's every message on
	// every turn was most of what a cached verdict cost.
	k := cacheKey{sum: sha256.Sum256(unsafe.Slice(unsafe.StringData(text), len(text))), document: document}
	c.mu.Lock()
	if e, ok := c.byKey[k]; ok {
		c.order.MoveToFront(e)
		v := e.Value.(*cacheEntry).v
		c.mu.Unlock()
		return v, true, true
	}
	c.mu.Unlock()
	v, ok = scan(text) // outside the lock: scans of different texts run in parallel
	if !ok {
		return v, false, false // stopped: no verdict to remember
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[k]; !ok {
		c.byKey[k] = c.order.PushFront(&cacheEntry{key: k, v: v})
		if c.order.Len() > c.max {
			last := c.order.Back()
			c.order.Remove(last)
			delete(c.byKey, last.Value.(*cacheEntry).key)
		}
	}
	return v, false, true
}
