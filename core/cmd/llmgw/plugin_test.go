package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	kind := fs.String("kind", "", "")
	var cfgs multiFlag
	fs.Var(&cfgs, "config", "")
	pos, err := parseInterspersed(fs, []string{"NAME", "--kind", "stage", "--config", "a", "MORE", "--config=b", "--", "--not-a-flag"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pos, []string{"NAME", "MORE", "--not-a-flag"}) || *kind != "stage" || !reflect.DeepEqual([]string(cfgs), []string{"a", "b"}) {
		t.Fatalf("pos %q kind %q configs %q", pos, *kind, cfgs)
	}
}

func TestPluginNewRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"new", "Bad_Name", "--kind", "stage", "--dir", filepath.Join(dir, "a")},
		{"new", "ok-name", "--kind", "router", "--dir", filepath.Join(dir, "b")},
		{"new", "ok-name", "--dir", filepath.Join(dir, "c")},
	} {
		var out, errOut bytes.Buffer
		if code := runPlugin(args, &out, &errOut); code == 0 {
			t.Errorf("%q succeeded", args)
		}
		if _, err := os.Stat(args[len(args)-1]); err == nil {
			t.Errorf("%q left a directory behind", args)
		}
	}
	var out, errOut bytes.Buffer
	if code := runPlugin([]string{"frobnicate"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "unknown command") {
		t.Errorf("unknown subcommand: %d %s", code, errOut.String())
	}
}

// TestScaffoldBuildsOutsideTheWorkspace scaffolds each kind into a temporary
// directory outside the repository and runs its tests with GOWORK=off.
func TestScaffoldBuildsOutsideTheWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three modules")
	}
	sdkDir, err := filepath.Abs("../../../sdk/go")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"stage", "provider", "tracker"} {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "my-"+kind)
			var out bytes.Buffer
			if err := scaffoldPlugin(newOptions{Name: "my-" + kind, Kind: kind, Dir: dir, SDKDir: sdkDir, Tidy: true}, &out); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			for _, f := range []string{"go.mod", "go.sum", "main.go", "README.md", "pipeline.snippet.hcl", "my" + kind + "/my" + kind + ".go", "my" + kind + "/my" + kind + "_test.go"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("missing %s", f)
				}
			}
			// The commands printed and written are the ones that work: the
			// CLI is the checkout's bin/llmgw, not a bare `llmgw`.
			cli := filepath.Join(filepath.Dir(filepath.Dir(sdkDir)), "bin", "llmgw")
			if want := cli + " plugin check " + filepath.Join(dir, "my-"+kind); !strings.Contains(out.String(), want) {
				t.Errorf("next steps lack %q:\n%s", want, out.String())
			}
			readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
			if want := cli + " plugin check ./my-" + kind; !strings.Contains(string(readme), want) {
				t.Errorf("README lacks %q:\n%s", want, readme)
			}
			gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
			if !strings.Contains(string(gomod), "replace github.com/llmgw/llmgw/sdk/go => "+sdkDir) {
				t.Errorf("go.mod lacks the replace to %s:\n%s", sdkDir, gomod)
			}
			for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}, {"build", "-o", "plugin-bin", "."}} {
				cmd := exec.Command("go", args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
				if b, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
				}
			}
			if b, _ := exec.Command("gofmt", "-l", dir).Output(); len(bytes.TrimSpace(b)) > 0 {
				t.Errorf("gofmt would change: %s", b)
			}
		})
	}
}
