//go:build !unix

package pluginhost

import "os"

// askToExit has no gentle signal to send here; terminate kills after the grace.
func askToExit(*os.Process) {}
