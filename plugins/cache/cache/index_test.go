package cache

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

func randomUnit(r *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return unit(v)
}

func TestIndexFindsTheNearestAboveTheThreshold(t *testing.T) {
	x := newIndex(3)
	far := time.Now().Add(time.Hour)
	x.add("g", "k-x", unit([]float32{1, 0, 0}), far)
	x.add("g", "k-y", unit([]float32{0, 1, 0}), far)
	x.add("other", "k-o", unit([]float32{1, 0.1, 0}), far)
	key, sim, ok := x.nearest("g", unit([]float32{1, 0.2, 0}), 0.9)
	if !ok || key != "k-x" || sim < 0.97 {
		t.Fatalf("nearest: %q %v %v", key, sim, ok)
	}
	if _, _, ok := x.nearest("g", unit([]float32{1, 1, 0}), 0.9); ok {
		t.Fatal("a vector at 45° (0.707) is below 0.9")
	}
	if _, _, ok := x.nearest("nobody", unit([]float32{1, 0, 0}), 0.5); ok {
		t.Fatal("another group's vectors answered")
	}
	// The bound: a fourth entry evicts the oldest (k-x).
	x.add("g", "k-z", unit([]float32{0, 0, 1}), far)
	if key, _, _ := x.nearest("g", unit([]float32{1, 0, 0}), 0.1); key == "k-x" {
		t.Fatal("the oldest entry was not evicted")
	}
	if key, _, ok := x.nearest("g", unit([]float32{0, 0, 1}), 0.9); !ok || key != "k-z" {
		t.Fatalf("after eviction: %q %v", key, ok)
	}
	// Expired vectors never answer.
	x.add("e", "k-e", unit([]float32{1, 0, 0}), time.Now().Add(-time.Second))
	if _, _, ok := x.nearest("e", unit([]float32{1, 0, 0}), 0.5); ok {
		t.Fatal("an expired vector answered")
	}
}

// BenchmarkNearest is a semantic lookup's scan in the worst case: 100 000
// cached questions in one group (one key, model and system prompt).
func BenchmarkNearest(b *testing.B) {
	for _, dim := range []int{256, 1536} {
		b.Run(fmt.Sprintf("entries=100000/dim=%d", dim), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			x := newIndex(100_000)
			far := time.Now().Add(time.Hour)
			for i := 0; i < 100_000; i++ {
				x.add("g", fmt.Sprint(i), randomUnit(r, dim), far)
			}
			q := randomUnit(r, dim)
			b.ResetTimer()
			for b.Loop() {
				x.nearest("g", q, 0.95)
			}
		})
	}
}

// A question close to one among 100 000 random ones is found: the sign-bit
// scan keeps it among the candidates.
func TestIndexFindsTheNeighbourAmongManyVectors(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const dim = 128
	x := newIndex(100_000)
	far := time.Now().Add(time.Hour)
	v := make([]float32, dim)
	for i := 0; i < 100_000; i++ {
		for d := range v { // uniform in the cube: cheap, and random enough as background
			v[d] = r.Float32()*2 - 1
		}
		x.add("g", strconv.Itoa(i), unit(v), far)
	}
	for trial := 0; trial < 5; trial++ {
		target := r.IntN(100_000)
		g := x.groups["g"]
		i := g.pos[uint64(target)]
		// The stored vector, bent by a random perturbation to a cosine of
		// about 0.92.
		noise := randomUnit(r, dim)
		q := make([]float32, dim)
		for d := range q {
			q[d] = g.vecs[i*dim+d] + 0.42*noise[d]
		}
		key, sim, ok := x.nearest("g", unit(q), 0.9)
		if !ok || key != strconv.Itoa(target) {
			t.Fatalf("trial %d: want %d, got %q (similarity %v, found %v)", trial, target, key, sim, ok)
		}
	}
}
