package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a process started by the benchmark; its output is kept (bounded)
// for failure messages.
type proc struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.out.Len() > 1<<20 {
		keep := p.out.Bytes()[p.out.Len()-(64<<10):]
		nb := append([]byte(nil), keep...)
		p.out.Reset()
		p.out.Write(nb)
	}
	return p.out.Write(b)
}

func (p *proc) tail(n int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.out.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// startProc starts name with args in dir, with env added to the benchmark's
// environment. The process leads its own process group so that stop reaches
// its children (npx, uvicorn workers) too.
func startProc(label, dir string, env []string, name string, args ...string) (*proc, error) {
	p := &proc{name: label, done: make(chan struct{})}
	p.cmd = exec.Command(name, args...)
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = p
	p.cmd.Stderr = p
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", label, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	return p, nil
}

// stop sends SIGTERM to the process (which stops its own children, as the
// gateway does with its plugins), waits up to grace, then SIGKILLs whatever is
// left of its process group.
func (p *proc) stop(grace time.Duration) {
	if p == nil || p.cmd.Process == nil {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.done
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitHTTP polls url until it answers below 500, the process exits or the
// timeout passes.
func waitHTTP(url string, p *proc, timeout time.Duration) error {
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if p != nil && p.exited() {
			return fmt.Errorf("%s exited before answering %s: %s", p.name, url, oneLine(p.tail(600)))
		}
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if p != nil {
		return fmt.Errorf("%s did not answer %s within %s: %s", p.name, url, timeout, oneLine(p.tail(600)))
	}
	return fmt.Errorf("%s did not answer within %s", url, timeout)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " | ")), " ")
}

// descendants returns pid and every process below it.
func descendants(pid int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp := ppid(c); pp > 0 {
			children[pp] = append(children[pp], c)
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// treeCPU is the CPU time (user + system) each process of pid's tree has
// used so far, keyed by command name.
func treeCPU(pid int) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, p := range descendants(pid) {
		out[comm(p)] += procCPU(p)
	}
	return out
}

// procCPU is a process's utime + stime from /proc/<pid>/stat (USER_HZ, 100
// a second on Linux); 0 when gone.
func procCPU(pid int) time.Duration {
	f := statFields(pid)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / 100)
}

// statFields are the fields of /proc/<pid>/stat after the command name
// (state, ppid, …), nil when the process is gone.
func statFields(pid int) []string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil
	}
	// comm may contain spaces and parentheses: fields start after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

func ppid(pid int) int {
	f := statFields(pid)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// vmRSSKB reads VmRSS (kB) from /proc/<pid>/status; 0 when gone.
func vmRSSKB(pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

// TreeRSS is the resident memory of a process and all its descendants.
type TreeRSS struct {
	TotalMB float64            `json:"total_mb"`
	Procs   int                `json:"processes"`
	ByName  map[string]float64 `json:"by_process_mb,omitempty"`
}

// treeRSS sums VmRSS over pid's process tree, keyed by command name.
func treeRSS(pid int) TreeRSS {
	t := TreeRSS{ByName: map[string]float64{}}
	for _, p := range descendants(pid) {
		kb := vmRSSKB(p)
		if kb == 0 {
			continue
		}
		t.Procs++
		mb := float64(kb) / 1024
		t.TotalMB += mb
		t.ByName[comm(p)] += mb
	}
	t.TotalMB = round3(t.TotalMB)
	for k, v := range t.ByName {
		t.ByName[k] = round3(v)
	}
	return t
}

func comm(pid int) string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// rssSampler samples a process tree's RSS while a load runs and keeps the peak.
type rssSampler struct {
	stop chan struct{}
	done chan struct{}
	peak TreeRSS
}

func sampleRSS(pid int, every time.Duration) *rssSampler {
	s := &rssSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				if r := treeRSS(pid); r.TotalMB > s.peak.TotalMB {
					s.peak = r
				}
			}
		}
	}()
	return s
}

func (s *rssSampler) finish() TreeRSS {
	close(s.stop)
	<-s.done
	return s.peak
}

// treeTotal is the CPU time (user + system) pid's whole process tree has
// used so far.
func treeTotal(pid int) time.Duration {
	var t time.Duration
	for _, v := range treeCPU(pid) {
		t += v
	}
	return t
}
