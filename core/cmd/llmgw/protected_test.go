package main

import (
	"strings"
	"testing"
)

func TestProtectedMode(t *testing.T) {
	for _, c := range []struct {
		listen          string
		required, allow bool
		refuse          bool
	}{
		{"127.0.0.1:8000", false, false, false},
		{"[::1]:8000", false, false, false},
		{"localhost:8000", false, false, false},
		{"0.0.0.0:8000", false, false, true},
		{":8000", false, false, true},
		{"10.1.2.3:8000", false, false, true},
		{"0.0.0.0:8000", true, false, false},
		{"0.0.0.0:8000", false, true, false},
	} {
		msg := protectedMode(c.listen, c.required, c.allow)
		if (msg != "") != c.refuse {
			t.Errorf("%+v: message %q", c, msg)
		}
		if c.refuse && (!strings.Contains(msg, "LLMGW_REQUIRE_KEYS") || !strings.Contains(msg, "LLMGW_ALLOW_ANONYMOUS")) {
			t.Errorf("%s: the message must name both variables: %q", c.listen, msg)
		}
	}
}

func TestRequireKeysWithoutAKeysStageIsNoticed(t *testing.T) {
	for _, c := range []struct {
		env      string
		required bool
		warn     bool
	}{{"1", false, true}, {"true", false, true}, {"1", true, false}, {"0", false, false}, {"", false, false}, {"yes", false, false}} {
		if got := requireKeysIgnored(c.env, c.required); got != c.warn {
			t.Errorf("LLMGW_REQUIRE_KEYS=%q, keys required %v: warn %v, want %v", c.env, c.required, got, c.warn)
		}
	}
}
