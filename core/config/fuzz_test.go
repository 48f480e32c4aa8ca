package config

import "testing"

// FuzzParse: any file parses into a spec or into positioned diagnostics,
// never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte("server {\n  listen = \"x\"\n}\n" + base))
	f.Add([]byte(base + "pipeline \"p\" {\n  stage \"s\" {\n    plugin = \"p\"\n    config = { a = env(\"X\") }\n  }\n}\n"))
	f.Add([]byte("model \"m\" {\n  fallback = [\"m\"]\n}\n"))
	f.Add([]byte(base + "model \"b\" {\n  targets = [\"m1\", \"m2\"]\n  strategy = \"weighted\"\n  weights = [3, 1]\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		spec, err := Parse("fuzz.hcl", src, func(string) (string, bool) { return "", false })
		if err != nil {
			if _, ok := err.(Diagnostics); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			_ = err.Error()
			return
		}
		for _, m := range spec.Models {
			if m.IsDirect() && spec.Providers[m.Provider] == nil {
				t.Fatalf("model %q refers to a missing provider", m.Name)
			}
		}
	})
}
