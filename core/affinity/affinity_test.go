package affinity

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseAndFormat(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
		out  string
	}{
		{"0", []int{0}, "0"},
		{" 3 ", []int{3}, "3"},
		{"0-3", []int{0, 1, 2, 3}, "0-3"},
		{"0,2,4-5", []int{0, 2, 4, 5}, "0,2,4-5"},
		{"5,1-2,2,1", []int{1, 2, 5}, "1-2,5"},
		{"1023", []int{1023}, "1023"},
	} {
		got, err := Parse(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", c.in, got, err, c.want)
			continue
		}
		if f := Format(got); f != c.out {
			t.Errorf("Format(%v) = %q, want %q", got, f, c.out)
		}
	}
	for _, bad := range []string{"", " ", "a", "-1", "1-", "3-1", "0,,1", "1024", "0-1024", "1.5", "0x1"} {
		if got, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", bad, got)
		} else if !strings.Contains(err.Error(), "such as 0, 0-3") {
			t.Errorf("Parse(%q): %v does not say what is wanted", bad, err)
		}
	}
}

// childEnv makes the test binary, started by TestPinMovesEveryThread, pin
// itself and report instead of running the tests.
const childEnv = "LLMGW_AFFINITY_TEST_CPU"

func TestMain(m *testing.M) {
	if cpu := os.Getenv(childEnv); cpu != "" {
		os.Exit(pinChild(cpu))
	}
	os.Exit(m.Run())
}

// pinChild pins this process to cpu with threads already running (some
// locked to goroutines that stay blocked), then checks every thread, a
// thread started afterwards, a child process and GOMAXPROCS.
func pinChild(cpu string) int {
	block := make(chan struct{})
	for range 4 {
		go func() { runtime.LockOSThread(); <-block }()
	}
	n, _ := strconv.Atoi(cpu)
	if err := Pin([]int{n}); err != nil {
		fmt.Println("Pin:", err)
		return 1
	}
	started := make(chan struct{})
	go func() { runtime.LockOSThread(); close(started); <-block }()
	<-started
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		if got := allowedList("/proc/self/task/" + task.Name() + "/status"); got != cpu {
			fmt.Printf("thread %s may run on %q, want %q\n", task.Name(), got, cpu)
			return 1
		}
	}
	out, err := exec.Command("cat", "/proc/self/status").Output()
	if err != nil {
		fmt.Println("child:", err)
		return 1
	}
	if got := field(string(out), "Cpus_allowed_list"); got != cpu {
		fmt.Printf("a child process may run on %q, want %q\n", got, cpu)
		return 1
	}
	if _, set := os.LookupEnv("GOMAXPROCS"); !set && runtime.GOMAXPROCS(0) != 1 {
		fmt.Println("GOMAXPROCS", runtime.GOMAXPROCS(0), "want 1")
		return 1
	}
	fmt.Printf("pinned %d threads\n", len(tasks))
	return 0
}

func allowedList(statusFile string) string {
	b, _ := os.ReadFile(statusFile)
	return field(string(b), "Cpus_allowed_list")
}

func field(status, name string) string {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func TestPinMovesEveryThread(t *testing.T) {
	if runtime.GOOS != "linux" {
		if err := Pin([]int{0}); err == nil || !strings.Contains(err.Error(), "Linux only") {
			t.Fatalf("Pin on %s: %v, want a Linux-only error", runtime.GOOS, err)
		}
		return
	}
	cpus, err := Allowed()
	if err != nil || len(cpus) == 0 {
		t.Fatalf("Allowed: %v %v", cpus, err)
	}
	// The last CPU: with more than one, the child's mask differs from the
	// one it inherited, so an unmoved thread shows.
	cpu := strconv.Itoa(cpus[len(cpus)-1])
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), childEnv+"="+cpu)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "pinned ") {
		t.Fatalf("child pinned to CPU %s: %v\n%s", cpu, err, out)
	}
	t.Logf("CPU %s of %s: %s", cpu, Format(cpus), strings.TrimSpace(string(out)))
}

func TestPinRefusesCPUsNotAllowed(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Pin is Linux-only; TestPinMovesEveryThread checks the error elsewhere")
	}
	cpus, err := Allowed()
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(cpus, MaxCPU) {
		t.Fatalf("this process may use CPU %d; the test needs one it may not", MaxCPU)
	}
	before := allowedList("/proc/self/status")
	err = Pin([]int{cpus[0], MaxCPU})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("CPU %d: not among the CPUs this process may use (%s)", MaxCPU, Format(cpus))) {
		t.Fatalf("Pin to CPU %d: %v", MaxCPU, err)
	}
	if after := allowedList("/proc/self/status"); after != before {
		t.Fatalf("a refused Pin changed the mask: %q → %q", before, after)
	}
}
