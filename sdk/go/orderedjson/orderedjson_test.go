package orderedjson

import (
	"encoding/json"
	"testing"
)

// TestRoundTrip: keys keep their order through Decode and MarshalJSON,
// numbers their text; Set adds at the end and replaces in place; a
// duplicate key keeps its first place and its last value.
func TestRoundTrip(t *testing.T) {
	in := `{"z":1,"a":{"y":[1.50,"s",null,true],"b":{}},"m":-2e3,"z":3}`
	v, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	o := v.(*Object)
	o.Set("new", false)
	o.Set("m", "x")
	out, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"z":3,"a":{"y":[1.50,"s",null,true],"b":{}},"m":"x","new":false}`; string(out) != want {
		t.Fatalf("got %s, want %s", out, want)
	}
	if s, ok := o.Get("a"); !ok || s.(*Object).Keys[0] != "y" {
		t.Fatal("nested object")
	}
	if n, ok := (&Object{Vals: map[string]any{"n": json.Number("2.5")}}).Num("n"); !ok || n != 2.5 {
		t.Fatal("Num")
	}
	for _, bad := range []string{`{"a":1} x`, `{"a":`, `]`} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}
