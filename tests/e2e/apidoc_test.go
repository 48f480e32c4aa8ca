package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAPIDocListsEveryErrorCode: every error code the host and the plugins
// answer with (fail(…) calls and Code: "…" fields in their Go sources) is in
// docs/api.md, whose error table promises every status and code.
func TestAPIDocListsEveryErrorCode(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root, "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	pair := regexp.MustCompile(`"(?:[a-z_]+_error|service_unavailable|timeout)",\s*"([a-z]+(?:_[a-z]+)+)"`)
	field := regexp.MustCompile(`\bCode:\s*"([a-z]+(?:_[a-z]+)+)"`)
	comment := regexp.MustCompile(`(?m)^\s*//.*$`)
	// Never sent: the client has gone (a status for the trace only).
	unsent := map[string]bool{"client_closed_request": true}
	codes := map[string]string{}
	for _, dir := range []string{"core", "plugins", "sdk/go"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			src := comment.ReplaceAll(b, nil)
			for _, m := range append(pair.FindAllSubmatch(src, -1), field.FindAllSubmatch(src, -1)...) {
				codes[string(m[1])] = path
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d error codes in the sources: %v", len(codes), codes)
	}
	for code, path := range codes {
		if !unsent[code] && !strings.Contains(string(doc), "`"+code+"`") {
			t.Errorf("docs/api.md does not list error code %s (%s)", code, path)
		}
	}
}
