package evaluate

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/llmgw/llmgw/plugins/guard-injection/guard"
)

// Usage is the eval command's synopsis.
const Usage = "usage: guard-injection eval FILE.csv [--config FILE.json]"

// Command runs `guard-injection eval FILE.csv [--config FILE.json]`: it
// scores the CSV with exactly the detector and threshold the stage serves
// under that config (no length limit: it measures detection, not
// validation) and prints one JSON object. It returns the exit code.
func Command(args []string, stdout, stderr io.Writer) int {
	var file, configFile string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--config" || a == "-config":
			if i+1 >= len(args) {
				fmt.Fprintln(stderr, Usage)
				return 2
			}
			configFile = args[i+1]
			i++
		case len(a) > 9 && a[:9] == "--config=":
			configFile = a[9:]
		case a == "-h" || a == "--help":
			fmt.Fprintln(stdout, Usage)
			return 0
		case file == "":
			file = a
		default:
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
	rep := Run(d, rows, set.Threshold, hasCategory)
	enc := json.NewEncoder(stdout)
	if err := enc.Encode(rep); err != nil {
		fmt.Fprintf(stderr, "eval: %v\n", err)
		return 1
	}
	return 0
}
