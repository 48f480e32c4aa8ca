//go:build unix

package pluginhost

import (
	"os"
	"syscall"
)

// askToExit sends SIGTERM, then SIGCONT: a stopped process keeps SIGTERM
// pending until it is continued.
func askToExit(p *os.Process) {
	_ = p.Signal(syscall.SIGTERM)
	_ = p.Signal(syscall.SIGCONT)
}
