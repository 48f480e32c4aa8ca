package provkit

import (
	"net/url"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// The fields every provider's config has, checked alike: each error is an
// sdk.ConfigError that names the field.

// BaseURL is the config's base_url (def when empty): an absolute http(s)
// URL without query or fragment.
func BaseURL(raw, def string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		s = def
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, sdk.ConfigError(`field "base_url": must be an http(s) URL such as %q`, def)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, sdk.ConfigError(`field "base_url": must not carry a query or fragment`)
	}
	return u, nil
}

// Timeout is the config's timeout (def when unset); it must be positive.
func Timeout(d *sdk.Duration, def time.Duration) (time.Duration, error) {
	if d == nil {
		return def, nil
	}
	if d.D() <= 0 {
		return 0, sdk.ConfigError(`field "timeout": must be positive, e.g. "120s"`)
	}
	return d.D(), nil
}

// APIKey is the config's api_key without surrounding spaces; a key that
// spans lines would split a request header, so it is refused.
func APIKey(raw string) (string, error) {
	if strings.ContainsAny(raw, "\r\n\x00") {
		return "", sdk.ConfigError(`field "api_key": must be a single line`)
	}
	return strings.TrimSpace(raw), nil
}
