package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// runCPU is the CPU used so far by the setup's process tree (by command
// name) and by the simulator ("upstream-sim"). A setup without a process
// of its own (direct) has the simulator only.
func runCPU(s *Setup, sim *proc) map[string]time.Duration {
	out := map[string]time.Duration{}
	if s.Proc != nil {
		out = treeCPU(s.Proc.pid())
	}
	out[simName] = procCPU(sim.pid())
	return out
}

// simName is the simulator's entry in a CPU table.
const simName = "upstream-sim"

// cpuSince is after − before per process.
func cpuSince(before, after map[string]time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for k, v := range after {
		out[k] = v - before[k]
	}
	return out
}

// cpuPerAnswer pools runs: CPU µs per successful answer by process, nil
// when nothing was measured.
func cpuPerAnswer(runs []*Run) map[string]float64 {
	total, ok := map[string]time.Duration{}, 0
	for _, r := range runs {
		if r.CPU == nil {
			continue
		}
		ok += r.OK
		for k, v := range r.CPU {
			total[k] += v
		}
	}
	if ok == 0 {
		return nil
	}
	out := map[string]float64{}
	for k, v := range total {
		out[k] = round3(float64(v.Microseconds()) / float64(ok))
	}
	return out
}

// cpuTable writes the CPU-per-answer section: on a shared, loaded machine
// CPU per answer moves far less than latency. The clock is /proc's (10 ms
// ticks), so only runs of thousands of answers are meaningful.
func cpuTable(p func(string, ...any), setups []*SetupReport, conns int) {
	p("\n## CPU per answer (%d connections; /proc utime+stime ÷ successful answers)\n\n", conns)
	p("| setup | gateway µs (host + plugins) | by process µs | upstream-sim µs |\n|---|---:|---|---:|\n")
	for _, s := range setups {
		if s.CPUPerAnswer == nil {
			continue
		}
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(s.CPUPerAnswer)) {
			if k != simName {
				parts = append(parts, fmt.Sprintf("%s %.0f", k, s.CPUPerAnswer[k]))
			}
		}
		gateway := "—"
		if len(parts) > 0 {
			gateway = fmt.Sprintf("%.0f", gatewayCPU(s.CPUPerAnswer))
		}
		p("| %s | %s | %s | %.0f |\n", s.Name, gateway, strings.Join(parts, ", "), s.CPUPerAnswer[simName])
	}
}

// gatewayCPU is the gateway's share of a CPU-per-answer map: every process
// but the simulator.
func gatewayCPU(cpu map[string]float64) float64 {
	var gw float64
	for k, v := range cpu {
		if k != simName {
			gw += v
		}
	}
	return gw
}

// mlflowShare describes the MLflow server's CPU over the rounds (wall: their
// duration) and the answers whose traces were sent to it.
func mlflowShare(cpu, wall time.Duration, prio string, setups []*Setup, runs map[string][]*Run) string {
	traced := 0
	for _, s := range setups {
		if s.Tracked {
			for _, r := range runs[s.Name] {
				traced += r.OK
			}
		}
	}
	return fmt.Sprintf("; it ran at %s and used %.1f s of CPU during the rounds' %.0f s (%.0f %% of one CPU) for the traces of %d answers (it may not have ingested them all by the end)",
		prio, cpu.Seconds(), wall.Seconds(), 100*cpu.Seconds()/wall.Seconds(), traced)
}
