package sdk

import (
	"fmt"
	"os"

	"github.com/hashicorp/go-plugin"
)

// maxSocketPath is the longest unix socket path every platform takes: 104
// bytes of sun_path on macOS and the BSDs (108 on Linux), less the final NUL.
const maxSocketPath = 103

// SocketDirEnv is go-plugin's variable naming the directory where a plugin
// creates its unix sockets.
const SocketDirEnv = plugin.EnvUnixSocketDir

// MakeSocketDir creates a private directory (mode 0700) under the
// temporary directory for one plugin process's unix sockets: go-plugin's
// (through SocketDirEnv), the fast lane's and the Python SDK's. Whoever
// starts the plugin removes it when the plugin is gone, so a plugin killed
// mid-run leaves no socket behind. It fails when the directory cannot be
// made or its path leaves no room for a socket's name (go-plugin's
// "plugin" and ten digits) under maxSocketPath: the caller then leaves the
// sockets to go-plugin's default, the temporary directory itself, and the
// plugin on gRPC.
func MakeSocketDir() (string, error) {
	dir, err := os.MkdirTemp("", "llmgw-sockets-")
	if err != nil {
		return "", err
	}
	if len(dir)+len("/plugin1234567890") > maxSocketPath {
		_ = os.Remove(dir)
		return "", fmt.Errorf("the temporary directory's path is too long for unix sockets in a directory of their own (%d bytes; set TMPDIR to a shorter path)", len(dir))
	}
	return dir, nil
}
