package pipeline

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Stats is the dashboard's memory of the traffic: one slot per second for
// the last hour and a ring of the last requests. Recording is a handful of
// atomic adds and one pointer store, so the request path pays no lock
// (a slot's mutex is taken once per second, by the first request of that
// second, to clear what the slot held an hour ago).
type Stats struct {
	slots  [statsSeconds]statSlot
	codes  labelTable
	cats   labelTable
	recent [RecentSize]atomic.Pointer[RecentRequest]
	nextID atomic.Uint64
	// started is when the counting began (the gateway's start): no
	// request is older.
	started time.Time
}

const (
	// statsSeconds is how far back the traffic is kept, one slot a second.
	statsSeconds = 3600
	// RecentSize is how many finished requests the dashboard can list.
	RecentSize = 500
	// latBuckets latency buckets, each √2 wider than the last from 50 µs:
	// the top one starts near 14 minutes, and a percentile read from them
	// is within about 19 % of the truth.
	latBuckets = 48
	latBase    = 50 * time.Microsecond
	// maxLabels bounds the error codes and block categories told apart (they
	// come from plugins); later ones count as "other".
	maxLabels = 16
	// maxModelChars bounds the client's model name kept in the recent list.
	maxModelChars = 100
)

// statSlot is one second of traffic.
type statSlot struct {
	sec atomic.Int64
	// mu serialises clearing the slot for a new second.
	mu                  sync.Mutex
	requests, fallbacks atomic.Int64
	errors, blocked     atomic.Int64
	// answered counts requests a stage answered itself (cache hits).
	answered   atomic.Int64
	costNanos  atomic.Int64
	lat        [latBuckets]atomic.Int64
	byCode     [maxLabels + 1]atomic.Int64
	byCategory [maxLabels + 1]atomic.Int64
}

// RecentRequest is one finished request as the dashboard lists it: what was
// asked and what happened, never the prompt or the answer.
type RecentRequest struct {
	Time time.Time `json:"time"`
	// RequestID is the X-Request-ID; EventID the trackers' event id (empty
	// when the pipeline has no tracker).
	RequestID string `json:"request_id"`
	EventID   string `json:"event_id,omitempty"`
	Route     string `json:"route"`
	KeyID     string `json:"key_id,omitempty"`
	Model     string `json:"model"`
	ModelUsed string `json:"model_used,omitempty"`
	Provider  string `json:"provider,omitempty"`
	// AnsweredBy is the stage that answered the request itself (a cache
	// hit), empty when a provider did.
	AnsweredBy string  `json:"answered_by,omitempty"`
	Attempts   int     `json:"attempts"`
	Stream     bool    `json:"stream"`
	Status     int     `json:"status"`
	Code       string  `json:"code,omitempty"`
	Category   string  `json:"category,omitempty"`
	LatencyMS  float64 `json:"latency_ms"`
	// CostUSD is null when the answer's cost is unknown.
	CostUSD *float64 `json:"cost_usd"`
}

func newStats() *Stats { return &Stats{started: time.Now()} }

// record adds a finished request; it is called once per request, on the
// request path.
func (s *Stats) record(r *RecentRequest, d time.Duration, fallback bool, costNanos int64) {
	now := r.Time.Unix()
	slot := &s.slots[now%statsSeconds]
	if slot.sec.Load() != now {
		slot.reset(now)
	}
	slot.requests.Add(1)
	slot.lat[latBucket(d)].Add(1)
	if fallback {
		slot.fallbacks.Add(1)
	}
	if r.AnsweredBy != "" {
		slot.answered.Add(1)
	}
	if costNanos > 0 {
		slot.costNanos.Add(costNanos)
	}
	if r.Status >= 400 {
		slot.errors.Add(1)
		slot.byCode[s.codes.index(r.Code)].Add(1)
	}
	if r.Category != "" {
		slot.blocked.Add(1)
		slot.byCategory[s.cats.index(r.Category)].Add(1)
	}
	s.recent[(s.nextID.Add(1)-1)%RecentSize].Store(r)
}

// reset clears the slot for second sec (it last held sec-statsSeconds).
func (sl *statSlot) reset(sec int64) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.sec.Load() == sec {
		return
	}
	sl.requests.Store(0)
	sl.fallbacks.Store(0)
	sl.errors.Store(0)
	sl.blocked.Store(0)
	sl.answered.Store(0)
	sl.costNanos.Store(0)
	for i := range sl.lat {
		sl.lat[i].Store(0)
	}
	for i := range sl.byCode {
		sl.byCode[i].Store(0)
		sl.byCategory[i].Store(0)
	}
	// Published last: a request that sees this second finds a clean slot.
	sl.sec.Store(sec)
}

// latBucket is the latency bucket of d: bucket i holds [base·√2^(i-1), base·√2^i).
func latBucket(d time.Duration) int {
	if d < latBase {
		return 0
	}
	i := int(2*math.Log2(float64(d)/float64(latBase))) + 1
	return min(i, latBuckets-1)
}

// latUpper is the upper bound of bucket i, in milliseconds.
func latUpper(i int) float64 {
	return float64(latBase) / 1e6 * math.Pow(math.Sqrt2, float64(i))
}

// labelTable gives up to maxLabels names a fixed index; a name's first
// sighting takes the lock, later ones only read.
type labelTable struct {
	mu    sync.Mutex
	names atomic.Pointer[[]string]
}

func (t *labelTable) index(name string) int {
	if p := t.names.Load(); p != nil {
		if i := slices.Index(*p, name); i >= 0 {
			return i
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var names []string
	if p := t.names.Load(); p != nil {
		names = *p
	}
	if i := slices.Index(names, name); i >= 0 {
		return i
	}
	if len(names) >= maxLabels {
		return maxLabels
	}
	grown := append(slices.Clip(names), name)
	t.names.Store(&grown)
	return len(grown) - 1
}

// name is the label at index i ("other" past the table).
func (t *labelTable) name(i int) string {
	if p := t.names.Load(); p != nil && i < len(*p) {
		return (*p)[i]
	}
	return "other"
}

// Series is the traffic over a window, one point per step, oldest first.
type Series struct {
	Step int64 `json:"step_s"`
	// Time is each point's start (Unix seconds).
	Time     []int64    `json:"t"`
	Requests []float64  `json:"rps"`
	P50      []*float64 `json:"p50_ms"`
	P99      []*float64 `json:"p99_ms"`
	Errors   []float64  `json:"errors"`
	Fallback []float64  `json:"fallbacks"`
	Blocked  []float64  `json:"blocked"`
	// Answered counts the requests a stage answered itself (cache hits).
	Answered []float64 `json:"answered"`
	// CostPerMin is USD per minute over each point.
	CostPerMin []float64 `json:"cost_per_min"`
	// Totals over the whole window.
	Total       int64            `json:"total"`
	AnsweredAll int64            `json:"answered_total"`
	ErrorCodes  map[string]int64 `json:"errors_by_code"`
	Categories  map[string]int64 `json:"blocked_by_category"`
	CostUSD     float64          `json:"cost_usd"`
	P50All      *float64         `json:"p50_all_ms"`
	P99All      *float64         `json:"p99_all_ms"`
}

// point is the sum of some seconds.
type point struct {
	requests, fallbacks, errors, blocked, answered, cost int64
	lat                                                  [latBuckets]int64
	byCode, byCategory                                   [maxLabels + 1]int64
}

func (p *point) add(q *point) {
	p.requests += q.requests
	p.fallbacks += q.fallbacks
	p.errors += q.errors
	p.blocked += q.blocked
	p.answered += q.answered
	p.cost += q.cost
	for i := range p.lat {
		p.lat[i] += q.lat[i]
	}
	for i := range p.byCode {
		p.byCode[i] += q.byCode[i]
		p.byCategory[i] += q.byCategory[i]
	}
}

// second reads one second's slot (zero when it holds another second).
func (s *Stats) second(sec int64, p *point) {
	sl := &s.slots[sec%statsSeconds]
	if sl.sec.Load() != sec {
		return
	}
	p.requests += sl.requests.Load()
	p.fallbacks += sl.fallbacks.Load()
	p.errors += sl.errors.Load()
	p.blocked += sl.blocked.Load()
	p.answered += sl.answered.Load()
	p.cost += sl.costNanos.Load()
	for i := range sl.lat {
		p.lat[i] += sl.lat[i].Load()
	}
	for i := range sl.byCode {
		p.byCode[i] += sl.byCode[i].Load()
		p.byCategory[i] += sl.byCategory[i].Load()
	}
}

// percentile reads the q-quantile of a latency histogram (nil when empty).
func percentile(lat *[latBuckets]int64, q float64) *float64 {
	var n int64
	for _, c := range lat {
		n += c
	}
	if n == 0 {
		return nil
	}
	rank := int64(math.Ceil(q * float64(n)))
	var seen int64
	for i, c := range lat {
		seen += c
		if seen >= rank {
			v := math.Round(latUpper(i)*1000) / 1000
			return &v
		}
	}
	return nil
}

// Series returns the last `points` steps of `step` seconds up to now (the
// current, unfinished second excluded), without the points that ended
// before the counting started (a young gateway's charts would be mostly
// empty time); at least two points are kept.
//
// The start is cut here, against the start's own time, not by the page
// from its now and a whole-second uptime: that estimate can be up to a
// second late, and the point of the gateway's first second, with the
// requests sent in it, was then left out at every poll whose phase fell
// in that second's late part.
func (s *Stats) Series(now time.Time, points int, step int64) Series {
	points = max(1, min(points, statsSeconds))
	step = max(1, min(step, statsSeconds/int64(points)))
	end := now.Unix() // exclusive: the current second is still filling
	first := end - int64(points)*step
	out := Series{Step: step, ErrorCodes: map[string]int64{}, Categories: map[string]int64{}}
	var all point
	// Point k ends at first+(k+1)·step, a whole second: it ended before the
	// start when that is at most the start's second.
	skip := 0
	for skip < points-2 && first+int64(skip+1)*step <= s.started.Unix() {
		skip++
	}
	for k := skip; k < points; k++ {
		var p point
		from := first + int64(k)*step
		for sec := from; sec < from+step; sec++ {
			s.second(sec, &p)
		}
		all.add(&p)
		sec := float64(step)
		out.Time = append(out.Time, from)
		out.Requests = append(out.Requests, float64(p.requests)/sec)
		out.P50 = append(out.P50, percentile(&p.lat, 0.50))
		out.P99 = append(out.P99, percentile(&p.lat, 0.99))
		out.Errors = append(out.Errors, float64(p.errors))
		out.Fallback = append(out.Fallback, float64(p.fallbacks))
		out.Blocked = append(out.Blocked, float64(p.blocked))
		out.Answered = append(out.Answered, float64(p.answered))
		out.CostPerMin = append(out.CostPerMin, float64(p.cost)/1e9*60/sec)
	}
	out.Total, out.AnsweredAll, out.CostUSD = all.requests, all.answered, float64(all.cost)/1e9
	out.P50All, out.P99All = percentile(&all.lat, 0.50), percentile(&all.lat, 0.99)
	for i, c := range all.byCode {
		if c > 0 {
			out.ErrorCodes[s.codes.name(i)] += c
		}
	}
	for i, c := range all.byCategory {
		if c > 0 {
			out.Categories[s.cats.name(i)] += c
		}
	}
	return out
}

// Recent returns up to n finished requests, newest first.
func (s *Stats) Recent(n int) []*RecentRequest {
	n = max(0, min(n, RecentSize))
	out := make([]*RecentRequest, 0, n)
	last := s.nextID.Load()
	for i := uint64(0); i < uint64(n) && i < last; i++ {
		if r := s.recent[(last-1-i)%RecentSize].Load(); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// recentOf is the dashboard's line for a finished request.
func recentOf(req *Request, tr *Trace, res *Result, err *Error, end time.Time, eventID string) *RecentRequest {
	r := &RecentRequest{
		Time:       end,
		RequestID:  req.ID,
		EventID:    eventID,
		Route:      req.Route,
		KeyID:      tr.Annotations["key.id"],
		Model:      clip(req.model(), maxModelChars),
		AnsweredBy: tr.AnsweredBy,
		Attempts:   len(tr.Attempts),
		Stream:     req.Chat.GetStream(),
		Status:     200,
		LatencyMS:  math.Round(float64(end.Sub(req.Start))/1e3) / 1e3,
	}
	if res != nil {
		r.ModelUsed, r.Provider = res.ModelUsed, res.Provider
		if res.CostKnown {
			usd := float64(res.CostNanos) / 1e9
			r.CostUSD = &usd
		}
	}
	if err != nil {
		r.Status, r.Code, r.Category = err.Status, err.Code, err.Category
	}
	return r
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// costNanos is what a priced answer cost (0 for none or unknown).
func (r *Result) costNanos() int64 {
	if r == nil || !r.CostKnown {
		return 0
	}
	return r.CostNanos
}

// Stats returns the dashboard's traffic memory.
func (rt *Runtime) Stats() *Stats { return rt.stats }
