package evaluate

import (
	"encoding/csv"
	"io"
	"os"
	"strconv"

	"github.com/llmgw/llmgw/plugins/guard-injection/detect"
)

// ScoresHeader is the header of the CSV WriteScores writes.
var ScoresHeader = []string{"source", "category", "label", "rules", "model", "score", "verdict_category", "length"}

// WriteScores writes one CSV line per row with its verdict: the row's
// source, category and label, the rules' and the model's parts, the
// combined score, the verdict's category and the prompt's length in bytes.
// It is how an operator studies thresholds on their own prompts (`eval
// --scores`) and how cmd/train studies the combination of rules and model.
func WriteScores(w io.Writer, rows []Row, v []detect.Verdict) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ScoresHeader); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	for i, r := range rows {
		if err := cw.Write([]string{r.Source, r.Category, label(r), f(v[i].RuleScore), f(v[i].ModelScore), f(v[i].Score),
			v[i].Category, strconv.Itoa(len(r.Prompt))}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteScoresFile is WriteScores into a new file at path.
func WriteScoresFile(path string, rows []Row, v []detect.Verdict) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteScores(f, rows, v); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
