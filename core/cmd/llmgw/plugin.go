package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const pluginUsage = `usage: llmgw plugin <command> [flags]

commands:
  new NAME --kind stage|provider|tracker [--dir DIR] [--module PATH] [--sdk DIR]
        scaffold a plugin module (default dir plugins/NAME) that builds and passes its test at once
  check PATH [--config [KIND=]JSON]... [--no-mtls] [--concurrency N] [--call-timeout DUR] [-v]
        run the conformance suite against a plugin executable; exit 0 only when every check passes

See docs/writing-plugins.md.
`

// pluginMain is `llmgw plugin …`; it returns the exit code.
func pluginMain(args []string) int {
	return runPlugin(args, os.Stdout, os.Stderr)
}

func runPlugin(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, pluginUsage)
		return 2
	}
	switch args[0] {
	case "new":
		return pluginNew(args[1:], stdout, stderr)
	case "check":
		return pluginCheck(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, pluginUsage)
		return 0
	}
	fmt.Fprintf(stderr, "llmgw plugin: unknown command %q\n\n%s", args[0], pluginUsage)
	return 2
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("check PATH --config …" as well as "check --config … PATH").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
