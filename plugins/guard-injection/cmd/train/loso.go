package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/llmgw/llmgw/plugins/guard-injection/detect"
	"github.com/llmgw/llmgw/plugins/guard-injection/evaluate"
)

// trainingFiles are the development files the model learns from, with the
// source and categories given to rows whose file has no such column.
var trainingFiles = []struct {
	name, source            string
	injectionCat, benignCat string
}{
	{"jailbreak-dev.csv", "llm-warden", "long-jailbreak", "warden-benign"},
	{"injection-short-dev.csv", "own-short", "", ""},
	{"own-families-dev.csv", "", "", ""},
	{"awesome-prompts-dev.csv", "", "", ""},
	{"gptfuzz-dev.csv", "", "", ""},
	{"notinject-dev.csv", "", "", ""},
	{"bipia-email-dev.csv", "", "", ""},
	{"gsm8k-dev.csv", "", "", ""},
}

// loadTraining reads every training file, filling in missing sources and categories.
func loadTraining(dir string) []evaluate.Row {
	var all []evaluate.Row
	for _, f := range trainingFiles {
		for _, r := range mustRead(filepath.Join(dir, f.name)) {
			if r.Source == "" {
				r.Source = f.source
			}
			if r.Source == "" {
				fail(fmt.Errorf("%s: a row has no source", f.name))
			}
			if r.Category == "" {
				r.Category = f.benignCat
				if r.Injection {
					r.Category = f.injectionCat
				}
			}
			all = append(all, r)
		}
	}
	return all
}

// thresholdSweep are the thresholds leave-one-source-out chooses among.
var thresholdSweep = []float64{0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}

// maxFPR is the false-positive rate the chosen threshold must stay under
// (the target).
const maxFPR = 0.03

// pickThreshold chooses, among thresholdSweep, the one with the highest
// recall whose false-positive rate is at most maxFPR (the higher threshold
// on a tie); if none qualifies (false alarms of the rules no threshold
// removes), the one with the highest recall minus false-positive rate (the
// higher threshold on a tie too).
func pickThreshold(rows []evaluate.Row, scores []float64, idx []int) float64 {
	best, bestRecall, bestFPR := -1.0, -1.0, 2.0
	bestJ, fallback := -2.0, thresholdSweep[0]
	for _, t := range thresholdSweep {
		var tp, fp, fn, tn int
		for _, i := range idx {
			flagged := scores[i] >= t
			switch {
			case rows[i].Injection && flagged:
				tp++
			case rows[i].Injection:
				fn++
			case flagged:
				fp++
			default:
				tn++
			}
		}
		rec, fpr := ratio(tp, tp+fn), ratio(fp, fp+tn)
		switch {
		case fpr <= maxFPR && (bestFPR > maxFPR || rec >= bestRecall):
			best, bestRecall, bestFPR = t, rec, fpr
		}
		if rec-fpr >= bestJ {
			bestJ, fallback = rec-fpr, t
		}
	}
	if best < 0 {
		return fallback
	}
	return best
}

// sources lists the distinct sources of rows, sorted.
func sources(rows []evaluate.Row) []string {
	var out []string
	for _, r := range rows {
		if !slices.Contains(out, r.Source) {
			out = append(out, r.Source)
		}
	}
	slices.Sort(out)
	return out
}

// scoreWithout trains on the rows whose source is not in skip and scores
// the rows whose source is score, with the full detector; it writes the
// scores into out.
func scoreWithout(rows []evaluate.Row, exs []example, p params, skip func(string) bool, score string, out []float64) {
	var trainSet []example
	for i, r := range rows {
		if !skip(r.Source) {
			trainSet = append(trainSet, exs[i])
		}
	}
	bias, weights := train(trainSet, p)
	d := detect.New(detect.Options{Model: detect.Quantize(bias, weights)})
	for i, r := range rows {
		if r.Source == score {
			out[i] = d.Detect(r.Prompt).Score
		}
	}
}

// leaveOneSourceOut scores every source with a model trained on the other
// sources, at a threshold chosen on those other sources alone (each scored
// by a model trained without it: nested leave-one-source-out), and reports
// recall and false-positive rate per source and per family. It returns
// whether each row was flagged.
func leaveOneSourceOut(w io.Writer, rows []evaluate.Row, exs []example, p params) []bool {
	srcs := sources(rows)
	flagged := make([]bool, len(rows))
	fmt.Fprintf(w, "leave-one-source-out (%d sources; threshold chosen among %v on the other sources' own held-out scores: highest recall at FPR <= %.2f):\n",
		len(srcs), thresholdSweep, maxFPR)
	for _, held := range srcs {
		inner := make([]float64, len(rows))
		var rest []int
		for i, r := range rows {
			if r.Source != held {
				rest = append(rest, i)
			}
		}
		for _, s := range srcs {
			if s != held {
				scoreWithout(rows, exs, p, func(x string) bool { return x == held || x == s }, s, inner)
			}
		}
		t := pickThreshold(rows, inner, rest)
		outer := make([]float64, len(rows))
		scoreWithout(rows, exs, p, func(x string) bool { return x == held }, held, outer)
		var tp, fp, fn, tn int
		for i, r := range rows {
			if r.Source != held {
				continue
			}
			flagged[i] = outer[i] >= t
			switch {
			case r.Injection && flagged[i]:
				tp++
			case r.Injection:
				fn++
			case flagged[i]:
				fp++
			default:
				tn++
			}
		}
		fmt.Fprintf(w, "  held out %-18s threshold %.2f: recall %s, FPR %s (injection %d, benign %d)\n",
			held, t, rate(tp, tp+fn), rate(fp, fp+tn), tp+fn, fp+tn)
	}
	return flagged
}

// rate formats a/b, or "-" when b is 0.
func rate(a, b int) string {
	if b == 0 {
		return "    -"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

// familyTable prints recall or FPR per family for two sets of decisions
// side by side: leave-one-source-out and in-sample.
func familyTable(w io.Writer, rows []evaluate.Row, loso, inSample []bool) {
	lf, inf := evaluate.Families(rows, loso), evaluate.Families(rows, inSample)
	names := make([]string, 0, len(lf))
	for k := range lf {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if la, lb := lf[a].Label, lf[b].Label; la != lb {
			if la == "injection" {
				return -1
			}
			return 1
		}
		if a < b {
			return -1
		}
		return 1
	})
	fmt.Fprintln(w, "per family: recall for attacks, FPR for benign; leave-one-source-out vs the served model (in-sample), threshold 0.25 in-sample:")
	fmt.Fprintf(w, "  %-24s %-9s %5s %8s %9s\n", "family", "label", "n", "LOSO", "in-sample")
	for _, k := range names {
		a, b := lf[k], inf[k]
		va, vb := a.Recall, b.Recall
		if a.Label != "injection" {
			va, vb = a.FalsePositiveRate, b.FalsePositiveRate
		}
		fmt.Fprintf(w, "  %-24s %-9s %5d %8.3f %9.3f\n", k, a.Label, a.N, *va, *vb)
	}
}
