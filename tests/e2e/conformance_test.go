package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The official clients and schemathesis against a live gateway. Their
// dependencies come from `make conformance-deps` (make test runs it): the
// pinned virtualenv .venv-tests and tests/conformance/node/node_modules.
// Missing dependencies fail these tests; LLMGW_SKIP_CONFORMANCE=1 skips them.

func conformanceDeps(t *testing.T) (python, st string) {
	t.Helper()
	if os.Getenv("LLMGW_SKIP_CONFORMANCE") == "1" {
		t.Skip("LLMGW_SKIP_CONFORMANCE=1")
	}
	python = filepath.Join(root, ".venv-tests", "bin", "python")
	st = filepath.Join(root, ".venv-tests", "bin", "st")
	for _, f := range []string{python, st, filepath.Join(root, "tests", "conformance", "node", "node_modules", "openai", "package.json")} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("the conformance dependencies are missing (%s): run `make conformance-deps` "+
				"(make test does), or set LLMGW_SKIP_CONFORMANCE=1 to skip these tests", strings.TrimPrefix(f, root+"/"))
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH (the openai npm package's tests need Node.js ≥ 20); LLMGW_SKIP_CONFORMANCE=1 skips these tests")
	}
	return python, st
}

// runTool runs a command with a deadline in dir and returns its output; a
// non-zero exit fails the test with the output's tail.
func runTool(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("%s finished in %s", filepath.Base(name), time.Since(start).Round(time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish within %s:\n%s", filepath.Base(name), timeout, tail(string(out), 8000))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("%s %s failed (exit %d):\n%s", filepath.Base(name), strings.Join(args, " "), ee.ExitCode(), tail(string(out), 12000))
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out)
}

var (
	pytestSummary = regexp.MustCompile(`(?m)^(?:=+ )?(\d+) passed`)
	nodeSummary   = regexp.MustCompile(`(?m)^# pass (\d+)\s*$`)
	nodeFailed    = regexp.MustCompile(`(?m)^# fail (\d+)\s*$`)
)

func TestConformanceOpenAIClients(t *testing.T) {
	python, _ := conformanceDeps(t)
	s, g := startConformance(t)
	env := []string{"LLMGW_URL=" + g.url(), "LLMGW_SIM_URL=" + s.url(), "PYTHONDONTWRITEBYTECODE=1", "NO_COLOR=1", "OPENAI_API_KEY=", "OPENAI_BASE_URL=", "LLMGW_ADMIN_TOKEN=" + conformanceAdminToken}

	t.Run("python", func(t *testing.T) {
		out := runTool(t, 2*time.Minute, root, env, python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/conformance/python")
		if m := pytestSummary.FindStringSubmatch(out); m == nil || m[1] == "0" {
			t.Fatalf("pytest ran no test:\n%s", tail(out, 4000))
		}
		t.Log(tail(out, 3000))
	})
	t.Run("node", func(t *testing.T) {
		out := runTool(t, 2*time.Minute, filepath.Join(root, "tests", "conformance", "node"), env, "node", "--test", "--test-reporter=tap")
		if m := nodeSummary.FindStringSubmatch(out); m == nil || m[1] == "0" {
			t.Fatalf("node --test ran no test:\n%s", tail(out, 4000))
		}
		if m := nodeFailed.FindStringSubmatch(out); m == nil || m[1] != "0" {
			t.Fatalf("node --test reported failures:\n%s", tail(out, 8000))
		}
		t.Log(tail(out, 1500))
	})
}

// TestConformanceSchemathesis runs schemathesis with the checked-in document
// against a live gateway: bounded examples per operation, a fixed seed, and
// the checks that every answer is in the document (status, content type,
// headers, body schema) and that no 5xx other than the documented 502, 503
// and 504 occurs (tests/conformance/schemathesis.toml).
func TestConformanceSchemathesis(t *testing.T) {
	_, st := conformanceDeps(t)
	_, g := startConformance(t)
	work := t.TempDir() // schemathesis and hypothesis leave their caches in the working directory
	args := []string{
		"--config-file", filepath.Join(root, "tests", "conformance", "schemathesis.toml"),
		"run", filepath.Join(root, "core", "api", "openapi.json"),
		"--url", g.url(),
		"--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method",
		"--max-examples", "50",
		"--seed", "20260101",
		"--workers", "2",
		"--request-timeout", "20",
		// The admin API is tested too (a reload per example is cheap: the
		// plugin processes are shared between generations).
		"-H", "Authorization: Bearer " + conformanceAdminToken,
		"--output-sanitize", "false",
	}
	out := runTool(t, 300*time.Second, work, []string{"NO_COLOR=1", "COLUMNS=120"}, st, args...)
	if !regexp.MustCompile(`Tested: 24\b`).MatchString(out) || !schemathesisClean(out) {
		t.Fatalf("schemathesis did not test all 24 operations cleanly:\n%s", tail(out, 6000))
	}
	t.Log(tail(out, 1500))
}

// schemathesisClean reports whether a schemathesis run found no issue: every
// generated case passed, and the only warnings allowed are that POST
// /admin/keys, POST /v1/chat/completions, POST /v1/responses, POST
// /v1/messages and GET /v1/models refuse much of what is generated for them
// (and GET /v1/key refuses it all, below). The key store checks what a
// schema cannot say (an expiry in the future, models the pipeline defines),
// and so do the decoders (a tool message or function_call_output must
// answer an earlier call, tool_choice names one of the tools, top_logprobs
// needs logprobs, a data URL must decode to an image, a thinking budget must
// be below max_tokens, the model must exist) and GET /v1/models (an
// Anthropic cursor must name a model, and Anthropic's list parameters need
// an anthropic-version header). Those refusals are themselves checked
// against the document.
func schemathesisClean(out string) bool {
	if strings.Contains(out, "No issues found") {
		return true
	}
	m := regexp.MustCompile(`(\d+) generated, (\d+) passed\s`).FindStringSubmatch(out)
	if m == nil || m[1] != m[2] {
		return false
	}
	warnings, _, ok := strings.Cut(out, "SUMMARY")
	if !ok {
		return false
	}
	_, warnings, ok = strings.Cut(warnings, "WARNINGS")
	if !ok {
		return false
	}
	// GET /v1/key answers its holder's key: schemathesis has none (its
	// bearer is the admin token), so every case is a documented 401
	// (TestOpenAPIAnswersMatchTheDocument checks the 200 with a real key).
	ownKey := regexp.MustCompile(`(?s)^[=\s]*Authentication failed: 1 operation returned only 401/403 responses\s*401 Unauthorized \(1 operation\):\s*- GET /v1/key\s*💡[^\n]*\n`)
	warnings = ownKey.ReplaceAllString(warnings, "")
	// The token counts (POST /v1/messages/count_tokens and
	// /v1/responses/input_tokens) answer 404 for every model the document
	// cannot name (a generated one) and for those whose provider cannot
	// count: schemathesis calls that "missing test data".
	missing := regexp.MustCompile(`(?s)^[=\s]*Missing test data: [12] operations? [^\n]*\n(\s*- POST (/v1/messages/count_tokens|/v1/responses/input_tokens)\s*\n)+\s*💡[^\n]*\n`)
	warnings = missing.ReplaceAllString(warnings, "")
	allowed := regexp.MustCompile(`(?s)^[=\s]*Schema validation mismatch: \d operations? [^\n]*\n(\s*- (POST (/admin/keys|/v1/chat/completions|/v1/responses|/v1/responses/input_tokens|/v1/messages|/v1/messages/count_tokens)|GET /v1/models)\s*\n)+\s*💡[^\n]*[=\s]*$`)
	return allowed.MatchString(warnings)
}
