package sdk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMakeSocketDir(t *testing.T) {
	base := t.TempDir()
	t.Setenv("TMPDIR", base)
	dir, err := MakeSocketDir()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 || filepath.Dir(dir) != base {
		t.Fatalf("socket directory %s, mode %v: want mode 0700 under %s", dir, fi.Mode().Perm(), base)
	}

	// A temporary directory too long for a socket's name below a directory
	// of its own: an error that says what to do, and nothing left behind.
	long := filepath.Join(base, strings.Repeat("d", max(1, 90-len(base)-1)))
	if err := os.Mkdir(long, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", long)
	if dir, err := MakeSocketDir(); err == nil || !strings.Contains(err.Error(), "TMPDIR") {
		t.Fatalf("MakeSocketDir under %d bytes = %q, %v", len(long), dir, err)
	}
	if left, _ := os.ReadDir(long); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}
