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
