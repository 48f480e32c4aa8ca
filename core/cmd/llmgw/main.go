// Command llmgw is the gateway: `llmgw serve` runs it, `llmgw validate`
// checks a pipeline file, `llmgw plugin …` helps plugin authors.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/llmgw/llmgw/core/pipeline"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// commit is the source revision the binary was built from (make build and
// make release set it with -ldflags "-X main.commit=…").
var commit = "unknown"

const usage = `usage: llmgw <command> [flags]

commands:
  serve     [--config FILE] [--listen ADDR] [--log-level LEVEL]   serve the gateway
  validate  [--config FILE]                                       check a pipeline file and its plugins' config
  health    [--url URL] [--timeout DUR]                           exit 0 when a running gateway's /health answers 200
  keys      create|list|show|revoke …                             manage virtual keys through the admin API (docs/keys.md)
  plugin    new NAME --kind stage|provider|tracker [--dir DIR]    scaffold a plugin module
  plugin    check PATH [--config [KIND=]JSON]…                    run the conformance suite on a plugin binary
  version                                                         print the version, commit, Go and protocol versions

LLMGW_CONFIG and LLMGW_LISTEN do what --config and --listen do; flags win.
`

func main() {
	pipeline.Version = moduleVersion(pipeline.Version)
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var code int
	switch os.Args[1] {
	case "serve":
		code = serve(os.Args[2:])
	case "validate":
		code = validate(os.Args[2:])
	case "health":
		code = health(os.Args[2:])
	case "keys":
		code = keysMain(os.Args[2:])
	case "plugin":
		code = pluginMain(os.Args[2:])
	case "version", "--version", "-v":
		printVersion(os.Stdout)
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "llmgw: unknown command %q\n\n%s", os.Args[1], usage)
		code = 2
	}
	os.Exit(code)
}

// moduleVersion is the version a build stamped, else — for a binary built
// by `go install …/core/cmd/llmgw@vX.Y.Z`, which stamps nothing — the
// module version Go recorded in the binary.
func moduleVersion(stamped string) string {
	if stamped != "dev" {
		return stamped
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return stamped
}

// printVersion writes what `llmgw version` shows: enough to tell which
// release a binary is and which plugins it can talk to.
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "llmgw %s\n", pipeline.Version)
	fmt.Fprintf(w, "commit:            %s\n", commit)
	fmt.Fprintf(w, "go:                %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	protocols := make([]string, len(sdk.SupportedProtocolVersions))
	for i, v := range sdk.SupportedProtocolVersions {
		protocols[i] = strconv.FormatUint(uint64(v), 10)
	}
	fmt.Fprintf(w, "plugin protocols:  %s\n", strings.Join(protocols, ", "))
}
