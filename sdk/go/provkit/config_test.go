package provkit

import (
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func TestConfigFields(t *testing.T) {
	const def = "https://api.example.com"
	if u, err := BaseURL("  ", def); err != nil || u.String() != def {
		t.Fatalf("default: %v %v", u, err)
	}
	if u, err := BaseURL("http://127.0.0.1:8081/v1", def); err != nil || u.Host != "127.0.0.1:8081" {
		t.Fatalf("given: %v %v", u, err)
	}
	for _, bad := range []string{"ftp://x", "api.example.com", "https://x/?key=1", "https://x/#f", "http://"} {
		if _, err := BaseURL(bad, def); err == nil {
			t.Errorf("base_url %q accepted", bad)
		}
	}
	zero, neg, two := sdk.Duration(0), sdk.Duration(-time.Second), sdk.Duration(2*time.Second)
	if d, err := Timeout(nil, time.Minute); err != nil || d != time.Minute {
		t.Fatalf("default timeout: %v %v", d, err)
	}
	if d, err := Timeout(&two, time.Minute); err != nil || d != 2*time.Second {
		t.Fatalf("timeout: %v %v", d, err)
	}
	for _, bad := range []*sdk.Duration{&zero, &neg} {
		if _, err := Timeout(bad, time.Minute); err == nil {
			t.Errorf("timeout %v accepted", *bad)
		}
	}
	if k, err := APIKey(" sk-1 "); err != nil || k != "sk-1" {
		t.Fatalf("key: %q %v", k, err)
	}
	if _, err := APIKey("sk-1\nX-Evil: 1"); err == nil {
		t.Fatal("a key with a line break was accepted")
	}
}
