package vkeys

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/ratelimit/limiter"
)

// Stage is one configured virtual-keys instance.
type Stage struct {
	cfg     settings
	store   Store
	limits  limiter.Backend
	release func() error
	models  []string
	logger  hclog.Logger
	now     func() time.Time

	// pending maps a request id to its budget reservations, from Process
	// to After (a list: a client may reuse its X-Request-ID).
	mu      sync.Mutex
	pending map[string][]pendingReservation
	// settled remembers the reservations After settled (by rid, when), so
	// that the host's retry of an After whose answer was lost does not
	// charge twice.
	settled map[string]time.Time
	// failedAt is when this gateway last refused each address's key (the
	// gate of guessBlocked).
	failedAt map[string]time.Time
	// alerts posts budget alerts; nil without alert_webhook.
	alerts *alerter
	// alerted are the budget alerts this instance knows were raised (key,
	// window, event), so a key past them costs no store call.
	alerted map[string]bool
}

type pendingReservation struct {
	keyID, window, rid string
	at                 time.Time
	budget             int64 // the key's budget when reserved (its alerts are per budget)
}

// New is the plugin's stage factory.
func New(c sdk.Config) (sdk.Stage, error) {
	cfg, err := parseConfig(c)
	if err != nil {
		return nil, err
	}
	h, err := acquireBackend(cfg)
	if err != nil {
		return nil, fmt.Errorf("virtual-keys: open the key store: %w", err)
	}
	logger := c.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	s := &Stage{
		cfg: cfg, store: h.Value().st, limits: h.Value().lim, release: h.Release, models: c.Host.GetModels(), logger: logger, now: time.Now,
		pending:  map[string][]pendingReservation{},
		settled:  map[string]time.Time{},
		failedAt: map[string]time.Time{},
		alerted:  map[string]bool{},
	}
	for _, t := range cfg.teams {
		for _, m := range t.models {
			if len(s.models) > 0 && !slices.Contains(s.models, m) {
				h.Release()
				return nil, sdk.ConfigError(`field "teams.%s.models": unknown model %q (the pipeline defines %s)`, t.name, m, strings.Join(s.models, ", "))
			}
		}
	}
	if cfg.alertURL != "" {
		s.alerts = newAlerter(cfg.alertURL, cfg.alertSecret, cfg.thresholds, logger)
	}
	return s, nil
}

// Info is shown in /security-status.
func (s *Stage) Info() map[string]string { return s.cfg.info() }

// Close releases the store; budget alerts already queued are still sent.
func (s *Stage) Close() error {
	if s.alerts != nil {
		s.alerts.close()
	}
	return s.release()
}

// errInvalidKey is the one answer for a missing, unknown, revoked or expired
// key: the client learns nothing about which.
var errInvalidKey = sdk.Rejection{
	Status:   401,
	Type:     sdk.TypeAuthentication,
	Code:     "invalid_api_key",
	Message:  "a valid virtual key is required: send it as Authorization: Bearer <key> or x-api-key: <key>",
	Category: "auth",
}

// Process checks the request's key, its model and its budget.
func (s *Stage) Process(ctx context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	k, rej, err := s.authenticate(ctx, req.GetApiKeyHash(), s.clientIP(req.GetClientIp(), req.GetHeaders()))
	switch {
	case err != nil:
		return nil, err
	case rej != nil:
		return rej.Response(), nil
	case k == nil:
		return sdk.Continue(), nil
	}
	now := s.now()
	model := sdk.RequestModel(req)
	if !k.allows(model) {
		return sdk.Rejection{Status: 403, Code: "model_not_allowed", Param: "model", Category: "auth",
			Message: fmt.Sprintf("this key may not use the model %q", model)}.Response(), nil
	}
	if k.Team != "" {
		t, ok := s.cfg.teams[k.Team]
		switch {
		case !ok:
			// Whatever the model and its price: the key is misconfigured.
			return sdk.Rejection{Status: 403, Code: "team_not_configured", Category: "auth",
				Message: fmt.Sprintf("this key belongs to team %q, which the gateway's configuration does not define; ask its operator", k.Team)}.Response(), nil
		case len(t.models) > 0 && !slices.Contains(t.models, model):
			return sdk.Rejection{Status: 403, Code: "model_not_allowed", Param: "model", Category: "auth",
				Message: fmt.Sprintf("this key's team %q may not use the model %q", t.name, model)}.Response(), nil
		}
	}
	resp := sdk.Continue()
	resp.Annotations = map[string]string{"key.id": k.ID, "key.name": k.Name}
	if k.Team != "" {
		resp.Annotations["key.team"] = k.Team
	}
	if req.GetRoute() == sdk.RouteCountTokens {
		// A count is no model call: the key must be valid and may use the
		// model, and nothing is reserved or counted against its limits.
		return resp, nil
	}
	p, refused, err := s.reserve(ctx, req, k, now)
	if refused != nil || err != nil {
		return refused, err
	}
	// release gives back what this request reserved when a later check
	// refuses it.
	release := func(ps ...*pendingReservation) {
		for _, p := range ps {
			if p != nil {
				s.takePending(req.GetRequestId(), p.rid)
				_ = s.store.Settle(ctx, p.keyID, p.window, p.rid, 0)
			}
		}
	}
	tp, refused, err := s.reserveTeam(ctx, req, k, now)
	if refused != nil || err != nil {
		release(p)
		return refused, err
	}
	slot, refused, err := s.takeSlot(ctx, req, k, now)
	if refused != nil || err != nil {
		release(p, tp)
		return refused, err
	}
	if rej, err := s.limit(ctx, req, k); rej != nil || err != nil {
		release(p, tp, slot)
		return rej, err
	}
	// The request's own reservations go with it to After: a client may send
	// one X-Request-ID on many requests at once.
	if p != nil {
		resp.Annotations[annReservation] = p.window + "/" + p.rid
	}
	if tp != nil {
		resp.Annotations[annTeamReservation] = k.Team + "/" + tp.window + "/" + tp.rid
	}
	if slot != nil {
		resp.Annotations[annParallel] = slot.rid
	}
	return resp, nil
}

// annReservation is the annotation naming the request's budget reservation
// (window/rid; neither is secret); annParallel names its parallel slot
// (rid).
const (
	annReservation = "key.reservation"
	annParallel    = "key.parallel"
	// annTeamReservation names the reservation in the key's team's budget
	// (team/window/rid).
	annTeamReservation = "key.team_reservation"
)

// parallelWindow is the Budgets window of a key's parallel requests: a
// reservation of 1 per request under a budget of max_parallel, released
// (settled at 0) by After — exact across replicas, and a slot whose After
// never comes (the gateway died) frees itself after reservation_ttl.
const parallelWindow = "parallel"

// takeSlot takes one of the key's max_parallel slots for the request, or
// refuses with 429 when all are taken.
func (s *Stage) takeSlot(ctx context.Context, req *sdk.StageRequest, k *Key, now time.Time) (*pendingReservation, *sdk.StageResponse, error) {
	if k.MaxParallel <= 0 {
		return nil, nil, nil
	}
	rid := randomBase62(16)
	ok, err := s.store.Reserve(ctx, k.ID, parallelWindow, rid, 1, k.MaxParallel, s.cfg.reservationTTL)
	if err != nil {
		return nil, nil, fmt.Errorf("virtual-keys: take a parallel slot: %w", err)
	}
	if !ok {
		return nil, sdk.Rejection{Status: 429, Code: "rate_limit_exceeded", Category: "rate_limit", RetryAfter: time.Second,
			Message: fmt.Sprintf("this key's %d parallel requests are all running; retry when one has finished", k.MaxParallel)}.Response(), nil
	}
	p := pendingReservation{keyID: k.ID, window: parallelWindow, rid: rid, at: now}
	s.addPending(req.GetRequestId(), p)
	return &p, nil, nil
}

// addPending remembers a reservation of request reqID until its After (the
// pending map is pruned of those whose After never came).
func (s *Stage) addPending(reqID string, p pendingReservation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) >= 10_000 {
		s.prunePendingLocked(p.at)
	}
	s.pending[reqID] = append(s.pending[reqID], p)
}

// rateChecks are the key's limits — its own, and its team's — rpm requests
// and tpm tokens in any rolling minute (tokens charged after the answer).
func (s *Stage) rateChecks(k *Key, tokensOnly bool) []limiter.Check {
	cs := minuteChecks(nil, k.ID, k.RPM, k.TPM, tokensOnly)
	if t, ok := s.cfg.teams[k.Team]; ok {
		cs = minuteChecks(cs, teamStoreID(t.name), t.rpm, t.tpm, tokensOnly)
	}
	return cs
}

// minuteChecks appends the rpm and tpm checks of id (a key's id or a
// team's store id).
func minuteChecks(cs []limiter.Check, id string, rpm, tpm int64, tokensOnly bool) []limiter.Check {
	if rpm > 0 && !tokensOnly {
		cs = append(cs, limiter.Check{Key: "rpm:" + id, Kind: limiter.Requests, Limit: rpm, Window: time.Minute})
	}
	if tpm > 0 {
		cs = append(cs, limiter.Check{Key: "tpm:" + id, Kind: limiter.Tokens, Limit: tpm, Window: time.Minute})
	}
	return cs
}

// limit enforces the key's rpm and tpm, or refuses with 429.
func (s *Stage) limit(ctx context.Context, req *sdk.StageRequest, k *Key) (*sdk.StageResponse, error) {
	checks := s.rateChecks(k, false)
	if len(checks) == 0 {
		return nil, nil
	}
	results := make([]limiter.Result, len(checks))
	allow := checks
	if e := req.GetEmbeddings(); e != nil {
		// Its tokens are known before the call: refuse what would go over.
		allow = limiter.WithExpected(checks, sdk.EstimateEmbeddingTokens(e))
	}
	ok, err := s.limits.Allow(ctx, allow, results)
	if err != nil {
		return nil, fmt.Errorf("virtual-keys: rate limit: %w", err)
	}
	if ok {
		return nil, nil
	}
	var wait time.Duration
	what := ""
	for i, r := range results {
		if !r.Allowed && r.RetryAfter >= wait {
			whose := "this key's rate limit"
			if strings.Contains(checks[i].Key, ":team:") {
				whose = fmt.Sprintf("the rate limit of this key's team %q", k.Team)
			}
			wait, what = r.RetryAfter, fmt.Sprintf("%s is reached: %d %s per minute", whose, checks[i].Limit, checks[i].Kind)
		}
	}
	return sdk.Rejection{Status: 429, Code: "rate_limit_exceeded", Category: "rate_limit", RetryAfter: max(wait, time.Second),
		Message: what}.Response(), nil
}

// clientIP is the address failed key checks are counted against: the
// client's behind trusted proxies (as the ratelimit plugin finds it), else
// the peer's.
func (s *Stage) clientIP(peer string, headers map[string]string) string {
	if a, ok := s.cfg.trusted.Client(peer, headers); ok {
		return a.String()
	}
	return peer
}

// authenticate checks a client's key (hash is the sha256 of its credential,
// empty when it sent none) for a model call or a key holder's own request.
// It returns the key; nil and no refusal when anonymous use goes on (no
// credential, or one that is no virtual key, while keys are not required);
// or the refusal.
func (s *Stage) authenticate(ctx context.Context, hash, ip string) (*Key, *sdk.Rejection, error) {
	if hash == "" {
		if s.cfg.require {
			return nil, s.refuse(ctx, ip), nil
		}
		return nil, nil, nil
	}
	if wait := s.guessBlocked(ctx, ip); wait > 0 {
		return nil, &sdk.Rejection{Status: 429, Code: "rate_limit_exceeded", Category: "rate_limit", RetryAfter: wait,
			Message: "too many requests with an invalid key from this address; retry later"}, nil
	}
	k, err := s.store.ByHash(ctx, hash)
	if err != nil {
		return nil, nil, fmt.Errorf("virtual-keys: look the key up: %w", err)
	}
	if now := s.now(); k == nil || !k.matches(hash, now) || !k.usable(now) {
		if k == nil && !s.cfg.require {
			// A bearer token that is no virtual key (meant for something
			// else): anonymous use is allowed.
			return nil, nil, nil
		}
		return nil, s.refuse(ctx, ip), nil
	}
	return k, nil, nil
}

// refuse answers 401 and counts the failure against the client's address.
func (s *Stage) refuse(ctx context.Context, ip string) *sdk.Rejection {
	s.mu.Lock()
	if len(s.failedAt) > 100_000 {
		clear(s.failedAt) // bounded memory under a spray of addresses
	}
	s.failedAt[ip] = s.now()
	s.mu.Unlock()
	if err := s.limits.Charge(ctx, s.guessCheck(ip), 1); err != nil {
		s.logger.Warn("could not count a failed key check", "error", err)
	}
	rej := errInvalidKey
	return &rej
}

// guessCheck counts failed key checks per client address in a rolling
// minute, in the keys' rate-limit backend: with Redis every replica counts
// together, so a guessing client gets failed_per_minute tries in all, not
// per gateway.
func (s *Stage) guessCheck(ip string) []limiter.Check {
	return []limiter.Check{{Key: "failed:" + ip, Kind: limiter.Tokens, Limit: int64(s.cfg.failedPerMin), Window: time.Minute}}
}

// guessBlocked returns how long ip must wait before its key is checked
// again, 0 when it may try. A backend that cannot be reached blocks no one:
// the key is still checked.
//
// Only an address this gateway refused within the window is looked up, so
// an ordinary keyed request costs no backend call (with Redis, a round
// trip). An address that guessed on other replicas gets one more try here
// before its count is read: N replicas allow failed_per_minute + N − 1
// guesses a minute, not N × failed_per_minute.
func (s *Stage) guessBlocked(ctx context.Context, ip string) time.Duration {
	s.mu.Lock()
	at, ok := s.failedAt[ip]
	if ok && s.now().Sub(at) >= time.Minute {
		delete(s.failedAt, ip)
		ok = false
	}
	s.mu.Unlock()
	if !ok {
		return 0
	}
	res := make([]limiter.Result, 1)
	ok, err := s.limits.Allow(ctx, s.guessCheck(ip), res)
	if err != nil {
		s.logger.Warn("could not read the failed key checks of an address", "error", err)
		return 0
	}
	if ok {
		return 0
	}
	return max(res[0].RetryAfter, time.Second)
}

// reserve reserves the request's worst-case cost in the key's budget
// window, or refuses with budget_exceeded.
func (s *Stage) reserve(ctx context.Context, req *sdk.StageRequest, k *Key, now time.Time) (*pendingReservation, *sdk.StageResponse, error) {
	if !req.GetCostKnown() {
		return nil, nil, nil
	}
	// A key without a budget is still accounted (its spend in total), under
	// a budget nothing reaches.
	budget := k.BudgetNanos
	if budget <= 0 {
		budget = 1 << 62
	}
	window, resets := budgetWindow(k.BudgetPeriod, now)
	rid := randomBase62(16)
	ok, err := s.store.Reserve(ctx, k.ID, window, rid, req.GetMaxCostNanos(), budget, s.cfg.reservationTTL)
	if err != nil {
		return nil, nil, fmt.Errorf("virtual-keys: reserve budget: %w", err)
	}
	if !ok {
		if s.alerts != nil && s.claim(k.ID, window, exceededEvent(k.BudgetNanos)) {
			go s.alertExceeded(context.WithoutCancel(ctx), keyOwner(k), window, req.GetMaxCostNanos())
		}
		return nil, budgetRefusal("this key", k.BudgetNanos, k.BudgetPeriod, req.GetMaxCostNanos(), resets, now), nil
	}
	p := pendingReservation{keyID: k.ID, window: window, rid: rid, at: now, budget: k.BudgetNanos}
	s.addPending(req.GetRequestId(), p)
	return &p, nil, nil
}

// budgetRefusal is the 429 budget_exceeded of a budget (whose: "this key",
// "this key's team \"x\"") that cannot cover a request's worst case.
func budgetRefusal(whose string, budget int64, period string, requestNanos int64, resets, now time.Time) *sdk.StageResponse {
	// The request's worst case is what is reserved: say so, since a
	// request without max_tokens reserves the model's whole output limit
	// and may not fit what is left where a bounded one would.
	msg := fmt.Sprintf("the budget of %s ($%s per %s) does not cover this request (up to $%s: its prompt and max_tokens, or the model's output limit when max_tokens is not set)",
		whose, sdk.FormatUSD(budget), period, sdk.FormatUSD(requestNanos))
	rj := sdk.Rejection{Status: 429, Code: "budget_exceeded", Category: "budget", Counter: sdk.CountRateLimit}
	if resets.IsZero() {
		rj.Message = msg + "; a total budget never resets"
	} else {
		rj.Message = msg + "; it resets at " + resets.UTC().Format(time.RFC3339)
		rj.RetryAfter = resets.Sub(now)
	}
	return rj.Response()
}

// reserveTeam reserves the request's worst case in the budget of the key's
// team too, or refuses: with 429 budget_exceeded when it does not fit, with
// 403 team_not_configured when the key names a team the config no longer
// defines (a shared budget is never dropped silently).
func (s *Stage) reserveTeam(ctx context.Context, req *sdk.StageRequest, k *Key, now time.Time) (*pendingReservation, *sdk.StageResponse, error) {
	t, ok := s.cfg.teams[k.Team]
	if !ok || !req.GetCostKnown() {
		return nil, nil, nil // a model without a price reserves nothing, as for a key's own budget
	}
	// A team without a budget is still accounted (its spend shows in
	// GET /admin/teams), under a budget nothing reaches.
	budget := t.budgetNanos
	if budget <= 0 {
		budget = 1 << 62
	}
	window, resets := budgetWindow(t.period, now)
	rid := randomBase62(16)
	ok, err := s.store.Reserve(ctx, teamStoreID(t.name), window, rid, req.GetMaxCostNanos(), budget, s.cfg.reservationTTL)
	if err != nil {
		return nil, nil, fmt.Errorf("virtual-keys: reserve team budget: %w", err)
	}
	if !ok {
		if s.alerts != nil && s.claim(teamStoreID(t.name), window, exceededEvent(t.budgetNanos)) {
			go s.alertExceeded(context.WithoutCancel(ctx), teamOwner(t, k.ID, k.Name), window, req.GetMaxCostNanos())
		}
		return nil, budgetRefusal(fmt.Sprintf("this key's team %q", t.name), t.budgetNanos, t.period, req.GetMaxCostNanos(), resets, now), nil
	}
	p := pendingReservation{keyID: teamStoreID(t.name), window: window, rid: rid, at: now}
	s.addPending(req.GetRequestId(), p)
	return &p, nil, nil
}

// settleTeam settles the request's reservation in its key's team's budget
// to what the answer cost (its annotation names it, also after a restart
// of this plugin).
func (s *Stage) settleTeam(ctx context.Context, req *sdk.StageAfterRequest) error {
	ann := req.GetAnnotations()[annTeamReservation]
	name, rest, _ := strings.Cut(ann, "/")
	window, rid, _ := strings.Cut(rest, "/")
	if rid == "" || s.wasSettled(rid) {
		return nil
	}
	p, ok := s.takePending(req.GetRequestId(), rid)
	if !ok {
		p = pendingReservation{keyID: teamStoreID(name), window: window, rid: rid}
	}
	var cost int64
	if req.GetCostKnown() {
		cost = req.GetCostNanos()
	}
	if err := s.store.Settle(ctx, p.keyID, p.window, p.rid, cost); err != nil {
		s.mu.Lock()
		s.pending[req.GetRequestId()] = append(s.pending[req.GetRequestId()], p)
		s.mu.Unlock()
		return fmt.Errorf("virtual-keys: settle the budget of team %s: %w", name, err)
	}
	s.markSettled(rid)
	if s.alerts != nil && cost > 0 {
		s.checkTeamThresholds(ctx, name, p.window, req.GetAnnotations()["key.id"], req.GetAnnotations()["key.name"])
	}
	return nil
}

// After charges the answer's tokens to the key's tpm and settles the
// request's reservation to what the answer cost (0 when it failed or was
// refused by a later stage).
func (s *Stage) After(ctx context.Context, req *sdk.StageAfterRequest) error {
	window, rid, _ := strings.Cut(req.GetAnnotations()[annReservation], "/")
	if s.wasSettled(rid) {
		return nil // the host's retry of an After that was done
	}
	// A stage's own answer (a cache hit) used no provider tokens.
	if total := int64(req.GetUsage().GetTotalTokens()); total > 0 && req.GetApiKeyHash() != "" && req.GetAnsweredBy() == "" {
		if k, err := s.store.ByHash(ctx, req.GetApiKeyHash()); err == nil && k != nil {
			if checks := s.rateChecks(k, true); len(checks) > 0 {
				if err := s.limits.Charge(ctx, checks, total); err != nil {
					s.logger.Warn("could not charge a key's tokens", "key_id", k.ID, "error", err)
				}
			}
		}
	}
	// The request's parallel slot, by its annotation, first: so that the
	// budget reservation below is told apart from it.
	if slot := req.GetAnnotations()[annParallel]; slot != "" {
		keyID := req.GetAnnotations()["key.id"] // after a restart of this plugin, the annotation alone
		if p, ok := s.takePending(req.GetRequestId(), slot); ok {
			keyID = p.keyID
		}
		if keyID != "" {
			if err := s.store.Settle(ctx, keyID, parallelWindow, slot, 0); err != nil {
				return fmt.Errorf("virtual-keys: release a parallel slot of %s: %w", keyID, err)
			}
		}
	}
	// Its team's reservation before its own: a failure here is retried by
	// the host, and a settled key reservation ends a retried After early.
	if err := s.settleTeam(ctx, req); err != nil {
		return err
	}
	// The request's own reservation, by its annotation (also after a
	// restart of this plugin). Without one the host never saw this stage's
	// continue (it timed out): release the request id's reservation only
	// when it is the only one, or the one of a request still running with
	// the same id could be freed; an ambiguous one expires.
	p, ok := s.takePending(req.GetRequestId(), rid)
	if keyID := req.GetAnnotations()["key.id"]; !ok && rid != "" && keyID != "" {
		// This plugin restarted since Process: settle by the annotation.
		p, ok = pendingReservation{keyID: keyID, window: window, rid: rid}, true
	}
	if !ok {
		return nil
	}
	var cost int64
	if req.GetCostKnown() && p.window != parallelWindow { // a slot has no cost
		cost = req.GetCostNanos()
	}
	if err := s.store.Settle(ctx, p.keyID, p.window, p.rid, cost); err != nil {
		// Not settled: the host retries, and pending must still hold it.
		s.mu.Lock()
		s.pending[req.GetRequestId()] = append(s.pending[req.GetRequestId()], p)
		s.mu.Unlock()
		return fmt.Errorf("virtual-keys: settle budget of %s: %w", p.keyID, err)
	}
	s.markSettled(p.rid)
	if s.alerts != nil && cost > 0 {
		s.checkThresholds(ctx, p.keyID, p.window, p.budget)
	}
	return nil
}

// wasSettled reports whether After already settled reservation rid.
func (s *Stage) wasSettled(rid string) bool {
	if rid == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.settled[rid]
	return ok
}

// markSettled remembers rid for as long as a retry of its After may come
// (the reservation's ttl).
func (s *Stage) markSettled(rid string) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.settled) >= 10_000 {
		for r, at := range s.settled {
			if now.Sub(at) > s.cfg.reservationTTL {
				delete(s.settled, r)
			}
		}
	}
	s.settled[rid] = now
}

// takePending removes the reservation rid of request reqID from pending
// (rid "": the request's reservation if it has only one).
func (s *Stage) takePending(reqID, rid string) (pendingReservation, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.pending[reqID]
	i := slices.IndexFunc(list, func(p pendingReservation) bool { return p.rid == rid })
	if rid == "" && len(list) == 1 {
		i = 0
	}
	if i < 0 {
		return pendingReservation{}, false
	}
	p := list[i]
	if list = slices.Delete(list, i, i+1); len(list) == 0 {
		delete(s.pending, reqID)
	} else {
		s.pending[reqID] = list
	}
	return p, true
}

// prunePendingLocked forgets reservations whose After never came (the
// host lost them); the store has expired them by now.
func (s *Stage) prunePendingLocked(now time.Time) {
	for id, list := range s.pending {
		if now.Sub(list[0].at) > s.cfg.reservationTTL {
			delete(s.pending, id)
		}
	}
}

// budgetWindow names the budget window that holds now and when it ends
// (zero for a total budget).
func budgetWindow(period string, now time.Time) (string, time.Time) {
	now = now.UTC()
	switch period {
	case "day":
		start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		return "d:" + start.Format("2006-01-02"), start.AddDate(0, 0, 1)
	case "month":
		start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		return "m:" + start.Format("2006-01"), start.AddDate(0, 1, 0)
	}
	return "total", time.Time{}
}

// windowEnd is when a budget window named by budgetWindow ends (false for
// the total window, or a name it does not know).
func windowEnd(window string) (time.Time, bool) {
	if d, ok := strings.CutPrefix(window, "d:"); ok {
		t, err := time.Parse("2006-01-02", d)
		return t.AddDate(0, 0, 1), err == nil
	}
	if m, ok := strings.CutPrefix(window, "m:"); ok {
		t, err := time.Parse("2006-01", m)
		return t.AddDate(0, 1, 0), err == nil
	}
	return time.Time{}, false
}

// windowEnded reports whether a day or month window is over at now.
func windowEnded(window string, now time.Time) bool {
	end, ok := windowEnd(window)
	return ok && !now.Before(end)
}
