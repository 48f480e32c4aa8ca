package evaluate

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/llmgw/llmgw/plugins/guard-injection/detect"
	"github.com/llmgw/llmgw/plugins/guard-injection/guard"
)

// Usage is the eval command's synopsis.
const Usage = "usage: guard-injection eval FILE.csv [--config FILE.json] [--tool-results] [--by category] [--misses] [--scores OUT.csv]"

// Command runs `guard-injection eval FILE.csv [--config FILE.json]`: it
// scores the CSV with exactly the detector, thresholds, allow-list and
// strip_patterns the stage serves under that config (no length limit: it
// measures detection, not validation) and prints one JSON object — or, with
// `--by category`, a table of recall / false-positive rate per family.
// `--misses` writes the misjudged rows to stderr; `--scores OUT.csv` writes
// every row's verdict (WriteScores) to OUT.csv; `--tool-results` scores
// every row as the stage scores a tool's or a function's result
// (guard.ScanToolResult: the document rules, and the category
// indirect_injection with its threshold). It returns the exit code.
func Command(args []string, stdout, stderr io.Writer) int {
	var file, configFile, scoresFile string
	var byCategory, misses, toolResults bool
	// value takes the argument after a flag that needs one.
	value := func(i *int, dst *string) bool {
		if *i+1 >= len(args) {
			return false
		}
		*i++
		*dst = args[*i]
		return true
	}
	for i := 0; i < len(args); i++ {
		ok := true
		switch a := args[i]; {
		case a == "--by" || a == "-by":
			if i+1 >= len(args) || args[i+1] != "category" {
				fmt.Fprintln(stderr, "eval: --by takes \"category\"")
				return 2
			}
			byCategory = true
			i++
		case a == "--by=category":
			byCategory = true
		case a == "--misses" || a == "-misses":
			misses = true
		case a == "--tool-results" || a == "-tool-results":
			toolResults = true
		case a == "--config" || a == "-config":
			ok = value(&i, &configFile)
		case strings.HasPrefix(a, "--config="):
			configFile = strings.TrimPrefix(a, "--config=")
			ok = configFile != ""
		case a == "--scores" || a == "-scores":
			ok = value(&i, &scoresFile)
		case a == "-h" || a == "--help":
			fmt.Fprintln(stdout, Usage)
			return 0
		case file == "":
			file = a
		default:
			ok = false
		}
		if !ok {
			fmt.Fprintln(stderr, Usage)
			return 2
		}
	}
	if file == "" {
		fmt.Fprintln(stderr, Usage)
		return 2
	}
	raw := []byte("{}")
	if configFile != "" {
		b, err := os.ReadFile(configFile)
		if err != nil {
			fmt.Fprintf(stderr, "eval: %v\n", err)
			return 1
		}
		raw = b
	}
	d, set, err := guard.NewDetector(raw)
	if err != nil {
		fmt.Fprintf(stderr, "eval: config %s: %v\n", configFile, err)
		return 1
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "eval: %v\n", err)
		return 1
	}
	defer f.Close()
	rows, hasCategory, err := ReadCSV(f)
	if err != nil {
		fmt.Fprintf(stderr, "eval: %s: %v\n", file, err)
		return 1
	}
	score := func(s string) detect.Verdict {
		switch {
		case set.Allowed(s):
			return detect.Verdict{}
		case toolResults:
			return guard.ScanToolResult(d, set.Stripped(s))
		}
		return d.Detect(set.Stripped(s))
	}
	rep := RunScored(score, rows, set.Threshold, set.Flags, hasCategory)
	if scoresFile != "" {
		v := make([]detect.Verdict, len(rows))
		for i, r := range rows {
			v[i] = score(r.Prompt)
		}
		if err := WriteScoresFile(scoresFile, rows, v); err != nil {
			fmt.Fprintf(stderr, "eval: %v\n", err)
			return 1
		}
	}
	if misses {
		for _, i := range rep.Errors {
			v := score(rows[i].Prompt)
			fmt.Fprintf(stderr, "miss: %s %s score %.3f (rules %.3f, model %.3f, %s) %q\n", label(rows[i]), rows[i].Category,
				v.Score, v.RuleScore, v.ModelScore, v.Category, rows[i].Prompt)
		}
	}
	if byCategory {
		if !hasCategory {
			fmt.Fprintf(stderr, "eval: %s has no category column\n", file)
			return 1
		}
		WriteFamilies(stdout, rep.ByCategory)
		fmt.Fprintf(stdout, "all: recall %.3f, false-positive rate %.3f (n %d, threshold %g)\n",
			rep.Recall, rep.FalsePositiveRate, rep.N, rep.Threshold)
		return 0
	}
	enc := json.NewEncoder(stdout)
	if err := enc.Encode(rep); err != nil {
		fmt.Fprintf(stderr, "eval: %v\n", err)
		return 1
	}
	return 0
}

func label(r Row) string {
	if r.Injection {
		return "injection"
	}
	return "benign"
}

// WriteFamilies prints one line per family, attack families first, sorted
// by name: the family, its label, its size and its recall or false-positive rate.
func WriteFamilies(w io.Writer, fams map[string]Family) {
	names := make([]string, 0, len(fams))
	for k := range fams {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := fams[names[i]], fams[names[j]]
		if a.Label != b.Label {
			return a.Label == "injection"
		}
		return names[i] < names[j]
	})
	fmt.Fprintf(w, "%-28s %-9s %5s %8s\n", "family", "label", "n", "rate")
	for _, k := range names {
		f := fams[k]
		what, v := "recall", f.Recall
		if f.Label != "injection" {
			what, v = "FPR", f.FalsePositiveRate
		}
		fmt.Fprintf(w, "%-28s %-9s %5d %8.3f %s\n", k, f.Label, f.N, *v, what)
	}
}
