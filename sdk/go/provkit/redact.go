package provkit

import (
	"regexp"
	"sort"
	"strings"
)

// MaxMessage bounds the upstream text a Redactor lets into one message.
const MaxMessage = 400

// redacted replaces every secret a Redactor finds.
const redacted = "[redacted]"

var (
	// "Authorization: Bearer …" and any other bearer token.
	bearerPattern = regexp.MustCompile(`(?i)\bbearer\s+[^\s"',;]+`)
	// "Authorization: Basic …".
	basicPattern = regexp.MustCompile(`(?i)\bbasic\s+[A-Za-z0-9+/=._-]{8,}`)
	// Key headers other than Authorization and key fields, as they appear
	// in echoed requests: x-goog-api-key (Gemini), x-api-key, api-key
	// (Azure), "api_key": "…", access_token: ….
	keyHeaderPattern = regexp.MustCompile(`(?i)\b(x-goog-api-key|x-api-key|api[-_]?key|access[-_]token)(["']?\s*[:=]\s*["']?)[^\s"',;&]+`)
	// Key shapes: OpenAI and OpenRouter (sk-…, sk-proj-…, sk-or-v1-…),
	// Anthropic (sk-ant-…), Groq (gsk_…), xAI (xai-…), restricted and
	// session keys (rk-…, sess-…).
	keyShapePattern = regexp.MustCompile(`\b(sk|gsk|rk|sess|xai)[-_][A-Za-z0-9_\-*.]{6,}`)
	// Google API keys: "AIza" and 35 more characters.
	googleKeyPattern = regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{20,}`)
	// URLs lose their user info, query and fragment (?key=… on Gemini).
	urlPattern = regexp.MustCompile(`(?i)\bhttps?://[^\s"'<>]+`)
	// A key parameter outside a URL: "key=…", "api_key=…", "access_token=…".
	keyParamPattern = regexp.MustCompile(`(?i)\b(key|api_key|apikey|access_token|token)=[^\s&"',;]+`)
)

// Redactor makes upstream text safe for an error message or a log line:
// the instance's own secrets, bearer and basic credentials, key headers,
// every known API key shape, URL credentials and query strings, and key
// parameters are removed, control characters become spaces, and the result
// is one line of at most MaxMessage bytes. The zero value redacts by shape
// only. A Redactor is safe for concurrent use.
type Redactor struct {
	secrets []string // longest first, so a key that contains another goes whole
}

// NewRedactor returns a Redactor that also removes each of secrets (the
// instance's API key, say) wherever it appears. Empty secrets are skipped.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if s = strings.TrimSpace(s); s != "" {
			r.secrets = append(r.secrets, s)
		}
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// Message is s with every secret removed, on one line, bounded.
func (r *Redactor) Message(s string) string {
	if s == "" {
		return s
	}
	s = r.Redact(s)
	s = strings.Join(strings.FieldsFunc(s, isSpaceOrControl), " ")
	return truncate(s, MaxMessage)
}

// Redact is s with every secret removed, and nothing else changed.
func (r *Redactor) Redact(s string) string {
	if r != nil {
		for _, secret := range r.secrets {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	s = bearerPattern.ReplaceAllString(s, "Bearer "+redacted)
	s = basicPattern.ReplaceAllString(s, "Basic "+redacted)
	s = keyHeaderPattern.ReplaceAllString(s, "${1}${2}"+redacted)
	s = googleKeyPattern.ReplaceAllString(s, redacted)
	s = keyShapePattern.ReplaceAllString(s, "$1-"+redacted)
	s = urlPattern.ReplaceAllStringFunc(s, SafeURL)
	return keyParamPattern.ReplaceAllString(s, "$1="+redacted)
}

// SafeURL is raw without its user info, query and fragment, which is where
// URLs carry credentials (https://user:pass@host, ?key=…).
func SafeURL(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	scheme, rest := raw[:i+3], raw[i+3:]
	if j := strings.IndexAny(rest, "?#"); j >= 0 {
		rest = rest[:j]
	}
	host := rest
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		host = rest[:j]
	}
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + rest
}

// isSpaceOrControl splits text into words: spaces and control characters
// (a newline in an upstream message must not start a new log line) separate.
func isSpaceOrControl(r rune) bool {
	return r == ' ' || r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029
}

// truncate cuts s to at most n bytes on a character boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
