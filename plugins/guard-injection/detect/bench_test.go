package detect_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/llmgw/llmgw/plugins/guard-injection/detect"
	"github.com/llmgw/llmgw/plugins/guard-injection/evaluate"
)

func loadDev(tb testing.TB, name string) []evaluate.Row {
	tb.Helper()
	path := filepath.Join(DevDataDir, name)
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("development data %s is missing (plugins/guard-injection/data is part of the repository): %v", path, err)
	}
	defer f.Close()
	rows, _, err := evaluate.ReadCSV(f)
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

// DevDataDir is the module's development data (plugins/guard-injection/data), relative to this package.
const DevDataDir = "../data"

// BenchmarkDetect runs the served detector over every development prompt;
// ns/op is the mean cost of one prompt.
func BenchmarkDetect(b *testing.B) {
	rows := append(loadDev(b, "jailbreak-dev.csv"), loadDev(b, "injection-short-dev.csv")...)
	d, err := detect.NewDefault()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Detect(rows[i%len(rows)].Prompt)
	}
}

// BenchmarkDetectLongest measures the longest development prompt.
func BenchmarkDetectLongest(b *testing.B) {
	rows := loadDev(b, "jailbreak-dev.csv")
	longest := ""
	for _, r := range rows {
		if len(r.Prompt) > len(longest) {
			longest = r.Prompt
		}
	}
	d, err := detect.NewDefault()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(longest)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Detect(longest)
	}
}
