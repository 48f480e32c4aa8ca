package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// modelKind reads a model block's kind and dimensions.
func (p *parser) modelKind(b *hcl.Block, m *ModelSpec, body modelBody) {
	switch body.Kind {
	case "":
		if m.IsDirect() {
			m.Kind = KindChat
		} // a chain or balanced model without kind takes its members' (checkGroupKind)
	case KindChat:
		m.Kind = KindChat
	case KindEmbeddings:
		m.Kind = KindEmbeddings
	default:
		p.errf(attrRange(b, "kind"), "Invalid kind", "model %q: kind must be %q (default) or %q, not %q", m.Name, KindChat, KindEmbeddings, body.Kind)
	}
	if body.Dimensions == nil {
		return
	}
	m.Dimensions = *body.Dimensions
	switch {
	case m.Kind == KindChat:
		p.errf(attrRange(b, "dimensions"), "Invalid dimensions", "model %q: dimensions applies to embeddings models only (kind = %q)", m.Name, KindEmbeddings)
	case m.Dimensions < 1 || m.Dimensions > 65536:
		p.errf(attrRange(b, "dimensions"), "Invalid dimensions", "model %q: dimensions must be between 1 and 65536", m.Name)
	}
}

// checkKinds resolves the kind of every fallback chain and balanced model
// from its members and checks them; balanced models first, since a chain may
// name one.
func (p *parser) checkKinds() {
	for _, m := range p.spec.Models {
		if m.IsBalanced() {
			p.checkGroupKind(m, m.Targets)
		}
	}
	for _, m := range p.spec.Models {
		if m.IsChain() {
			p.checkGroupKind(m, m.Fallback)
		}
	}
}

// checkGroupKind checks a chain or balanced model against its members: they
// serve its kind, and an embeddings group returns one vector size whichever
// member answers, so that a fallback or a balancing choice never changes the
// size of the vectors a client stores. That size is the group's dimensions
// (sent to every member), else its members' equal dimensions.
func (p *parser) checkGroupKind(m *ModelSpec, members []string) {
	dims := map[int][]string{}
	for _, name := range members {
		t := p.spec.Model(name)
		if m.Kind == "" {
			m.Kind = t.Kind
		}
		if t.Kind != m.Kind {
			p.errf(m.Range, "Mixed model kinds", "model %q (kind %q) reaches %q, which is a %s model; a chain's or balanced model's members serve its kind", m.Name, m.Kind, name, t.Kind)
			return
		}
		dims[t.Dimensions] = append(dims[t.Dimensions], name)
	}
	if m.Kind == "" {
		m.Kind = KindChat
	}
	if m.Kind != KindEmbeddings && m.Dimensions > 0 {
		p.errf(m.Range, "Invalid dimensions", "model %q: dimensions applies to embeddings models only (kind = %q)", m.Name, KindEmbeddings)
		return
	}
	if m.Kind != KindEmbeddings || m.Dimensions > 0 || len(dims) == 0 {
		return
	}
	if _, unset := dims[0]; len(dims) == 1 && !unset {
		return // every member sets the same size
	}
	p.errf(m.Range, "Vector size may change on fallback",
		"embeddings model %q: its members do not all set the same dimensions (%s); set dimensions on it (e.g. dimensions = 1536) so that every member returns vectors of one size", m.Name, describeDims(dims))
}

// describeDims lists which members set which dimensions, smallest first.
func describeDims(dims map[int][]string) string {
	var parts []string
	for _, d := range slices.Sorted(maps.Keys(dims)) {
		what := fmt.Sprintf("dimensions = %d", d)
		if d == 0 {
			what = "no dimensions"
		}
		parts = append(parts, fmt.Sprintf("%s: %s", what, strings.Join(dims[d], ", ")))
	}
	return strings.Join(parts, "; ")
}
