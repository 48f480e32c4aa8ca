// Package vkeys is the virtual-keys stage: it checks the client's key
// (Authorization: Bearer or x-api-key, which the host passes only as its
// sha256), the key's allowed models, expiry and budget, and serves the admin
// API the host forwards to it.
package vkeys

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"maps"
	"math/big"
	"slices"
	"time"
)

// Prefix starts every secret key, so that a leaked one is recognisable
// (secret scanners, log review).
const Prefix = "llmgw-"

// Key is one virtual key as stored. The secret itself is never stored: Hash
// is its sha256 (enough for a 190-bit random secret, no salt needed).
type Key struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Hash   string   `json:"hash"`
	Models []string `json:"models,omitempty"`
	RPM    int64    `json:"rpm,omitempty"`
	TPM    int64    `json:"tpm,omitempty"`
	// MaxParallel bounds the key's requests running at once (0: none).
	MaxParallel  int64             `json:"max_parallel,omitempty"`
	BudgetNanos  int64             `json:"budget_nanos,omitempty"`
	BudgetPeriod string            `json:"budget_period,omitempty"`
	ExpiresAt    *time.Time        `json:"expires_at,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	// Team is the team whose budget the key also draws on ("" none).
	Team      string     `json:"team,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// Retired are the secrets rotation replaced: their hashes still find
	// the key, so that an old secret is refused (401) rather than taken for
	// no key at all when keys are not required — or, within its grace
	// period, served as the key.
	Retired []RetiredSecret `json:"retired,omitempty"`
}

// RetiredSecret is a secret a rotation replaced.
type RetiredSecret struct {
	Hash string `json:"hash"`
	// Until is the end of its grace period (nil: none); until then it is
	// served as the key.
	Until *time.Time `json:"until,omitempty"`
}

// matches reports whether hash is the key's secret, or a retired one still
// in its grace period at now (compared in constant time).
func (k *Key) matches(hash string, now time.Time) bool {
	if subtle.ConstantTimeCompare([]byte(k.Hash), []byte(hash)) == 1 {
		return true
	}
	for _, r := range k.Retired {
		if subtle.ConstantTimeCompare([]byte(r.Hash), []byte(hash)) == 1 && r.Until != nil && now.Before(*r.Until) {
			return true
		}
	}
	return false
}

// graceUntil is the latest end of a retired secret's grace period after now
// (nil when none is still valid).
func (k *Key) graceUntil(now time.Time) *time.Time {
	var last *time.Time
	for _, r := range k.Retired {
		if r.Until != nil && now.Before(*r.Until) && (last == nil || r.Until.After(*last)) {
			t := *r.Until
			last = &t
		}
	}
	return last
}

// clone is a deep copy of the key (its slices, map and times its own).
func (k *Key) clone() *Key {
	c := *k
	c.Models = slices.Clone(k.Models)
	c.Metadata = maps.Clone(k.Metadata)
	c.Retired = slices.Clone(k.Retired) // its Until pointers are never changed in place
	if k.ExpiresAt != nil {
		t := *k.ExpiresAt
		c.ExpiresAt = &t
	}
	if k.RevokedAt != nil {
		t := *k.RevokedAt
		c.RevokedAt = &t
	}
	return &c
}

// usable reports whether the key may be used at now.
func (k *Key) usable(now time.Time) bool {
	return k.RevokedAt == nil && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))
}

// allows reports whether the key may use the pipeline model.
func (k *Key) allows(model string) bool {
	return len(k.Models) == 0 || slices.Contains(k.Models, model)
}

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomBase62 returns n characters of crypto randomness (5.95 bits each).
func randomBase62(n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("vkeys: no randomness: " + err.Error())
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

// newSecret returns a fresh key: the prefix and 32 base62 characters
// (190 bits).
func newSecret() string { return Prefix + randomBase62(32) }

// newID returns a fresh key id; it is not secret (logs, metrics, MLflow).
func newID() string { return "vk_" + randomBase62(16) }

// HashSecret is the sha256 hex of a secret, as the host computes it from the
// request's credential.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
