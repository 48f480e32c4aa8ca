package detect

import (
	"unicode"
	"unicode/utf8"
)

// Version 32: in a text in another language, a rule's score counts in full
// only when the model agrees a little. The rules of the other languages are
// wider than the English ones (their words are fewer and their shapes
// coarser), and in the development files of documents in other languages
// 500 of 10 289 clean texts trip one at 0.85 or more — near-misses ("Glöm
// utkastet jag skickade i morse och använd den här versionen i stället"),
// builders' configurations that quote the notes they guard against,
// security talk — where the model, which has read such texts, scores them
// low. Below ruleGate the rules' score is scaled by model / ruleGate before
// it is combined (the verdict's RuleScore stays the rules' own). English
// text, code and other text in ASCII, obfuscation and short prompts (which
// the rules carry alone) are as before.
const ruleGate = 0.5

// gatedRules is the rules' score combined with the model's on raw text.
func gatedRules(raw string, rules, model float64, category string) float64 {
	if rules <= 0 || model >= ruleGate || category == CategoryObfuscation || !otherLanguage(raw) {
		return rules
	}
	return rules * model / ruleGate
}

// englishFunctionWords are common words of English that other languages do
// not write ("i", "a", "in", "on", "to", "an", "at", "for", "are", "will" are
// words of Swedish, Spanish, German, Czech, Danish or Romanian too): an
// English text's words are a tenth or more of them, another language's
// seldom one in a hundred.
var englishFunctionWords = map[string]bool{
	"the": true, "and": true, "of": true, "is": true, "this": true, "that": true, "should": true, "must": true,
	"with": true, "you": true, "your": true, "it": true, "or": true, "not": true, "from": true, "by": true,
	"what": true, "how": true, "would": true, "please": true, "which": true, "have": true, "has": true,
	"there": true, "be": true, "as": true, "can": true,
}

// otherLanguage reports a text written in a language other than English: a
// twentieth or more of its words hold a letter outside ASCII (an accent,
// another script) and under one in twelve are englishFunctionWords (words: runs
// of letters, marks and digits). Code, logs and languages written in ASCII
// alone are not.
func otherLanguage(s string) bool {
	words, english, foreign := 0, 0, 0
	var low [6]byte
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += size
			continue
		}
		start, ascii := i, true
		for i < len(s) {
			r, size = rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				break
			}
			if r >= utf8.RuneSelf {
				ascii = false
			}
			i += size
		}
		words++
		switch {
		case !ascii:
			foreign++
		case i-start <= len(low):
			for k := start; k < i; k++ {
				low[k-start] = s[k] | 0x20 // ASCII letters and digits only: digits keep their bit
			}
			if englishFunctionWords[string(low[:i-start])] {
				english++
			}
		}
	}
	return words > 0 && foreign*20 >= words && english*12 < words
}
