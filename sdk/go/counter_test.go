package sdk

import "testing"

func TestRejectionSetsTheSecurityCounter(t *testing.T) {
	cases := map[string]SecurityCounter{
		"validation": CountValidation,
		"jailbreak":  CountPromptInjection,
		"injection":  CountPromptInjection,
		"rate_limit": CountRateLimit,
		"pii":        0,
	}
	for category, want := range cases {
		if got := (Rejection{Status: 400, Code: "x", Message: "m", Category: category}).Response().Reject.Counter; got != want {
			t.Errorf("category %q: counter %v, want %v", category, got, want)
		}
	}
	if got := (Rejection{Status: 400, Code: "x", Message: "m", Category: "pii", Counter: CountValidation}).Response().Reject.Counter; got != CountValidation {
		t.Errorf("an explicit counter wins: %v", got)
	}
}
