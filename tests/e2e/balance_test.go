package e2e

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// balancedHCL is two deployments of gpt-4o, "east" on one simulator and
// "west" on another (each its own provider instance, as with two keys or
// regions), and the model "pool" over them with the given settings.
func balancedHCL(east, west *sim, pool string) string {
	return fmt.Sprintf(`
plugin "provider-openai" {
  path = %q
}

provider "east" {
  plugin = "provider-openai"
  config = {
    api_key  = "sim-key-east"
    base_url = "%s/v1"
  }
}

provider "west" {
  plugin = "provider-openai"
  config = {
    api_key  = "sim-key-west"
    base_url = "%s/v1"
  }
}

model "east" {
  provider = "east"
  upstream = "gpt-4o"
}

model "west" {
  provider = "west"
  upstream = "gpt-4o"
}

model "pool" {
  targets = ["east", "west"]
%s
}
`, binPath("plugins/provider-openai"), east.url(), west.url(), pool)
}

// spread sends n requests for model, conc at a time, calling after(i) once the
// i-th has finished, and returns how many answered 200 and the bodies of the
// others. rescued counts the answers whose attempts show a failed target
// before the one that answered.
func spread(t *testing.T, g *gateway, model string, n, conc int, after func(i int)) (ok int, failures []string, rescued int) {
	t.Helper()
	var (
		next, done atomic.Int64
		mu         sync.Mutex
		wg         sync.WaitGroup
	)
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "hello", "model": model}, nil)
				mu.Lock()
				if r.status == 200 {
					ok++
					if at := attemptsOf(t, r.body); len(at) > 1 && at[0].Outcome == "error" {
						rescued++
					}
				} else {
					failures = append(failures, fmt.Sprintf("%d %s", r.status, r.body))
				}
				mu.Unlock()
				if after != nil {
					after(int(done.Add(1)))
				}
			}
		}()
	}
	wg.Wait()
	return ok, failures, rescued
}

// split is how many chat calls each of two simulators answered, and a's
// share of them in percent.
func split(t *testing.T, a, b *sim) (na, nb int, share float64) {
	t.Helper()
	na, _ = a.requests(t)
	nb, _ = b.requests(t)
	return na, nb, 100 * float64(na) / float64(max(na+nb, 1))
}

// TestBalancedWeightedSplit: a 3:1 weighted model splits 400 requests
// 75/25 between two simulators (within ±5 points).
func TestBalancedWeightedSplit(t *testing.T) {
	east, west := startSim(t), startSim(t)
	g := startGateway(t, writePipeline(t, balancedHCL(east, west, `  strategy = "weighted"
  weights  = [3, 1]`)))
	ok, failures, _ := spread(t, g, "pool", 400, 4, nil)
	if ok != 400 {
		t.Fatalf("%d of 400 answered; first failures: %v", ok, failures[:min(3, len(failures))])
	}
	e, w, share := split(t, east, west)
	t.Logf("weighted 3:1 over 400 requests: east %d (%.1f%%), west %d (%.1f%%)", e, share, w, 100-share)
	if e+w != 400 || share < 70 || share > 80 {
		t.Fatalf("east %d, west %d: want 75%% ± 5 on east", e, w)
	}
	models := get(t, g.url()+"/models").json(t)["models"].([]any)
	pool := models[len(models)-1].(map[string]any)
	if pool["strategy"] != "weighted" || fmt.Sprint(pool["targets"]) != "[east west]" {
		t.Fatalf("GET /models shows the balanced model: %v", pool)
	}
}

// TestBalancedLeastLatency: least_latency sends most requests to the faster
// simulator (50 ms to the first byte against 300 ms) and still sends the
// slower one a few, to keep measuring it.
func TestBalancedLeastLatency(t *testing.T) {
	fast, slow := startSim(t, "--latency", "50ms"), startSim(t, "--latency", "300ms")
	g := startGateway(t, writePipeline(t, balancedHCL(fast, slow, `  strategy = "least_latency"`)))
	// Warm up: both get measured.
	if ok, failures, _ := spread(t, g, "pool", 10, 2, nil); ok != 10 {
		t.Fatalf("warm-up: %v", failures)
	}
	fast.reset(t)
	slow.reset(t)
	ok, failures, _ := spread(t, g, "pool", 300, 4, nil)
	if ok != 300 {
		t.Fatalf("%d of 300 answered; first failures: %v", ok, failures[:min(3, len(failures))])
	}
	f, s, share := split(t, fast, slow)
	t.Logf("least_latency over 300 requests: fast (50ms) %d (%.1f%%), slow (300ms) %d (%.1f%%)", f, share, s, 100-share)
	if share < 85 {
		t.Fatalf("the faster simulator got %d of %d requests; want most", f, f+s)
	}
	if s == 0 {
		t.Fatal("the slower simulator was never probed after the warm-up")
	}
}

// TestBalancedTargetKilledMidRun: a simulator killed (SIGKILL, requests in
// flight) while a round-robin model is under load costs no failed request:
// each attempt that fails on it passes to the other target, and once its
// circuit opens it is skipped.
func TestBalancedTargetKilledMidRun(t *testing.T) {
	east, west := startSim(t, "--latency", "20ms"), startSim(t, "--latency", "20ms")
	g := startGateway(t, writePipeline(t, balancedHCL(east, west, `  strategy = "round_robin"`)))
	var once sync.Once
	ok, failures, rescued := spread(t, g, "pool", 300, 6, func(i int) {
		if i >= 100 {
			once.Do(func() { _ = west.cmd.Process.Kill() })
		}
	})
	if ok != 300 {
		t.Fatalf("%d of 300 answered after a target was killed; first failures: %v", ok, failures[:min(3, len(failures))])
	}
	if rescued == 0 {
		t.Fatal("no request saw the killed target fail: the kill was not exercised")
	}
	e, _ := east.requests(t)
	if e < 200 {
		t.Fatalf("east answered %d requests: the survivor must take over", e)
	}
	// The dead target's circuit is open: it is skipped, the survivor answers.
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x", "model": "pool"}, nil)
	at := attemptsOf(t, r.body)
	last := at[len(at)-1]
	if r.status != 200 || last.Model != "east" || last.Outcome != "ok" {
		t.Fatalf("after the kill: %d %s", r.status, r.body)
	}
	if len(at) == 2 && (at[0].Model != "west" || at[0].ErrorCode == nil || *at[0].ErrorCode != "circuit_open") {
		t.Fatalf("the dead target is skipped, not called: %s", r.body)
	}
	t.Logf("killed after 100 of 300 requests: 300 answered, east served %d, %d answered after a failed attempt on west", e, rescued)
}
