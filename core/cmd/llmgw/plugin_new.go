package main

import (
	"bytes"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/llmgw/llmgw/core/pipeline"
)

//go:embed scaffold
var scaffoldFS embed.FS

const sdkModule = "github.com/llmgw/llmgw/sdk/go"

var pluginNameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// scaffoldData fills the templates under scaffold/.
type scaffoldData struct {
	Name, Kind, Module, Package, SDKPath, SDKVersion, GoVersion, BinPath string
}

func pluginNew(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plugin new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "", "stage, provider or tracker (required)")
	dir := fs.String("dir", "", "where to create the module (default plugins/NAME)")
	module := fs.String("module", "", "Go module path (default github.com/llmgw/llmgw/plugins/NAME inside this repository, example.com/llmgw-plugins/NAME outside)")
	sdkDir := fs.String("sdk", "", "the llmgw SDK's directory (sdk/go of a checkout; default: found from the current directory or from this executable)")
	noTidy := fs.Bool("no-tidy", false, "do not run go mod tidy")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: llmgw plugin new NAME --kind stage|provider|tracker [--dir DIR]")
		return 2
	}
	opts := newOptions{Name: pos[0], Kind: *kind, Dir: *dir, Module: *module, SDKDir: *sdkDir, Tidy: !*noTidy}
	if err := scaffoldPlugin(opts, stdout); err != nil {
		fmt.Fprintln(stderr, "llmgw plugin new:", err)
		return 1
	}
	return 0
}

// newOptions are the inputs of scaffoldPlugin.
type newOptions struct {
	Name, Kind, Dir, Module, SDKDir string
	// Tidy runs `go mod tidy` (offline first) in the new module.
	Tidy bool
}

// scaffoldPlugin writes a plugin module and makes it build.
func scaffoldPlugin(o newOptions, out io.Writer) error {
	if !pluginNameRE.MatchString(o.Name) {
		return fmt.Errorf("invalid name %q: use lower-case letters, digits and dashes (e.g. keyword-block)", o.Name)
	}
	switch o.Kind {
	case "stage", "provider", "tracker":
	case "":
		return errors.New("--kind is required: stage, provider or tracker")
	default:
		return fmt.Errorf("invalid --kind %q: stage, provider or tracker", o.Kind)
	}
	sdkDir, err := findSDK(o.SDKDir)
	if err != nil {
		return err
	}
	repoRoot := filepath.Dir(filepath.Dir(sdkDir)) // …/sdk/go → …
	if o.Dir == "" {
		o.Dir = filepath.Join("plugins", o.Name)
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s already exists and is not empty", o.Dir)
	}
	inRepo := within(repoRoot, dir)
	if o.Module == "" {
		if inRepo {
			rel, _ := filepath.Rel(repoRoot, dir)
			o.Module = "github.com/llmgw/llmgw/" + filepath.ToSlash(rel)
		} else {
			o.Module = "example.com/llmgw-plugins/" + o.Name
		}
	}
	sdkPath := sdkDir
	if inRepo {
		if rel, err := filepath.Rel(dir, sdkDir); err == nil {
			sdkPath = filepath.ToSlash(rel)
		}
	}
	// Where the binary lands: bin/plugins/NAME via make build inside the
	// repository (the snippet's path is then relative to the root's
	// pipeline.hcl), else beside the module.
	binPath := filepath.Join(dir, o.Name)
	snippetPath := binPath
	if inRepo {
		snippetPath = "bin/plugins/" + o.Name
	}
	// The logic package's directory must not be the binary's name
	// (`go build -o NAME .` in the module).
	pkg := strings.ReplaceAll(o.Name, "-", "")
	if pkg == o.Name {
		pkg += o.Kind
	}
	data := scaffoldData{
		Name:      o.Name,
		Kind:      o.Kind,
		Module:    o.Module,
		Package:   pkg,
		SDKPath:   sdkPath,
		GoVersion: goVersion(filepath.Join(sdkDir, "go.mod")),
		BinPath:   snippetPath,
	}
	data.SDKVersion = sdkRequireVersion(pipeline.Version)
	files := []struct{ tmpl, dst string }{
		{"common/go.mod.tmpl", "go.mod"},
		{"common/main.go.tmpl", "main.go"},
		{"common/README.md.tmpl", "README.md"},
		{o.Kind + "/logic.go.tmpl", filepath.Join(data.Package, data.Package+".go")},
		{o.Kind + "/logic_test.go.tmpl", filepath.Join(data.Package, data.Package+"_test.go")},
		{o.Kind + "/pipeline.snippet.hcl.tmpl", "pipeline.snippet.hcl"},
	}
	// Render everything first, so a failure leaves nothing behind.
	rendered := make([][]byte, len(files))
	for i, f := range files {
		if rendered[i], err = render(f.tmpl, data); err != nil {
			return err
		}
	}
	for i, f := range files {
		dst := filepath.Join(dir, f.dst)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, rendered[i], 0o644); err != nil {
			return err
		}
	}
	// The SDK's go.sum covers every module the scaffold needs, so the module
	// builds without the network.
	if sum, err := os.ReadFile(filepath.Join(sdkDir, "go.sum")); err == nil {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "created %s module %s in %s\n", o.Kind, o.Module, dir)
	if o.Tidy {
		if err := goModTidy(dir, out); err != nil {
			fmt.Fprintf(out, "warning: go mod tidy failed (%v); run it yourself in %s\n", err, dir)
		}
	}
	if inRepo {
		addToWorkspace(repoRoot, dir, out)
	}
	rel := dir
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(r, "..") {
			rel = r
		}
	}
	build := "go build -o " + binPath + " .   # the binary"
	checkPath := binPath
	if inRepo {
		build = "make build   # (from the repository's root) → bin/plugins/" + o.Name
		checkPath = filepath.Join(repoRoot, "bin", "plugins", o.Name)
	}
	fmt.Fprintf(out, "\nnext steps:\n"+
		"  cd %s && go test ./...   # its tests pass already\n"+
		"  edit %s/%s.go   # your logic\n"+
		"  %s\n"+
		"  llmgw plugin check %s%s\n"+
		"  paste pipeline.snippet.hcl into your pipeline file; a running gateway reloads it\n"+
		"  guide: docs/writing-plugins.md\n",
		rel, data.Package, data.Package, build, checkPath, checkHint(o.Kind))
	return nil
}

func checkHint(kind string) string {
	if kind == "stage" {
		return ` --config '{"words":["forbidden-word"]}'`
	}
	return ""
}

func render(name string, data scaffoldData) ([]byte, error) {
	src, err := scaffoldFS.ReadFile("scaffold/" + name)
	if err != nil {
		return nil, err
	}
	t, err := template.New(name).Delims("[[", "]]").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// findSDK locates sdk/go: the flag, $LLMGW_SDK_DIR, a parent of the
// current directory, or the checkout this executable was built in (bin/llmgw).
func findSDK(flagDir string) (string, error) {
	var candidates []string
	if flagDir != "" {
		candidates = append(candidates, flagDir)
	} else {
		if d := os.Getenv("LLMGW_SDK_DIR"); d != "" {
			candidates = append(candidates, d)
		}
		if wd, err := os.Getwd(); err == nil {
			for d := wd; ; d = filepath.Dir(d) {
				candidates = append(candidates, filepath.Join(d, "sdk", "go"))
				if d == filepath.Dir(d) {
					break
				}
			}
		}
		if exe, err := os.Executable(); err == nil {
			if exe, err = filepath.EvalSymlinks(exe); err == nil {
				candidates = append(candidates, filepath.Join(filepath.Dir(filepath.Dir(exe)), "sdk", "go"))
			}
		}
	}
	for _, c := range candidates {
		b, err := os.ReadFile(filepath.Join(c, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module "+sdkModule+"\n")) {
			return filepath.Abs(c)
		}
	}
	if flagDir != "" {
		return "", fmt.Errorf("%s is not the llmgw SDK (no go.mod of %s)", flagDir, sdkModule)
	}
	return "", errors.New("cannot find the llmgw SDK (sdk/go of a checkout); run from inside the repository or pass --sdk DIR")
}

func within(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// releaseVersionRE matches a release's version (not a development build's
// `git describe` output such as v0.2.0-3-gabc1234 or …-dirty).
var releaseVersionRE = regexp.MustCompile(`^v\d+\.\d+\.\d+(-(alpha|beta|rc)\.\d+)?$`)

// sdkRequireVersion is the SDK version a new module requires: this llmgw's
// own version when it is a release, since every module of a release is
// tagged with the same version (docs/releasing.md) — then deleting the
// scaffold's replace line is all it takes to build against the published
// SDK; else v0.0.0, reachable only through the replace.
func sdkRequireVersion(hostVersion string) string {
	if releaseVersionRE.MatchString(hostVersion) {
		return hostVersion
	}
	return "v0.0.0"
}

func goVersion(gomod string) string {
	b, err := os.ReadFile(gomod)
	if err == nil {
		if m := regexp.MustCompile(`(?m)^go (\S+)`).FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	return "1.26.0"
}

// goModTidy runs `go mod tidy` outside any workspace: offline first (the
// module cache normally has everything the SDK needs), then with the
// configured proxy.
func goModTidy(dir string, out io.Writer) error {
	fmt.Fprintln(out, "running go mod tidy")
	run := func(extra ...string) ([]byte, error) {
		cmd := exec.Command("go", "mod", "tidy")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append([]string{"GOWORK=off", "GOFLAGS=-mod=mod"}, extra...)...)
		return cmd.CombinedOutput()
	}
	if _, err := run("GOPROXY=off"); err == nil {
		return nil
	}
	b, err := run()
	if err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(b)))
	}
	return nil
}

// addToWorkspace adds the new module to the repository's go.work, so
// `make build` and the workspace's go commands see it.
func addToWorkspace(root, dir string, out io.Writer) {
	if _, err := os.Stat(filepath.Join(root, "go.work")); err != nil {
		return
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return
	}
	cmd := exec.Command("go", "work", "use", "./"+filepath.ToSlash(rel))
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(out, "warning: go work use ./%s failed: %s\n", rel, strings.TrimSpace(string(b)))
		return
	}
	fmt.Fprintf(out, "added ./%s to go.work\n", filepath.ToSlash(rel))
}
