package cache

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"net/http"
	"sync"
	"time"
)

// semantic is the semantic mode: an embeddings client and the index of the
// questions whose answers are cached.
type semantic struct {
	cfg    *semanticSettings
	client *http.Client
	index  *index
}

func newSemantic(cfg *semanticSettings) *semantic {
	return &semantic{cfg: cfg, client: &http.Client{Timeout: cfg.timeout}, index: newIndex(cfg.maxEntries)}
}

// embed asks the OpenAI-compatible embeddings endpoint for the vector of
// one text, normalised to unit length (a dot product is then the cosine).
func (s *semantic) embed(ctx context.Context, text string) ([]float32, error) {
	body, _ := json.Marshal(map[string]any{"model": s.cfg.model, "input": []string{text}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.cfg.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.apiKey)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("embeddings request: %w", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("embeddings endpoint answered %d", resp.StatusCode)
	}
	var out struct {
		Data []struct {
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Data) != 1 || len(out.Data[0].Embedding) == 0 {
		return nil, errors.New("embeddings endpoint answered without one float embedding")
	}
	return unit(out.Data[0].Embedding), nil
}

// unit scales v to length 1 (a zero vector stays zero and matches nothing).
func unit(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

// index holds unit vectors by group, at most max in all (the oldest go
// first), and finds a group's nearest vector in two steps: a scan of every
// vector's sign bits (one bit per dimension; the fraction of differing bits
// estimates the angle), then the exact cosine of the closest candidates.
// BenchmarkNearest measures it at 100 000 entries in one group.
type index struct {
	mu     sync.RWMutex
	max    int
	groups map[string]*vgroup
	// fifo is the insertion order of every entry, for eviction.
	fifo []ref
	now  func() time.Time
}

// ref names one entry: its group and id.
type ref struct {
	group string
	id    uint64
}

// vgroup is one group's vectors, stored flat (dim floats per entry).
type vgroup struct {
	dim     int
	words   int // uint64 words of sign bits per entry
	vecs    []float32
	bits    []uint64
	keys    []string
	ids     []uint64
	expires []int64
	pos     map[uint64]int
	nextID  uint64
}

func newIndex(max int) *index {
	return &index{max: max, groups: map[string]*vgroup{}, now: time.Now}
}

// add indexes vec (unit length) of a question whose answer is under key.
func (x *index) add(group, key string, vec []float32, expires time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	g := x.groups[group]
	if g == nil || g.dim != len(vec) {
		// A new group, or the embeddings model changed its dimension.
		if g != nil {
			x.dropGroupLocked(group)
		}
		g = &vgroup{dim: len(vec), words: (len(vec) + 63) / 64, pos: map[uint64]int{}}
		x.groups[group] = g
	}
	id := g.nextID
	g.nextID++
	g.pos[id] = len(g.keys)
	g.vecs = append(g.vecs, vec...)
	g.bits = append(g.bits, signBits(vec)...)
	g.keys = append(g.keys, key)
	g.ids = append(g.ids, id)
	g.expires = append(g.expires, expires.UnixNano())
	x.fifo = append(x.fifo, ref{group, id})
	for len(x.fifo) > x.max {
		old := x.fifo[0]
		x.fifo = x.fifo[1:]
		x.removeLocked(old)
	}
}

// removeLocked deletes one entry (a no-op when it is gone already).
func (x *index) removeLocked(r ref) {
	g := x.groups[r.group]
	if g == nil {
		return
	}
	i, ok := g.pos[r.id]
	if !ok {
		return
	}
	last := len(g.keys) - 1
	if i != last { // move the last entry into the hole
		copy(g.vecs[i*g.dim:(i+1)*g.dim], g.vecs[last*g.dim:])
		copy(g.bits[i*g.words:(i+1)*g.words], g.bits[last*g.words:])
		g.keys[i], g.ids[i], g.expires[i] = g.keys[last], g.ids[last], g.expires[last]
		g.pos[g.ids[i]] = i
	}
	g.vecs, g.bits, g.keys, g.ids, g.expires = g.vecs[:last*g.dim], g.bits[:last*g.words], g.keys[:last], g.ids[:last], g.expires[:last]
	delete(g.pos, r.id)
	if len(g.keys) == 0 {
		delete(x.groups, r.group)
	}
}

func (x *index) dropGroupLocked(group string) {
	delete(x.groups, group)
	kept := x.fifo[:0]
	for _, r := range x.fifo {
		if r.group != group {
			kept = append(kept, r)
		}
	}
	x.fifo = kept
}

// nearest is the key of the group's most similar live vector, when its
// similarity reaches threshold.
func (x *index) nearest(group string, vec []float32, threshold float64) (string, float32, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	g := x.groups[group]
	if g == nil || g.dim != len(vec) {
		return "", 0, false
	}
	best, bestSim := -1, float32(-2)
	for _, i := range g.candidates(signBits(vec), x.now().UnixNano()) {
		if s := dot(vec, g.vecs[i*g.dim:(i+1)*g.dim]); s > bestSim {
			best, bestSim = i, s
		}
	}
	if best < 0 || float64(bestSim) < threshold {
		return "", bestSim, false
	}
	return g.keys[best], bestSim, true
}

// dot is the dot product of two vectors of one length, four lanes at a
// time (what keeps the exact scan fast).
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// rerank is how many candidates of the sign-bit scan get their exact
// cosine. A question at the thresholds in use (cosine 0.9 and more, an
// angle under 26°) differs from the query in under 15% of the bits, a
// random one in half, so it ranks far inside the first 64.
const rerank = 64

// signBits packs the signs of v, one bit per dimension.
func signBits(v []float32) []uint64 {
	out := make([]uint64, (len(v)+63)/64)
	for i, x := range v {
		if x > 0 {
			out[i/64] |= 1 << (i % 64)
		}
	}
	return out
}

// candidates are the live entries whose sign bits differ least from q's.
func (g *vgroup) candidates(q []uint64, now int64) []int {
	// A max-heap on distance of the best rerank entries so far.
	type cand struct{ dist, i int }
	heap := make([]cand, 0, rerank)
	down := func(j int) {
		for {
			l, big := 2*j+1, j
			if l < len(heap) && heap[l].dist > heap[big].dist {
				big = l
			}
			if r := l + 1; r < len(heap) && heap[r].dist > heap[big].dist {
				big = r
			}
			if big == j {
				return
			}
			heap[j], heap[big] = heap[big], heap[j]
			j = big
		}
	}
	for i := range g.keys {
		if g.expires[i] <= now {
			continue
		}
		d := 0
		for w, x := range g.bits[i*g.words : (i+1)*g.words] {
			d += bits.OnesCount64(x ^ q[w])
		}
		switch {
		case len(heap) < rerank:
			heap = append(heap, cand{d, i})
			for j := len(heap) - 1; j > 0 && heap[(j-1)/2].dist < heap[j].dist; j = (j - 1) / 2 {
				heap[j], heap[(j-1)/2] = heap[(j-1)/2], heap[j]
			}
		case d < heap[0].dist:
			heap[0] = cand{d, i}
			down(0)
		}
	}
	out := make([]int, len(heap))
	for k, c := range heap {
		out[k] = c.i
	}
	return out
}
