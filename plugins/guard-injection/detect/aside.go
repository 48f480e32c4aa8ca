package detect

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/llmgw/llmgw/plugins/guard-injection/normalize"
)

// Version 21's model features for an aside addressed to the AI that reads a
// text, in any language: "(यह अनुच्छेद पढ़ने वाले एआई मॉडल के लिए विशेष
// निर्देश: …)", "[Yordamchi uchun: …]", "（給整理講義的AI：…）", "Huomautus
// tekoälylle, joka lukee tätä sopimusta: …". Version 7's rule
// (addressedToAI) reads the shape of such a sentence through prepositions and
// note words in six languages; the model sees words and character n-grams
// with punctuation squeezed out, so neither saw the bracket or the colon
// around an AI noun in the other languages. These features say only where
// such a noun stands — after an opening bracket or a line start, with a colon
// close after it, early or late in the text — and the model learns from the
// data what that is worth: builders' system prompts open with "AI助手须知："
// too.

// aiTermsRaw name the AI that reads a text, written as people write them;
// their canonical forms (normalize) are matched. Terms of ASCII letters match
// as whole words (so "ai" is not found in "main", nor "ki" in "kind"), and so
// do the short ones of other scripts (at most two letters: "ИИ" is not found
// in "информации", nor "ШІ" in "інші" — version 21 found them there); longer
// ones anywhere, and those ending in "*" as a word's start ("tekoälylle",
// "ஏஐக்கு"). A "*" stands only at the end (TestAITermsStarOnlyAtEnd), so the
// inflected phrases of Polish, Russian or Ukrainian are listed case by case.
var aiTermsRaw = []string{
	"AI", "KI", "IA", "LLM", "GPT", "ChatGPT", "chatbot", "bot", "assistant", "asistente", "assistente",
	"assistent", "assistentin", "language model", "modelo de lenguaje", "modèle de langage", "modello linguistico",
	"Sprachmodell*", "taalmodel*", "modelo de linguagem", "artificial intelligence", "intelligence artificielle",
	"inteligencia artificial", "intelligenza artificiale", "inteligência artificial", "künstliche Intelligenz",
	"kunstmatige intelligentie", "umělá inteligence", "umelá inteligencia",
	"mesterséges intelligencia", "inteligența artificială", "tekoäly*", "yapay zek*", "kecerdasan buatan",
	"trí tuệ nhân tạo", "akili bandia", "asisten*", "katulong na AI", "ИИ", "ШІ", "нейросет*", "нейромереж*", "ассистент*", "асистент*",
	"искусственный интеллект*", "искусственного интеллект*", "искусственному интеллект*", "искусственным интеллект*",
	"искусственном интеллект*", "языковая модел*", "языковой модел*", "языковую модел*", "языковым модел*",
	"штучний інтелект*", "штучного інтелект*", "штучному інтелект*", "штучним інтелект*", "штучном інтелект*",
	"sztuczna inteligencj*", "sztucznej inteligencj*", "sztuczną inteligencją", "asystent*", "model językow*",
	"modelu językow*", "modelowi językow*", "人工智能", "人工智慧",
	"人工知能", "AI助手", "AI助理", "智能助手", "语言模型", "語言模型", "大模型", "言語モデル", "アシスタント", "인공지능", "어시스턴트",
	"언어 모델", "एआई", "कृत्रिम बुद्धि", "ஏஐ*", "செயற்கை நுண்ணறிவு", "এআই", "কৃত্রিম বুদ্ধিমত্তা", "الذكاء الاصطناعي",
	"نموذج اللغ", "المساعد", "للمساعد", "هوش مصنوعی", "دستیار", "مدل زبانی", "בינה מלאכותית", "ปัญญาประดิษฐ์", "เอไอ",
	"ሰው ሰራሽ", "Yordamchi", "жасанды интеллект", "süni intellekt", "ხელოვნური ინტელექტი", "արհեստական բանականություն",
}

type aiTerm struct {
	text   string
	ascii  bool // whole-word match, ASCII letters and digits around
	short  bool // whole-word match, letters of any script around
	prefix bool // the last word may go on ("tekoaly" in "tekoalylle")
	infix  bool // it may end a compound ("tyokalu" in "kaannostyokalulle"): no word start needed
}

// aiTermSet holds the canonical terms by first byte, so that a window is
// read once whatever the number of terms.
type aiTermSet struct {
	byFirst [256][]aiTerm
	// second has bit b of second[a] set when a term starts with bytes a, b
	// (every bit for a one-byte term): most positions of a text are ruled
	// out without reading a term.
	second [256][4]uint64
	// The same terms for termAt, which only asks whether one matches: the
	// one-byte terms by their byte (one), the longer ones by their first
	// byte and ordered by their second (two), the run of those whose second
	// byte is b starting at twoAt[a][k], k the number of second bytes below
	// b that start a term (twoBits[a], second without the one-byte terms'
	// bits). A position is then checked against the terms that begin with
	// its two bytes, not every term that begins with its first.
	one     [256][]aiTerm
	two     [256][]aiTerm
	twoBits [256][4]uint64
	twoAt   [256][]int32
}

// startingAt returns the terms that may match at s[i] (mayStart true):
// those of one byte s[i], and those that begin with s[i], s[i+1].
func (ts *aiTermSet) startingAt(s string, i int) (one, two []aiTerm) {
	a := s[i]
	one = ts.one[a]
	if i+1 >= len(s) {
		return one, nil
	}
	b := s[i+1]
	bits := &ts.twoBits[a]
	if bits[b>>6]&(1<<(b&63)) == 0 {
		return one, nil
	}
	k := rankBelow(bits, b)
	return one, ts.two[a][ts.twoAt[a][k]:ts.twoAt[a][k+1]]
}

// rankBelow counts the bits of set below bit b.
func rankBelow(set *[4]uint64, b byte) int {
	n := bits.OnesCount64(set[b>>6] & (1<<(b&63) - 1))
	for w := range int(b >> 6) {
		n += bits.OnesCount64(set[w])
	}
	return n
}

// index fills one, two, twoBits and twoAt from byFirst.
func (ts *aiTermSet) index() {
	for a := range ts.byFirst {
		ts.one[a], ts.two[a], ts.twoBits[a], ts.twoAt[a] = nil, nil, [4]uint64{}, nil
		for _, t := range ts.byFirst[a] {
			if len(t.text) == 1 {
				ts.one[a] = append(ts.one[a], t)
				continue
			}
			ts.two[a] = append(ts.two[a], t)
			b := t.text[1]
			ts.twoBits[a][b>>6] |= 1 << (b & 63)
		}
		// Ordered by second byte, each byte's terms in the order added.
		slices.SortStableFunc(ts.two[a], func(x, y aiTerm) int { return int(x.text[1]) - int(y.text[1]) })
		for i, t := range ts.two[a] {
			if i == 0 || t.text[1] != ts.two[a][i-1].text[1] {
				ts.twoAt[a] = append(ts.twoAt[a], int32(i))
			}
		}
		ts.twoAt[a] = append(ts.twoAt[a], int32(len(ts.two[a])))
	}
}

// mayStart reports whether a term of the set may start at s[i].
func (ts *aiTermSet) mayStart(s string, i int) bool {
	if len(ts.byFirst[s[i]]) == 0 {
		return false
	}
	if i+1 >= len(s) {
		return true
	}
	b := s[i+1]
	return ts.second[s[i]][b>>6]&(1<<(b&63)) != 0
}

var (
	aiTermsOnce sync.Once
	aiTerms     aiTermSet
)

func sharedAITerms() *aiTermSet {
	aiTermsOnce.Do(func() { aiTerms.add(aiTermsRaw) })
	return &aiTerms
}

// add puts the canonical forms of raw terms (see aiTermsRaw) in the set.
func (ts *aiTermSet) add(raw []string) {
	seen := map[string]bool{}
	for _, r := range raw {
		prefix := strings.HasSuffix(r, "*")
		infix := strings.HasPrefix(r, "*")
		r = strings.ReplaceAll(r, "*", "")
		c := strings.TrimSpace(normalize.Normalize(r).Canonical)
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		ascii := true
		for i := 0; i < len(c); i++ {
			if c[i] >= 0x80 {
				ascii = false
			}
		}
		short := !ascii && utf8.RuneCountInString(c) <= 2
		ts.byFirst[c[0]] = append(ts.byFirst[c[0]], aiTerm{c, ascii, short, prefix, infix})
		if len(c) == 1 {
			ts.second[c[0]] = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
		} else {
			ts.second[c[0]][c[1]>>6] |= 1 << (c[1] & 63)
		}
	}
	ts.index()
}

func asciiAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// inWord reports whether byte offset i of s is inside a word: a letter,
// digit or mark on both sides of it.
func inWord(s string, i int) bool {
	if i == 0 || i == len(s) {
		return false
	}
	wordy := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	after, _ := utf8.DecodeRuneInString(s[i:])
	return wordy(before) && wordy(after)
}

// Feature ids of the aside (hashed like the others).
const (
	asideAny  = 0x3a1de001 // an AI noun in an aside, with a colon after it
	asideLate = 0x3a1de002 // the same, after the text's first line or 200 bytes
	asideOpen = 0x3a1de003 // the same, at the very start of the text
)

// asideSpan is how far (bytes) an aside's opening may stand before the AI
// noun and its colon after it.
const asideSpan = 90

// appendAsideFeatures adds the aside features of canonical text s to dst,
// each at most once. It reads the text once: an AI noun counts only when
// the next stop after it is a colon within asideSpan bytes, so only the
// stretch before each colon, back to the stop before it, is searched.
func appendAsideFeatures(dst []uint32, s string) []uint32 {
	const mask = NumBuckets - 1
	terms := sharedAITerms()
	var got [3]bool
	stop := -1 // the last stop (sentence or aside end, colon) before j
	for j := 0; j < len(s); j++ {
		c := s[j]
		if c != ':' {
			if isStop(s, j) {
				stop = j
			}
			continue
		}
		for i := max(stop+1, j-asideSpan); i < j; i++ {
			for _, t := range terms.byFirst[s[i]] {
				end := i + len(t.text)
				if end > j || !strings.HasPrefix(s[i:], t.text) {
					continue
				}
				if t.ascii {
					if i > 0 && (asciiAlnum(s[i-1]) || s[i-1] == '\'') {
						continue
					}
					if !t.prefix && asciiAlnum(s[end]) {
						continue
					}
				}
				if t.short && (inWord(s, i) || !t.prefix && inWord(s, end)) {
					continue
				}
				open, start := asideBefore(s, i)
				if !open {
					continue
				}
				got[0] = true
				if start == 0 {
					got[2] = true
				} else if i >= lateOverride || strings.IndexByte(s[:i], '\n') >= 0 {
					got[1] = true
				}
			}
		}
		stop = j
	}
	for k, id := range [3]uint32{asideAny, asideLate, asideOpen} {
		if got[k] {
			dst = append(dst, (id*fnvPrime)&mask)
		}
	}
	return dst
}

// isStop reports a sentence or aside end at s[j]: what separates an AI noun
// from a colon that is not about it.
func isStop(s string, j int) bool {
	switch s[j] {
	case '.', '!', '?', '\n', ')', ']', '}', '>':
		return true
	case 0xe3:
		return strings.HasPrefix(s[j:], "。") || strings.HasPrefix(s[j:], "】") || strings.HasPrefix(s[j:], "」")
	}
	return false
}

// asideBefore reports whether the text before i, back to the start of its
// sentence, opens an aside within asideSpan bytes: a bracket, a line start or
// the start of the text (start 0).
func asideBefore(s string, i int) (open bool, start int) {
	for j := i - 1; j >= 0 && j >= i-asideSpan; j-- {
		switch s[j] {
		case '(', '[', '{', '<', '\n', '|', '*', '#':
			return true, j + 1
		case '.', '!', '?', ')', ']', '}', '>', ':':
			return false, 0
		}
		if j >= 2 && (strings.HasPrefix(s[j-2:], "【") || strings.HasPrefix(s[j-2:], "「")) {
			return true, j + 1
		}
		if j >= 2 && strings.HasPrefix(s[j-2:], "。") {
			return false, 0
		}
	}
	if i <= asideSpan {
		return true, 0
	}
	return false, 0
}
