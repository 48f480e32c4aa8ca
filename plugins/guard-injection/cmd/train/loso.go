package main

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

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
	{"own-families-2-dev.csv", "", "", ""},
	{"own-families-3-dev.csv", "", "", ""},
	{"own-families-4-dev.csv", "", "", ""},
	{"own-families-5-dev.csv", "", "", ""},
	{"own-families-6-dev.csv", "", "", ""},
	{"own-families-7-dev.csv", "", "", ""},
	{"own-families-8-dev.csv", "", "", ""},
	{"own-families-9-dev.csv", "", "", ""},
	{"own-families-10-dev.csv", "", "", ""},
	{"own-families-11-dev.csv", "", "", ""},
	{"own-families-12-dev.csv", "", "", ""},
	{"own-families-13-dev.csv", "", "", ""},
	{"own-families-14-dev.csv", "", "", ""},
	{"own-families-15-dev.csv", "", "", ""},
	{"own-families-16-dev.csv", "", "", ""},
	{"own-families-17-dev.csv", "", "", ""},
	{"own-families-18-dev.csv", "", "", ""},
	{"own-families-19-dev.csv", "", "", ""},
	{"own-families-20-dev.csv", "", "", ""},
	{"own-families-21-dev.csv", "", "", ""},
	{"own-families-22-dev.csv", "", "", ""},
	{"own-families-23-dev.csv", "", "", ""},
	{"own-families-24-dev.csv", "", "", ""},
	{"own-families-25-dev.csv", "", "", ""},
	{"own-families-26-dev.csv", "", "", ""},
	{"own-families-27-dev.csv", "", "", ""},
	{"own-families-28-dev.csv", "", "", ""},
	{"own-genres-29-dev.csv", "", "", ""},
	{"go-docs-dev.csv", "", "", ""},
	{"own-agents-94-dev.csv", "", "", ""},
	{"own-readtell-96-dev.csv", "", "", ""},
	{"own-agents-97-dev.csv", "", "", ""},
	{"own-agents-98-dev.csv", "", "", ""},
	{"own-agents-108-dev.csv", "", "", ""},
	{"own-agents-109-dev.csv", "", "", ""},
	{"own-agents-110-dev.csv", "", "", ""},
	{"own-multilingual-32-dev.csv", "", "", ""},
	{"own-multilingual-33-dev.csv", "", "", ""},
	{"own-multilingual-34-dev.csv", "", "", ""},
	{"own-multilingual-35-dev.csv", "", "", ""},
	{"own-multilingual-36-dev.csv", "", "", ""},
	{"own-multilingual-37-dev.csv", "", "", ""},
	{"own-multilingual-38-dev.csv", "", "", ""},
	{"own-multilingual-40-dev.csv", "", "", ""},
	{"own-multilingual-41-dev.csv", "", "", ""},
	{"own-multilingual-42-dev.csv", "", "", ""},
	{"own-multilingual-43-dev.csv", "", "", ""},
	{"own-multilingual-44-dev.csv", "", "", ""},
	{"own-multilingual-45-dev.csv", "", "", ""},
	{"own-multilingual-46-dev.csv", "", "", ""},
	{"own-multilingual-48-dev.csv", "", "", ""},
	{"own-multilingual-49-dev.csv", "", "", ""},
	{"own-multilingual-50-dev.csv", "", "", ""},
	{"own-multilingual-51-dev.csv", "", "", ""},
	{"own-multilingual-52-dev.csv", "", "", ""},
	{"own-multilingual-53-dev.csv", "", "", ""},
	{"own-multilingual-54-dev.csv", "", "", ""},
	{"own-multilingual-55-dev.csv", "", "", ""},
	{"own-multilingual-56-dev.csv", "", "", ""},
	{"own-multilingual-57-dev.csv", "", "", ""},
	{"own-multilingual-58-dev.csv", "", "", ""},
	{"own-multilingual-59-dev.csv", "", "", ""},
	{"own-multilingual-60-dev.csv", "", "", ""},
	{"own-multilingual-61-dev.csv", "", "", ""},
	{"own-multilingual-62-dev.csv", "", "", ""},
	{"own-multilingual-64-dev.csv", "", "", ""},
	{"own-multilingual-65-dev.csv", "", "", ""},
	{"own-multilingual-66-dev.csv", "", "", ""},
	{"own-multilingual-67-dev.csv", "", "", ""},
	{"own-multilingual-68-dev.csv", "", "", ""},
	{"own-multilingual-69-dev.csv", "", "", ""},
	{"own-multilingual-70-dev.csv", "", "", ""},
	{"own-multilingual-72-dev.csv", "", "", ""},
	{"own-multilingual-73-dev.csv", "", "", ""},
	{"own-multilingual-75-dev.csv", "", "", ""},
	{"own-multilingual-76-dev.csv", "", "", ""},
	{"own-multilingual-77-dev.csv", "", "", ""},
	{"own-multilingual-78-dev.csv", "", "", ""},
	{"own-multilingual-80-dev.csv", "", "", ""},
	{"own-multilingual-81-dev.csv", "", "", ""},
	{"own-multilingual-82-dev.csv", "", "", ""},
	{"own-multilingual-84-dev.csv", "", "", ""},
	{"own-multilingual-85-dev.csv", "", "", ""},
	// version 30: the indirect brief's six files kept out since version 25, and two more written for it;
	// version 31: six more (102 … 107)
	{"own-multilingual-87-dev.csv", "", "", ""},
	{"own-multilingual-88-dev.csv", "", "", ""},
	{"own-multilingual-89-dev.csv", "", "", ""},
	{"own-multilingual-90-dev.csv", "", "", ""},
	{"own-multilingual-91-dev.csv", "", "", ""},
	{"own-multilingual-92-dev.csv", "", "", ""},
	{"own-multilingual-100-dev.csv", "", "", ""},
	{"own-multilingual-101-dev.csv", "", "", ""},
	{"own-multilingual-102-dev.csv", "", "", ""},
	{"own-multilingual-103-dev.csv", "", "", ""},
	{"own-multilingual-104-dev.csv", "", "", ""},
	{"own-multilingual-105-dev.csv", "", "", ""},
	{"own-multilingual-106-dev.csv", "", "", ""},
	{"own-multilingual-107-dev.csv", "", "", ""},
	// version 33: eight more files of the coding agents' users' brief and seven of the indirect brief's
	// benign-heavy variant (data/brief-indirect-benign.md)
	{"own-agents-111-dev.csv", "", "", ""},
	{"own-agents-112-dev.csv", "", "", ""},
	{"own-agents-113-dev.csv", "", "", ""},
	{"own-agents-114-dev.csv", "", "", ""},
	{"own-agents-115-dev.csv", "", "", ""},
	{"own-agents-116-dev.csv", "", "", ""},
	{"own-multilingual-117-dev.csv", "", "", ""},
	{"own-multilingual-118-dev.csv", "", "", ""},
	{"own-multilingual-119-dev.csv", "", "", ""},
	{"own-multilingual-120-dev.csv", "", "", ""},
	{"own-multilingual-121-dev.csv", "", "", ""},
	{"own-multilingual-122-dev.csv", "", "", ""},
	{"own-multilingual-123-dev.csv", "", "", ""},
	{"own-agents-124-dev.csv", "", "", ""},
	{"own-agents-125-dev.csv", "", "", ""},
	// version 34: six more files of the indirect brief's benign-heavy variant, two of the coding agents' users'
	// brief and six of the indirect brief's variant on notes that name no reader (data/brief-indirect-poison.md)
	{"own-multilingual-126-dev.csv", "", "", ""},
	{"own-multilingual-127-dev.csv", "", "", ""},
	{"own-multilingual-128-dev.csv", "", "", ""},
	{"own-multilingual-129-dev.csv", "", "", ""},
	{"own-multilingual-130-dev.csv", "", "", ""},
	{"own-multilingual-131-dev.csv", "", "", ""},
	{"own-agents-132-dev.csv", "", "", ""},
	{"own-agents-133-dev.csv", "", "", ""},
	{"own-multilingual-134-dev.csv", "", "", ""},
	{"own-multilingual-135-dev.csv", "", "", ""},
	{"own-multilingual-136-dev.csv", "", "", ""},
	{"own-multilingual-137-dev.csv", "", "", ""},
	{"own-multilingual-138-dev.csv", "", "", ""},
	{"own-multilingual-139-dev.csv", "", "", ""},
	{"own-multilingual-140-dev.csv", "", "", ""},
	{"own-multilingual-141-dev.csv", "", "", ""},
	{"own-multilingual-142-dev.csv", "", "", ""},
	{"own-multilingual-143-dev.csv", "", "", ""},
	{"own-multilingual-144-dev.csv", "", "", ""},
	{"own-multilingual-145-dev.csv", "", "", ""},
	{"own-multilingual-146-dev.csv", "", "", ""},
	{"own-multilingual-147-dev.csv", "", "", ""},
	{"own-multilingual-148-dev.csv", "", "", ""},
	{"own-multilingual-149-dev.csv", "", "", ""},
	{"own-multilingual-150-dev.csv", "", "", ""},
	{"own-multilingual-151-dev.csv", "", "", ""},
	{"own-multilingual-152-dev.csv", "", "", ""},
	{"own-multilingual-153-dev.csv", "", "", ""},
	{"own-multilingual-154-dev.csv", "", "", ""},
	{"own-multilingual-155-dev.csv", "", "", ""},
	{"own-multilingual-156-dev.csv", "", "", ""},
	{"own-multilingual-157-dev.csv", "", "", ""},
	{"own-multilingual-158-dev.csv", "", "", ""},
	{"own-multilingual-159-dev.csv", "", "", ""},
	{"own-multilingual-160-dev.csv", "", "", ""},
	{"own-multilingual-161-dev.csv", "", "", ""},
	{"own-multilingual-162-dev.csv", "", "", ""},
	{"own-multilingual-163-dev.csv", "", "", ""},
	{"own-multilingual-164-dev.csv", "", "", ""},
	{"own-multilingual-165-dev.csv", "", "", ""},
	{"own-long-166-dev.csv", "", "", ""},
	{"own-long-167-dev.csv", "", "", ""},
	{"own-long-168-dev.csv", "", "", ""},
	{"own-long-169-dev.csv", "", "", ""},
	{"own-long-170-dev.csv", "", "", ""},
	{"own-long-171-dev.csv", "", "", ""},
	{"own-long-172-dev.csv", "", "", ""},
	{"own-long-173-dev.csv", "", "", ""},
	{"own-long-174-dev.csv", "", "", ""},
	{"own-long-175-dev.csv", "", "", ""},
	{"own-long-176-dev.csv", "", "", ""},
	{"own-long-177-dev.csv", "", "", ""},
	{"own-long-178-dev.csv", "", "", ""},
	{"own-long-179-dev.csv", "", "", ""},
	{"own-long-180-dev.csv", "", "", ""},
	{"own-long-181-dev.csv", "", "", ""},
	{"own-long-182-dev.csv", "", "", ""},
	{"own-long-183-dev.csv", "", "", ""},
	{"own-multilingual-184-dev.csv", "", "", ""},
	{"own-multilingual-185-dev.csv", "", "", ""},
	{"own-multilingual-186-dev.csv", "", "", ""},
	{"own-multilingual-187-dev.csv", "", "", ""},
	{"own-multilingual-188-dev.csv", "", "", ""},
	{"own-multilingual-189-dev.csv", "", "", ""},
	{"own-multilingual-190-dev.csv", "", "", ""},
	{"own-multilingual-191-dev.csv", "", "", ""},
}

// loadTraining reads every training file, filling in missing sources and
// categories. With byFile each row's source becomes its file's name, so that
// leave-one-source-out leaves out a whole file: one writer's every source.
func loadTraining(dir string, byFile bool, skip []string) []evaluate.Row {
	var all []evaluate.Row
	for _, f := range trainingFiles {
		if slices.Contains(skip, f.name) {
			continue
		}
		for _, r := range mustRead(filepath.Join(dir, f.name)) {
			if r.Source == "" {
				r.Source = f.source
			}
			if r.Source == "" {
				fail(fmt.Errorf("%s: a row has no source", f.name))
			}
			if byFile {
				r.Source = strings.TrimSuffix(f.name, "-dev.csv")
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

// heldOutTexts returns the texts (heldOutKey) of every row of the held-out
// sets in dir (heldout-*.csv).
func heldOutTexts(dir string) map[string]bool {
	files, err := filepath.Glob(filepath.Join(dir, "heldout-*.csv"))
	if err != nil || len(files) == 0 {
		fail(fmt.Errorf("-held-out %s: no heldout-*.csv there", dir))
	}
	out := map[string]bool{}
	for _, f := range files {
		for _, r := range mustRead(f) {
			out[heldOutKey(r.Prompt)] = true
		}
	}
	return out
}

// heldOutKey is a text as the held-out check compares it: lower case, runs
// of white space one space.
func heldOutKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// withoutHeldOut leaves out the rows whose text is a held-out set's row: a
// brief's example that its writer copied into a development file and the
// writer of a blind set into that set, or a phrase common enough that two
// writers wrote it alike. Version 33 found 79 (56 rows of the coding agents'
// users' files, most of them data/brief-agents-user.md's own examples, which
// heldout-agents-99.csv has too; 23 short prompts of the families' files, in
// the English sets). A blind set's row is never trained on.
func withoutHeldOut(rows []evaluate.Row, heldOut map[string]bool) ([]evaluate.Row, int) {
	kept := rows[:0:0]
	for _, r := range rows {
		if !heldOut[heldOutKey(r.Prompt)] {
			kept = append(kept, r)
		}
	}
	return kept, len(rows) - len(kept)
}

// sourceWeightRule weighs the rows whose source starts with prefix w times
// in training (-weights; the first rule that matches counts).
type sourceWeightRule struct {
	prefix string
	w      float64
}

// sourceWeight returns the training weight of a row of source src: 1 unless
// a rule's prefix matches.
func sourceWeight(src string, rules []sourceWeightRule) float64 {
	for _, r := range rules {
		if strings.HasPrefix(src, r.prefix) {
			return r.w
		}
	}
	return 1
}

// parseWeights reads -weights: "prefix=W,prefix=W".
func parseWeights(s string) []sourceWeightRule {
	var out []sourceWeightRule
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		w, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil || w <= 0 {
			fail(fmt.Errorf("-weights: %q is not PREFIX=W with W > 0", part))
		}
		out = append(out, sourceWeightRule{k, w})
	}
	return out
}

// thresholdSweep are the thresholds leave-one-source-out chooses among.
var thresholdSweep = []float64{0.15, 0.2, 0.225, 0.25, 0.275, 0.3, 0.325, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}

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
// the rows whose source is in score, with the full detector; it writes the
// scores into out.
func scoreWithout(rows []evaluate.Row, exs []example, p params, skip, score func(string) bool, out []detect.Verdict) {
	var trainSet []example
	for i, r := range rows {
		if !skip(r.Source) {
			trainSet = append(trainSet, exs[i])
		}
	}
	bias, weights := train(trainSet, p)
	d := detect.New(detect.Options{Model: detect.Quantize(bias, weights)})
	for i, r := range rows {
		if score(r.Source) {
			out[i] = d.Detect(r.Prompt)
		}
	}
}

// parallel runs jobs on up to GOMAXPROCS goroutines. Each job writes only
// its own rows' scores, so the result does not depend on the order.
func parallel(jobs []func()) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			j()
		}()
	}
	wg.Wait()
}

// losoScores scores every source with a model trained without it (outer)
// and, for every pair of sources, each of the two with a model trained
// without both (pair[a][i] for row i of source b, a != b: the score the
// threshold for held-out source a is chosen on). One model per pair serves
// both directions.
func losoScores(rows []evaluate.Row, exs []example, p params, srcs []string, nested bool) (outer []detect.Verdict, pair map[string][]float64) {
	outer = make([]detect.Verdict, len(rows))
	pair = map[string][]float64{}
	var jobs []func()
	for k, a := range srcs {
		jobs = append(jobs, func() {
			scoreWithout(rows, exs, p, func(x string) bool { return x == a }, func(x string) bool { return x == a }, outer)
		})
		pair[a] = make([]float64, len(rows))
		if !nested {
			continue
		}
		for _, b := range srcs[:k] {
			jobs = append(jobs, func() {
				skip := func(x string) bool { return x == a || x == b }
				// These models only choose thresholds; fewer epochs keep the
				// S·(S−1)/2 of them affordable.
				p := p
				p.epochs = p.innerEpochs
				// Rows of b go into pair[a] and rows of a into pair[b]:
				// disjoint rows, so the two writes never overlap.
				tmp := make([]detect.Verdict, len(rows))
				scoreWithout(rows, exs, p, skip, skip, tmp)
				for i, r := range rows {
					switch r.Source {
					case b:
						pair[a][i] = tmp[i].Score
					case a:
						pair[b][i] = tmp[i].Score
					}
				}
			})
		}
	}
	parallel(jobs)
	return outer, pair
}

// leaveOneSourceOut scores every source with a model trained on the other
// sources, at a threshold chosen on those other sources alone (each scored
// by a model trained without it: nested leave-one-source-out), and reports
// recall and false-positive rate per source, pooled over all held-out rows,
// and per family. It returns whether each row was flagged. With nested
// false the threshold is fixed (fixed), for quick experiments.
func leaveOneSourceOut(w io.Writer, rows []evaluate.Row, exs []example, p params, nested bool, fixed float64, scoresFile string) []bool {
	srcs := sources(rows)
	flagged := make([]bool, len(rows))
	if nested {
		fmt.Fprintf(w, "leave-one-source-out (%d sources; threshold chosen among %v on the other sources' own held-out scores: highest recall at FPR <= %.2f):\n",
			len(srcs), thresholdSweep, maxFPR)
	} else {
		fmt.Fprintf(w, "leave-one-source-out (%d sources; fixed threshold %.3g, not nested):\n", len(srcs), fixed)
	}
	outer, pair := losoScores(rows, exs, p, srcs, nested)
	if scoresFile != "" {
		if err := evaluate.WriteScoresFile(scoresFile, rows, outer); err != nil {
			fail(err)
		}
	}
	var all [4]int
	for _, held := range srcs {
		t := fixed
		if nested {
			var rest []int
			for i, r := range rows {
				if r.Source != held {
					rest = append(rest, i)
				}
			}
			t = pickThreshold(rows, pair[held], rest)
		}
		var c [4]int // tp, fp, fn, tn
		for i, r := range rows {
			if r.Source != held {
				continue
			}
			flagged[i] = outer[i].Score >= t
			switch {
			case r.Injection && flagged[i]:
				c[0]++
			case r.Injection:
				c[2]++
			case flagged[i]:
				c[1]++
			default:
				c[3]++
			}
		}
		for k := range c {
			all[k] += c[k]
		}
		fmt.Fprintf(w, "  held out %-24s threshold %-5.3g: recall %s, FPR %s (injection %d, benign %d)\n",
			held, t, rate(c[0], c[0]+c[2]), rate(c[1], c[1]+c[3]), c[0]+c[2], c[1]+c[3])
	}
	fmt.Fprintf(w, "  pooled over every held-out row: recall %s, FPR %s (injection %d, benign %d)\n",
		rate(all[0], all[0]+all[2]), rate(all[1], all[1]+all[3]), all[0]+all[2], all[1]+all[3])
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
