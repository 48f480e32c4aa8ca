package vkeys

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisStore keeps keys and spend in Redis, shared by every replica. Key
// lookups on the request path are cached for cacheTTL (< 1 s), so a key
// revoked through any replica is refused by all within that time.
type redisStore struct {
	rdb      *redis.Client
	prefix   string
	cacheTTL time.Duration

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	key *Key // nil: no such key
	at  time.Time
}

func openRedisStore(url, prefix string, timeout, cacheTTL time.Duration) (*redisStore, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, errors.New("redis_url: " + redactURLError(err))
	}
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = timeout, timeout, timeout
	return &redisStore{rdb: redis.NewClient(o), prefix: prefix, cacheTTL: cacheTTL, cache: map[string]cached{}}, nil
}

// redactURLError keeps a password in the URL out of the message.
func redactURLError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "redis://"); i >= 0 {
		return msg[:i] + "(url redacted)"
	}
	return msg
}

func (s *redisStore) k(parts ...string) string { return s.prefix + strings.Join(parts, ":") }

func (s *redisStore) Create(ctx context.Context, k *Key) error {
	b, err := json.Marshal(k)
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.k("key", k.ID), b, 0)
		p.Set(ctx, s.k("hash", k.Hash), k.ID, 0)
		p.SAdd(ctx, s.k("ids"), k.ID)
		return nil
	})
	return err
}

func (s *redisStore) Get(ctx context.Context, id string) (*Key, error) {
	b, err := s.rdb.Get(ctx, s.k("key", id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var k Key
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

func (s *redisStore) List(ctx context.Context) ([]*Key, error) {
	ids, err := s.rdb.SMembers(ctx, s.k("ids")).Result()
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	out := make([]*Key, 0, len(ids))
	for _, id := range ids {
		k, err := s.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func (s *redisStore) Revoke(ctx context.Context, id string, at time.Time) error {
	_, err := s.Update(ctx, id, func(k *Key) error {
		if k.RevokedAt == nil {
			k.RevokedAt = &at
		}
		return nil
	})
	return err
}

// Update changes the key in a WATCH transaction: a change made meanwhile
// (another admin, another replica) makes it read the key again and retry.
func (s *redisStore) Update(ctx context.Context, id string, change func(*Key) error) (*Key, error) {
	var out *Key
	var oldHash string
	update := func(tx *redis.Tx) error {
		b, err := tx.Get(ctx, s.k("key", id)).Bytes()
		if errors.Is(err, redis.Nil) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var k Key
		if err := json.Unmarshal(b, &k); err != nil {
			return err
		}
		oldHash = k.Hash
		if err := change(&k); err != nil {
			return err
		}
		nb, err := json.Marshal(&k)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, s.k("key", id), nb, 0)
			if k.Hash != oldHash {
				// The old hash's entry stays: it finds the key (see
				// Key.Retired).
				p.Set(ctx, s.k("hash", k.Hash), id, 0)
			}
			return nil
		})
		out = &k
		return err
	}
	// Each round of contention lets at least one change through; the
	// jittered pause spreads the losers out.
	var err error
	for range 100 {
		if err = s.rdb.Watch(ctx, update, s.k("key", id)); !errors.Is(err, redis.TxFailedErr) {
			break
		}
		time.Sleep(time.Duration(1+rand.IntN(2000)) * time.Microsecond)
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	delete(s.cache, oldHash)
	delete(s.cache, out.Hash)
	s.mu.Unlock()
	return out, nil
}

func (s *redisStore) ByHash(ctx context.Context, hash string) (*Key, error) {
	s.mu.Lock()
	c, ok := s.cache[hash]
	s.mu.Unlock()
	if ok && time.Since(c.at) < s.cacheTTL {
		return c.key, nil
	}
	id, err := s.rdb.Get(ctx, s.k("hash", hash)).Result()
	var k *Key
	switch {
	case errors.Is(err, redis.Nil):
		// Unknown keys are not cached: a guesser must not fill the cache.
		return nil, nil
	case err != nil:
		return nil, err
	}
	if k, err = s.Get(ctx, id); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	s.mu.Lock()
	if len(s.cache) > 100_000 {
		clear(s.cache)
	}
	s.cache[hash] = cached{key: k, at: time.Now()}
	s.mu.Unlock()
	return k, nil
}

// reserveScript: drop expired reservations, then admit the new one only if
// spend + live reservations + amount ≤ budget. Redis's own clock decides
// expiry, so replicas' clocks do not matter.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, r in ipairs(gone) do redis.call('HDEL', KEYS[2], r) end
if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now) end
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local live = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do live = live + tonumber(v) end
local amount, budget, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if spent + live + amount > budget then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return 1
`)

// settleScript: drop the reservation and add the real cost; a day or
// month window's spend expires at ARGV[3] (ms; 0: never). The cost is added
// only when the reservation was still there, so a settle retried after one
// that took (the plugin died before it answered, and the host sent the
// After again to its new process) charges nothing twice. Reservations live
// in Redis, so a restarted plugin still finds the ones it made; one settled
// after reservation_ttl (longer than any request) has expired and is not
// charged.
var settleScript = redis.NewScript(`
local had = redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local c = tonumber(ARGV[2])
if c > 0 and had == 1 then redis.call('INCRBY', KEYS[1], c) end
local e = tonumber(ARGV[3])
if e > 0 and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIREAT', KEYS[1], e) end
return 1
`)

// spentExpiry is when a window's spend may go (Unix ms; 0 for the total):
// one period after a day or month window ended, when nothing reads it.
func spentExpiry(window string) int64 {
	end, ok := windowEnd(window)
	switch {
	case !ok:
		return 0
	case strings.HasPrefix(window, "d:"):
		return end.AddDate(0, 0, 1).UnixMilli()
	}
	return end.AddDate(0, 1, 0).UnixMilli()
}

func (s *redisStore) budgetKeys(keyID, window string) []string {
	return []string{s.k("spent", keyID, window), s.k("res", keyID, window), s.k("resexp", keyID, window)}
}

func (s *redisStore) Reserve(ctx context.Context, keyID, window, rid string, amount, budget int64, ttl time.Duration) (bool, error) {
	n, err := reserveScript.Run(ctx, s.rdb, s.budgetKeys(keyID, window), rid, amount, budget, ttl.Milliseconds()).Int()
	return n == 1, err
}

func (s *redisStore) Settle(ctx context.Context, keyID, window, rid string, cost int64) error {
	return settleScript.Run(ctx, s.rdb, s.budgetKeys(keyID, window), rid, cost, spentExpiry(window)).Err()
}

func (s *redisStore) Spent(ctx context.Context, keyID, window string) (int64, error) {
	n, err := s.rdb.Get(ctx, s.k("spent", keyID, window)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

func (s *redisStore) MarkOnce(ctx context.Context, keyID, window, event string) (bool, error) {
	args := redis.SetArgs{Mode: "NX"}
	if e := spentExpiry(window); e > 0 {
		args.ExpireAt = time.UnixMilli(e)
	}
	_, err := s.rdb.SetArgs(ctx, s.k("mark", keyID, window, event), 1, args).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil // set before
	}
	return err == nil, err
}

func (s *redisStore) Close() error { return s.rdb.Close() }
