package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// shutdownGrace is how long ListenAndServe lets requests in flight finish
// after ctx is done before cancelling them (stalled and timed-out handlers
// only return when their request context ends).
const shutdownGrace = time.Second

// ListenAndServe binds cfg.Addr (DefaultAddr when empty; port 0 picks a free
// port), writes one line "upstream-sim listening on ADDR (fault=…,
// latency=…)" with the bound address to logw, and serves a Simulator until
// ctx is done; then it shuts down gracefully and returns nil.
func ListenAndServe(ctx context.Context, cfg Config, logw io.Writer) error {
	addr := cfg.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	if cfg.Latency < 0 {
		return errors.New("latency must not be negative")
	}
	if cfg.Fault == "" {
		cfg.Fault = FaultNone
	}
	if _, err := ParseFault(string(cfg.Fault)); err != nil {
		return err
	}
	if err := cfg.Pacing.validate(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := &http.Server{
		Handler:           New(cfg),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	fmt.Fprintf(logw, "upstream-sim listening on %s (fault=%s, latency=%s", ln.Addr(), cfg.Fault, cfg.Latency)
	if p := cfg.Pacing; p != (Pacing{}) {
		fmt.Fprintf(logw, ", tokens=%d, token-interval=%s, reasoning=%s", p.Tokens, p.TokenInterval, p.Reasoning)
	}
	fmt.Fprintln(logw, ")")

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	t := time.AfterFunc(shutdownGrace, cancel)
	defer t.Stop()
	sctx, scancel := context.WithTimeout(context.Background(), shutdownGrace+3*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	<-errc
	return nil
}
