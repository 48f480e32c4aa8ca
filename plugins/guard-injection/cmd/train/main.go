// Command train fits the guard's n-gram model on the development data and
// writes detect/model.bin, which the plugin embeds. It is deterministic: the
// same data and seed give the same bytes (make guard-train).
//
// It also estimates how well the detector generalises: k-fold
// cross-validation trains on k-1 folds and scores the held-out fold with the
// full detector (rules + that fold's quantised model), then reports recall
// and false-positive rate over all held-out predictions.
//
//	go run ./cmd/train -data data -out detect/model.bin
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"

	"github.com/llmgw/llmgw/plugins/guard-injection/detect"
	"github.com/llmgw/llmgw/plugins/guard-injection/evaluate"
	"github.com/llmgw/llmgw/plugins/guard-injection/guard"
	"github.com/llmgw/llmgw/plugins/guard-injection/normalize"
)

type example struct {
	idx []uint32
	val []float64
	y   float64
	// wt scales the example's gradient (sourceWeight).
	wt float64
}

type params struct {
	epochs int
	// innerEpochs trains the nested leave-one-source-out models, which only
	// choose thresholds.
	innerEpochs int
	lr          float64
	l2          float64
	seed        uint64
	bag         int
	lenBins     bool
}

func main() {
	data := flag.String("data", "data", "folder holding the development CSVs (trainingFiles)")
	out := flag.String("out", "detect/model.bin", "where to write the model")
	report := flag.String("report", "", "also write the report to this file")
	folds := flag.Int("folds", 5, "cross-validation folds (0 = none)")
	loso := flag.Bool("loso", true, "leave-one-source-out cross-validation")
	nested := flag.Bool("nested", true, "choose each held-out source's threshold on the other sources (nested LOSO); false: use -threshold")
	missesFile := flag.String("misses", "", "write the held-out misjudged rows to this file")
	scoresFile := flag.String("scores", "", "write every row's leave-one-source-out rule, model and combined scores to this CSV file")
	threshold := flag.Float64("threshold", guard.DefaultThreshold, "threshold the report measures at")
	p := params{}
	flag.IntVar(&p.epochs, "epochs", 30, "training epochs")
	flag.IntVar(&p.innerEpochs, "inner-epochs", 10, "training epochs of the nested leave-one-source-out models that choose thresholds")
	flag.Float64Var(&p.lr, "lr", 0.05, "AdaGrad learning rate")
	flag.Float64Var(&p.l2, "l2", 1e-4, "L2 penalty per example")
	flag.Uint64Var(&p.seed, "seed", 1, "random seed (shuffling and folds)")
	flag.IntVar(&p.bag, "bag", 1, "models (seeds seed, seed+1, …) whose weights are averaged")
	flag.BoolVar(&p.lenBins, "lenbins", true, "learn an offset per prompt-length bin")
	extra := flag.String("extra", "", "comma-separated CSV files (prompt,label,category,source) trained on beside trainingFiles (experiments)")
	skip := flag.String("skip", "", "comma-separated trainingFiles left out (experiments: score them as unseen)")
	weightFlag := flag.String("weights", "", "PREFIX=W,…: weigh the rows whose source starts with PREFIX W times in training (experiments)")
	byFile := flag.Bool("by-file", false, "leave one development file out instead of one source (a file is one writer's, and holds up to four sources)")
	heldOutDir := flag.String("held-out", "testdata", "folder of the held-out sets (heldout-*.csv): a development row with the text of one of their rows (case and spacing aside) is left out of training; empty: keep every row")
	flag.Parse()

	rows := loadTraining(*data, *byFile, strings.Split(*skip, ","))
	var srcW []sourceWeightRule
	if *weightFlag != "" {
		srcW = parseWeights(*weightFlag)
	}
	if *extra != "" {
		for _, f := range strings.Split(*extra, ",") {
			for _, r := range mustRead(f) {
				if r.Source == "" || r.Category == "" {
					fail(fmt.Errorf("%s: -extra rows need a source and a category", f))
				}
				rows = append(rows, r)
			}
		}
	}
	dropped := 0
	if *heldOutDir != "" {
		rows, dropped = withoutHeldOut(rows, heldOutTexts(*heldOutDir))
	}
	exs := make([]example, len(rows))
	for i, r := range rows {
		exs[i] = featurize(r, p.lenBins)
		exs[i].wt = sourceWeight(r.Source, srcW)
	}
	var w io.Writer = os.Stdout
	if *report != "" {
		f, err := os.Create(*report)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		w = io.MultiWriter(os.Stdout, f)
	}
	fmt.Fprintf(w, "training data: %d rows from %v, seed %d, %d epochs (%d for the nested threshold models), lr %g, l2 %g, bag %d, length bins %v, %d hash buckets, binary features, rule weight %g (model weight %g on prompts under 40 bytes)\n",
		len(rows), sources(rows), p.seed, p.epochs, p.innerEpochs, p.lr, p.l2, p.bag, p.lenBins, detect.NumBuckets, detect.DefaultRuleWeight, detect.DefaultModelWeight)
	fmt.Fprintf(w, "left out of training: %d development rows whose text is a row of a held-out set in %s/heldout-*.csv\n", dropped, *heldOutDir)

	if *folds > 1 {
		crossValidate(w, rows, exs, *folds, p, *threshold, *missesFile)
	}
	var losoFlags []bool
	if *loso {
		losoFlags = leaveOneSourceOut(w, rows, exs, p, *nested, *threshold, *scoresFile)
	}

	bias, weights := train(exs, p)
	m := detect.Quantize(bias, weights)
	b, err := m.MarshalBinary()
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fail(err)
	}
	d := detect.New(detect.Options{Model: m})
	full := evaluate.Run(d, rows, *threshold, true)
	fmt.Fprintf(w, "full set, model trained on all rows (in-sample) at threshold %.2f: recall %.4f, FPR %.4f, precision %.4f\n",
		*threshold, full.Recall, full.FalsePositiveRate, full.Precision)
	if losoFlags != nil {
		inSample := make([]bool, len(rows))
		for i, r := range rows {
			inSample[i] = d.Detect(r.Prompt).Score >= *threshold
		}
		familyTable(w, rows, losoFlags, inSample)
	}
	fmt.Fprintf(w, "wrote %s (%d bytes)\n", *out, len(b))
}

func mustRead(path string) []evaluate.Row {
	f, err := os.Open(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	rows, _, err := evaluate.ReadCSV(f)
	if err != nil {
		fail(fmt.Errorf("%s: %w", path, err))
	}
	return rows
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "train:", err)
	os.Exit(1)
}

// featurize turns a row into sparse feature values, exactly as Model.Score
// sees them: 1 per distinct bucket divided by the square root of their
// number, plus (withLenBin) a 1 for the prompt's length bin, whose weight
// sits after the NumBuckets bucket weights.
func featurize(r evaluate.Row, withLenBin bool) (ex example) {
	ex.wt = 1
	canon := normalize.Normalize(r.Prompt).Canonical
	feats := detect.AppendFeatures(nil, canon)
	counts := map[uint32]float64{}
	for _, f := range feats {
		counts[f]++
	}
	if r.Injection {
		ex.y = 1
	}
	keys := make([]uint32, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	norm := math.Sqrt(float64(len(counts)))
	if withLenBin {
		defer func() {
			ex.idx = append(ex.idx, uint32(detect.NumBuckets+detect.LenBin(len(canon))))
			ex.val = append(ex.val, 1)
		}()
	}
	for _, k := range keys {
		ex.idx = append(ex.idx, k)
		ex.val = append(ex.val, 1/norm)
	}
	return ex
}

// train fits bag logistic regressions and averages their weights (a linear
// model's average is again one linear model, so the served cost is unchanged).
func train(exs []example, p params) (float64, []float64) {
	bag := p.bag
	if bag <= 1 {
		return train1(exs, p)
	}
	var bias float64
	var w []float64
	for b := 0; b < bag; b++ {
		q := p
		q.seed = p.seed + uint64(b)
		bb, wb := train1(exs, q)
		bias += bb / float64(bag)
		if w == nil {
			w = make([]float64, len(wb))
		}
		for i, v := range wb {
			w[i] += v / float64(bag)
		}
	}
	return bias, w
}

// train1 fits logistic regression with AdaGrad, classes weighted to balance:
// each class's rows, by their weights (-weights), weigh half of the total, so
// a source weighted up takes a larger share of its own class and leaves the
// balance of the classes as it was. (With every weight 1 the sums are the
// row counts, and the model the same bytes as before weights were summed.)
func train1(exs []example, p params) (float64, []float64) {
	w := make([]float64, detect.NumBuckets+detect.NumLenBins)
	g2 := make([]float64, detect.NumBuckets+detect.NumLenBins)
	var bias, gb2 float64
	var pos, neg float64
	for _, e := range exs {
		if e.y == 1 {
			pos += e.wt
		} else {
			neg += e.wt
		}
	}
	wPos := (pos + neg) / (2 * max(pos, 1))
	wNeg := (pos + neg) / (2 * max(neg, 1))
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(p.seed, 0x9e3779b97f4a7c15))
	for ep := 0; ep < p.epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			e := exs[k]
			z := bias
			for j, f := range e.idx {
				z += w[f] * e.val[j]
			}
			pr := 1 / (1 + math.Exp(-z))
			cw := wNeg
			if e.y == 1 {
				cw = wPos
			}
			g := (pr - e.y) * cw * e.wt
			gb2 += g * g
			bias -= p.lr * g / (math.Sqrt(gb2) + 1e-8)
			for j, f := range e.idx {
				gj := g*e.val[j] + p.l2*w[f]
				g2[f] += gj * gj
				w[f] -= p.lr * gj / (math.Sqrt(g2[f]) + 1e-8)
			}
		}
	}
	return bias, w
}

func crossValidate(w io.Writer, rows []evaluate.Row, exs []example, k int, p params, threshold float64, misses string) {
	// Stratified folds: shuffle each class, deal round-robin.
	rng := rand.New(rand.NewPCG(p.seed, 42))
	fold := make([]int, len(rows))
	for _, label := range []bool{true, false} {
		var idx []int
		for i, r := range rows {
			if r.Injection == label {
				idx = append(idx, i)
			}
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for n, i := range idx {
			fold[i] = n % k
		}
	}
	rulesOnly := detect.New(detect.Options{})
	ruleScore := make([]float64, len(rows))
	for i, r := range rows {
		ruleScore[i] = rulesOnly.Detect(r.Prompt).Score
	}
	combined := make([]float64, len(rows))
	modelOnly := make([]float64, len(rows))
	sweep := []float64{0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5}
	for f := 0; f < k; f++ {
		var trainSet []example
		for i := range rows {
			if fold[i] != f {
				trainSet = append(trainSet, exs[i])
			}
		}
		bias, weights := train(trainSet, p)
		m := detect.Quantize(bias, weights)
		d := detect.New(detect.Options{Model: m})
		for i, r := range rows {
			if fold[i] == f {
				v := d.Detect(r.Prompt)
				combined[i] = v.Score
				modelOnly[i] = v.ModelScore
			}
		}
	}
	fmt.Fprintf(w, "%d-fold cross-validation, held-out predictions over all %d rows:\n", k, len(rows))
	line := func(name string, scores []float64, t float64, extra string) {
		tp, fp, fn, tn := confusion(rows, scores, t)
		fmt.Fprintf(w, "  %-22s threshold %.2f: recall %.4f, FPR %.4f, precision %.4f (tp %d fp %d fn %d tn %d)%s\n",
			name, t, ratio(tp, tp+fn), ratio(fp, fp+tn), ratio(tp, tp+fp), tp, fp, fn, tn, extra)
	}
	line("rules only", ruleScore, threshold, "")
	line("model only (held-out)", modelOnly, threshold, "")
	for _, t := range sweep {
		line("rules + model", combined, t, "")
	}
	if misses != "" {
		f, err := os.Create(misses)
		if err == nil {
			for i, r := range rows {
				if (combined[i] >= threshold) != r.Injection {
					fmt.Fprintf(f, "=== %v combined %.2f rule %.2f model %.2f\n%.1500s\n", r.Injection, combined[i], ruleScore[i], modelOnly[i], r.Prompt)
				}
			}
			f.Close()
		}
	}
	fmt.Fprintf(w, "  model-only ROC AUC (held-out): %.4f\n", auc(rows, modelOnly))
	fmt.Fprintf(w, "  rules + model ROC AUC (held-out): %.4f\n", auc(rows, combined))
}

func confusion(rows []evaluate.Row, scores []float64, t float64) (tp, fp, fn, tn int) {
	for i, r := range rows {
		flagged := scores[i] >= t
		switch {
		case r.Injection && flagged:
			tp++
		case r.Injection:
			fn++
		case flagged:
			fp++
		default:
			tn++
		}
	}
	return
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func auc(rows []evaluate.Row, scores []float64) float64 {
	var pos, neg []float64
	for i, r := range rows {
		if r.Injection {
			pos = append(pos, scores[i])
		} else {
			neg = append(neg, scores[i])
		}
	}
	wins := 0.0
	for _, a := range pos {
		for _, b := range neg {
			switch {
			case a > b:
				wins++
			case a == b:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(pos)*len(neg))
}
