package ratelimit

import (
	"context"
	"errors"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/ratelimit/limiter"
)

// Quota leases (README, "Quota leases"): with only request rules, an
// admitted request may also get the host a few more permits, recorded in
// every applicable rule's window at the lease's end, so the host admits the
// next requests with the same key fields itself and the limit stays exact.

// leaseKeys are the request fields this instance's keys are made of, as
// capabilities, or nil when it grants no leases: leases are off, or a token
// rule needs every request's call (its usage is charged after the answer).
func (s *Stage) leaseKeys() []string {
	if !s.cfg.lease || s.hasTokens {
		return nil
	}
	var fields []string
	add := func(f string) {
		for _, g := range fields {
			if g == f {
				return
			}
		}
		fields = append(fields, f)
	}
	for _, r := range s.cfg.rules {
		switch r.key {
		case keyIP:
			add(sdk.LeaseKeyClientIP)
			if len(s.cfg.trusted) > 0 {
				// Client believes these from a trusted proxy.
				add(sdk.LeaseKeyHeaderPrefix + "forwarded")
				add(sdk.LeaseKeyHeaderPrefix + "x-forwarded-for")
			}
		case keyAPIKey:
			// Counted by sdk.KeyIdentity: the virtual key's id, else the hash.
			add(sdk.LeaseKeyAPIKeyHash)
			add(sdk.LeaseKeyAnnotationPrefix + sdk.AnnotationKeyID)
		case keyHeader:
			add(sdk.LeaseKeyHeaderPrefix + r.header)
		case keyModel:
			add(sdk.LeaseKeyModel)
		case keyUser:
			add(sdk.LeaseKeyAPIKeyHash)
			add(sdk.LeaseKeyAnnotationPrefix + sdk.AnnotationKeyID)
			add(sdk.LeaseKeyEndUser)
		}
	}
	caps := []string{sdk.CapStageLease}
	for _, f := range fields {
		caps = append(caps, sdk.LeaseKeyCap(f))
	}
	return caps
}

// leaseWant is how many permits beyond the request a lease may hold for
// these rules (lease_percent of the smallest limit, the request included,
// and at most lease_max)
// and for how long (lease_ttl, at most a tenth of the shortest window, in
// whole milliseconds as the host counts it); 0 when a lease would not pay
// or the host does not serve leases.
func (s *Stage) leaseWant(req *sdk.StageRequest, rules []*rule) (int64, time.Duration) {
	if !s.leasing || !req.GetAcceptsLease() {
		return 0, 0
	}
	want, ttl := int64(-1), s.cfg.leaseTTL
	for _, r := range rules {
		n := r.limit*s.cfg.leasePercent/100 - 1
		if want < 0 || n < want {
			want = n
		}
		ttl = min(ttl, r.window/10)
	}
	want = min(want, s.cfg.leaseMax)
	ttl = ttl.Truncate(time.Millisecond)
	if want < 1 || ttl <= 0 {
		return 0, 0
	}
	return want, ttl
}

// leaseResponse adds the lease to an admitting answer: the headers the host
// sets on each request it admits from it follow the same rule (best) as this
// answer's, with remaining counting the lease's unused permits as left.
func leaseResponse(resp *sdk.StageResponse, lease limiter.Lease, ttl time.Duration, checks []limiter.Check, best *rule, res limiter.Result) {
	base := max(0, best.limit-res.Used)
	reset := ceilSeconds(res.ResetAfter)
	resp.ResponseHeaders = headers(best.limitStr, base+lease.Permits, reset)
	resp.Lease = &sdk.StageLease{
		Id:              leaseID(lease.Ref, checks),
		Permits:         lease.Permits,
		TtlMs:           ttl.Milliseconds(),
		ResponseHeaders: map[string]string{HeaderLimit: best.limitStr},
		RemainingHeader: HeaderRemaining,
		RemainingBase:   base,
		ResetHeader:     HeaderReset,
		ResetMs:         res.ResetAfter.Milliseconds(),
	}
}

// A lease id carries what Release needs — the backend's reference and the
// keys — so the stage keeps no table of leases. Keys are printable ASCII
// without spaces (keyPart), so a newline separates them.
const leaseSep = "\n"

func leaseID(ref string, checks []limiter.Check) string {
	var b strings.Builder
	b.WriteString(ref)
	for _, c := range checks {
		b.WriteString(leaseSep)
		b.WriteString(c.Key)
	}
	return b.String()
}

// Release implements sdk.StageLeaser: it removes the unused permits from
// every rule's window. An id that does not parse is ignored (nothing of it
// can be in the windows).
func (s *Stage) Release(ctx context.Context, leases []*sdk.ReleasedLease) error {
	var errs []error
	for _, l := range leases {
		parts := strings.Split(l.GetId(), leaseSep)
		if len(parts) < 2 || l.GetUnused() <= 0 {
			continue
		}
		checks := make([]limiter.Check, len(parts)-1)
		for i, k := range parts[1:] {
			checks[i] = limiter.Check{Key: k, Kind: limiter.Requests}
		}
		err := s.backend.Release(ctx, checks, limiter.Lease{Permits: l.GetUnused(), Ref: parts[0]}, l.GetUnused())
		if err != nil && !errors.Is(err, limiter.ErrUnavailable) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
