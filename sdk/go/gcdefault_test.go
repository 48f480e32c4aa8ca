package sdk

import (
	"os"
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
