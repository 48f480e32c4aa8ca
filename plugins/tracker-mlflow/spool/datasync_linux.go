package spool

import (
	"os"
	"syscall"
)

// dataSync makes the written data and the new file size durable, not the
// timestamps (fdatasync, cheaper than a full fsync).
func dataSync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
