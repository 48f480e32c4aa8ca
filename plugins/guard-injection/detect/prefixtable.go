package detect

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// prefixTable finds every phrase of some lists in a text in one pass: the
// phrases are indexed by their first two bytes, and each position of the
// text is looked up once. Asking the text for each phrase in turn
// (strings.Index) reads it once per phrase: on a 30 000-byte document and
// the rules' lists of tens to hundreds of phrases, milliseconds.
type prefixTable struct {
	phrases []string
	// list is the number of the list each phrase came from.
	list []uint8
	// byPrefix[k] are the phrases (indexes) whose first two bytes are k;
	// has marks the keys that have any.
	byPrefix map[uint16][]int32
	has      [1 << 16 / 64]uint64
}

// newPrefixTable indexes lists' phrases; nil when one is shorter than two
// bytes (it has no key).
func newPrefixTable(lists ...[]string) *prefixTable {
	t := &prefixTable{byPrefix: map[uint16][]int32{}}
	for l, list := range lists {
		for _, p := range list {
			if len(p) < 2 {
				return nil
			}
			k := uint16(p[0])<<8 | uint16(p[1])
			t.byPrefix[k] = append(t.byPrefix[k], int32(len(t.phrases)))
			t.has[k/64] |= 1 << (k % 64)
			t.phrases = append(t.phrases, p)
			t.list = append(t.list, uint8(l))
		}
	}
	return t
}

// each calls f for every occurrence of every phrase in s (overlapping ones
// too): the phrase's index and where it starts, by start.
func (t *prefixTable) each(s string, f func(j, at int)) {
	t.until(s, func(j, at int) bool { f(j, at); return false })
}

// any reports whether a phrase of t occurs in s.
func (t *prefixTable) any(s string) bool {
	return t.until(s, func(int, int) bool { return true })
}

// until is each until f returns true; it reports whether f did.
func (t *prefixTable) until(s string, f func(j, at int) bool) bool {
	for i := 0; i+1 < len(s); i++ {
		k := uint16(s[i])<<8 | uint16(s[i+1])
		if t.has[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, j := range t.byPrefix[k] {
			if strings.HasPrefix(s[i:], t.phrases[j]) && f(int(j), i) {
				return true
			}
		}
	}
	return false
}

// positions is positions(s, list, at) of the one list t indexes: for each
// phrase in the list's order, where it occurs, left to right, an
// occurrence starting inside the one before it skipped.
func (t *prefixTable) positions(s string, at []int) []int {
	var buf [32]struct{ j, at int }
	found := buf[:0]
	t.each(s, func(j, i int) { found = append(found, struct{ j, at int }{j, i}) })
	slices.SortFunc(found, func(a, b struct{ j, at int }) int {
		if c := cmp.Compare(a.j, b.j); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	last, end := -1, 0
	for _, o := range found {
		if o.j != last {
			last, end = o.j, 0
		}
		if o.at >= end {
			at = append(at, o.at)
			end = o.at + len(t.phrases[o.j])
		}
	}
	return at
}

// staticTables are the prefix tables of the rules' fixed lists that
// positions is asked about, by their first element: built on first use,
// once init has put every list in canonical form. A list made per call
// (the phrases a scan found) has none and is read phrase by phrase.
//
// It is set by init (its initialiser would otherwise depend on the lists,
// some of which hold functions that read through it).
var staticTables func() map[*string]*prefixTable

func init() { staticTables = sync.OnceValue(buildStaticTables) }

// phraseTablesOn lets hasPhrase read fixed lists through their tables. New
// sets it: after every init has put the lists in canonical form, which a
// table built earlier would not have seen.
var phraseTablesOn atomic.Bool

func buildStaticTables() map[*string]*prefixTable {
	lists := [][]string{v8CfgFull, v8CfgRel, v8CfgYour, v8Leak, v8LeakVerb, v8Skip, v8Void, v9Role, v9Drop, v9NewRole,
		v9Leak, v9LeakVerb, v10Authority, v10Bypass, v10Header, v11LeakObj, v11Update}
	// and the lists hasPhrase is asked about that are long enough for it
	// to read them through their table
	lists = append(lists, v23Proc, v24Rule, v24NoteWords, v26System, userLabels, selfCues, cfgNouns, v9RoleNouns,
		v26Automated, v24This, v24Talk, v23Talk, v23Ref, v23Must, v23Includes, v22Rules, v22Heads, v19Subjects,
		v19Requests, v12Suspect, v12Readers, v11CodeOrder, speechCues, readerTasks, readerNotGenres, readerGenres,
		quoteCues, ownerFrameCues, ownerCues, modelOwnWords, headerCues, frameWords, fixtureWords, fixtureTargets,
		exampleMarkers, docOrders, aboutAttackWords)
	for _, r := range v12Pairs {
		lists = append(lists, r.cues)
	}
	for _, l := range phraseGroups {
		lists = append(lists, l)
	}
	m := map[*string]*prefixTable{}
	for _, l := range lists {
		if len(l) > 0 {
			m[unsafe.SliceData(l)] = newPrefixTable(l)
		}
	}
	return m
}

// tableFor is list's prefix table, nil when it has none (a list made per
// call, a slice of a fixed list, a list with a phrase of one byte).
func tableFor(list []string) *prefixTable {
	if len(list) == 0 {
		return nil
	}
	t := staticTables()[unsafe.SliceData(list)]
	if t == nil || len(t.phrases) != len(list) {
		return nil
	}
	return t
}
