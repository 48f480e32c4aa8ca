package sdk

import "testing"

func TestRejectSetsTheSecurityCounter(t *testing.T) {
	cases := map[string]SecurityCounter{
		"validation": CountValidation,
		"jailbreak":  CountPromptInjection,
		"injection":  CountPromptInjection,
		"rate_limit": CountRateLimit,
		"pii":        0,
	}
	for category, want := range cases {
		if got := Reject(400, "invalid_request_error", "x", category, "m").Reject.Counter; got != want {
			t.Errorf("category %q: counter %v, want %v", category, got, want)
		}
	}
}
