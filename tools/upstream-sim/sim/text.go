package sim

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxEcho is how many characters (runes) of the prompt the answer echoes.
const maxEcho = 200

// Prompt triggers.
const (
	triggerBlock  = "SIM_BLOCK_PROMPT"
	triggerSafety = "SIM_SAFETY_FINISH"
)

// isSpace reports whether r separates words.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\v' || r == '\f'
	}
	return unicode.IsSpace(r)
}

// countWords counts whitespace-separated words, like len(strings.Fields(s))
// without allocating. One word is one simulated token.
func countWords(s string) int {
	n := 0
	in := false
	for _, r := range s {
		if isSpace(r) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

// firstWords returns the prefix of s holding its first n words (without the
// whitespace after the last one) and whether anything was cut.
func firstWords(s string, n int) (string, bool) {
	count := 0
	in := false
	for i, r := range s {
		if isSpace(r) {
			if in && count == n {
				if strings.TrimSpace(s[i:]) == "" {
					return s, false
				}
				return s[:i], true
			}
			in = false
		} else if !in {
			in = true
			count++
		}
	}
	return s, false
}

// splitWords splits s into pieces of at most per words each; the pieces
// concatenate to s exactly (whitespace stays with the word before it).
func splitWords(s string, per int) []string {
	if per < 1 {
		per = 1
	}
	pieces := make([]string, 0, countWords(s)/per+1)
	start, count := 0, 0
	in := false
	for i, r := range s {
		if isSpace(r) {
			in = false
			continue
		}
		if !in {
			in = true
			if count > 0 && count%per == 0 {
				pieces = append(pieces, s[start:i])
				start = i
			}
			count++
		}
	}
	if start < len(s) {
		pieces = append(pieces, s[start:])
	}
	return pieces
}

// streamPieces splits an answer into stream deltas: at least three when it
// has three words or more, at most four words each.
func streamPieces(s string) []string {
	per := countWords(s) / 3
	if per > 4 {
		per = 4
	}
	return splitWords(s, per)
}

// truncateRunes returns the first n runes of s.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// answerText is the deterministic answer to prompt.
func answerText(flavour, model, prompt string) string {
	prompt = truncateRunes(strings.TrimSpace(prompt), maxEcho)
	var b strings.Builder
	b.Grow(len(flavour) + len(model) + len(prompt) + 16)
	b.WriteString("[sim ")
	b.WriteString(flavour)
	b.WriteByte(' ')
	b.WriteString(model)
	b.WriteString("] echo:")
	if prompt != "" {
		b.WriteByte(' ')
		b.WriteString(prompt)
	}
	return b.String()
}

// shapeAnswer applies stop sequences and a word limit (0: none) to text. It
// returns the text and whether the limit cut it.
func shapeAnswer(text string, stops []string, limit int) (string, bool) {
	for _, st := range stops {
		if st == "" {
			continue
		}
		if i := strings.Index(text, st); i >= 0 {
			text = text[:i]
		}
	}
	if limit > 0 {
		return firstWords(text, limit)
	}
	return text, false
}
