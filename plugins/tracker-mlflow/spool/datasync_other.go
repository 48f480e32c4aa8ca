//go:build !linux

package spool

import "os"

// dataSync makes the written data durable; systems without fdatasync
// (darwin) get a full fsync.
func dataSync(f *os.File) error { return f.Sync() }
