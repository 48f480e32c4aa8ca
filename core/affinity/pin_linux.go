//go:build linux

package affinity

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// Pin restricts this process — every thread it has and, by inheritance,
// every thread and child process it starts later — to cpus, and sets
// GOMAXPROCS to their number unless the environment sets GOMAXPROCS. The
// CPUs must be among those the process may use now. Call it before starting
// plugins: a child inherits the mask of the thread that starts it.
func Pin(cpus []int) error {
	var allowed, set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		return fmt.Errorf("reading the CPUs this process may use: %w", err)
	}
	var missing []int
	for _, c := range cpus {
		if !allowed.IsSet(c) {
			missing = append(missing, c)
		}
		set.Set(c)
	}
	if len(missing) > 0 || len(cpus) == 0 {
		return fmt.Errorf("CPU %s: not among the CPUs this process may use (%s)", Format(missing), Format(members(&allowed)))
	}
	// sched_setaffinity moves one thread. Move each of the process's threads;
	// a thread started while this runs inherits its creator's mask, so go
	// round again until a pass finds nothing left to move.
	for pass := 0; ; pass++ {
		moved, err := pinThreads(&set)
		if err != nil {
			return err
		}
		if moved == 0 {
			break
		}
		if pass == 10 {
			return errors.New("threads kept appearing with another CPU mask; giving up")
		}
	}
	if _, ok := os.LookupEnv("GOMAXPROCS"); !ok {
		runtime.GOMAXPROCS(len(cpus))
	}
	return nil
}

// pinThreads sets set on every thread of the process whose mask differs and
// returns how many it moved.
func pinThreads(set *unix.CPUSet) (int, error) {
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0, fmt.Errorf("listing this process's threads: %w", err)
	}
	moved := 0
	for _, e := range entries {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		var cur unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &cur); err != nil || cur == *set {
			continue // exited meanwhile, or already there
		}
		if err := unix.SchedSetaffinity(tid, set); err != nil {
			if errors.Is(err, unix.ESRCH) {
				continue
			}
			return 0, fmt.Errorf("pinning thread %d: %w", tid, err)
		}
		moved++
	}
	return moved, nil
}

// Allowed lists the CPUs this process may use now.
func Allowed() ([]int, error) {
	var s unix.CPUSet
	if err := unix.SchedGetaffinity(0, &s); err != nil {
		return nil, err
	}
	return members(&s), nil
}

func members(s *unix.CPUSet) []int {
	var out []int
	for c := 0; c <= MaxCPU; c++ {
		if s.IsSet(c) {
			out = append(out, c)
		}
	}
	return out
}
