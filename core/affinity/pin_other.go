//go:build !linux

package affinity

import (
	"errors"
	"runtime"
)

// Pin is Linux-only: elsewhere setting cpus is an error, not ignored.
func Pin(cpus []int) error {
	return errors.New("cpus is supported on Linux only (this is " + runtime.GOOS + ")")
}

// Allowed is Linux-only.
func Allowed() ([]int, error) { return nil, Pin(nil) }
