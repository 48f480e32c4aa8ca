package limiter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// RedisOptions configure a Redis backend.
type RedisOptions struct {
	// URL is redis://[user:password@]host:port[/db] or rediss://… .
	URL string
	// Prefix starts every key (default "llmgw:rl:"). Replicas sharing limits
	// must use the same prefix.
	Prefix string
	// Timeout bounds one call, connecting included (default 250ms).
	Timeout time.Duration
	// ProbeInterval is how often, during an outage, one call is let through
	// to see whether Redis is back; the others fail at once (default 250ms).
	ProbeInterval time.Duration
	// OnDown is called once when an outage starts, with its first error.
	OnDown func(err error)
	// OnUp is called once when Redis answers again, with the outage's length
	// and the number of calls that failed during it.
	OnUp func(outage time.Duration, failed int64)
}

// Redis is the exact sliding log kept in Redis, so every gateway replica
// shares one limit. Each key is a sorted set of events scored by Redis's own
// clock (TIME, read inside the script, so replicas' clocks do not matter);
// token limits keep their running sum in a companion key. A decision over all
// keys is one Lua script, atomic on the server.
//
// A dead Redis never hangs a call: every call is bounded by Timeout, and
// during an outage calls fail at once with ErrUnavailable while one probe per
// ProbeInterval checks whether Redis is back. go-redis reconnects by itself.
type Redis struct {
	client  *redis.Client
	opts    RedisOptions
	addr    string
	replica string
	seq     atomic.Uint64

	down      atomic.Bool
	nextProbe atomic.Int64
	failed    atomic.Int64
	mu        sync.Mutex // orders OnDown/OnUp
	downSince time.Time
}

// quietLogger drops go-redis's own log lines (one per failed dial), so an
// outage is logged once, by OnDown, not once per request.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

var setLoggerOnce sync.Once

// ErrBadURL is returned by NewRedis for a URL it cannot use. Its text never
// contains the URL (which may carry a password).
var ErrBadURL = errors.New("not a valid redis://, rediss:// or unix:// URL")

// NewRedis returns a Redis backend. It does not connect: the first call does.
func NewRedis(o RedisOptions) (*Redis, error) {
	ro, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, ErrBadURL
	}
	if o.Prefix == "" {
		o.Prefix = "llmgw:rl:"
	}
	if o.Timeout <= 0 {
		o.Timeout = 250 * time.Millisecond
	}
	if o.ProbeInterval <= 0 {
		o.ProbeInterval = 250 * time.Millisecond
	}
	setLoggerOnce.Do(func() { redis.SetLogger(quietLogger{}) })
	ro.DialTimeout = o.Timeout
	ro.ReadTimeout = o.Timeout
	ro.WriteTimeout = o.Timeout
	ro.PoolTimeout = o.Timeout
	ro.DialerRetries = 1
	ro.MaxRetries = -1 // a retry would double the time a request waits
	ro.ContextTimeoutEnabled = true
	ro.DisableIdentity = true
	ro.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	var id [8]byte
	_, _ = rand.Read(id[:])
	return &Redis{
		client:  redis.NewClient(ro),
		opts:    o,
		addr:    ro.Addr,
		replica: hex.EncodeToString(id[:]),
	}, nil
}

// Addr returns the server's host:port (never the password).
func (r *Redis) Addr() string { return r.addr }

// DB returns the database number.
func (r *Redis) DB() int { return r.client.Options().DB }

// Ping checks that Redis answers, within the call timeout.
func (r *Redis) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	return r.client.Ping(ctx).Err()
}

// allowScript checks every key and, when all allow, records the request in
// the request-count keys. KEYS come in pairs (sorted set, token-sum key);
// ARGV[1] is a unique member suffix, then per key: limit, window (µs), kind
// (0 requests, 1 tokens), then the lease wanted and its ttl (µs). It answers
// {allowed, granted, then per key: used, reset_us, retry_us}. A lease's
// permits are members "L:<suffix>:<j>" scored now+ttl.
var allowScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nows = string.format('%.0f', now)
local n = #KEYS / 2

local function amount(m)
  return tonumber(string.match(m, '^(%d+):')) or 0
end

-- token_sum trims a token log and returns the sum of what is left, keeping
-- the companion sum key right (it is rebuilt if it went missing).
local function token_sum(z, s, cutoff, window)
  local old = redis.call('ZRANGEBYSCORE', z, '-inf', cutoff)
  if #old > 0 then
    redis.call('ZREMRANGEBYSCORE', z, '-inf', cutoff)
  end
  if redis.call('ZCARD', z) == 0 then
    redis.call('DEL', s)
    return 0
  end
  local v = redis.call('GET', s)
  local sum
  if v and #old == 0 then
    return tonumber(v)
  elseif v then
    sum = tonumber(v)
    for _, m in ipairs(old) do sum = sum - amount(m) end
  end
  if not sum or sum < 0 then
    sum = 0
    for _, m in ipairs(redis.call('ZRANGE', z, 0, -1)) do sum = sum + amount(m) end
  end
  redis.call('SET', s, sum, 'PX', math.ceil(window / 1000) + 1000)
  return sum
end

local used, allowed, retry = {}, 1, {}
for i = 1, n do
  local z, s = KEYS[2*i-1], KEYS[2*i]
  local limit = tonumber(ARGV[3*i-1])
  local window = tonumber(ARGV[3*i])
  local kind = ARGV[3*i+1]
  local cutoff = now - window
  retry[i] = 0
  if kind == '1' then
    used[i] = token_sum(z, s, cutoff, window)
    if used[i] >= limit then
      allowed = 0
      local left = used[i]
      local items = redis.call('ZRANGE', z, 0, -1, 'WITHSCORES')
      for j = 1, #items, 2 do
        left = left - amount(items[j])
        if left < limit then
          retry[i] = tonumber(items[j+1]) + window - now
          break
        end
      end
    end
  else
    redis.call('ZREMRANGEBYSCORE', z, '-inf', cutoff)
    used[i] = redis.call('ZCARD', z)
    if used[i] >= limit then
      allowed = 0
      local e = redis.call('ZRANGE', z, used[i] - limit, used[i] - limit, 'WITHSCORES')
      retry[i] = tonumber(e[2]) + window - now
    end
  end
end

local granted = 0
local want = tonumber(ARGV[3*n+2]) or 0
local ttl = tonumber(ARGV[3*n+3]) or 0
if allowed == 1 and want > 0 then
  granted = want
  for i = 1, n do
    if ARGV[3*i+1] ~= '0' then granted = 0 break end
    local share = math.floor((tonumber(ARGV[3*i-1]) - used[i] - 1) / 2)
    if share < granted then granted = share end
  end
  if granted < 0 then granted = 0 end
end
local at = string.format('%.0f', now + ttl)

local out = {allowed, granted}
for i = 1, n do
  local z = KEYS[2*i-1]
  local window = tonumber(ARGV[3*i])
  if allowed == 1 and ARGV[3*i+1] == '0' then
    redis.call('ZADD', z, nows, nows .. ':' .. ARGV[1])
    if granted > 0 then
      local zargs = {}
      for j = 1, granted do
        zargs[2*j-1] = at
        zargs[2*j] = 'L:' .. ARGV[1] .. ':' .. j
      end
      redis.call('ZADD', z, unpack(zargs))
    end
    redis.call('PEXPIRE', z, math.ceil((window + ttl) / 1000) + 1000)
    used[i] = used[i] + 1 + granted
  end
  local reset = 0
  local first = redis.call('ZRANGE', z, 0, 0, 'WITHSCORES')
  if #first == 2 then reset = tonumber(first[2]) + window - now end
  out[#out+1] = used[i]
  out[#out+1] = reset
  out[#out+1] = retry[i]
end
return out
`)

// releaseScript removes ARGV[2] of the lease ARGV[1]'s permits from every
// request log (KEYS in pairs as for allowScript; token keys are skipped by
// the caller).
var releaseScript = redis.NewScript(`
local members = {}
for j = 1, tonumber(ARGV[2]) do
  members[j] = 'L:' .. ARGV[1] .. ':' .. j
end
for i = 1, #KEYS / 2 do
  redis.call('ZREM', KEYS[2*i-1], unpack(members))
end
return 1
`)

// chargeScript records ARGV[2] tokens in every token log. KEYS come in pairs
// as for allowScript; ARGV[1] is a unique member suffix, then one window (µs)
// per pair.
var chargeScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nows = string.format('%.0f', now)
local amount = tonumber(ARGV[2])
for i = 1, #KEYS / 2 do
  local z, s = KEYS[2*i-1], KEYS[2*i]
  local window = tonumber(ARGV[2+i])
  local cutoff = now - window
  local old = redis.call('ZRANGEBYSCORE', z, '-inf', cutoff)
  local sum = nil
  if redis.call('EXISTS', s) == 1 then
    sum = tonumber(redis.call('GET', s))
    for _, m in ipairs(old) do sum = sum - (tonumber(string.match(m, '^(%d+):')) or 0) end
  end
  if #old > 0 then redis.call('ZREMRANGEBYSCORE', z, '-inf', cutoff) end
  if not sum or sum < 0 then
    sum = 0
    for _, m in ipairs(redis.call('ZRANGE', z, 0, -1)) do
      sum = sum + (tonumber(string.match(m, '^(%d+):')) or 0)
    end
  end
  redis.call('ZADD', z, nows, string.format('%d', amount) .. ':' .. nows .. ':' .. ARGV[1])
  local ttl = math.ceil(window / 1000) + 1000
  redis.call('PEXPIRE', z, ttl)
  redis.call('SET', s, sum + amount, 'PX', ttl)
end
return 1
`)

func (r *Redis) keys(checks []Check) []string {
	keys := make([]string, 0, 2*len(checks))
	for _, c := range checks {
		keys = append(keys, r.opts.Prefix+"z:"+c.Key, r.opts.Prefix+"s:"+c.Key)
	}
	return keys
}

func (r *Redis) member() string {
	return r.replica + "-" + strconv.FormatUint(r.seq.Add(1), 36)
}

// Allow implements Backend.
func (r *Redis) Allow(ctx context.Context, checks []Check, results []Result) (bool, error) {
	ok, _, err := r.Grant(ctx, checks, results, 0, 0)
	return ok, err
}

// Grant implements Backend. The lease's permits are scored by Redis's clock
// plus ttl, so replicas' clocks do not matter here either.
func (r *Redis) Grant(ctx context.Context, checks []Check, results []Result, want int64, ttl time.Duration) (bool, Lease, error) {
	if err := r.admit(); err != nil {
		return false, Lease{}, err
	}
	member := r.member()
	args := make([]any, 0, 3+3*len(checks))
	args = append(args, member)
	for _, c := range checks {
		kind := "0"
		if c.Kind == Tokens {
			kind = "1"
		}
		args = append(args, c.Limit, c.Window.Microseconds(), kind)
	}
	args = append(args, want, ttl.Microseconds())
	out, err := r.run(ctx, allowScript, r.keys(checks), args)
	if err != nil {
		return false, Lease{}, err
	}
	vals, ok := out.([]any)
	if !ok || len(vals) != 2+3*len(checks) {
		return false, Lease{}, fmt.Errorf("%w: unexpected script answer", ErrUnavailable)
	}
	allowed := toInt(vals[0]) == 1
	var lease Lease
	if n := toInt(vals[1]); n > 0 {
		lease = Lease{Permits: n, Ref: member}
	}
	for i := range checks {
		used := toInt(vals[2+3*i])
		retry := time.Duration(toInt(vals[4+3*i])) * time.Microsecond
		results[i] = Result{
			Allowed:    retry <= 0,
			Used:       used,
			ResetAfter: time.Duration(toInt(vals[3+3*i])) * time.Microsecond,
			RetryAfter: retry,
		}
	}
	return allowed, lease, nil
}

// Release implements Backend.
func (r *Redis) Release(ctx context.Context, checks []Check, lease Lease, unused int64) error {
	if unused <= 0 || lease.Ref == "" {
		return nil
	}
	var reqs []Check
	for _, c := range checks {
		if c.Kind == Requests {
			reqs = append(reqs, c)
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	if err := r.admit(); err != nil {
		return err
	}
	_, err := r.run(ctx, releaseScript, r.keys(reqs), []any{lease.Ref, unused})
	return err
}

// Charge implements Backend.
func (r *Redis) Charge(ctx context.Context, checks []Check, amount int64) error {
	if amount <= 0 || len(checks) == 0 {
		return nil
	}
	if err := r.admit(); err != nil {
		return err
	}
	args := make([]any, 0, 2+len(checks))
	args = append(args, r.member(), amount)
	for _, c := range checks {
		args = append(args, c.Window.Microseconds())
	}
	_, err := r.run(ctx, chargeScript, r.keys(checks), args)
	return err
}

// Close implements Backend.
func (r *Redis) Close() error { return r.client.Close() }

// admit fails at once during an outage, except for one probe per
// ProbeInterval.
func (r *Redis) admit() error {
	if !r.down.Load() {
		return nil
	}
	now := time.Now().UnixNano()
	next := r.nextProbe.Load()
	if now >= next && r.nextProbe.CompareAndSwap(next, now+int64(r.opts.ProbeInterval)) {
		return nil
	}
	r.failed.Add(1)
	return fmt.Errorf("%w: redis at %s is down", ErrUnavailable, r.addr)
}

func (r *Redis) run(ctx context.Context, s *redis.Script, keys []string, args []any) (any, error) {
	cctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	out, err := s.Run(cctx, r.client, keys, args...).Result()
	if err != nil {
		if ctx.Err() != nil {
			// The caller gave up; that says nothing about Redis.
			return nil, ctx.Err()
		}
		r.markDown(err)
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	r.markUp()
	return out, nil
}

func (r *Redis) markDown(err error) {
	r.failed.Add(1)
	if r.down.Load() {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down.Load() {
		return
	}
	r.downSince = time.Now()
	r.failed.Store(1)
	r.nextProbe.Store(time.Now().Add(r.opts.ProbeInterval).UnixNano())
	r.down.Store(true)
	if r.opts.OnDown != nil {
		r.opts.OnDown(err)
	}
}

func (r *Redis) markUp() {
	if !r.down.Load() {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.down.Load() {
		return
	}
	r.down.Store(false)
	if r.opts.OnUp != nil {
		r.opts.OnUp(time.Since(r.downSince), r.failed.Load())
	}
}

// Down reports whether the backend is in an outage.
func (r *Redis) Down() bool { return r.down.Load() }

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}
