package detect

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The compact model: logistic regression over hashed character n-grams (3 to
// 5 bytes) and word uni- and bigrams of the canonical text. Its weights are
// produced by cmd/train (make guard-train) and embedded at build time.

// HashBits is log2 of the number of feature buckets.
const HashBits = 18

// NumBuckets is the number of feature buckets.
const NumBuckets = 1 << HashBits

// MaxFeatureBytes caps how much of a prompt the model reads: the first part
// of a jailbreak sets its scene, and the cap bounds the cost of huge prompts.
const MaxFeatureBytes = 12000

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// AppendFeatures appends the bucket of every feature of canonical text s to
// dst. Training and scoring share it, so they see exactly the same features.
func AppendFeatures(dst []uint32, s string) []uint32 {
	if len(s) > MaxFeatureBytes {
		s = s[:MaxFeatureBytes]
	}
	const mask = NumBuckets - 1
	// Character n-grams over the text with runs of non-letters squeezed to one space.
	var win [5]byte
	n := 0
	prevSpace := true
	var prevWord, curWord uint32 = 0, fnvOffset
	inWord := false
	emitWord := func() {
		if !inWord {
			return
		}
		dst = append(dst, (curWord^0x9e3779b9)*fnvPrime&mask)
		if prevWord != 0 {
			dst = append(dst, ((prevWord*31)^curWord^0x7f4a7c15)*fnvPrime&mask)
		}
		prevWord = curWord
		curWord = fnvOffset
		inWord = false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c >= 0x80 || c == '\''
		if !letter {
			emitWord()
			if c == '.' || c == '!' || c == '?' || c == '\n' {
				prevWord = 0
			}
			if prevSpace {
				continue
			}
			c = ' '
			prevSpace = true
		} else {
			prevSpace = false
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
	emitWord()
	return dst
}

// Model is a trained logistic regression over hashed features.
type Model struct {
	Bias    float32
	Scale   float32
	Weights []int8 // NumBuckets quantised weights; weight = Scale * Weights[i]
}

// Score returns the probability that canonical text s is an injection.
// feats is scratch space, returned grown for reuse.
func (m *Model) Score(s string, feats []uint32) (float64, []uint32) {
	feats = AppendFeatures(feats[:0], s)
	if len(feats) == 0 {
		return sigmoid(float64(m.Bias)), feats
	}
	var sum int64
	w := m.Weights[:NumBuckets]
	for _, f := range feats {
		sum += int64(w[f&(NumBuckets-1)])
	}
	z := float64(m.Bias) + float64(m.Scale)*float64(sum)/math.Sqrt(float64(len(feats)))
	return sigmoid(z), feats
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

const modelMagic = "GIW1"

// MarshalBinary encodes the model: magic, hash bits, scale, bias, weights.
func (m *Model) MarshalBinary() ([]byte, error) {
	if len(m.Weights) != NumBuckets {
		return nil, fmt.Errorf("model has %d weights, want %d", len(m.Weights), NumBuckets)
	}
	b := make([]byte, 0, 16+NumBuckets)
	b = append(b, modelMagic...)
	b = binary.LittleEndian.AppendUint32(b, HashBits)
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Scale))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Bias))
	for _, w := range m.Weights {
		b = append(b, byte(w))
	}
	return b, nil
}

// UnmarshalBinary decodes a model written by MarshalBinary.
func (m *Model) UnmarshalBinary(b []byte) error {
	if len(b) < 16 || string(b[:4]) != modelMagic {
		return errors.New("not a guard-injection model")
	}
	if bits := binary.LittleEndian.Uint32(b[4:]); bits != HashBits {
		return fmt.Errorf("model has %d hash bits, want %d", bits, HashBits)
	}
	if len(b) != 16+NumBuckets {
		return fmt.Errorf("model is %d bytes, want %d", len(b), 16+NumBuckets)
	}
	m.Scale = math.Float32frombits(binary.LittleEndian.Uint32(b[8:]))
	m.Bias = math.Float32frombits(binary.LittleEndian.Uint32(b[12:]))
	m.Weights = make([]int8, NumBuckets)
	for i := range m.Weights {
		m.Weights[i] = int8(b[16+i])
	}
	return nil
}

// Quantize turns float weights into a Model.
func Quantize(bias float64, weights []float64) *Model {
	maxAbs := 0.0
	for _, w := range weights {
		maxAbs = math.Max(maxAbs, math.Abs(w))
	}
	m := &Model{Bias: float32(bias), Weights: make([]int8, len(weights))}
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
	if err := m.UnmarshalBinary(embeddedModel); err != nil {
		return nil, err
	}
	return &m, nil
}
