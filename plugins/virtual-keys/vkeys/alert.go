package vkeys

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// The budget alerts a key's budget window can raise, each once per window
// and budget (Budgets.MarkOnce; the event recorded names the budget, so a
// budget changed in the middle of a window re-arms its alerts): a threshold
// of its budget spent, and the first request its budget could not cover.
const (
	alertThreshold = "budget.threshold"
	alertExceeded  = "budget.exceeded"
)

// alertEvent is the JSON an alert webhook receives.
type alertEvent struct {
	Type    string `json:"type"`
	KeyID   string `json:"key_id"`
	KeyName string `json:"key_name"`
	// Team is set on a team budget's alert (key_id and key_name are then
	// the key whose request crossed the threshold or was refused).
	Team         string       `json:"team,omitempty"`
	Threshold    float64      `json:"threshold,omitempty"`
	SpendUSD     json.Number  `json:"spend_usd"`
	BudgetUSD    json.Number  `json:"budget_usd"`
	BudgetPeriod string       `json:"budget_period"`
	Window       string       `json:"window"`
	ResetsAt     *time.Time   `json:"resets_at"`
	RequestUSD   *json.Number `json:"request_usd,omitempty"`
	At           time.Time    `json:"at"`
}

// alerter posts budget alerts to a webhook, off the request path: one
// worker, a bounded queue, a few tries per alert. The URL and the secret
// never reach a log line (only the key id and the alert).
type alerter struct {
	url, secret string
	thresholds  []float64
	client      *http.Client
	logger      hclog.Logger
	retries     []time.Duration // the pauses before the second, third … try

	// mu guards closed: an alert raised after close (by a goroutine a
	// request started before it) is logged, never sent on the closed queue.
	mu     sync.Mutex
	closed bool
	queue  chan alertEvent
	done   chan struct{}
}

// alertQueue bounds the alerts waiting to be sent (each key and window
// raises at most one per threshold, so a full queue means the receiver has
// been down for long).
const alertQueue = 1024

func newAlerter(url, secret string, thresholds []float64, logger hclog.Logger) *alerter {
	a := &alerter{url: url, secret: secret, thresholds: thresholds, logger: logger,
		client:  &http.Client{Timeout: 5 * time.Second},
		retries: []time.Duration{time.Second, 5 * time.Second, 30 * time.Second},
		queue:   make(chan alertEvent, alertQueue), done: make(chan struct{})}
	go a.run()
	return a
}

// send queues an alert; a full queue (or a closed stage) loses it, with an
// error in the log that names it.
func (a *alerter) send(ev alertEvent) {
	a.mu.Lock()
	defer a.mu.Unlock()
	why := "the stage was closed (the pipeline was reloaded)"
	if !a.closed {
		select {
		case a.queue <- ev:
			return
		default:
			why = "the alert queue is full (the webhook has not answered for long)"
		}
	}
	a.logger.Error("budget alert not sent: "+why, "type", ev.Type, "key_id", ev.KeyID, "window", ev.Window)
}

// close stops taking alerts; the worker sends those queued, then exits.
func (a *alerter) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.closed {
		a.closed = true
		close(a.queue)
	}
}

func (a *alerter) run() {
	defer close(a.done)
	for ev := range a.queue {
		a.deliver(ev)
	}
}

// deliver posts one alert, trying again after each of a.retries on a
// failure (no answer, or a status other than 2xx).
func (a *alerter) deliver(ev alertEvent) {
	body, err := json.Marshal(ev)
	if err != nil {
		a.logger.Error("budget alert not sent: encode", "key_id", ev.KeyID, "error", err)
		return
	}
	var last string
	for try := 0; try <= len(a.retries); try++ {
		if try > 0 {
			time.Sleep(a.retries[try-1])
		}
		if last = a.post(body); last == "" {
			a.logger.Info("budget alert sent", "type", ev.Type, "key_id", ev.KeyID, "window", ev.Window, "tries", try+1)
			return
		}
	}
	a.logger.Error("budget alert not sent: the webhook failed every try", "type", ev.Type, "key_id", ev.KeyID,
		"window", ev.Window, "tries", len(a.retries)+1, "last", last)
}

// post makes one try and returns why it failed ("" when it did not).
func (a *alerter) post(body []byte) string {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, a.url, bytes.NewReader(body))
	if err != nil {
		return "the request could not be built"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "llmgw-virtual-keys")
	if a.secret != "" {
		mac := hmac.New(sha256.New, []byte(a.secret))
		mac.Write(body)
		req.Header.Set("X-LLMGW-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := a.client.Do(req)
	if err != nil {
		// The error names the URL, which may hold a token (chat webhooks
		// do): say only what kind of failure it was.
		if ue, ok := err.(interface{ Timeout() bool }); ok && ue.Timeout() {
			return "timed out"
		}
		return "no answer (connection failed)"
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return "status " + strconv.Itoa(resp.StatusCode)
	}
	return ""
}

// budgetOwner is whose budget an alert is about: a key, or a team (then
// the key is the one whose request raised it).
type budgetOwner struct {
	storeID        string // its id in the budgets' store
	budget         int64
	period         string
	keyID, keyName string
	team           string
}

func keyOwner(k *Key) budgetOwner {
	return budgetOwner{storeID: k.ID, budget: k.BudgetNanos, period: k.BudgetPeriod, keyID: k.ID, keyName: k.Name}
}

func teamOwner(t team, keyID, keyName string) budgetOwner {
	return budgetOwner{storeID: teamStoreID(t.name), budget: t.budgetNanos, period: t.period, keyID: keyID, keyName: keyName, team: t.name}
}

// alertBase is the part of an alert every type shares.
func alertBase(typ string, o budgetOwner, window string, spent int64, now time.Time) alertEvent {
	_, resets := budgetWindow(o.period, now)
	ev := alertEvent{Type: typ, KeyID: o.keyID, KeyName: o.keyName, Team: o.team, SpendUSD: json.Number(sdk.FormatUSD(spent)),
		BudgetUSD: json.Number(sdk.FormatUSD(o.budget)), BudgetPeriod: o.period, Window: window, At: now.UTC()}
	if !resets.IsZero() {
		ev.ResetsAt = &resets
	}
	return ev
}

// raised reports whether this instance has claimed the alert (it raised
// it, is raising it, or MarkOnce said another replica did): then it costs
// no store call.
func (s *Stage) raised(keyID, window, event string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.alerted[keyID+"\x00"+window+"\x00"+event]
}

// claim marks the alert as this instance's to raise, and reports whether it
// was not claimed before: of concurrent requests, one goes on to the store.
func (s *Stage) claim(keyID, window, event string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := keyID + "\x00" + window + "\x00" + event
	if s.alerted[id] {
		return false
	}
	if len(s.alerted) > 100_000 {
		clear(s.alerted) // bounded; MarkOnce still holds the truth
	}
	s.alerted[id] = true
	return true
}

// markOnce is Budgets.MarkOnce for an alert this instance claimed; a store
// that fails gives the claim up, so that a later request tries again.
func (s *Stage) markOnce(ctx context.Context, keyID, window, event string) bool {
	first, err := s.store.MarkOnce(ctx, keyID, window, event)
	if err != nil {
		s.logger.Warn("budget alerts: could not record an alert", "key_id", keyID, "error", err)
		s.mu.Lock()
		delete(s.alerted, keyID+"\x00"+window+"\x00"+event)
		s.mu.Unlock()
	}
	return first
}

// thresholdEvent and exceededEvent name an alert as MarkOnce records it:
// its type, threshold and the budget it was raised for.
func thresholdEvent(t float64, budget int64) string {
	return fmt.Sprintf("%s:%g@%d", alertThreshold, t, budget)
}

func exceededEvent(budget int64) string { return fmt.Sprintf("%s@%d", alertExceeded, budget) }

// checkThresholds raises a key's threshold alerts that its window's spend
// has reached and that were not raised before (by any replica) for its
// budget. budget is the key's budget when the request was reserved (0 when
// not known, after a restart): when every threshold was raised for it, no
// store call is made.
func (s *Stage) checkThresholds(ctx context.Context, keyID, window string, budget int64) {
	if s.allRaised(keyID, window, budget) {
		return // no store call
	}
	k, err := s.store.Get(ctx, keyID)
	if err != nil || k.BudgetNanos <= 0 {
		return
	}
	s.raiseThresholds(ctx, keyOwner(k), window)
}

// checkTeamThresholds is checkThresholds for a team's budget, after a
// settle of a request of key keyID (keyName).
func (s *Stage) checkTeamThresholds(ctx context.Context, name, window, keyID, keyName string) {
	t, ok := s.cfg.teams[name]
	if !ok || t.budgetNanos <= 0 || s.allRaised(teamStoreID(name), window, t.budgetNanos) {
		return
	}
	s.raiseThresholds(ctx, teamOwner(t, keyID, keyName), window)
}

// allRaised reports whether every threshold alert of a budget (budget > 0)
// was raised in the window.
func (s *Stage) allRaised(storeID, window string, budget int64) bool {
	return budget > 0 && !slices.ContainsFunc(s.alerts.thresholds, func(t float64) bool { return !s.raised(storeID, window, thresholdEvent(t, budget)) })
}

// raiseThresholds raises the threshold alerts of o's budget that its
// window's spend has reached, each once (by any replica).
func (s *Stage) raiseThresholds(ctx context.Context, o budgetOwner, window string) {
	spent, err := s.store.Spent(ctx, o.storeID, window)
	if err != nil {
		s.logger.Warn("budget alerts: could not read a budget's spend", "key_id", o.keyID, "team", o.team, "error", err)
		return
	}
	for _, t := range s.alerts.thresholds {
		event := thresholdEvent(t, o.budget)
		if float64(spent) < t*float64(o.budget) || !s.claim(o.storeID, window, event) {
			continue
		}
		if s.markOnce(ctx, o.storeID, window, event) {
			ev := alertBase(alertThreshold, o, window, spent, s.now())
			ev.Threshold = t
			s.alerts.send(ev)
		}
	}
}

// alertExceeded raises the window's budget.exceeded alert of o's budget,
// once: the first request it could not cover (its worst case,
// requestNanos). The caller claimed it.
func (s *Stage) alertExceeded(ctx context.Context, o budgetOwner, window string, requestNanos int64) {
	if !s.markOnce(ctx, o.storeID, window, exceededEvent(o.budget)) {
		return
	}
	spent, err := s.store.Spent(ctx, o.storeID, window)
	if err != nil {
		s.logger.Warn("budget alerts: could not read a budget's spend", "key_id", o.keyID, "team", o.team, "error", err)
	}
	ev := alertBase(alertExceeded, o, window, spent, s.now())
	n := json.Number(sdk.FormatUSD(requestNanos))
	ev.RequestUSD = &n
	s.alerts.send(ev)
}
