package detect

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/llmgw/llmgw/plugins/guard-injection/normalize"
)

// Version 26: version 24's note to the reader in the languages its lists
// did not have. A note planted in a document names its reader in the
// reader's language — "Athugasemd til gervigreindar sem ber saman tilboð:",
// "Huomautus käännöstyökalulle:", "(Fordítóprogramnak: …)" — and version 24
// knew the words of about forty languages. readers.tsv, written from
// knowledge of the languages (not from any evaluation file), lists for about
// 130 languages the words for an AI that reads a text (reader), for software
// that reads it only with a word for its work (tool), for that work (proc) and
// for a note or whom it is for (note). The shapes are version 24's; only the
// words are new. The model's features do not read these lists (aiTermsRaw
// is unchanged), so the model is unchanged.
//
// A term's "*" at the end lets the word go on ("asszisztens*"); a "*" at its
// start (readers and tools of compounding languages) lets it end a compound:
// "*työkalu*" is found in "käännöstyökalulle", "*programm*" in
// "tõlkeprogrammile".

//go:embed readers.tsv
var readersTSV string

// v26Lists are readers.tsv's terms by category, parsed once.
type v26Lists struct {
	readers, tools []string // raw terms for aiTermSet.add
	proc, note     []string // canonical substrings
}

var v26Once = sync.OnceValue(func() *v26Lists {
	l, err := parseReaders(readersTSV)
	if err != nil {
		panic(err) // the embedded file is checked by TestReadersTSV
	}
	return l
})

// parseReaders reads readers.tsv.
func parseReaders(tsv string) (*v26Lists, error) {
	w, err := parseWordList("readers.tsv", tsv, map[string]bool{"reader": true, "tool": true, "proc": false, "note": false})
	if err != nil {
		return nil, err
	}
	return &v26Lists{readers: w["reader"], tools: w["tool"], proc: w["proc"], note: w["note"]}, nil
}

// parseWordList reads a word list: category, language, term, gloss per line;
// "#" starts a comment line. cats holds the categories allowed; a category
// true keeps its terms as written, for aiTermSet.add ("*" at the start or the
// end), a category false is of substrings, kept canonical (canonicalPhrase),
// without "*". A term repeated in its category is kept once.
func parseWordList(name, tsv string, cats map[string]bool) (map[string][]string, error) {
	out := map[string][]string{}
	seen := map[string]bool{}
	for n, line := range strings.Split(tsv, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 {
			return nil, fmt.Errorf("%s:%d: want category, language, term[, gloss]", name, n+1)
		}
		cat, term := f[0], f[2]
		raw, ok := cats[cat]
		switch {
		case !ok:
			return nil, fmt.Errorf("%s:%d: unknown category %q", name, n+1, cat)
		case strings.TrimSpace(strings.Trim(term, "*")) == "":
			return nil, fmt.Errorf("%s:%d: empty term", name, n+1)
		case raw && strings.Contains(strings.Trim(term, "*"), "*"):
			return nil, fmt.Errorf("%s:%d: %q: a \"*\" only at the start or end", name, n+1, term)
		case !raw && strings.Contains(term, "*"):
			return nil, fmt.Errorf("%s:%d: %q: %s terms are substrings, without \"*\"", name, n+1, term, cat)
		}
		if !raw {
			if term = canonicalPhrase(term); term == "" {
				continue
			}
		}
		if !seen[cat+"\x00"+term] {
			seen[cat+"\x00"+term] = true
			out[cat] = append(out[cat], term)
		}
	}
	return out, nil
}

// canonicalPhrase is term's canonical form; a term written with a space at
// its end (a preposition: "para ") is a word of its own, with a space on
// both sides, found only in a head searched with a space before it
// (v26NoteHead), so "al " is not found in "virtual " nor "para " in
// "paraguas".
func canonicalPhrase(term string) string {
	c := strings.TrimSpace(normalize.Normalize(term).Canonical)
	if c == "" {
		return ""
	}
	if strings.HasSuffix(term, " ") {
		// a word of its own: "al " is not found in "virtual "
		c = " " + c + " "
	}
	return c
}

// v26Words finds readers.tsv's note and work words in a head in one pass
// (a head is looked up in some 2500 of them).
var v26Words = sync.OnceValue(func() *phraseMatcher {
	l := v26Once()
	return newPhraseMatcher(map[string][]string{"note": l.note, "proc": l.proc})
})

// v26NoteHead reports a head that calls itself a note or names the reader's
// work in readers.tsv's words.
func v26NoteHead(head string) bool {
	m := v26Words()
	found := m.scan(" " + head)
	return m.has(found, "note") || m.has(found, "proc")
}

// v26Note reports a word of readers.tsv for a note or whom it is for in head.
func v26Note(head string) bool {
	m := v26Words()
	return m.has(m.scan(" "+head), "note")
}

// v26Proc reports a word of readers.tsv for the reader's work in s.
func v26Proc(s string) bool {
	m := v26Words()
	return m.has(m.scan(s), "proc")
}

// v26Automated and v26System name "automated systems", the reader a planted
// note often addresses instead of an AI ("bestemd voor geautomatiseerde
// systemen:", "für alle automatisierten Übersetzungssysteme:", "Осы құжатты
// өңдейтін барлық автоматты жүйелер:"): a head holding a word of each is
// a reader as version 24's lists' words are.
var (
	v26Automated = []string{"automat", "automaat", "outomat", "automaz", "avtomat", "otomat", "автомат", "αυτοματ",
		"sjalfvirk", "selvvirk", "自动", "自動", "自働", "자동", "स्वचालित", "স্বয়ংক্রিয়", "خودکار", "آلي", "الآلية",
		"אוטומט", "tự động", "อัตโนมัติ", "kiotomatiki", "otomatik", "avtomatik"}
	v26System = []string{"system", "sistem", "systeem", "systeme", "stelsel", "susteem", "systeemi", "kerfi",
		"rendszer", "jarjestelm", "sustav", "sistēm", "систем", "сістэм", "жүйе", "σύστημα", "συστήματ", "系统", "系統",
		"システム", "시스템", "प्रणाली", "সিস্টেম", "سیستم", "سامانه", "نظام", "מערכ", "hệ thống", "ระบบ", "mfumo",
		"mifumo", "sisteem"}
)

func init() { canonicalLists(&v26Automated, &v26System) }

// v26AutoSystem reports a head that names automated systems.
func v26AutoSystem(head string) bool {
	return hasPhrase(head, v26Automated...) && hasPhrase(head, v26System...)
}

// speakerLabel reports a colon at j within 40 bytes of its line's start: a
// transcript's speaker label, after a timestamp too ("[10:02:13] 系统自动消息：").
func speakerLabel(s string, j int) bool {
	return j-(strings.LastIndexByte(s[:j], '\n')+1) <= 40
}

// v26Systems reports a head s[from:j] that names systems and calls itself
// a note or says whom it is for ("Заўвага для сістэм, якія …", "verbindlich
// für alle Übersetzungssysteme"; "Système d'évaluation :" is a document's
// own heading), in text around it that is not English (English notes have
// rules of their own, and "the respiratory system … process" is biology).
func v26Systems(s string, from, j int) bool {
	head := s[from:j]
	return hasPhrase(head, v26System...) && (hasPhrase(" "+head, v24NoteWords...) || v26Note(head)) &&
		!v26English(s, from, j)
}

// v26English reports English text within 200 bytes of a head s[from:j].
func v26English(s string, from, j int) bool {
	return englishJoined(" ", s[max(0, from-200):min(len(s), j+200)], " ")
}
