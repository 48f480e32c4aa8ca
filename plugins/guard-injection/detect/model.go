package detect

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// The compact model: logistic regression over hashed character n-grams (3 to
// 5 bytes) and word uni- and bigrams of the canonical text. Its weights are
// produced by cmd/train (make guard-train) and embedded at build time.

// HashBits is log2 of the number of feature buckets.
const HashBits = 21

// NumBuckets is the number of feature buckets.
const NumBuckets = 1 << HashBits

// MaxFeatureBytes caps how much of a prompt the model reads: the first part
// of a jailbreak sets its scene, and the cap bounds the cost of huge prompts.
const MaxFeatureBytes = 12000

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// sharedLexicon is the rule lexicon, built once: the model's class features
// and every Detector use it.
var sharedLexicon = sync.OnceValue(buildLexicon)

// lateOverride is the byte offset from which an override verb counts as
// coming after other text (an instruction slipped in after a benign start).
const lateOverride = 200

// AppendFeatures appends the bucket of every feature of canonical text s to
// dst. Training and scoring share it, so they see exactly the same features.
//
// Besides character 3–5-grams and word 1–3-grams it emits lexicon-class
// features: each word's rule-lexicon classes (override verb, object,
// qualifier, no-limits word, persona cue, … in every language the lexicon
// has), pairs of classes of nearby words in a sentence ("ignore" … "rules"
// is one feature whatever the language or wording), and an override verb
// far into the text. They let the model learn what the rules look for from
// words it has not seen together.
func AppendFeatures(dst []uint32, s string) []uint32 {
	if len(s) > MaxFeatureBytes {
		s = s[:MaxFeatureBytes]
	}
	const mask = NumBuckets - 1
	lex := sharedLexicon()
	// Character n-grams over the text with runs of non-letters squeezed to one space.
	var win [5]byte
	n := 0
	prevSpace := true
	var prev2, prevWord, curWord uint32 = 0, 0, fnvOffset
	inWord := false
	wordStart, sinceCls := 0, 0
	var lastCls uint32
	emitClass := func(at int, cls uint32) {
		dst = append(dst, ((cls^0x51ed27a3)*fnvPrime)&mask)
		if lastCls != 0 && sinceCls <= 4 {
			dst = append(dst, (((lastCls*31)^cls^0x1b873593)*fnvPrime)&mask)
		}
		if cls&cVerb != 0 && at >= lateOverride {
			dst = append(dst, (0x68e31da4*fnvPrime)&mask)
		}
		lastCls, sinceCls = cls, 0
	}
	// classifyWord emits the lexicon classes of the word ending at end: its
	// own, or those of the stems in it (lexicon_stems.go).
	classifyWord := func(end int) {
		sinceCls++
		if pathPart(s, wordStart, end) {
			return
		}
		w := s[wordStart:end]
		if len(w) <= 24 {
			if cls := lex.classify(w); cls != 0 {
				emitClass(wordStart, cls)
				return
			}
		}
		for from := 0; ; {
			off, n, cls := lex.nextStem(w, from)
			if cls == 0 {
				return
			}
			emitClass(wordStart+off, cls)
			from = off + n
		}
	}
	emitWord := func(end int) {
		if !inWord {
			return
		}
		classifyWord(end)
		uni := (curWord ^ 0x9e3779b9) * fnvPrime & mask
		dst = append(dst, uni)
		if prevWord != 0 {
			bi := ((prevWord * 31) ^ curWord ^ 0x7f4a7c15) * fnvPrime & mask
			dst = append(dst, bi)
			if prev2 != 0 {
				tri := ((prev2 * 961) ^ (prevWord * 31) ^ curWord ^ 0x2545f491) * fnvPrime & mask
				dst = append(dst, tri)
			}
		}
		prev2 = prevWord
		prevWord = curWord
		curWord = fnvOffset
		inWord = false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c >= 0x80 || c == '\''
		if !letter {
			emitWord(i)
			if c == '.' || c == '!' || c == '?' || c == '\n' {
				prevWord, prev2 = 0, 0
				lastCls = 0
			}
			if prevSpace {
				continue
			}
			c = ' '
			prevSpace = true
		} else {
			prevSpace = false
			if !inWord {
				wordStart = i
			}
			inWord = true
			curWord = (curWord ^ uint32(c)) * fnvPrime
		}
		copy(win[:], win[1:])
		win[4] = c
		if n < 5 {
			n++
		}
		// n-grams ending here, of lengths 3..5.
		h := uint32(fnvOffset)
		for k := 1; k <= n; k++ {
			h = (h ^ uint32(win[5-k])) * fnvPrime
			if k >= 3 {
				dst = append(dst, (h^uint32(k))*fnvPrime&mask)
			}
		}
	}
	emitWord(len(s))
	return appendAsideFeatures(dst, s)
}

// NumLenBins is the number of prompt-length bins; each has its own learned
// offset, so the model knows how rare attacks are among prompts of that
// length instead of reading a handful of n-grams of a short question as
// evidence.
const NumLenBins = 8

// LenBin returns the length bin of canonical text of n bytes: under 32, 64,
// 128, 256, 512, 1024, 2048 bytes, or longer.
func LenBin(n int) int {
	b := 0
	for lim := 32; b < NumLenBins-1 && n >= lim; lim *= 2 {
		b++
	}
	return b
}

// Model is a trained logistic regression over hashed features.
type Model struct {
	Bias       float32
	Scale      float32
	LenWeights [NumLenBins]float32 // offset per length bin (LenBin)
	Weights    []int8              // NumBuckets quantised weights; weight = Scale * Weights[i]
}

// Score returns the probability that canonical text s is an injection.
// feats is scratch space, returned grown for reuse.
func (m *Model) Score(s string, feats []uint32) (float64, []uint32) {
	p, _, feats := m.ScoreWith(s, feats, make([]uint64, NumBuckets/64))
	return p, feats
}

// ScoreWith is Score with caller-owned scratch: seen must hold NumBuckets/64
// zero words and is left zeroed. It also returns the number of distinct
// features the text has.
//
// A feature counts once however often it occurs (presence, not counts): the
// feature vector is binary, divided by the square root of the number of
// distinct features, so a long prompt repeating a phrase does not outweigh
// everything else. Training (cmd/train) uses the same values.
func (m *Model) ScoreWith(s string, feats []uint32, seen []uint64) (p float64, distinct int, _ []uint32) {
	bias := float64(m.Bias) + float64(m.LenWeights[LenBin(len(s))])
	feats = AppendFeatures(feats[:0], s)
	if len(feats) == 0 {
		return sigmoid(bias), 0, feats
	}
	var sum int64
	w := m.Weights[:NumBuckets]
	seen = seen[:NumBuckets/64]
	uniq := 0
	for _, f := range feats {
		f &= NumBuckets - 1
		bit := uint64(1) << (f & 63)
		if seen[f>>6]&bit != 0 {
			continue
		}
		seen[f>>6] |= bit
		uniq++
		sum += int64(w[f])
	}
	for _, f := range feats {
		seen[(f&(NumBuckets-1))>>6] = 0
	}
	z := bias + float64(m.Scale)*float64(sum)/math.Sqrt(float64(uniq))
	return sigmoid(z), uniq, feats
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

const modelMagic = "GIW2"

// headerSize is the encoded size before the bucket weights: magic, hash
// bits, scale, bias, and the length-bin offsets.
const headerSize = 16 + 4*NumLenBins

// MarshalBinary encodes the model: magic, hash bits, scale, bias, length-bin
// offsets (float32, little-endian), bucket weights.
func (m *Model) MarshalBinary() ([]byte, error) {
	if len(m.Weights) != NumBuckets {
		return nil, fmt.Errorf("model has %d weights, want %d", len(m.Weights), NumBuckets)
	}
	b := make([]byte, 0, headerSize+NumBuckets)
	b = append(b, modelMagic...)
	b = binary.LittleEndian.AppendUint32(b, HashBits)
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Scale))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Bias))
	for _, lw := range m.LenWeights {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(lw))
	}
	for _, w := range m.Weights {
		b = append(b, byte(w))
	}
	return b, nil
}

// UnmarshalBinary decodes a model written by MarshalBinary.
func (m *Model) UnmarshalBinary(b []byte) error { return m.decode(b, false) }

// decode is UnmarshalBinary; with share, the weights are b's own bytes, not
// a copy (b must then never change: the binary's embedded model).
func (m *Model) decode(b []byte, share bool) error {
	if len(b) < headerSize || string(b[:4]) != modelMagic {
		return errors.New("not a guard-injection model")
	}
	if bits := binary.LittleEndian.Uint32(b[4:]); bits != HashBits {
		return fmt.Errorf("model has %d hash bits, want %d", bits, HashBits)
	}
	if len(b) != headerSize+NumBuckets {
		return fmt.Errorf("model is %d bytes, want %d", len(b), headerSize+NumBuckets)
	}
	m.Scale = math.Float32frombits(binary.LittleEndian.Uint32(b[8:]))
	m.Bias = math.Float32frombits(binary.LittleEndian.Uint32(b[12:]))
	for i := range m.LenWeights {
		m.LenWeights[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[16+4*i:]))
	}
	if share {
		// An int8 has a byte's size and layout: 2 MiB the process need
		// not copy onto its heap (where the collector's headroom would
		// grow it by half again).
		m.Weights = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b[headerSize:]))), NumBuckets)
		return nil
	}
	m.Weights = make([]int8, NumBuckets)
	for i := range m.Weights {
		m.Weights[i] = int8(b[headerSize+i])
	}
	return nil
}

// Quantize turns float weights into a Model: weights holds NumBuckets
// bucket weights, optionally followed by NumLenBins length-bin offsets
// (kept as float32).
func Quantize(bias float64, weights []float64) *Model {
	var lenW [NumLenBins]float32
	if len(weights) == NumBuckets+NumLenBins {
		for i := range lenW {
			lenW[i] = float32(weights[NumBuckets+i])
		}
		weights = weights[:NumBuckets]
	}
	maxAbs := 0.0
	for _, w := range weights {
		maxAbs = math.Max(maxAbs, math.Abs(w))
	}
	m := &Model{Bias: float32(bias), LenWeights: lenW, Weights: make([]int8, len(weights))}
	if maxAbs == 0 {
		m.Scale = 1
		return m
	}
	m.Scale = float32(maxAbs / 127)
	for i, w := range weights {
		m.Weights[i] = int8(math.Round(w / float64(m.Scale)))
	}
	return m
}

//go:embed model.bin
var embeddedModel []byte

// EmbeddedModel returns the model built into the binary, or nil when the
// build carries none (the detector then runs on rules alone).
func EmbeddedModel() (*Model, error) {
	if len(embeddedModel) == 0 {
		return nil, nil
	}
	var m Model
	if err := m.decode(embeddedModel, true); err != nil {
		return nil, err
	}
	return &m, nil
}
