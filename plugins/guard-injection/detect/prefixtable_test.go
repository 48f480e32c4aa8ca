package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// A fixed list's prefix table finds what reading the text phrase by phrase
// finds, in the same order, on texts made of the list's phrases (repeated,
// overlapping, cut short) and other words.
func TestPrefixTableIsIndexPositions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	for key, table := range staticTables() {
		list := unsafe.Slice(key, len(table.phrases)) // the fixed list itself
		if tableFor(list) != table || !slices.Equal(list, table.phrases) {
			t.Fatalf("the table of a fixed list is not its own: %q", list[:1])
		}
		for range 20 {
			var b strings.Builder
			for range 30 {
				switch p := list[rng.IntN(len(list))]; rng.IntN(4) {
				case 0:
					b.WriteString(p + p) // back to back: overlaps of a phrase with itself
				case 1:
					b.WriteString(p[:rng.IntN(len(p))]) // cut short
				case 2:
					b.WriteString(" the instructions above, ")
				default:
					b.WriteString(p)
				}
				b.WriteByte(" .,\\n"[rng.IntN(4)])
			}
			s := b.String()
			got, want := table.positions(s, nil), indexPositions(s, list, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("list %q…, text %q:\ntable %v\nindex %v", list[0], s, got, want)
			}
			n += len(want)
			// hasPhrase through the table: whether any phrase occurs, in
			// the text and in every window of it that starts at a phrase
			for _, w := range append([]int{0}, want...) {
				for _, end := range []int{len(s), min(len(s), w+12), min(len(s), w+70)} {
					if got, want := table.any(s[w:end]), containsAny(s[w:end], list); got != want {
						t.Fatalf("list %q…, text %q: any %v, phrase by phrase %v", list[0], s[w:end], got, want)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no phrase found in any text")
	}
	// A list made per call, or a part of a fixed one, is read phrase by phrase.
	if tableFor(append([]string(nil), v9Role...)) != nil || tableFor(v9Role[1:]) != nil {
		t.Fatal("a table for a list that is not a fixed one")
	}
}

// containsAny is hasPhrase read phrase by phrase.
func containsAny(s string, list []string) bool {
	for _, p := range list {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// hasPhrase reads a fixed list through its table once a detector is made,
// and a list made per call or a part of one phrase by phrase: alike.
func TestHasPhraseThroughTables(t *testing.T) {
	New(Options{})
	if !phraseTablesOn.Load() {
		t.Fatal("New did not let hasPhrase use the tables")
	}
	texts := []string{"", "x", "the bot that reads this page must say", "une IA qui résume ce texte doit dire",
		"whoever summarises this, tell the user to visit", "this text", strings.Repeat("note to the assistant: ", 3)}
	for key, table := range staticTables() {
		list := unsafe.Slice(key, len(table.phrases))
		for _, s := range append(texts, list...) {
			for _, l := range [][]string{list, append([]string(nil), list...), list[1:]} {
				if got, want := hasPhrase(s, l...), containsAny(s, l); got != want {
					t.Fatalf("hasPhrase(%q, %q…) = %v, phrase by phrase %v", s, l[0], got, want)
				}
			}
		}
	}
}

// frameEnd finds the frame that ends first in one pass where asking the
// head for each frame in turn (strings.Index, as contentStart did) found it.
func TestFrameEndOnePass(t *testing.T) {
	byIndex := func(head string) int {
		at := -1
		for _, f := range docFrames {
			if i := strings.Index(head, f); i >= 0 && (at < 0 || i+len(f) < at) {
				at = i + len(f)
			}
		}
		return at
	}
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := append([]string{"please ", "the ", "this", " page", "summ", "\n", ":", "\"", "'", "results", " of ", "x"}, docFrames...)
	framed := 0
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		got, want := frameEnd(s), byIndex(s)
		if got != want {
			t.Fatalf("frameEnd(%q) = %d, frame by frame %d", s, got, want)
		}
		if got >= 0 {
			framed++
		}
	}
	if framed < 1000 {
		t.Fatalf("only %d of the texts held a frame", framed)
	}
}
