package config

import (
	"strings"
	"testing"
)

const embedBase = `
plugin "p" {
  path = "bin/p"
}

provider "prov" {
  plugin = "p"
}

model "chat" {
  provider = "prov"
  upstream = "c"
}

model "e1" {
  kind     = "embeddings"
  provider = "prov"
  upstream = "u1"
}

model "e2" {
  kind       = "embeddings"
  provider   = "prov"
  upstream   = "u2"
  dimensions = 768
}
`

func TestModelKinds(t *testing.T) {
	spec, err := Parse("p.hcl", []byte(embedBase+`
model "chain" {
  fallback   = ["e1", "e2"]
  dimensions = 768
}

model "talk" {
  fallback = ["chat"]
}
`), lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"chat": KindChat, "e1": KindEmbeddings, "chain": KindEmbeddings, "talk": KindChat} {
		if got := spec.Model(name).Kind; got != want {
			t.Errorf("%s: kind %q, want %q (a chain without kind takes its members')", name, got, want)
		}
	}
	if spec.Model("e2").Dimensions != 768 || spec.Model("chain").Dimensions != 768 {
		t.Errorf("dimensions %d %d", spec.Model("e2").Dimensions, spec.Model("chain").Dimensions)
	}
	// Members that set one size need none on the chain.
	if _, err := Parse("p.hcl", []byte(embedBase+`
model "e3" {
  kind       = "embeddings"
  provider   = "prov"
  upstream   = "u3"
  dimensions = 768
}

model "chain" {
  fallback = ["e2", "e3"]
}
`), lookup(nil)); err != nil {
		t.Errorf("members of one size: %v", err)
	}
	// A balanced model takes its targets' kind; a chain may name it.
	spec, err = Parse("p.hcl", []byte(embedBase+`
model "e3" {
  kind       = "embeddings"
  provider   = "prov"
  upstream   = "u3"
  dimensions = 768
}

model "spread" {
  targets  = ["e2", "e3"]
  strategy = "round_robin"
}

model "chain" {
  fallback = ["spread", "e1"]
  dimensions = 256
}
`), lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if spec.Model("spread").Kind != KindEmbeddings || spec.Model("chain").Kind != KindEmbeddings {
		t.Errorf("kinds %q %q", spec.Model("spread").Kind, spec.Model("chain").Kind)
	}
	if _, err := Parse("p.hcl", []byte(embedBase+`
model "spread" {
  targets  = ["e1", "e2"]
  strategy = "round_robin"
}
`), lookup(nil)); err == nil || !strings.Contains(err.Error(), `Vector size may change on fallback: embeddings model "spread"`) {
		t.Errorf("balanced targets of two sizes: %v", err)
	}
}

func TestModelKindErrors(t *testing.T) {
	for _, c := range []struct{ name, hcl, want string }{
		{"unknown kind", `
model "x" {
  kind     = "images"
  provider = "prov"
  upstream = "u"
}
`, `p.hcl:29:14: Invalid kind`},
		{"dimensions on a chat model", `
model "x" {
  provider   = "prov"
  upstream   = "u"
  dimensions = 10
}
`, `p.hcl:31:16: Invalid dimensions`},
		{"mixed kinds", `
model "x" {
  fallback = ["e1", "chat"]
}
`, `p.hcl:28:1: Mixed model kinds: model "x" (kind "embeddings") reaches "chat"`},
		{"sizes that differ", `
model "x" {
  fallback = ["e1", "e2"]
}
`, `p.hcl:28:1: Vector size may change on fallback: embeddings model "x": its members do not all set the same dimensions (no dimensions: e1; dimensions = 768: e2)`},
		{"bad size", `
model "x" {
  kind       = "embeddings"
  fallback   = ["e1", "e2"]
  dimensions = 0
}
`, `p.hcl:31:16: Invalid dimensions`},
	} {
		_, err := Parse("p.hcl", []byte(embedBase+c.hcl), lookup(nil))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
