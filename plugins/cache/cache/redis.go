package cache

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// redisStore keeps the answers in Redis (SET with the TTL as PX), so every
// replica serves what any of them stored. Redis's own maxmemory policy
// bounds its size (allkeys-lru or volatile-lru evicts the oldest answers).
type redisStore struct {
	client  *redis.Client
	prefix  string
	timeout time.Duration
	ttl     time.Duration
}

// errBadRedisURL never contains the URL (which may carry a password).
var errBadRedisURL = errors.New("not a valid redis://, rediss:// or unix:// URL")

func newRedisStore(url, prefix string, timeout, ttl time.Duration) (*redisStore, error) {
	ro, err := redis.ParseURL(url)
	if err != nil {
		return nil, errBadRedisURL
	}
	ro.DialTimeout, ro.ReadTimeout, ro.WriteTimeout, ro.PoolTimeout = timeout, timeout, timeout, timeout
	ro.MaxRetries = -1 // a retry would double what a request waits
	ro.ContextTimeoutEnabled = true
	ro.DisableIdentity = true
	ro.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	return &redisStore{client: redis.NewClient(ro), prefix: prefix, timeout: timeout, ttl: ttl}, nil
}

func (r *redisStore) get(ctx context.Context, key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	b, err := r.client.Get(ctx, r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return b, err
}

func (r *redisStore) put(ctx context.Context, key string, val []byte) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	return r.client.Set(ctx, r.prefix+key, val, r.ttl).Err()
}

func (r *redisStore) addr() string { return r.client.Options().Addr }

func (r *redisStore) close() error { return r.client.Close() }
