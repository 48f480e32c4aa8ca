package detect

import "testing"

func TestCombineMapsThePivotOntoTheThreshold(t *testing.T) {
	w := DefaultRuleWeight
	for _, c := range []struct{ model, rules, want float64 }{
		{0, 0, 0},
		{combinedPivot, 0, 0.25},
		{1, 1, 1},
		{combinedPivot / 2, 0, 0.125},
	} {
		if got := combine(c.model, c.rules, w); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("combine(%v, %v) = %v, want %v", c.model, c.rules, got, c.want)
		}
	}
	// On a longer prompt the rules cannot flag alone: a score under 1
	// without the model's agreement stays under the default threshold ...
	if got := combine(0, 0.99, w); got >= 0.25 {
		t.Errorf("rules alone reach %v", got)
	}
	// ... and their certainty (1) reaches it exactly, whatever the model.
	for _, m := range []float64{0, 0.05, 0.0913} {
		if got := combine(m, 1, w); got < 0.25-1e-9 || got > 0.25+1e-9 {
			t.Errorf("combine(%v, 1) = %v, want the threshold 0.25", m, got)
		}
	}
	if got := combine(0, 1, 0); got != 0 {
		t.Errorf("with the rules weighed 0, combine(0, 1) = %v, want 0", got)
	}
	// Monotone in both parts.
	prev := -1.0
	for i := 0; i <= 100; i++ {
		m := float64(i) / 100
		got := combine(m, 0.5, w)
		if got < prev {
			t.Fatalf("combine not monotone in the model at %v", m)
		}
		prev = got
	}
	prev = -1.0
	for i := 0; i <= 100; i++ {
		r := float64(i) / 100
		got := combine(0.4, r, w)
		if got < prev {
			t.Fatalf("combine not monotone in the rules at %v", r)
		}
		prev = got
	}
}
