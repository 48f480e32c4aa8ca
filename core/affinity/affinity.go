// Package affinity pins the gateway and the plugins it starts to a set of
// CPUs (the server setting cpus, LLMGW_CPUS).
//
// Every request crosses several processes — the host, then each stage's
// plugin and back, then the provider's plugin and back — and each crossing
// wakes the process on the other end. Left to the scheduler, the woken
// process often lands on another CPU, which is idle; on a virtual machine
// whose idle CPUs halt at once (the haltpoll driver with guest polling off,
// as on Firecracker), that costs an inter-processor interrupt and a VM exit
// per crossing. Kept on the caller's CPU, the woken process simply runs when
// the caller blocks for the answer. bench/README.md ("Pinned to one CPU")
// has the measurements; the price is that the gateway uses only the CPUs it
// is pinned to.
package affinity

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// MaxCPU is the highest CPU number a set may name: Linux's affinity calls
// address CPUs 0–1023 through the C library's fixed-size set.
const MaxCPU = 1023

// Parse reads a CPU list the way taskset -c and cpuset files write it —
// "0", "0-3", "0,2,4-5" — into sorted, distinct CPU numbers.
func Parse(s string) ([]int, error) {
	bad := func(why string) error {
		return fmt.Errorf("cpus %q: %s; want CPU numbers and ranges such as 0, 0-3 or 0,2,4-5", s, why)
	}
	if strings.TrimSpace(s) == "" {
		return nil, bad("empty")
	}
	seen := map[int]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		lo, hi, isRange := strings.Cut(item, "-")
		a, err := cpuNumber(lo)
		if err != nil {
			return nil, bad(err.Error())
		}
		b := a
		if isRange {
			if b, err = cpuNumber(hi); err != nil {
				return nil, bad(err.Error())
			}
			if b < a {
				return nil, bad(fmt.Sprintf("range %s runs backwards", item))
			}
		}
		for c := a; c <= b; c++ {
			seen[c] = true
		}
	}
	out := make([]int, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Ints(out)
	return out, nil
}

func cpuNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	switch {
	case s == "":
		return 0, fmt.Errorf("an empty item")
	case err != nil || n < 0:
		return 0, fmt.Errorf("%q is not a CPU number", s)
	case n > MaxCPU:
		return 0, fmt.Errorf("CPU %d is beyond %d", n, MaxCPU)
	}
	return n, nil
}

// Format writes sorted CPU numbers back as a list with ranges: 0-3,6.
func Format(cpus []int) string {
	var b strings.Builder
	for i := 0; i < len(cpus); {
		j := i
		for j+1 < len(cpus) && cpus[j+1] == cpus[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(cpus[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(cpus[j]))
		}
		i = j + 1
	}
	return b.String()
}
