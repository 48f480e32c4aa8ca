package normalize

import (
	"unicode"
	"unicode/utf8"
)

// Lower returns strings.ToLower(s) with less work per rune on text that is
// not ASCII: ASCII bytes are lowered in place, other runes through toLower
// without strings.Map's call per rune, and the result is
// built only once a rune changes. A byte that starts no valid rune becomes
// U+FFFD, as in strings.ToLower. FuzzLower checks it against
// strings.ToLower.
func Lower(s string) string {
	var b []byte
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				if b == nil {
					b = append(make([]byte, 0, len(s)+utf8.UTFMax), s[:i]...)
				}
				c += 'a' - 'A'
			}
			if b != nil {
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		l := toLower(r)
		if l == r && (r != utf8.RuneError || size > 1) {
			if b != nil {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+utf8.UTFMax), s[:i]...)
		}
		b = utf8.AppendRune(b, l)
		i += size
	}
	if b == nil {
		return s
	}
	return string(b)
}

// hasLowerBMP has bit r set for each rune r of the Basic Multilingual Plane
// that unicode.ToLower changes: a text in a script without case (Arabic,
// the Indic scripts, CJK, Hangul …) then skips the search of Unicode's case
// tables for each of its letters. Built at start from unicode.ToLower itself
// (65 536 calls, under a millisecond).
var hasLowerBMP = func() *[1 << 10]uint64 {
	var set [1 << 10]uint64
	for r := rune(0); r < 1<<16; r++ {
		if unicode.ToLower(r) != r {
			set[r>>6] |= 1 << (r & 63)
		}
	}
	return &set
}()

// toLower is unicode.ToLower.
func toLower(r rune) rune {
	if r >= 0 && r < 1<<16 && hasLowerBMP[r>>6]&(1<<(r&63)) == 0 {
		return r
	}
	return unicode.ToLower(r)
}
