// Package evaluate measures a detector on a labelled CSV file (columns
// prompt,label[,category][,source]; label "injection" or "benign").
package evaluate

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/llmgw/llmgw/plugins/guard-injection/detect"
)

// Row is one labelled prompt.
type Row struct {
	Prompt    string
	Injection bool
	// Category is the row's family: an attack family for injections, a
	// kind of look-alike for benign rows.
	Category string
	// Source names where the row comes from, for leave-one-source-out
	// cross-validation; empty when the file has no source column.
	Source string
}

// ReadCSV reads labelled rows. The header must name the prompt and label
// columns; category and source columns are optional.
func ReadCSV(r io.Reader) (rows []Row, hasCategory bool, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, false, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	pi, ok1 := col["prompt"]
	li, ok2 := col["label"]
	if !ok1 || !ok2 {
		return nil, false, fmt.Errorf("header %q: want columns prompt,label[,category]", strings.Join(header, ","))
	}
	ci, hasCategory := col["category"]
	si, hasSource := col["source"]
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false, fmt.Errorf("row %d: %w", line, err)
		}
		if pi >= len(rec) || li >= len(rec) {
			return nil, false, fmt.Errorf("row %d: too few columns", line)
		}
		row := Row{Prompt: rec[pi]}
		switch strings.ToLower(strings.TrimSpace(rec[li])) {
		case "injection", "jailbreak":
			row.Injection = true
		case "benign":
		default:
			return nil, false, fmt.Errorf("row %d: label %q: want injection or benign", line, rec[li])
		}
		if hasCategory && ci < len(rec) {
			row.Category = rec[ci]
		}
		if hasSource && si < len(rec) {
			row.Source = rec[si]
		}
		rows = append(rows, row)
	}
	return rows, hasCategory, nil
}

// Report is the evaluation's result, printed as JSON by the eval command.
type Report struct {
	N                 int                `json:"n"`
	Threshold         float64            `json:"threshold"`
	TruePositives     int                `json:"true_positives"`
	FalsePositives    int                `json:"false_positives"`
	TrueNegatives     int                `json:"true_negatives"`
	FalseNegatives    int                `json:"false_negatives"`
	Precision         float64            `json:"precision"`
	Recall            float64            `json:"recall"`
	F1                float64            `json:"f1"`
	FalsePositiveRate float64            `json:"false_positive_rate"`
	P50us             float64            `json:"p50_us"`
	P99us             float64            `json:"p99_us"`
	MaxUs             float64            `json:"max_us"`
	RecallByCategory  map[string]float64 `json:"recall_by_category,omitempty"`
	// ByCategory is recall (attack families) or false-positive rate (benign
	// families) per category, filled when the rows have categories.
	ByCategory map[string]Family `json:"by_category,omitempty"`
	// Errors lists the misjudged rows' indices (0-based, data rows), for debugging.
	Errors []int `json:"-"`
}

// Family is one category's share of a Report.
type Family struct {
	// Label is "injection" or "benign": which rate the family measures.
	Label string `json:"label"`
	N     int    `json:"n"`
	// Flagged is how many of the N rows reached the threshold.
	Flagged int `json:"flagged"`
	// Recall (injection families) or FalsePositiveRate (benign families).
	Recall            *float64 `json:"recall,omitempty"`
	FalsePositiveRate *float64 `json:"false_positive_rate,omitempty"`
}

// Families groups flagged rows by category: recall for attack families,
// false-positive rate for benign ones. A category holding both labels is
// split into "<category>/benign" for its benign rows.
func Families(rows []Row, flagged []bool) map[string]Family {
	out := map[string]Family{}
	labelOf := map[string]bool{}
	for _, r := range rows {
		if r.Injection {
			labelOf[r.Category] = true
		}
	}
	for i, r := range rows {
		key, label := r.Category, "benign"
		if r.Injection {
			label = "injection"
		} else if labelOf[key] {
			key += "/benign"
		}
		f := out[key]
		f.Label = label
		f.N++
		if flagged[i] {
			f.Flagged++
		}
		out[key] = f
	}
	for k, f := range out {
		v := ratio(f.Flagged, f.N)
		if f.Label == "injection" {
			f.Recall = &v
		} else {
			f.FalsePositiveRate = &v
		}
		out[k] = f
	}
	return out
}

// Run scores every row with d at threshold and measures time per prompt.
func Run(d *detect.Detector, rows []Row, threshold float64, byCategory bool) Report {
	return RunFlagged(d, rows, threshold, func(v detect.Verdict) bool { return v.Score >= threshold }, byCategory)
}

// RunFlagged is Run with the stage's own decision (per-category
// thresholds); threshold is only reported.
func RunFlagged(d *detect.Detector, rows []Row, threshold float64, flags func(detect.Verdict) bool, byCategory bool) Report {
	return RunScored(d.Detect, rows, threshold, flags, byCategory)
}

// RunScored is RunFlagged with the call that scores a row given: the
// detector's Detect for prompts, guard.ScanToolResult for tool results.
func RunScored(score func(string) detect.Verdict, rows []Row, threshold float64, flags func(detect.Verdict) bool, byCategory bool) Report {
	rep := Report{N: len(rows), Threshold: threshold}
	lat := make([]float64, len(rows))
	catTotal, catHit := map[string]int{}, map[string]int{}
	marked := make([]bool, len(rows))
	// Warm up pools and caches so the first rows do not pay for them.
	for i := 0; i < len(rows) && i < 20; i++ {
		score(rows[i].Prompt)
	}
	for i, r := range rows {
		start := time.Now()
		v := score(r.Prompt)
		lat[i] = float64(time.Since(start).Nanoseconds()) / 1000
		flagged := flags(v)
		marked[i] = flagged
		switch {
		case r.Injection && flagged:
			rep.TruePositives++
		case r.Injection:
			rep.FalseNegatives++
			rep.Errors = append(rep.Errors, i)
		case flagged:
			rep.FalsePositives++
			rep.Errors = append(rep.Errors, i)
		default:
			rep.TrueNegatives++
		}
		if byCategory && r.Injection {
			catTotal[r.Category]++
			if flagged {
				catHit[r.Category]++
			}
		}
	}
	rep.Precision = ratio(rep.TruePositives, rep.TruePositives+rep.FalsePositives)
	rep.Recall = ratio(rep.TruePositives, rep.TruePositives+rep.FalseNegatives)
	if rep.Precision+rep.Recall > 0 {
		rep.F1 = round(2 * rep.Precision * rep.Recall / (rep.Precision + rep.Recall))
	}
	rep.FalsePositiveRate = ratio(rep.FalsePositives, rep.FalsePositives+rep.TrueNegatives)
	sort.Float64s(lat)
	rep.P50us = round(percentile(lat, 0.50))
	rep.P99us = round(percentile(lat, 0.99))
	if len(lat) > 0 {
		rep.MaxUs = round(lat[len(lat)-1])
	}
	if byCategory {
		rep.RecallByCategory = map[string]float64{}
		for c, n := range catTotal {
			rep.RecallByCategory[c] = ratio(catHit[c], n)
		}
		rep.ByCategory = Families(rows, marked)
	}
	return rep
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return round(float64(a) / float64(b))
}

func round(x float64) float64 { return math.Round(x*10000) / 10000 }

// percentile of sorted xs by the nearest-rank method.
func percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(xs)))) - 1
	if i < 0 {
		i = 0
	}
	return xs[i]
}
