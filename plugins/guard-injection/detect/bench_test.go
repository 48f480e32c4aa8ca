package detect_test

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/sys/unix"

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

// threadCPU is the CPU time the calling OS thread has used, in ns: unlike
// wall-clock time it does not grow when other processes share the CPUs.
func threadCPU(b *testing.B) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return ts.Nano()
}

// BenchmarkDetectPercentiles reports the p50 and p99 thread CPU time of
// one prompt over every development prompt of at most 2000 characters (the
// default max_prompt_chars), the latency target (p99 ≤ 1 ms).
func BenchmarkDetectPercentiles(b *testing.B) {
	var prompts []string
	for _, name := range []string{"jailbreak-dev.csv", "injection-short-dev.csv", "own-families-dev.csv", "own-families-2-dev.csv", "own-families-3-dev.csv", "own-families-4-dev.csv", "own-families-5-dev.csv"} {
		for _, r := range loadDev(b, name) {
			if utf8.RuneCountInString(r.Prompt) <= 2000 {
				prompts = append(prompts, r.Prompt)
			}
		}
	}
	d, err := detect.NewDefault()
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	costs := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := threadCPU(b)
		d.Detect(prompts[i%len(prompts)])
		costs = append(costs, float64(threadCPU(b)-start)/1000)
	}
	b.StopTimer()
	sort.Float64s(costs)
	b.ReportMetric(costs[len(costs)/2], "p50-cpu-µs")
	b.ReportMetric(costs[int(math.Ceil(0.99*float64(len(costs))))-1], "p99-cpu-µs")
}

// BenchmarkDetect30k measures a 30 000-character prompt (development
// prompts pasted together), the long-prompt target (≤ 5 ms).
func BenchmarkDetect30k(b *testing.B) { bench30k(b, "jailbreak-dev.csv") }

// BenchmarkDetect30kDocuments is the same with documents and tool results in
// other languages (the rows of a file of text the assistant reads): many
// colons, summaries and translations, version 23's rules' worst case.
func BenchmarkDetect30kDocuments(b *testing.B) { bench30k(b, "own-multilingual-75-dev.csv") }

// BenchmarkDetect30kToolResult is 30 000 characters of software
// documentation (the Go documentation of go-docs-dev.csv) scored as a tool's
// result, as a coding agent's file reads are: the document rules too.
func BenchmarkDetect30kToolResult(b *testing.B) { bench30kAs(b, "go-docs-dev.csv", true) }

func bench30k(b *testing.B, file string) { bench30kAs(b, file, false) }

func bench30kAs(b *testing.B, file string, document bool) {
	var sb strings.Builder
	for _, r := range loadDev(b, file) {
		if sb.Len() >= 30000*4 {
			break
		}
		sb.WriteString(r.Prompt)
		sb.WriteString("\n")
	}
	text := []rune(sb.String())
	prompt := string(text[:min(len(text), 30000)])
	d, err := detect.NewDefault()
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	var cpu int64
	for i := 0; i < b.N; i++ {
		start := threadCPU(b)
		if document {
			d.DetectDocument(prompt)
		} else {
			d.Detect(prompt)
		}
		cpu += threadCPU(b) - start
	}
	b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
}
