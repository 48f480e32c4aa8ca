package sdk_test

import (
	"reflect"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// TestDecodeKeepsDefaults pins what docs/writing-plugins.md ("Config and
// its defaults") promises: Decode fills the struct as it is, so a key left
// out keeps its default, a list replaces it, an explicit zero replaces it,
// and a map gets the block's keys added.
func TestDecodeKeepsDefaults(t *testing.T) {
	type config struct {
		Block     []string          `json:"block"`
		MaxLength int               `json:"max_length"`
		Timeout   sdk.Duration      `json:"timeout"`
		Monitor   *bool             `json:"monitor"`
		Labels    map[string]string `json:"labels"`
	}
	defaults := func() config {
		return config{Block: []string{"email", "card"}, MaxLength: 20000, Timeout: sdk.Duration(100 * time.Millisecond), Labels: map[string]string{"a": "1"}}
	}
	f := false
	for raw, want := range map[string]config{
		``:                              defaults(),
		`{}`:                            defaults(),
		`{"block":["card"]}`:            {Block: []string{"card"}, MaxLength: 20000, Timeout: sdk.Duration(100 * time.Millisecond), Labels: map[string]string{"a": "1"}},
		`{"max_length":0}`:              {Block: []string{"email", "card"}, Timeout: sdk.Duration(100 * time.Millisecond), Labels: map[string]string{"a": "1"}},
		`{"monitor":false,"timeout":2}`: {Block: []string{"email", "card"}, MaxLength: 20000, Timeout: sdk.Duration(2 * time.Second), Monitor: &f, Labels: map[string]string{"a": "1"}},
		`{"labels":{"b":"2"}}`:          {Block: []string{"email", "card"}, MaxLength: 20000, Timeout: sdk.Duration(100 * time.Millisecond), Labels: map[string]string{"a": "1", "b": "2"}},
	} {
		got := defaults()
		if err := (sdk.Config{Raw: []byte(raw)}).Decode(&got); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", raw, got, want)
		}
	}
}
