package main

import (
	"testing"

	"github.com/llmgw/llmgw/plugins/guard-injection/evaluate"
)

func TestPickThreshold(t *testing.T) {
	// Two attacks (0.95, 0.45) and benign rows: at 0.4 one benign row of
	// ten is flagged (FPR 0.1 > 0.03), so the best threshold under the FPR
	// bound gives recall 0.5; 0.5 … 0.9 tie and the highest wins.
	rows := []evaluate.Row{{Injection: true}, {Injection: true}}
	scores := []float64{0.95, 0.45}
	for i := 0; i < 10; i++ {
		rows = append(rows, evaluate.Row{})
		scores = append(scores, 0.01)
	}
	scores[2] = 0.42
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	if got := pickThreshold(rows, scores, idx); got != 0.9 {
		t.Errorf("threshold %g, want 0.9", got)
	}
	// When every threshold exceeds the bound (a benign row at 0.99), the
	// best recall − FPR wins, the highest threshold on a tie: 0.4 (recall 1,
	// FPR 0.2) over 0.9 (0.5, 0.1).
	scores[3] = 0.99
	if got := pickThreshold(rows, scores, idx); got != 0.4 {
		t.Errorf("fallback threshold %g, want 0.4", got)
	}
}
