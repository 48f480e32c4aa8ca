// Package cpubench reports a benchmark's CPU time per operation, for the
// SDK's hop benchmarks and plugins' own: on a shared, loaded machine CPU per
// operation moves far less than wall time.
package cpubench

import (
	"syscall"
	"testing"
)

// PerOp reports the process's CPU time (user + system: both ends of a hop
// run in the benchmark's process) per operation as "cpu-ns/op". Call the
// result after the loop:
//
//	defer cpubench.PerOp(b)()
func PerOp(b *testing.B) func() {
	start := now()
	return func() {
		b.ReportMetric(float64(now()-start)/float64(b.N), "cpu-ns/op")
	}
}

func now() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
