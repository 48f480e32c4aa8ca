package jsonscan

import (
	"encoding/json"
	"testing"
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
