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
	// InRepo is true when the module is inside the llmgw checkout (built by
	// make build into bin/plugins).
	InRepo bool
	// LLMGW is the command that runs the gateway's CLI from the module's
	// directory when it is outside the checkout (an absolute path).
	LLMGW string
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

// scaffoldPlan is where and what scaffoldPlugin writes.
type scaffoldPlan struct {
	data     scaffoldData
	dir      string // the module's directory, absolute
	sdkDir   string // sdk/go of the checkout, absolute
	repoRoot string // the checkout, absolute
	cli      string // bin/llmgw of the checkout, as the user can type it from here
	binPath  string // where the plugin binary lands
}

// scaffoldPlugin writes a plugin module, makes it build and says what to do
// next.
func scaffoldPlugin(o newOptions, out io.Writer) error {
	if err := checkNewOptions(o); err != nil {
		return err
	}
	plan, err := planScaffold(o)
	if err != nil {
		return err
	}
	if err := writeScaffold(plan); err != nil {
		return err
	}
	fmt.Fprintf(out, "created %s module %s in %s\n", o.Kind, plan.data.Module, plan.dir)
	if o.Tidy {
		if err := goModTidy(plan.dir, out); err != nil {
			fmt.Fprintf(out, "warning: go mod tidy failed (%v); run it yourself in %s\n", err, plan.dir)
		}
	}
	if plan.data.InRepo {
		addToWorkspace(plan.repoRoot, plan.dir, out)
	}
	printNextSteps(out, plan)
	return nil
}

// checkNewOptions refuses a bad name or kind before anything is touched.
func checkNewOptions(o newOptions) error {
	if !pluginNameRE.MatchString(o.Name) {
		return fmt.Errorf("invalid name %q: use lower-case letters, digits and dashes (e.g. keyword-block)", o.Name)
	}
	switch o.Kind {
	case "stage", "provider", "tracker":
		return nil
	case "":
		return errors.New("--kind is required: stage, provider or tracker")
	}
	return fmt.Errorf("invalid --kind %q: stage, provider or tracker", o.Kind)
}

// planScaffold finds the SDK and decides the module's directory, path,
// package and binary.
func planScaffold(o newOptions) (*scaffoldPlan, error) {
	sdkDir, err := findSDK(o.SDKDir)
	if err != nil {
		return nil, err
	}
	p := &scaffoldPlan{sdkDir: sdkDir, repoRoot: filepath.Dir(filepath.Dir(sdkDir))} // …/sdk/go → …
	if o.Dir == "" {
		o.Dir = filepath.Join("plugins", o.Name)
	}
	if p.dir, err = filepath.Abs(o.Dir); err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(p.dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s already exists and is not empty", o.Dir)
	}
	inRepo := within(p.repoRoot, p.dir)
	if o.Module == "" {
		o.Module = "example.com/llmgw-plugins/" + o.Name
		if inRepo {
			rel, _ := filepath.Rel(p.repoRoot, p.dir)
			o.Module = "github.com/llmgw/llmgw/" + filepath.ToSlash(rel)
		}
	}
	sdkPath := sdkDir
	if inRepo {
		if rel, err := filepath.Rel(p.dir, sdkDir); err == nil {
			sdkPath = filepath.ToSlash(rel)
		}
	}
	// Where the binary lands: bin/plugins/NAME via make build inside the
	// repository (the snippet's path is then relative to the root's
	// pipeline.hcl), else beside the module.
	p.binPath = filepath.Join(p.dir, o.Name)
	snippetPath := p.binPath
	if inRepo {
		p.binPath = filepath.Join(p.repoRoot, "bin", "plugins", o.Name)
		snippetPath = "bin/plugins/" + o.Name
	}
	cliAbs := filepath.Join(p.repoRoot, "bin", "llmgw")
	p.cli = fromHere(cliAbs)
	// The logic package's directory must not be the binary's name
	// (`go build -o NAME .` in the module).
	pkg := strings.ReplaceAll(o.Name, "-", "")
	if pkg == o.Name {
		pkg += o.Kind
	}
	p.data = scaffoldData{
		Name:      o.Name,
		Kind:      o.Kind,
		Module:    o.Module,
		Package:   pkg,
		SDKPath:   sdkPath,
		GoVersion: goVersion(filepath.Join(sdkDir, "go.mod")),
		BinPath:   snippetPath,
		InRepo:    inRepo,
		LLMGW:     cliAbs,
		// The SDK at the llmgw release's own version, so that deleting the
		// replace line builds against the tagged SDK.
		SDKVersion: sdkRequireVersion(pipeline.Version),
	}
	return p, nil
}

// writeScaffold renders the templates into the module's directory, with the
// SDK's go.sum.
func writeScaffold(p *scaffoldPlan) error {
	files := []struct{ tmpl, dst string }{
		{"common/go.mod.tmpl", "go.mod"},
		{"common/main.go.tmpl", "main.go"},
		{"common/README.md.tmpl", "README.md"},
		{p.data.Kind + "/logic.go.tmpl", filepath.Join(p.data.Package, p.data.Package+".go")},
		{p.data.Kind + "/logic_test.go.tmpl", filepath.Join(p.data.Package, p.data.Package+"_test.go")},
		{p.data.Kind + "/pipeline.snippet.hcl.tmpl", "pipeline.snippet.hcl"},
	}
	// Render everything first, so a failure leaves nothing behind.
	rendered := make([][]byte, len(files))
	for i, f := range files {
		var err error
		if rendered[i], err = render(f.tmpl, p.data); err != nil {
			return err
		}
	}
	for i, f := range files {
		dst := filepath.Join(p.dir, f.dst)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, rendered[i], 0o644); err != nil {
			return err
		}
	}
	// The SDK's go.sum covers every module the scaffold needs, so the module
	// builds without the network.
	if sum, err := os.ReadFile(filepath.Join(p.sdkDir, "go.sum")); err == nil {
		return os.WriteFile(filepath.Join(p.dir, "go.sum"), sum, 0o644)
	}
	return nil
}

// printNextSteps tells the user the commands that follow, each runnable
// from the current directory.
func printNextSteps(out io.Writer, p *scaffoldPlan) {
	dir := fromHere(p.dir)
	build := "(cd " + dir + " && go build -o " + p.data.Name + " .)   # the binary"
	if p.data.InRepo {
		build = "make build   # (from the repository's root) → bin/plugins/" + p.data.Name
	}
	fmt.Fprintf(out, "\nnext steps:\n"+
		"  (cd %s && go test ./...)   # its tests pass already\n"+
		"  edit %s   # your logic\n"+
		"  %s\n"+
		"  %s plugin check %s%s\n"+
		"  paste %s into your pipeline file; a running gateway reloads it\n"+
		"  guide: %s\n",
		dir, filepath.Join(dir, p.data.Package, p.data.Package+".go"), build,
		p.cli, fromHere(p.binPath), checkHint(p.data.Kind), filepath.Join(dir, "pipeline.snippet.hcl"),
		fromHere(filepath.Join(p.repoRoot, "docs", "writing-plugins.md")))
}

// fromHere is path relative to the current directory when it is below it
// (as a user would type it), else absolute.
func fromHere(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && within(wd, path) {
			return r
		}
	}
	return path
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
