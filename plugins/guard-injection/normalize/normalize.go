// Package normalize turns a prompt into the canonical text the injection
// detector matches on, undoing the usual obfuscations: compatibility forms
// (NFKC, full-width letters), invisible and bidi control characters, Unicode
// tag characters, Cyrillic and Greek look-alikes, accents, leetspeak, letter
// spacing ("i g n o r e") and base64 or hex blobs.
//
// The canonical text is lower-case ASCII for Latin-script input; which
// obfuscations were undone is reported in Text.Flags, so the detector can
// raise its score when an instruction was hidden on purpose.
package normalize

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Flags records which obfuscations Canonical undid.
type Flags uint16

// Obfuscations that Canonical may have undone.
const (
	// Invisible: zero-width characters, soft hyphens or word joiners inside the text.
	Invisible Flags = 1 << iota
	// Bidi: bidirectional control characters.
	Bidi
	// TagChars: Unicode tag characters (U+E0020–U+E007E) decoded to ASCII.
	TagChars
	// Homoglyph: a word mixing Latin letters with Cyrillic or Greek look-alikes.
	Homoglyph
	// FullWidth: full-width ASCII forms (U+FF01–U+FF5E).
	FullWidth
	// Leet: digits or symbols standing for letters inside a word ("1gn0r3").
	Leet
	// Spaced: letters separated by single spaces or dots ("i g n o r e").
	Spaced
	// Encoded: a base64 or hex blob decoded to readable text.
	Encoded
)

// Obfuscated is the set of flags that mean someone hid text on purpose.
const Obfuscated = Invisible | Bidi | TagChars | Homoglyph | FullWidth | Leet | Spaced | Encoded

// Text is a prompt in canonical form.
type Text struct {
	// Canonical is the folded, lower-case text, one space between runs of
	// whitespace kept as they were.
	Canonical string
	// Decoded holds the canonical forms of base64 or hex blobs that decoded
	// to readable text (at most MaxBlobs of them).
	Decoded []string
	// Flags says which obfuscations were undone.
	Flags Flags
}

// Limits on blob decoding, so a hostile prompt cannot make the scan costly.
const (
	// MaxBlobs is the number of encoded blobs decoded per prompt.
	MaxBlobs = 4
	// MinBlobLen is the shortest run of base64/hex characters considered a blob.
	MinBlobLen = 16
	// MaxBlobLen caps the length of a blob that is decoded.
	MaxBlobLen = 8192
)

// Normalize returns the canonical form of s. It never fails: text that is
// not valid UTF-8 is read rune by rune with replacement characters.
func Normalize(s string) Text {
	t, _ := normalizeUntil(nil, s)
	return t
}

// NormalizeUntil is Normalize that stops between its passes over s as soon
// as done is closed, and then reports ok false (the text is unfinished).
func NormalizeUntil(done <-chan struct{}, s string) (Text, bool) {
	return normalizeUntil(done, s)
}

func normalizeUntil(done <-chan struct{}, s string) (Text, bool) {
	var t Text
	pre, flags := stripAndMap(s)
	t.Flags = flags
	if closed(done) {
		return t, false
	}
	t.Decoded, t.Flags = decodeBlobs(pre, t.Flags)
	if closed(done) {
		return t, false
	}
	if m, ok := decodeMorse(pre); ok && len(t.Decoded) < MaxBlobs {
		t.Decoded = append(t.Decoded, normalize(m, 1).Canonical)
		t.Flags |= Encoded
	}
	if closed(done) {
		return t, false
	}
	return finish(t, pre, done)
}

func normalize(s string, depth int) Text {
	if depth == 0 {
		return Normalize(s)
	}
	var t Text
	pre, flags := stripAndMap(s)
	t.Flags = flags
	t, _ = finish(t, pre, nil)
	return t
}

// finish folds, joins spaced letters and undoes leetspeak: the canonical
// form of pre, stopping between the passes when done is closed.
func finish(t Text, pre string, done <-chan struct{}) (Text, bool) {
	folded, ff := fold(pre)
	t.Flags |= ff
	if closed(done) {
		return t, false
	}
	joined, jf := joinSpaced(folded)
	t.Flags |= jf
	if closed(done) {
		return t, false
	}
	t.Canonical, t.Flags = undoLeet(joined, t.Flags)
	return t, true
}

// closed reports whether done is closed (nil: never).
func closed(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// stripAndMap removes invisible and bidi controls, decodes tag characters and
// maps full-width forms. The result keeps the original case (base64 needs it).
func stripAndMap(s string) (string, Flags) {
	// Fast path: printable ASCII needs nothing.
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s, 0
	}
	special := false
	for _, r := range s {
		if r < 0xad {
			continue // below the first of them (U+00AD, the soft hyphen)
		}
		if (r >= 0xE0000 && r <= 0xE007F) || isInvisible(r) || isBidi(r) || (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 || enclosedLetter(r) != 0 {
			special = true
			break
		}
	}
	if !special {
		return s, 0
	}
	var flags Flags
	var b strings.Builder
	b.Grow(len(s))
	prevFlag := false // inside an emoji tag sequence (🏴 + tags), which is legitimate
	for _, r := range s {
		switch {
		case r >= 0xE0000 && r <= 0xE007F:
			if prevFlag {
				continue
			}
			if r >= 0xE0020 && r <= 0xE007E {
				b.WriteByte(byte(r - 0xE0000))
				flags |= TagChars
			}
			continue
		case isInvisible(r):
			flags |= Invisible
			continue
		case isBidi(r):
			flags |= Bidi
			continue
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteByte(byte(r - 0xFEE0))
			flags |= FullWidth
			prevFlag = false
			continue
		case r == 0x3000: // ideographic space
			b.WriteByte(' ')
			continue
		case enclosedLetter(r) != 0:
			b.WriteByte(enclosedLetter(r))
			flags |= FullWidth
			prevFlag = false
			continue
		}
		prevFlag = r == 0x1F3F4
		b.WriteRune(r)
	}
	return b.String(), flags
}

// enclosedLetter returns the Latin capital letter of a squared or negative
// circled/squared letter (🄸, 🅘, 🅸: U+1F130–U+1F189), which have no
// compatibility decomposition and spell words as emoji ("🅸🅶🅽🅾🆁🅴"), or 0.
func enclosedLetter(r rune) byte {
	for _, base := range [...]rune{0x1F130, 0x1F150, 0x1F170} {
		if r >= base && r < base+26 {
			return byte('A' + r - base)
		}
	}
	return 0
}

func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200D, r >= 0x2060 && r <= 0x2064, r == 0xFEFF, r == 0x00AD,
		r == 0x180E, r == 0x034F, r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0:
		return true
	}
	return false
}

func isBidi(r rune) bool {
	return r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x061C
}

// fold applies NFKD, drops combining marks, folds confusables and lowers case.
func fold(s string) (string, Flags) {
	var flags Flags
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return asciiLower(s), 0
	}
	s = nfkd(s)
	var b strings.Builder
	b.Grow(len(s))
	// Per word: did it mix real Latin letters with look-alikes?
	wordLatin, wordConfusable := false, false
	endWord := func() {
		if wordLatin && wordConfusable {
			flags |= Homoglyph
		}
		wordLatin, wordConfusable = false, false
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
				if c >= 'a' {
					wordLatin = true
				}
			} else {
				endWord()
			}
			b.WriteByte(c)
			continue
		}
		// Combining marks (Mn) start at U+0300; U+0300–U+036F, the
		// diacritics NFKD splits off Latin letters, are all Mn.
		if r >= 0x300 && (r <= 0x36f || unicode.Is(unicode.Mn, r)) {
			continue
		}
		if l := confusable(r); l != 0 {
			wordConfusable = true
			b.WriteByte(l)
			continue
		}
		switch r {
		case 'ß':
			b.WriteString("ss")
			continue
		case 'æ', 'Æ':
			b.WriteString("ae")
			continue
		case 'œ', 'Œ':
			b.WriteString("oe")
			continue
		case 'ø', 'Ø':
			b.WriteByte('o')
			continue
		case 'ł', 'Ł':
			b.WriteByte('l')
			continue
		case '‘', '’', 'ʼ', '′', '‚', '‹', '›':
			b.WriteByte('\'')
			endWord()
			continue
		case '“', '”', '„', '″', '«', '»':
			b.WriteByte('"')
			endWord()
			continue
		}
		if unicode.IsSpace(r) {
			b.WriteByte(' ')
			endWord()
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			endWord()
		}
		b.WriteRune(toLower(r))
	}
	endWord()
	return b.String(), flags
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// confusables maps Cyrillic and Greek letters that look like Latin ones.
var confusables = map[rune]byte{
	// Cyrillic lower and upper case.
	'а': 'a', 'в': 'b', 'с': 'c', 'е': 'e', 'ё': 'e', 'һ': 'h', 'і': 'i', 'ї': 'i', 'ј': 'j', 'к': 'k',
	'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'ԛ': 'q', 'г': 'r', 'ѕ': 's', 'т': 't', 'у': 'y', 'х': 'x',
	'ԝ': 'w', 'ь': 'b', 'ɡ': 'g', 'ո': 'n', 'ս': 'u',
	'А': 'a', 'В': 'b', 'С': 'c', 'Е': 'e', 'Ё': 'e', 'Н': 'h', 'І': 'i', 'Ї': 'i', 'Ј': 'j', 'К': 'k',
	'М': 'm', 'О': 'o', 'Р': 'p', 'Ѕ': 's', 'Т': 't', 'У': 'y', 'Х': 'x', 'Ԝ': 'w', 'Ү': 'y',
	// Greek lower and upper case.
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't',
	'υ': 'u', 'χ': 'x', 'ω': 'w', 'γ': 'y',
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n', 'Ο': 'o',
	'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	// Latin look-alikes outside ASCII.
	'ı': 'i', 'ℓ': 'l', 'ɑ': 'a', 'ǀ': 'l',
}

// confusableLow is confusables for the runes below U+0580 (Latin, Greek,
// Cyrillic, Armenian), where all but a few are, and confusableHigh the
// rest: an array read instead of a map lookup for every letter of a text
// that is not ASCII.
var confusableLow, confusableHigh = func() (low [0x580]byte, high []runeLetter) {
	for r, l := range confusables {
		if r < rune(len(low)) {
			low[r] = l
		} else {
			high = append(high, runeLetter{r, l})
		}
	}
	return low, high
}()

type runeLetter struct {
	r rune
	l byte
}

// confusable returns the Latin letter r looks like, or 0.
func confusable(r rune) byte {
	if r < rune(len(confusableLow)) {
		return confusableLow[r]
	}
	for _, c := range confusableHigh {
		if c.r == r {
			return c.l
		}
	}
	return 0
}

// joinSpaced joins runs of three or more single letters separated by one
// space, dot, dash, underscore or asterisk ("i g n o r e" → "ignore"). Two or
// more spaces end a word, so "i g n o r e  a l l" becomes "ignore all".
func joinSpaced(s string) (string, Flags) {
	isAlnum := func(c byte) bool { return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') }
	isSep := func(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' }
	var out []byte
	var flags Flags
	i := 0
	for i < len(s) {
		// A run starts at a single alnum that is not preceded by an alnum.
		if isAlnum(s[i]) && (i == 0 || !isAlnum(s[i-1])) && i+1 < len(s) && isSep(s[i+1]) {
			sep := s[i+1]
			j := i
			n := 1
			for j+2 < len(s) && s[j+1] == sep && isAlnum(s[j+2]) && (j+3 >= len(s) || !isAlnum(s[j+3])) {
				j += 2
				n++
			}
			if n >= 3 {
				if out == nil {
					out = make([]byte, 0, len(s))
					out = append(out, s[:i]...)
				}
				for k := i; k <= j; k += 2 {
					out = append(out, s[k])
				}
				flags |= Spaced
				i = j + 1
				continue
			}
		}
		if out != nil {
			out = append(out, s[i])
		}
		i++
	}
	if out == nil {
		return s, 0
	}
	return string(out), flags
}

// leetMap gives the letter a digit or symbol stands for inside a word.
var leetMap = [256]byte{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', '$': 's', '!': 'i', '|': 'l'}

// undoLeet rewrites words that mix letters with leet digits ("pr3v10u5").
// Words made only of digits, and words with a single trailing digit such as
// "mp3" or "http2", are left alone.
func undoLeet(s string, flags Flags) (string, Flags) {
	var out []byte
	isWordByte := func(c byte) bool {
		return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '@' || c == '$'
	}
	i := 0
	for i < len(s) {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i
		letters, leet := 0, 0
		for j < len(s) && isWordByte(s[j]) {
			c := s[j]
			if 'a' <= c && c <= 'z' {
				letters++
			} else if leetMap[c] != 0 {
				leet++
			}
			j++
		}
		// Symbols '@' and '$' end a word unless letters surround them.
		if letters >= 1 && leet >= 1 && j-i >= 3 && !(leet == 1 && isDigit(s[j-1])) && leet*4 <= (j-i)*3 {
			if out == nil {
				out = []byte(s)
			}
			for k := i; k < j; k++ {
				if m := leetMap[s[k]]; m != 0 {
					out[k] = m
				}
			}
			flags |= Leet
		}
		i = j
	}
	if out == nil {
		return s, flags
	}
	return string(out), flags
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// decodeBlobs finds base64 and hex runs in s, decodes the readable ones and
// returns their canonical forms.
func decodeBlobs(s string, flags Flags) ([]string, Flags) {
	var out []string
	i := 0
	for i < len(s) && len(out) < MaxBlobs {
		if !isB64(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isB64(s[j]) {
			j++
		}
		for j < len(s) && s[j] == '=' {
			j++
		}
		if j-i >= MinBlobLen && j-i <= MaxBlobLen {
			if txt, ok := decodeBlob(s[i:j]); ok {
				n := normalize(txt, 1)
				out = append(out, n.Canonical)
				flags |= Encoded | n.Flags
			}
		}
		i = j
	}
	return out, flags
}

// Rot13 rotates ASCII letters by 13; everything else is kept.
func Rot13(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = 'a' + (c-'a'+13)%26
		case 'A' <= c && c <= 'Z':
			b[i] = 'A' + (c-'A'+13)%26
		}
	}
	return string(b)
}

// ReverseRunes returns s read from its end.
func ReverseRunes(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func isB64(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '+' || c == '/' || c == '-' || c == '_'
}

func decodeBlob(blob string) (string, bool) {
	if isHex(blob) && len(blob)%2 == 0 {
		if b, err := hex.DecodeString(blob); err == nil && readable(b) {
			return string(b), true
		}
	}
	trimmed := strings.TrimRight(blob, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(trimmed); err == nil && readable(b) {
			return string(b), true
		}
	}
	return "", false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')) {
			return false
		}
	}
	return true
}

// readable reports whether b is UTF-8 text made mostly of letters and spaces,
// as an instruction would be (random words that happen to be valid base64
// decode to binary noise).
func readable(b []byte) bool {
	if len(b) < 4 || !utf8.Valid(b) {
		return false
	}
	good, total, spaces := 0, 0, 0
	for _, r := range string(b) {
		total++
		switch {
		case r == ' ':
			spaces++
			good++
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsPunct(r), r == '\n', r == '\t':
			good++
		}
	}
	return good*100 >= total*90 && (spaces > 0 || total < 12)
}

var morse = map[string]byte{
	".-": 'a', "-...": 'b', "-.-.": 'c', "-..": 'd', ".": 'e', "..-.": 'f', "--.": 'g', "....": 'h', "..": 'i',
	".---": 'j', "-.-": 'k', ".-..": 'l', "--": 'm', "-.": 'n', "---": 'o', ".--.": 'p', "--.-": 'q', ".-.": 'r',
	"...": 's', "-": 't', "..-": 'u', "...-": 'v', ".--": 'w', "-..-": 'x', "-.--": 'y', "--..": 'z',
	"-----": '0', ".----": '1', "..---": '2', "...--": '3', "....-": '4', ".....": '5', "-....": '6',
	"--...": '7', "---..": '8', "----.": '9', ".-.-.-": '.', "--..--": ',', "..--..": '?', ".----.": '\'',
}

// decodeMorse decodes the longest stretch of Morse code in s (letters
// separated by one space, words by two or more spaces or a slash).
func decodeMorse(s string) (string, bool) {
	if strings.Count(s, "-") < 8 || strings.Count(s, ".") < 8 {
		return "", false
	}
	bestStart, bestEnd := 0, 0
	start := -1
	for i := 0; i <= len(s); i++ {
		in := i < len(s) && (s[i] == '.' || s[i] == '-' || s[i] == ' ' || s[i] == '/' || s[i] == '\n')
		if in && start < 0 {
			start = i
		}
		if !in && start >= 0 {
			if i-start > bestEnd-bestStart {
				bestStart, bestEnd = start, i
			}
			start = -1
		}
	}
	if bestEnd-bestStart < 30 {
		return "", false
	}
	seg := s[bestStart:bestEnd]
	var b strings.Builder
	letters := 0
	for _, w := range strings.FieldsFunc(strings.ReplaceAll(seg, "/", "  "), func(r rune) bool { return r == '\n' }) {
		spaces := 0
		for _, code := range strings.Split(w, " ") {
			if code == "" {
				spaces++
				if spaces == 1 {
					b.WriteByte(' ')
				}
				continue
			}
			spaces = 0
			if c, ok := morse[code]; ok {
				b.WriteByte(c)
				letters++
			}
		}
		b.WriteByte(' ')
	}
	return b.String(), letters >= 10
}
