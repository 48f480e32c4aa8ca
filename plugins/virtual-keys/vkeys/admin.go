package vkeys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// createRequest is POST /admin/keys's body.
type createRequest struct {
	Name         string            `json:"name"`
	Models       []string          `json:"models"`
	RPM          int64             `json:"rpm"`
	TPM          int64             `json:"tpm"`
	MaxParallel  int64             `json:"max_parallel"`
	BudgetUSD    *json.Number      `json:"budget_usd"`
	BudgetPeriod string            `json:"budget_period"`
	ExpiresAt    *time.Time        `json:"expires_at"`
	Metadata     map[string]string `json:"metadata"`
	Team         *string           `json:"team"`
}

// keyView is a key as the admin API shows it: never the secret nor its hash.
type keyView struct {
	ID             string       `json:"id"`
	Key            string       `json:"key,omitempty"`
	Name           string       `json:"name"`
	Status         string       `json:"status"`
	Models         []string     `json:"models"`
	RPM            int64        `json:"rpm"`
	TPM            int64        `json:"tpm"`
	MaxParallel    int64        `json:"max_parallel"`
	BudgetUSD      *json.Number `json:"budget_usd"`
	BudgetPeriod   string       `json:"budget_period,omitempty"`
	SpendUSD       *json.Number `json:"spend_usd,omitempty"`
	BudgetResetsAt *time.Time   `json:"budget_resets_at,omitempty"`
	ExpiresAt      *time.Time   `json:"expires_at"`
	// OldSecretValidUntil is when the grace period of a secret a rotation
	// replaced ends (absent when none is still valid).
	OldSecretValidUntil *time.Time        `json:"old_secret_valid_until,omitempty"`
	Metadata            map[string]string `json:"metadata"`
	// Team is the team whose budget the key also draws on (absent: none).
	Team      string     `json:"team,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// adminError is an admin answer's error; the host writes it in the
// contract's error JSON.
type adminError struct {
	status           int
	typ, code, param string
	msg              string
}

func (e *adminError) Error() string { return e.msg }

func badRequest(param, format string, args ...any) *adminError {
	return &adminError{status: 400, typ: "invalid_request_error", code: "invalid_request", param: param, msg: fmt.Sprintf(format, args...)}
}

// Admin serves /admin/keys… (the host checked the admin token) and a key
// holder's own requests, GET /v1/key and GET /v1/models (the stage checks
// the key).
func (s *Stage) Admin(ctx context.Context, req *sdk.AdminRequest) (*sdk.AdminResponse, error) {
	if path := req.GetPath(); path == sdk.HolderKeyPath || path == sdk.HolderModelsPath {
		return s.holder(ctx, req)
	}
	if req.GetPath() == "/admin/teams" && req.GetApiKeyHash() == "" {
		if req.GetMethod() != http.MethodGet {
			return adminJSON(405, errorBody(&adminError{status: 405, typ: "invalid_request_error", code: "method_not_allowed", msg: req.GetMethod() + " is not allowed on /admin/teams (teams are configured in the pipeline file)"}))
		}
		return s.adminTeams(ctx)
	}
	rest, ok := strings.CutPrefix(req.GetPath(), "/admin/keys")
	if !ok || req.GetApiKeyHash() != "" {
		return adminJSON(404, errorBody(&adminError{status: 404, typ: "invalid_request_error", code: "not_found", msg: "no route " + req.GetPath()}))
	}
	id, action, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	var (
		status int
		body   any
		err    error
	)
	switch {
	case action == "rotate" && id != "" && req.GetMethod() == http.MethodPost:
		status, body, err = s.adminRotate(ctx, id, req.GetBody())
	case action != "":
		return adminJSON(404, errorBody(&adminError{status: 404, typ: "invalid_request_error", code: "not_found", msg: "no route " + req.GetPath()}))
	case id != "" && req.GetMethod() == http.MethodPatch:
		status, body, err = s.adminUpdate(ctx, id, req.GetBody())
	case id == "" && req.GetMethod() == http.MethodPost:
		status, body, err = s.adminCreate(ctx, req.GetBody())
	case id == "" && req.GetMethod() == http.MethodGet:
		status, body, err = s.adminList(ctx)
	case id != "" && req.GetMethod() == http.MethodGet:
		status, body, err = s.adminShow(ctx, id)
	case id != "" && req.GetMethod() == http.MethodDelete:
		status, body, err = s.adminRevoke(ctx, id)
	default:
		err = &adminError{status: 405, typ: "invalid_request_error", code: "method_not_allowed", msg: req.GetMethod() + " is not allowed on " + req.GetPath()}
	}
	var ae *adminError
	switch {
	case errors.Is(err, ErrNotFound):
		return adminJSON(404, errorBody(&adminError{status: 404, typ: "invalid_request_error", code: "key_not_found", msg: fmt.Sprintf("no key %q", id)}))
	case errors.As(err, &ae):
		return adminJSON(ae.status, errorBody(ae))
	case err != nil:
		s.logger.Error("key store failed", "error", err)
		return adminJSON(503, errorBody(&adminError{status: 503, typ: "service_unavailable", code: "key_store_unavailable", msg: "the key store is unavailable; retry shortly"}))
	}
	return adminJSON(status, body)
}

func errorBody(e *adminError) any {
	var param any
	if e.param != "" {
		param = e.param
	}
	return map[string]any{"error": map[string]any{"message": e.msg, "type": e.typ, "code": e.code, "param": param}}
}

func adminJSON(status int, body any) (*sdk.AdminResponse, error) {
	if body == nil {
		return &sdk.AdminResponse{Status: int32(status)}, nil
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return &sdk.AdminResponse{Status: int32(status), Body: b}, nil
}

// holder serves a key holder's own request, authenticated as a model call
// would be (an invalid key counts against the address's tries alike).
func (s *Stage) holder(ctx context.Context, req *sdk.AdminRequest) (*sdk.AdminResponse, error) {
	if req.GetMethod() != http.MethodGet {
		return adminJSON(405, errorBody(&adminError{status: 405, typ: "invalid_request_error", code: "method_not_allowed", msg: req.GetMethod() + " is not allowed on " + req.GetPath()}))
	}
	k, rej, err := s.authenticate(ctx, req.GetApiKeyHash(), s.clientIP(req.GetClientIp(), req.GetHeaders()))
	switch {
	case err != nil:
		s.logger.Error("key store failed", "error", err)
		return adminJSON(503, errorBody(&adminError{status: 503, typ: "service_unavailable", code: "key_store_unavailable", msg: "the key store is unavailable; retry shortly"}))
	case rej != nil:
		resp, err := adminJSON(rej.Status, errorBody(&adminError{status: rej.Status, typ: sdk.TypeForStatus(rej.Status), code: rej.Code, msg: rej.Message}))
		if err == nil && rej.RetryAfter > 0 {
			resp.Headers = map[string]string{"Retry-After": strconv.Itoa(int(math.Ceil(rej.RetryAfter.Seconds())))}
		}
		return resp, err
	}
	if req.GetPath() == sdk.HolderModelsPath {
		if k == nil {
			return adminJSON(200, sdk.HolderModels{All: true, Models: []string{}})
		}
		return adminJSON(200, s.usableModels(k))
	}
	if k == nil { // anonymous use: there is no key to show
		rej := errInvalidKey
		return adminJSON(401, errorBody(&adminError{status: 401, typ: rej.Type, code: rej.Code, msg: rej.Message}))
	}
	v := holderView{keyView: s.view(ctx, k)}
	if t, ok := s.cfg.teams[k.Team]; ok {
		tl := s.teamLimits(ctx, t, s.now())
		v.TeamLimits = &tl
	}
	return adminJSON(200, v)
}

// holderView is the key's own view: the admin's view of it without the
// admin's notes (its metadata).
type holderView struct {
	keyView
	// Metadata hides keyView's (a field at the outer level wins; nil is
	// left out).
	Metadata *struct{} `json:"metadata,omitempty"`
	// TeamLimits are what the key shares with its team — its budget and
	// the team's spend, rpm, tpm, models (absent without a team).
	TeamLimits *teamLimitsView `json:"team_limits,omitempty"`
}

func (s *Stage) adminCreate(ctx context.Context, body []byte) (int, any, error) {
	k, err := s.validateCreate(body)
	if err != nil {
		return 0, nil, err
	}
	secret := newSecret()
	k.ID, k.Hash, k.CreatedAt = newID(), HashSecret(secret), s.now().UTC()
	if err := s.store.Create(ctx, k); err != nil {
		return 0, nil, err
	}
	s.logger.Info("virtual key created", "key_id", k.ID, "name", k.Name)
	v := s.view(ctx, k)
	v.Key = secret
	return http.StatusCreated, v, nil
}

// validateCreate decodes and checks a create body into a key (without id,
// hash and creation time).
func (s *Stage) validateCreate(body []byte) (*Key, error) {
	var cr createRequest
	if err := decodeStrict(body, &cr); err != nil {
		return nil, err
	}
	return s.checkFields(&cr, func(string) bool { return true })
}

// decodeStrict decodes a JSON object body into v, refusing unknown fields.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return badRequest("", "invalid JSON body: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// checkFields checks a create or update request into a key's fields. The
// fields check names are checked against the pipeline's models and the
// clock too; an update checks only the fields it sets (a key's models may
// predate the pipeline's, and an expired key may be given a new expiry).
func (s *Stage) checkFields(cr *createRequest, check func(field string) bool) (*Key, error) {
	cr.Name = strings.TrimSpace(cr.Name)
	if cr.Name == "" || len(cr.Name) > 200 {
		return nil, badRequest("name", "name is required (at most 200 characters)")
	}
	if check("models") {
		for _, m := range cr.Models {
			if len(s.models) > 0 && !slices.Contains(s.models, m) {
				return nil, badRequest("models", "unknown model %q (the pipeline defines %s)", m, strings.Join(s.models, ", "))
			}
		}
	}
	if cr.RPM < 0 || cr.TPM < 0 {
		return nil, badRequest("rpm", "rpm and tpm must be ≥ 0")
	}
	if cr.MaxParallel < 0 || cr.MaxParallel > 100_000 {
		return nil, badRequest("max_parallel", "max_parallel must be from 0 (no limit) to 100000")
	}
	k := &Key{Name: cr.Name, Models: cr.Models, RPM: cr.RPM, TPM: cr.TPM, MaxParallel: cr.MaxParallel, Metadata: cr.Metadata}
	if cr.Team != nil && *cr.Team != "" {
		if _, ok := s.cfg.teams[*cr.Team]; !ok && check("team") {
			return nil, badRequest("team", "unknown team %q (the keys stage's config defines %s)", *cr.Team, s.teamNames())
		}
		k.Team = *cr.Team
	}
	if cr.BudgetUSD != nil {
		n, err := sdk.ParseUSD(cr.BudgetUSD.String())
		if err != nil {
			return nil, badRequest("budget_usd", "budget_usd: %v", err)
		}
		k.BudgetNanos = n
		switch cr.BudgetPeriod {
		case "":
			k.BudgetPeriod = "total"
		case "day", "month", "total":
			k.BudgetPeriod = cr.BudgetPeriod
		default:
			return nil, badRequest("budget_period", `budget_period must be "day", "month" or "total", got %q`, cr.BudgetPeriod)
		}
	} else if cr.BudgetPeriod != "" {
		return nil, badRequest("budget_usd", "budget_period without budget_usd")
	}
	if cr.ExpiresAt != nil {
		if check("expires_at") && !cr.ExpiresAt.After(s.now()) {
			return nil, badRequest("expires_at", "expires_at is in the past")
		}
		t := cr.ExpiresAt.UTC()
		k.ExpiresAt = &t
	}
	return k, nil
}

// updatable are the fields PATCH /admin/keys/{id} may set.
var updatable = []string{"name", "models", "rpm", "tpm", "max_parallel", "budget_usd", "budget_period", "expires_at", "metadata", "team"}

// errRevoked refuses to change a revoked key.
func errRevoked(id string) error {
	return &adminError{status: 409, typ: "invalid_request_error", code: "key_revoked", msg: fmt.Sprintf("key %q is revoked: a revoked key cannot be changed or rotated; create a new one", id)}
}

// adminUpdate serves PATCH /admin/keys/{id}: the fields the body sets are
// replaced (null removes a budget, an expiry or the metadata; models [] is
// every model), the others kept; the spend is kept.
func (s *Stage) adminUpdate(ctx context.Context, id string, body []byte) (int, any, error) {
	var patch map[string]json.RawMessage
	if err := json.Unmarshal(body, &patch); err != nil || patch == nil {
		return 0, nil, badRequest("", "the body must be a JSON object of the fields to change")
	}
	// Named exactly (encoding/json would also take "Models" for models,
	// past the checks below that look for the fields by name).
	for f := range patch {
		if !slices.Contains(updatable, f) {
			return 0, nil, badRequest(f, "unknown field %q (a key's fields are %s)", f, strings.Join(updatable, ", "))
		}
	}
	k, err := s.store.Update(ctx, id, func(k *Key) error {
		if k.RevokedAt != nil {
			return errRevoked(id)
		}
		team := k.Team
		cr := createRequest{Name: k.Name, Models: k.Models, RPM: k.RPM, TPM: k.TPM, MaxParallel: k.MaxParallel, BudgetPeriod: k.BudgetPeriod, ExpiresAt: k.ExpiresAt, Metadata: k.Metadata, Team: &team}
		if k.BudgetNanos > 0 {
			n := json.Number(sdk.FormatUSD(k.BudgetNanos))
			cr.BudgetUSD = &n
		}
		// Decoding into the current values would append to its models and
		// merge into its metadata: a field the patch sets starts empty.
		if _, ok := patch["models"]; ok {
			cr.Models = nil
		}
		if _, ok := patch["metadata"]; ok {
			cr.Metadata = nil
		}
		if err := decodeStrict(body, &cr); err != nil {
			return err
		}
		_, setsBudget := patch["budget_usd"]
		if _, setsPeriod := patch["budget_period"]; setsBudget && cr.BudgetUSD == nil && !setsPeriod {
			cr.BudgetPeriod = "" // a budget removed takes its period with it
		}
		nk, err := s.checkFields(&cr, func(f string) bool { _, ok := patch[f]; return ok })
		if err != nil {
			return err
		}
		k.Name, k.Models, k.RPM, k.TPM, k.MaxParallel, k.Metadata = nk.Name, nk.Models, nk.RPM, nk.TPM, nk.MaxParallel, nk.Metadata
		k.BudgetNanos, k.BudgetPeriod, k.ExpiresAt, k.Team = nk.BudgetNanos, nk.BudgetPeriod, nk.ExpiresAt, nk.Team
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.logger.Info("virtual key updated", "key_id", k.ID, "fields", strings.Join(slices.Sorted(maps.Keys(patch)), ","))
	return http.StatusOK, s.view(ctx, k), nil
}

// rotateRequest is POST /admin/keys/{id}/rotate's optional body.
type rotateRequest struct {
	// GracePeriodS keeps the old secret working this many seconds more
	// (0: refused at once).
	GracePeriodS int64 `json:"grace_period_s"`
}

// maxGrace bounds a rotation's grace period.
const maxGrace = 30 * 24 * time.Hour

// adminRotate serves POST /admin/keys/{id}/rotate: a new secret for the
// key, shown only in this answer. The old one is refused at once (on every
// replica within the store's cache_ttl), also while keys are not required
// (its hash still finds the key, and no longer matches) — or, with
// grace_period_s, served as the key until that ends, so clients can move
// without a gap. Id, limits, budget and spend stay.
func (s *Stage) adminRotate(ctx context.Context, id string, body []byte) (int, any, error) {
	var rr rotateRequest
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeStrict(body, &rr); err != nil {
			return 0, nil, err
		}
	}
	if rr.GracePeriodS < 0 || time.Duration(rr.GracePeriodS)*time.Second > maxGrace {
		return 0, nil, badRequest("grace_period_s", "grace_period_s must be from 0 to %d (30 days)", int64(maxGrace/time.Second))
	}
	secret := newSecret()
	now := s.now().UTC()
	k, err := s.store.Update(ctx, id, func(k *Key) error {
		if k.RevokedAt != nil {
			return errRevoked(id)
		}
		old := RetiredSecret{Hash: k.Hash}
		if rr.GracePeriodS > 0 {
			until := now.Add(time.Duration(rr.GracePeriodS) * time.Second)
			old.Until = &until
		}
		k.Retired = append(k.Retired, old)
		k.Hash = HashSecret(secret)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.logger.Info("virtual key rotated", "key_id", k.ID)
	v := s.view(ctx, k)
	v.Key = secret
	return http.StatusOK, v, nil
}

func (s *Stage) adminList(ctx context.Context) (int, any, error) {
	keys, err := s.store.List(ctx)
	if err != nil {
		return 0, nil, err
	}
	out := make([]keyView, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.view(ctx, k))
	}
	return http.StatusOK, map[string]any{"object": "list", "data": out}, nil
}

func (s *Stage) adminShow(ctx context.Context, id string) (int, any, error) {
	k, err := s.store.Get(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.view(ctx, k), nil
}

func (s *Stage) adminRevoke(ctx context.Context, id string) (int, any, error) {
	if err := s.store.Revoke(ctx, id, s.now().UTC()); err != nil {
		return 0, nil, err
	}
	s.logger.Info("virtual key revoked", "key_id", id)
	return http.StatusNoContent, nil, nil
}

// view is the admin API's picture of a key, with its current spend.
func (s *Stage) view(ctx context.Context, k *Key) keyView {
	now := s.now()
	v := keyView{ID: k.ID, Name: k.Name, Models: k.Models, RPM: k.RPM, TPM: k.TPM, MaxParallel: k.MaxParallel, ExpiresAt: k.ExpiresAt,
		Metadata: k.Metadata, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt, BudgetPeriod: k.BudgetPeriod, Status: "active", Team: k.Team}
	v.OldSecretValidUntil = k.graceUntil(now)
	if v.Models == nil {
		v.Models = []string{}
	}
	if v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	switch {
	case k.RevokedAt != nil:
		v.Status = "revoked"
	case !k.usable(now):
		v.Status = "expired"
	}
	window, resets := budgetWindow(k.BudgetPeriod, now)
	if spent, err := s.store.Spent(ctx, k.ID, window); err == nil {
		n := json.Number(sdk.FormatUSD(spent))
		v.SpendUSD = &n
	}
	if k.BudgetNanos > 0 {
		n := json.Number(sdk.FormatUSD(k.BudgetNanos))
		v.BudgetUSD = &n
		if !resets.IsZero() {
			v.BudgetResetsAt = &resets
		}
	}
	return v
}

// teamLimitsView is what a team's keys share: its budget (null: none)
// with its window's spend, its rpm and tpm (0: none), its models (empty:
// every model).
type teamLimitsView struct {
	Name           string       `json:"name"`
	BudgetUSD      *json.Number `json:"budget_usd"`
	BudgetPeriod   string       `json:"budget_period,omitempty"`
	SpendUSD       *json.Number `json:"spend_usd"`
	BudgetResetsAt *time.Time   `json:"budget_resets_at,omitempty"`
	RPM            int64        `json:"rpm"`
	TPM            int64        `json:"tpm"`
	Models         []string     `json:"models"`
}

// teamView is a team as GET /admin/teams shows it.
type teamView struct {
	teamLimitsView
	// Keys are the ids of the keys (not revoked) that draw on it.
	Keys []string `json:"keys"`
}

// teamLimits is team t's view, with its spend in the window of now.
func (s *Stage) teamLimits(ctx context.Context, t team, now time.Time) teamLimitsView {
	v := teamLimitsView{Name: t.name, RPM: t.rpm, TPM: t.tpm, Models: t.models}
	if v.Models == nil {
		v.Models = []string{}
	}
	window, resets := budgetWindow(t.period, now)
	if spent, err := s.store.Spent(ctx, teamStoreID(t.name), window); err == nil {
		n := json.Number(sdk.FormatUSD(spent))
		v.SpendUSD = &n
	}
	if t.budgetNanos > 0 {
		n := json.Number(sdk.FormatUSD(t.budgetNanos))
		v.BudgetUSD, v.BudgetPeriod = &n, t.period
		if !resets.IsZero() {
			v.BudgetResetsAt = &resets
		}
	}
	return v
}

// adminTeams serves GET /admin/teams: every configured team with its
// window's spend and its keys.
func (s *Stage) adminTeams(ctx context.Context) (*sdk.AdminResponse, error) {
	keys, err := s.store.List(ctx)
	if err != nil {
		s.logger.Error("key store failed", "error", err)
		return adminJSON(503, errorBody(&adminError{status: 503, typ: "service_unavailable", code: "key_store_unavailable", msg: "the key store is unavailable; retry shortly"}))
	}
	now := s.now()
	out := make([]teamView, 0, len(s.cfg.teams))
	for _, name := range slices.Sorted(maps.Keys(s.cfg.teams)) {
		v := teamView{teamLimitsView: s.teamLimits(ctx, s.cfg.teams[name], now), Keys: []string{}}
		for _, k := range keys {
			if k.Team == name && k.RevokedAt == nil {
				v.Keys = append(v.Keys, k.ID)
			}
		}
		out = append(out, v)
	}
	return adminJSON(200, map[string]any{"object": "list", "data": out})
}

// teamNames lists the configured teams for an error message.
func (s *Stage) teamNames() string {
	if len(s.cfg.teams) == 0 {
		return "no teams"
	}
	return strings.Join(slices.Sorted(maps.Keys(s.cfg.teams)), ", ")
}

// usableModels are the models a key may use: its own, within its team's
// (a key of a team that left the config may use none).
func (s *Stage) usableModels(k *Key) sdk.HolderModels {
	var teamModels []string
	if k.Team != "" {
		t, ok := s.cfg.teams[k.Team]
		if !ok {
			return sdk.HolderModels{Models: []string{}}
		}
		teamModels = t.models
	}
	switch {
	case len(k.Models) == 0 && len(teamModels) == 0:
		return sdk.HolderModels{All: true, Models: []string{}}
	case len(teamModels) == 0:
		return sdk.HolderModels{Models: k.Models}
	case len(k.Models) == 0:
		return sdk.HolderModels{Models: teamModels}
	}
	both := []string{}
	for _, m := range k.Models {
		if slices.Contains(teamModels, m) {
			both = append(both, m)
		}
	}
	return sdk.HolderModels{Models: both}
}
