package jsonscan

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzText: the text of every string literal JSON accepts, as Text and
// Unquote give it, is what json.Unmarshal gives (escapes, surrogate pairs,
// lone surrogates, invalid UTF-8).
func FuzzText(f *testing.F) {
	for _, s := range []string{`a\"b\\c\/d\b\f\n\r\t`, `\u00e9\u2028\ud83d\ude00`, `\ud83d`, `\ude00\ud83d x`, `\ud83d\u0041`, "\xff\xfe é 😀", `\uD83D\uDE00\uABCD`, "tab\there"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		quoted, _ := json.Marshal(string(s))
		for _, lit := range [][]byte{append(append([]byte{'"'}, s...), '"'), quoted} {
			if !json.Valid(lit) {
				continue
			}
			var want string
			if err := json.Unmarshal(lit, &want); err != nil {
				t.Fatal(err)
			}
			sc := Scanner{Data: lit}
			content, _, ok := sc.ScanString()
			if !ok || !sc.End() {
				t.Fatalf("%s: ScanString refused a literal JSON accepts", lit)
			}
			if got := Text(content); got != want {
				t.Fatalf("%s: Text %q, want %q", lit, got, want)
			}
			if got := Unquote(content); got != want {
				t.Fatalf("%s: Unquote %q, want %q", lit, got, want)
			}
		}
	})
}

// FuzzValue: whatever Value takes as one JSON value, encoding/json accepts.
func FuzzValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,-0,true,false,null,"x\u00e9"]}`, `[]`, `{}`, `"\ud83d"`, `01`, `[1,]`, `{"a" 1}`, `1e`, `-`, "\"\x01\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := Scanner{Data: b}
		if _, ok := s.Value(); ok && s.End() && !json.Valid(b) {
			t.Fatalf("Value took what encoding/json refuses: %q", b)
		}
	})
}

// The typed readers read what encoding/json reads into the same types, or
// give up where it would refuse (or where they are not sure).
func TestTypedReadersAreEncodingJSONs(t *testing.T) {
	for _, lit := range []string{"0", "-0", "7", "-2147483648", "2147483647", "2147483648", "1.5", "1e3", "1E400", "-1e-400",
		"0.1", "null", "true", "false", `"1"`, "01", "-", "1.", ".5", "[]"} {
		var i32 *int32
		s := Scanner{Data: []byte(lit)}
		if s.Int32Ptr(&i32) && s.End() {
			var want *int32
			if err := json.Unmarshal([]byte(lit), &want); err != nil || !samePtr(i32, want) {
				t.Errorf("Int32Ptr(%s) = %v; encoding/json %v, %v", lit, deref(i32), deref(want), err)
			}
		}
		var f64 *float64
		s = Scanner{Data: []byte(lit)}
		if s.Float64Ptr(&f64) && s.End() {
			var want *float64
			if err := json.Unmarshal([]byte(lit), &want); err != nil || !samePtr(f64, want) {
				t.Errorf("Float64Ptr(%s) = %v; encoding/json %v, %v", lit, deref(f64), deref(want), err)
			}
		}
		b := true
		s = Scanner{Data: []byte(lit)}
		if s.Bool(&b) && s.End() {
			want := true
			if err := json.Unmarshal([]byte(lit), &want); err != nil || b != want {
				t.Errorf("Bool(%s) = %v; encoding/json %v, %v", lit, b, want, err)
			}
		}
	}
}

func samePtr[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// record and item are a small message to decode as json.Unmarshal does,
// unknown keys skipped: a decoder built the way provider-openai's chunk
// decoder is.
type record struct {
	Name  string          `json:"name"`
	Count *int            `json:"count"`
	Items []item          `json:"items"`
	Main  *item           `json:"main"`
	Extra json.RawMessage `json:"extra"`
	On    bool            `json:"on"`
	Size  *int32          `json:"size"`
	Ratio *float64        `json:"ratio"`
}

type item struct {
	ID int    `json:"id"`
	V  string `json:"v"`
}

var (
	recordFields = []string{"name", "count", "items", "main", "extra", "on", "size", "ratio"}
	itemFields   = []string{"id", "v"}
)

func scanRecord(data []byte) (record, bool) {
	s := &Scanner{Data: data}
	var r record
	fillItem := func(it *item, key []byte) bool {
		return s.Member(key, itemFields, func(i int) bool {
			if i == 0 {
				return s.Integer(&it.ID)
			}
			return s.Str(&it.V)
		})
	}
	ok := s.Object(func(key []byte) bool {
		return s.Member(key, recordFields, func(i int) bool {
			switch i {
			case 0:
				return s.Str(&r.Name)
			case 1:
				return s.IntPtr(&r.Count)
			case 2:
				return Array(s, &r.Items, func(it *item) bool {
					return s.StructValue(func(key []byte) bool { return fillItem(it, key) })
				})
			case 3:
				return Pointer(s, &r.Main, fillItem)
			case 4:
				return s.Raw(&r.Extra)
			case 5:
				return s.Bool(&r.On)
			case 6:
				return s.Int32Ptr(&r.Size)
			}
			return s.Float64Ptr(&r.Ratio)
		})
	})
	return r, ok && s.End()
}

var recordSeeds = []string{
	`{"name":"a\u00e9\n","count":3,"items":[{"id":1,"v":"x"},null,{"id":-2,"skip":{"deep":[1,{"x":null}]}}],"main":{"id":7},"extra":[1, "two"],"on":true,"size":-5,"ratio":2.5e-3}`,
	`{"count":null,"items":null,"main":null,"extra":null,"on":null,"size":null,"ratio":null,"unknown":[true,false]}`,
	`{"items":[],"main":{}}`,
	`{}`,
	`{"name":"a","name":"b"}`,
	`{"Name":"a"}`,
	`{"count":1.0}`,
	`{"count":12345678901234567890}`,
	`{"n\u0061me":"a"}`,
	`{"name":"\ud83d\ude00 \ud83d"}`,
	`{"items":[{"id":01}]}`,
	`{"extra":{"a":[[[[[[[[[[1]]]]]]]]]]}}`,
}

func TestScannerDecodesAsEncodingJSON(t *testing.T) {
	read := 0
	for _, seed := range recordSeeds {
		if sameRecord(t, []byte(seed)) {
			read++
		}
	}
	if read < 4 {
		t.Fatalf("the scanner read %d of the seeds; the first four are its usual shape", read)
	}
	for _, seed := range []string{`{"name":"a","name":"b"}`, `{"Name":"a"}`, `{"count":1.0}`, `{"n\u0061me":"a"}`, `{"items":[{"id":01}]}`} {
		if _, ok := scanRecord([]byte(seed)); ok {
			t.Errorf("the scanner read %s, which it must leave to encoding/json", seed)
		}
	}
}

// sameRecord fails unless json.Unmarshal reads data, without an error, as
// the scanner did; false when the scanner gave up.
func sameRecord(t *testing.T, data []byte) bool {
	t.Helper()
	got, ok := scanRecord(data)
	if !ok {
		return false
	}
	var want record
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("the scanner read what json.Unmarshal refuses (%v): %s", err, data)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) || (got.Extra == nil) != (want.Extra == nil) || (got.Items == nil) != (want.Items == nil) {
		t.Fatalf("%s:\nscanner   %s\njson      %s", data, g, w)
	}
	return true
}

// FuzzScanner: whatever the scanner reads, json.Unmarshal reads the same.
func FuzzScanner(f *testing.F) {
	for _, s := range recordSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { sameRecord(t, data) })
}

// skipPlain and skipASCII stop where reading byte by byte stops, whatever
// the byte and wherever it falls in a word of eight.
func TestSkipEightAtATime(t *testing.T) {
	plainNaive := func(b []byte, i int) int {
		for i < len(b) && byteClass[b[i]] == plainByte {
			i++
		}
		return i
	}
	asciiNaive := func(b []byte, i int) int {
		for i < len(b) && b[i] < utf8.RuneSelf && b[i] != '\\' {
			i++
		}
		return i
	}
	specials := []byte{'"', '\\', 0, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xc3, 0xff, '\n', '\t', 'u', 0x5b, 0x5d, 0x23}
	for n := 0; n <= 40; n++ {
		for at := 0; at < n; at++ {
			for _, c := range specials {
				b := bytes.Repeat([]byte("abcdefgh"), 5)[:n]
				b[at] = c
				if n > at+9 {
					b[at+9] = specials[(at+int(c))%len(specials)] // a second one further on
				}
				for from := 0; from <= min(n, 9); from++ {
					if got, want := skipPlain(b, from), plainNaive(b, from); got != want {
						t.Fatalf("skipPlain(%q, %d) = %d, byte by byte %d", b, from, got, want)
					}
					if got, want := skipASCII(b, from), asciiNaive(b, from); got != want {
						t.Fatalf("skipASCII(%q, %d) = %d, byte by byte %d", b, from, got, want)
					}
				}
			}
		}
	}
}
