package normalize

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestNFKDIsNorms: nfkd is norm.NFKD.String for every BMP character alone,
// after a letter, before and between combining marks (which reorder), in
// Hangul (decomposed by rule), with invalid UTF-8 — and for every prompt of
// the development and evaluation data.
func TestNFKDIsNorms(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := nfkd(s), norm.NFKD.String(s); got != want {
			t.Fatalf("nfkd(%+q) = %+q, want %+q", s, got, want)
		}
	}
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		c := string(r)
		check(c)
		check("a" + c + "\u0316\u0301") // marks of classes 220 and 230 after it
		check("\u0301\u0316" + c + "b") // and before it
		check("й" + c + "\u0301" + c)   // a decomposing letter beside it
		check("한" + c + "\u0308\u0323") // a Hangul syllable beside it
	}
	for _, s := range []string{
		"", "plain ascii", "Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ", "ﬁ ligature", "Ĳssel", "e\u0301\u0316x", "\xff\xfe bad utf8 é",
		"Привет, ёжик и йод", "한국어 문장입니다", "x" + strings.Repeat("\u0301", 40) + "y", "日本語のテキスト",
		"\U0001F600 emoji and 𝐦𝐚𝐭𝐡 letters", "ا\u064bلعربية", "हिन्दी", "\uFFFD\u0301",
	} {
		check(s)
	}
	for _, dir := range []string{"../data", "../testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		for _, f := range files {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(fh).ReadAll()
			fh.Close()
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for i, rec := range recs {
				for _, field := range rec {
					// Not printed: the evaluation sets' rows stay unread.
					if nfkd(field) != norm.NFKD.String(field) {
						t.Fatalf("%s row %d: nfkd differs from norm.NFKD", f, i)
					}
				}
			}
		}
	}
}

// FuzzNFKD compares nfkd with norm.NFKD.String on any input.
func FuzzNFKD(f *testing.F) {
	for _, s := range []string{"", "abc", "é", "e\u0301\u0316", "한국", "ﬁ", "\xff", "й\u0301", "x\u0345\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := nfkd(s), norm.NFKD.String(s)
		if got != want {
			t.Fatalf("nfkd(%+q) = %+q, want %+q", s, got, want)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("nfkd(%+q) is not valid UTF-8", s)
		}
	})
}

// BenchmarkNFKD decomposes every prompt of two development files — mostly
// English (jailbreak-dev) and documents in other languages
// (own-multilingual-75-dev) — with norm.NFKD.String and with nfkd.
func BenchmarkNFKD(b *testing.B) {
	for _, file := range []string{"jailbreak-dev.csv", "own-multilingual-75-dev.csv"} {
		fh, err := os.Open(filepath.Join("../data", file))
		if err != nil {
			b.Fatal(err)
		}
		recs, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			b.Fatal(err)
		}
		var prompts []string
		for _, rec := range recs[1:] {
			prompts = append(prompts, rec[0])
		}
		nfkdData()
		for _, f := range []struct {
			name string
			fn   func(string) string
		}{{"norm", norm.NFKD.String}, {"nfkd", nfkd}} {
			b.Run(strings.TrimSuffix(file, ".csv")+"/"+f.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					for _, p := range prompts {
						f.fn(p)
					}
				}
			})
		}
	}
}
