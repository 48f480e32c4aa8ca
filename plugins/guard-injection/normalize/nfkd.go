package normalize

import (
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// nfkd is norm.NFKD.String(s), without running the normaliser (and its
// allocations) over text that does not need it.
//
// A character that NFKD keeps as it is and that is a starter (canonical
// combining class 0) is "stable". NFKD decomposes character by character,
// and canonical reordering only moves non-starters past each other, so no
// stable character changes or moves: the text decomposes run by run between
// them. nfkd leaves stable characters, and runs that decompose to
// themselves, where they are (text NFKD does not change comes back as it
// came, without a copy). It decomposes each other run itself, character by
// character from norm's own tables (Hangul syllables by their rule), as
// long as the run's non-starters already come in canonical order and there
// are at most 30 in a row (beyond that NFKD inserts a grapheme joiner);
// any other run, and invalid UTF-8, goes to norm. TestNFKDIsNorms and
// FuzzNFKD check it against norm.NFKD.String.
//
// NFKD of the whole text was an eighth of the detector's time on a long
// document in another language.
func nfkd(s string) string {
	t := nfkdData()
	var scratch [64]byte // a run's decomposition, when short
	var b []byte         // nil until a run changes
	copied := 0          // s[:copied] is in b (once b is in use)
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			// ASCII, eight bytes at a time while it lasts.
			for i+8 <= len(s) && (s[i]|s[i+1]|s[i+2]|s[i+3]|s[i+4]|s[i+5]|s[i+6]|s[i+7]) < utf8.RuneSelf {
				i += 8
			}
			for i < len(s) && s[i] < utf8.RuneSelf {
				i++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 1 {
			// Invalid UTF-8, which norm treats in its own ways: all of
			// it to norm (JSON-decoded prompts are valid).
			return norm.NFKD.String(s)
		}
		if t.stable(r) {
			i += size
			continue
		}
		// A run of unstable characters: up to the next ASCII or stable one.
		j := i + size
		for j < len(s) && s[j] >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[j:])
			if size == 1 {
				return norm.NFKD.String(s)
			}
			if t.stable(r) {
				break
			}
			j += size
		}
		out, ok := t.appendRun(scratch[:0], s[i:j])
		if !ok {
			out = norm.NFKD.AppendString(nil, s[i:j]) // not scratch: norm's buffers escape
		}
		if string(out) != s[i:j] {
			if b == nil {
				b = make([]byte, 0, len(s)+len(s)/4+16)
			}
			b = append(b, s[copied:i]...)
			b = append(b, out...)
			copied = j
		}
		i = j
	}
	if b == nil {
		return s
	}
	b = append(b, s[copied:]...)
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is not used again
}

const (
	hangulFirst = 0xAC00
	hangulLast  = 0xD7A3
)

// nfkdTables: which BMP characters are stable, and which decompose by
// decomposition (below) exactly as NFKD decomposes them alone.
type nfkdTables struct {
	stableBits [0x10000 / 64]uint64
	fastBits   [0x10000 / 64]uint64
}

func (t *nfkdTables) stable(r rune) bool {
	if r >= 0x10000 {
		return stableAbove(r)
	}
	return t.stableBits[r>>6]&(1<<(r&63)) != 0
}

// stableAbove is stable for a character beyond the BMP (emoji, mathematical
// letters, historic scripts), looked up in norm's tables each time.
func stableAbove(r rune) bool {
	var buf [utf8.UTFMax]byte
	c := buf[:utf8.EncodeRune(buf[:], r)]
	return norm.NFKD.Properties(c).CCC() == 0 && norm.NFKD.IsNormal(c)
}

func (t *nfkdTables) fast(r rune) bool {
	return r < 0x10000 && t.fastBits[r>>6]&(1<<(r&63)) != 0
}

// appendRun appends NFKD of run, a run of unstable BMP characters between
// starters, when every character is fast and the run's non-starters need
// no reordering; otherwise it reports false and b is as it was.
func (t *nfkdTables) appendRun(b []byte, run string) ([]byte, bool) {
	start := len(b)
	var last uint8   // combining class of the run's last non-starter so far; 0 after a starter
	nonStarters := 0 // in a row
	for i := 0; i < len(run); {
		r, size := utf8.DecodeRuneInString(run[i:])
		if !t.fast(r) {
			return b[:start], false
		}
		at := len(b)
		b = decomposition(b, r, run[i:i+size])
		for k := at; k < len(b); {
			p := norm.NFKD.Properties(b[k:])
			if ccc := p.CCC(); ccc == 0 {
				last, nonStarters = 0, 0
			} else {
				if ccc < last {
					return b[:start], false
				}
				last = ccc
				if nonStarters++; nonStarters > 30 {
					return b[:start], false
				}
			}
			k += p.Size()
		}
		i += size
	}
	return b, true
}

// decomposition appends r's decomposition (c is r's UTF-8): Hangul
// syllables by the Unicode rule, others from norm's table, or r itself.
func decomposition(b []byte, r rune, c string) []byte {
	if r >= hangulFirst && r <= hangulLast {
		const vCount, tCount = 21, 28
		si := r - hangulFirst
		b = utf8.AppendRune(b, 0x1100+si/(vCount*tCount))
		b = utf8.AppendRune(b, 0x1161+(si%(vCount*tCount))/tCount)
		if ti := si % tCount; ti != 0 {
			b = utf8.AppendRune(b, 0x11A7+ti)
		}
		return b
	}
	if d := norm.NFKD.PropertiesString(c).Decomposition(); d != nil {
		return append(b, d...)
	}
	return append(b, c...)
}

var (
	nfkdOnce   sync.Once
	nfkdTabled *nfkdTables
)

// nfkdData builds the tables once, checking every BMP character against
// norm: stable when NFKD leaves it unchanged and its combining class is 0
// (ASCII is left out: nfkd skips it before looking), fast when
// decomposition gives what NFKD gives for it alone.
func nfkdData() *nfkdTables {
	nfkdOnce.Do(func() {
		t := new(nfkdTables)
		var buf [utf8.UTFMax]byte
		var dec []byte
		for r := rune(0x80); r < 0x10000; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue // surrogates are not characters
			}
			n := utf8.EncodeRune(buf[:], r)
			c := buf[:n]
			if norm.NFKD.Properties(c).CCC() == 0 && norm.NFKD.IsNormal(c) {
				t.stableBits[r>>6] |= 1 << (r & 63)
			}
			dec = decomposition(dec[:0], r, string(c))
			if string(dec) == norm.NFKD.String(string(c)) {
				t.fastBits[r>>6] |= 1 << (r & 63)
			}
		}
		nfkdTabled = t
	})
	return nfkdTabled
}

// Warm builds the tables Normalize uses for text outside ASCII (about 40
// ms, once per process), so that the first such prompt does not wait.
func Warm() { nfkdData() }
