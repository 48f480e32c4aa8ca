// Command llmgw is the gateway: `llmgw serve` runs it, `llmgw validate`
// checks a pipeline file, `llmgw plugin …` helps plugin authors.
package main

import (
	"fmt"
	"os"

	"github.com/llmgw/llmgw/core/pipeline"
)

const usage = `usage: llmgw <command> [flags]

commands:
  serve     [--config FILE] [--listen ADDR] [--log-level LEVEL]   serve the gateway
  validate  [--config FILE]                                       check a pipeline file and its plugins' config
  health    [--url URL] [--timeout DUR]                           exit 0 when a running gateway's /health answers 200
  keys      create|list|show|revoke …                             manage virtual keys through the admin API (docs/keys.md)
  plugin    new NAME --kind stage|provider|tracker [--dir DIR]    scaffold a plugin module
  plugin    check PATH [--config [KIND=]JSON]…                    run the conformance suite on a plugin binary
  version                                                         print the version

LLMGW_CONFIG and LLMGW_LISTEN do what --config and --listen do; flags win.
`

func main() {
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
		fmt.Println("llmgw", pipeline.Version)
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "llmgw: unknown command %q\n\n%s", os.Args[1], usage)
		code = 2
	}
	os.Exit(code)
}
