package mlflowtracker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The integration tests run against a real `mlflow server` from the repo's
// .venv (make mlflow-install), one per test binary, started on first use on
// a free loopback port with a temporary SQLite database, and stopped by
// TestMain. LLMGW_SKIP_MLFLOW=1 skips them (never set in CI).

var shared struct {
	once sync.Once
	srv  *mlflowServer
	err  error
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(childSpoolEnv); dir != "" {
		runChild(dir) // never returns
	}
	code := m.Run()
	if shared.srv != nil {
		shared.srv.stop()
		_ = os.RemoveAll(shared.srv.dir)
	}
	os.Exit(code)
}

// startMLflow returns the shared MLflow server, starting it on first use.
func startMLflow(t *testing.T) *mlflowServer {
	t.Helper()
	if os.Getenv("LLMGW_SKIP_MLFLOW") == "1" {
		t.Skip("LLMGW_SKIP_MLFLOW=1: skipping the test against a real MLflow server")
	}
	shared.once.Do(func() {
		bin, err := mlflowBinary()
		if err != nil {
			shared.err = err
			return
		}
		dir, err := os.MkdirTemp("", "llmgw-mlflow-test-")
		if err != nil {
			shared.err = err
			return
		}
		srv := &mlflowServer{bin: bin, dir: dir, port: freePort(t)}
		start := time.Now()
		if err := srv.start(); err != nil {
			shared.err = err
			return
		}
		fmt.Fprintf(os.Stderr, "mlflow server started in %v on %s\n", time.Since(start).Round(10*time.Millisecond), srv.URL())
		shared.srv = srv
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	if !shared.srv.running() {
		if err := shared.srv.start(); err != nil {
			t.Fatal(err)
		}
	}
	return shared.srv
}

// mlflowBinary finds .venv/bin/mlflow at the repository root.
func mlflowBinary() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root (go.work) not found")
		}
		dir = parent
	}
	bin := filepath.Join(dir, ".venv", "bin", "mlflow")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("%s is missing: run make mlflow-install (or set LLMGW_SKIP_MLFLOW=1 to skip the MLflow tests)", bin)
	}
	return bin, nil
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type mlflowServer struct {
	bin, dir string
	port     int

	mu   sync.Mutex
	cmd  *exec.Cmd
	log  *lockedWriter
	exit chan struct{}
}

func (s *mlflowServer) URL() string { return fmt.Sprintf("http://127.0.0.1:%d", s.port) }

func (s *mlflowServer) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// start runs the server and waits for /health.
func (s *mlflowServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.bin, "server",
		"--backend-store-uri", "sqlite:///"+filepath.Join(s.dir, "mlflow.db"),
		"--artifacts-destination", filepath.Join(s.dir, "artifacts"),
		"--host", "127.0.0.1", "--port", fmt.Sprint(s.port), "--workers", "1")
	cmd.Env = append(os.Environ(), "MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true",
		"MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false",
		"MLFLOW_MODEL_CATALOG_URI=") // no fetch of the model catalog from GitHub
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	s.log = &lockedWriter{w: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	exit := make(chan struct{})
	s.exit = exit
	go func() { _ = cmd.Wait(); close(exit) }()
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exit:
			s.cmd = nil
			return fmt.Errorf("mlflow server exited during start-up:\n%s", tail(s.log.String()))
		default:
		}
		resp, err := http.Get(s.URL() + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stopLocked()
	return fmt.Errorf("mlflow server did not answer /health within 120s:\n%s", tail(s.log.String()))
}

// stop ends the server and all its workers.
func (s *mlflowServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *mlflowServer) stopLocked() {
	if s.cmd == nil {
		return
	}
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.exit:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.exit
	}
	// Workers may outlive the parent by a moment.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	s.cmd = nil
}

func tail(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("timed out after %v waiting for %s (last: %s)", timeout, what, last)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func uniqueName(t *testing.T) string {
	return fmt.Sprintf("%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
