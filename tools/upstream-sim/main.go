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
	fault := flag.String("fault", "none", "fault of every chat call: "+sim.FaultNames())
	tokens := flag.Int("tokens", 0, "length of every answer in tokens (words), padded or cut; 0 keeps the echo answer")
	interval := flag.Duration("token-interval", 0, "time per generated token: the first after --latency, then one per interval; a plain answer is sent after latency + tokens×interval")
	reasoning := flag.Duration("reasoning", 0, "reasoning (thinking) time before the content, streamed as reasoning deltas / Gemini thought parts")
	flag.Parse()
	f, err := sim.ParseFault(*fault)
	pace := sim.Pacing{Tokens: *tokens, TokenInterval: *interval, Reasoning: *reasoning}
	switch {
	case err != nil:
	case *latency < 0:
		err = fmt.Errorf("negative --latency %s", *latency)
	case *tokens < 0 || *interval < 0 || *reasoning < 0:
		err = fmt.Errorf("negative --tokens, --token-interval or --reasoning")
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
	if err := sim.ListenAndServe(ctx, sim.Config{Addr: *listen, Latency: *latency, Fault: f, Pacing: pace}, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "upstream-sim:", err)
		os.Exit(1)
	}
}
