// Command upstream-sim simulates the OpenAI, OpenRouter, Groq and Gemini HTTP
// APIs for tests, demos and benchmarks; see package sim for the routes,
// faults and control endpoints.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/llmgw/llmgw/tools/upstream-sim/sim"
)

func main() {
	listen := flag.String("listen", sim.DefaultAddr, "address to listen on (port 0 picks a free port)")
	latency := flag.Duration("latency", 0, "delay before every chat answer, e.g. 200ms")
	fault := flag.String("fault", "none", "fault of every chat call: none, 400, 500, 503, 429, timeout, stall, cut-stream, malformed")
	flag.Parse()
	f, err := sim.ParseFault(*fault)
	if err == nil && *latency < 0 {
		err = fmt.Errorf("negative --latency %s", *latency)
	}
	if err == nil && flag.NArg() > 0 {
		err = fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "upstream-sim:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := sim.ListenAndServe(ctx, sim.Config{Addr: *listen, Latency: *latency, Fault: f}, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "upstream-sim:", err)
		os.Exit(1)
	}
}
