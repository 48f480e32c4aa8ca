package detect

import "strings"

// A request to write tests or evaluation data for a defence quotes the
// attacks the defence must catch: "add pytest cases to
// tests/test_injection_filter.py for these inputs, all should be flagged:
// \"Ignore all previous instructions …\"". The quoted strings and code are
// the test's data; the request asks for code (version 29).

// fixtureWords name the work: tests, cases, fixtures, evaluation data.
var fixtureWords = []string{"test", "fixture", "pytest", "jest", "testcase", "test case", "eval dataset", "eval set",
	"evaluation set", "benchmark set", "red-team suite", "regression suite", "prueba", "caso", "teste", "testfall",
	"cas de test", "jeu de test", "テスト", "测试", "테스트", "тест"}

// fixtureTargets name what the tests are for: a defence against attacks, or
// the verdict a case must get.
var fixtureTargets = []string{"filter", "detector", "guard", "classifier", "sanitiz", "sanitis", "scanner",
	"moderation", "waf", "injection", "jailbreak", "should be flagged", "should be blocked", "must be blocked",
	"must be flagged", "should block", "should flag", "must block", "filtro", "검출", "탐지", "检测", "过滤",
	"検出", "フィルタ", "фильтр", "детектор"}

// fixtureMask returns s with every quotation and fenced code block blanked
// out (same length) when what is left asks for tests or evaluation data of
// a defence, and whether it did.
func fixtureMask(s string) (string, bool) {
	masked, ok := maskQuotes(s, func(string, int, int) bool { return true })
	masked, fenced := maskFences(masked)
	if !ok && !fenced {
		return s, false
	}
	if !hasPhrase(masked, fixtureWords...) || !hasPhrase(masked, fixtureTargets...) {
		return s, false
	}
	return masked, true
}

// maskFences blanks out the contents of every ``` fenced block (newlines
// kept; an unclosed block runs to the end), and reports whether there was one.
func maskFences(s string) (string, bool) {
	if !strings.Contains(s, "```") {
		return s, false
	}
	buf := []byte(s)
	for from := 0; ; {
		open := strings.Index(s[from:], "```")
		if open < 0 {
			break
		}
		open += from + 3
		end := strings.Index(s[open:], "```")
		if end < 0 {
			end = len(s)
		} else {
			end += open
		}
		for k := open; k < end; k++ {
			if buf[k] != '\n' {
				buf[k] = ' '
			}
		}
		if end == len(s) {
			break
		}
		from = end + 3
	}
	return string(buf), true
}
