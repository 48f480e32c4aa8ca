package detect

import (
	"strings"
	"testing"
)

// TestLexiconMoreFolds: every word of the further languages folds to one
// token the tokenizer classifies (at most 24 bytes, no space), which keeps
// its classes, and folds the same inside a sentence as on its own — a word
// that did not would be silently dropped from the index.
func TestLexiconMoreFolds(t *testing.T) {
	lex := sharedLexicon()
	for cls, words := range lexiconMore {
		for _, w := range words {
			c := Canonical(w)
			switch {
			case c == "" || strings.ContainsAny(c, " \t\n"):
				t.Errorf("%q folds to %q, not one word", w, c)
				continue
			case len(c) > 24:
				t.Errorf("%q folds to %q, longer than the 24 bytes the tokenizer classifies", w, c)
			case lex.classify(c)&cls != cls:
				t.Errorf("%q (%q) lost its class %#x", w, c, cls)
			}
			if in := Canonical("x " + w + " x"); in != "x "+c+" x" {
				t.Errorf("%q folds to %q alone but %q in a sentence", w, c, in)
			}
		}
	}
}
