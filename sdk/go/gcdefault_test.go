package sdk

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// A plugin runs with DefaultGOGC unless its environment sets GOGC, which
// then stays the operator's.
func TestGCDefault(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)

	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	setGCDefault()
	if got := debug.SetGCPercent(100); got != DefaultGOGC {
		t.Errorf("without GOGC: GC percent %d, want %d", got, DefaultGOGC)
	}

	t.Setenv("GOGC", "100")
	setGCDefault()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC=100: GC percent %d, want the operator's 100", got)
	}
}

// A plugin runs Go code on half the CPUs Go would use (at least one) unless
// its environment sets GOMAXPROCS, which then stays the operator's.
func TestProcsDefault(t *testing.T) {
	orig := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(orig)

	for _, n := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(n)
		t.Setenv("GOMAXPROCS", "")
		os.Unsetenv("GOMAXPROCS")
		setProcsDefault()
		want := n / 2
		if want < 1 {
			want = 1
		}
		if got := runtime.GOMAXPROCS(0); got != want {
			t.Errorf("without GOMAXPROCS, from %d: GOMAXPROCS %d, want %d", n, got, want)
		}
	}

	runtime.GOMAXPROCS(4)
	t.Setenv("GOMAXPROCS", "4")
	setProcsDefault()
	if got := runtime.GOMAXPROCS(0); got != 4 {
		t.Errorf("with GOMAXPROCS=4: %d, want the operator's 4", got)
	}
}
