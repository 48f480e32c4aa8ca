package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// profiler fetches CPU profiles from every pprof listener of a setup while
// a load runs.
type profiler struct {
	wg sync.WaitGroup
}

// startProfiles asks each process of s for a CPU profile covering most of a
// load of duration d and writes DIR/<setup>-<process>.pprof; read them with
// `go tool pprof -top FILE`.
func startProfiles(dir string, s *Setup, d time.Duration) *profiler {
	p := &profiler{}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		logf("profiles: %v", err)
		return p
	}
	secs := max(1, int((d-500*time.Millisecond)/time.Second))
	for who, addr := range s.Pprof {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			file := filepath.Join(dir, s.Name+"-"+who+".pprof")
			if err := fetchProfile(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs), file, d+30*time.Second); err != nil {
				logf("profile of %s/%s: %v", s.Name, who, err)
			}
		}()
	}
	return p
}

func (p *profiler) wait() { p.wg.Wait() }

func fetchProfile(url, file string, timeout time.Duration) error {
	c := &http.Client{Timeout: timeout}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
