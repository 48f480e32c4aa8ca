package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The release tests (docs/releasing.md): `make release` archives are
// reproducible and serve from a scratch directory; a plugin outside the
// repository builds against the SDK as its tag will publish it; make
// tidy-check catches an untidy module.

const (
	releaseVersion = "v0.2.0"
	sdkModule      = "github.com/llmgw/llmgw/sdk/go"
)

// runRelease runs scripts/release.sh for linux/amd64 into a fresh directory.
// (The four platforms are checked by hand: see docs/releasing.md.)
func runRelease(t *testing.T) string {
	t.Helper()
	dist := t.TempDir()
	out, code := runCmd(t, 30*time.Minute, "", []string{"PLATFORMS=linux/amd64", "DIST=" + dist}, "bash", "scripts/release.sh", releaseVersion)
	if code != 0 {
		t.Fatalf("release.sh: exit %d\n%s", code, out)
	}
	return dist
}

// TestReleaseIsReproducibleAndServes builds the linux/amd64 release twice,
// requires byte-identical outputs, then unpacks the archive into a scratch
// directory and serves the default pipeline from it, with the bundled
// simulator standing in for the providers.
func TestReleaseIsReproducibleAndServes(t *testing.T) {
	first, second := runRelease(t), runRelease(t)
	name := "llmgw-" + releaseVersion + "-linux-amd64"
	files := []string{"SHA256SUMS", name + ".cdx.json", name + ".tar.gz"}
	for _, f := range files {
		a, errA := os.ReadFile(filepath.Join(first, f))
		b, errB := os.ReadFile(filepath.Join(second, f))
		if errA != nil || errB != nil {
			t.Fatalf("%s missing: %v %v", f, errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two release runs of one commit", f)
		}
	}
	checkSums(t, first, files[1:])
	checkSBOM(t, filepath.Join(first, name+".cdx.json"))

	dir := t.TempDir()
	unpack(t, filepath.Join(first, name+".tar.gz"), dir)
	top := filepath.Join(dir, name)
	for _, f := range []string{"bin/llmgw", "bin/upstream-sim", "bin/plugins/provider-openai", "bin/plugins/provider-gemini", "bin/plugins/provider-anthropic",
		"bin/plugins/guard-injection", "bin/plugins/ratelimit", "bin/plugins/tracker-mlflow", "bin/plugins/SHA256SUMS",
		"pipeline.hcl", "LICENSE", "NOTICE", "THIRD_PARTY_NOTICES", "README.md", "docs/releasing.md"} {
		if _, err := os.Stat(filepath.Join(top, f)); err != nil {
			t.Errorf("archive lacks %s", f)
		}
	}
	checkVersionOutput(t, filepath.Join(top, "bin/llmgw"))
	serveFromArchive(t, top)
}

// checkSums verifies dist/SHA256SUMS against the files.
func checkSums(t *testing.T, dist string, files []string) {
	t.Helper()
	sums, _ := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	for _, f := range files {
		b, _ := os.ReadFile(filepath.Join(dist, f))
		sum := sha256.Sum256(b)
		if line := hex.EncodeToString(sum[:]) + "  " + f; !strings.Contains(string(sums), line+"\n") {
			t.Errorf("SHA256SUMS lacks %q:\n%s", line, sums)
		}
	}
}

// checkSBOM reads the CycloneDX SBOM: the host binary, the MPL-2.0
// go-plugin and the SDK at the release version must be in it.
func checkSBOM(t *testing.T, path string) {
	t.Helper()
	var bom struct {
		BOMFormat   string `json:"bomFormat"`
		SpecVersion string `json:"specVersion"`
		Components  []struct {
			Type, Name, Version, PURL string
			Licenses                  []struct {
				License struct{ ID string } `json:"license"`
			} `json:"licenses"`
		} `json:"components"`
	}
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &bom); err != nil || bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.5" {
		t.Fatalf("SBOM: %v %s", err, b[:min(len(b), 300)])
	}
	found := map[string]string{}
	for _, c := range bom.Components {
		var ids []string
		for _, l := range c.Licenses {
			ids = append(ids, l.License.ID)
		}
		found[c.Type+" "+c.Name+" "+c.Version] = strings.Join(ids, ",")
	}
	for want, licence := range map[string]string{
		"application bin/llmgw " + releaseVersion:             "",
		"application bin/plugins/ratelimit " + releaseVersion: "",
		"library github.com/hashicorp/go-plugin v1.8.0":       "MPL-2.0",
		"library " + sdkModule + " " + releaseVersion:         "Apache-2.0",
		"library github.com/redis/go-redis/v9 v9.23.0":        "BSD-2-Clause",
	} {
		got, ok := found[want]
		if !ok || got != licence {
			t.Errorf("SBOM component %q: present %v, licences %q, want %q", want, ok, got, licence)
		}
	}
}

// unpack extracts a tar.gz with Go's readers, checking on the way that every
// entry is owned by 0:0, dated SOURCE_DATE_EPOCH and in sorted order.
func unpack(t *testing.T, archive, dir string) {
	t.Helper()
	epochOut, code := runCmd(t, time.Minute, "", nil, "git", "log", "-1", "--format=%ct")
	epoch, err := strconv.ParseInt(strings.TrimSpace(epochOut), 10, 64)
	if code != 0 || err != nil {
		t.Fatalf("commit time: %s", epochOut)
	}
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("gzip header carries a name %q or time %v", zr.Name, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Uid != 0 || h.Gid != 0 || h.ModTime.Unix() != epoch {
			t.Errorf("%s: uid %d gid %d mtime %v, want 0 0 %d", h.Name, h.Uid, h.Gid, h.ModTime.Unix(), epoch)
		}
		target := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(target, dir+string(filepath.Separator)) {
			t.Fatalf("entry %q leaves the directory", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(target, 0o755)
		case tar.TypeReg:
			var b []byte
			if b, err = io.ReadAll(tr); err == nil {
				err = os.WriteFile(target, b, os.FileMode(h.Mode).Perm())
			}
		default:
			t.Errorf("%s: unexpected entry type %c", h.Name, h.Typeflag)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("archive entries are not in sorted order: %v", names)
	}
}

func checkVersionOutput(t *testing.T, llmgw string) {
	t.Helper()
	out, code := runCmd(t, time.Minute, "", nil, llmgw, "version")
	head, _ := runCmd(t, time.Minute, "", nil, "git", "rev-parse", "HEAD")
	if code != 0 || !strings.HasPrefix(out, "llmgw "+releaseVersion+"\n") ||
		!strings.Contains(out, "commit:            "+strings.TrimSpace(head)) ||
		!strings.Contains(out, "linux/amd64") || !strings.Contains(out, "plugin protocols:  1\n") {
		t.Errorf("llmgw version: exit %d\n%s", code, out)
	}
}

// serveShipped starts top's simulator, and top's gateway serving top's
// pipeline.hcl as shipped with every provider pointed at that simulator
// (MLflow unreachable, so the tracker spools; no Redis), on free ports; it
// returns the gateway's URL.
func serveShipped(t *testing.T, top string) string {
	t.Helper()
	simAddr := freeAddr(t)
	simProc := startProc(t, nil, filepath.Join(top, "bin/upstream-sim"), "--listen", simAddr)
	waitHTTP(t, "http://"+simAddr+"/sim/stats", simProc)
	sim := "http://" + simAddr
	addr := freeAddr(t)
	env := []string{
		"LLMGW_DATA_DIR=" + filepath.Join(t.TempDir(), "data"),
		"OPENAI_API_KEY=sim-key", "OPENAI_BASE_URL=" + sim + "/v1",
		"GEMINI_API_KEY=sim-key", "GEMINI_BASE_URL=" + sim,
		"OPENROUTER_API_KEY=sim-key", "OPENROUTER_BASE_URL=" + sim + "/api/v1",
		"GROQ_API_KEY=sim-key", "GROQ_BASE_URL=" + sim + "/openai/v1",
		"ANTHROPIC_API_KEY=sim-key", "ANTHROPIC_BASE_URL=" + sim,
		"MLFLOW_TRACKING_URI=http://" + freeAddr(t), // nobody listens: the tracker spools
		"REDIS_URL=",
	}
	gw := startProc(t, env, filepath.Join(top, "bin/llmgw"), "serve", "--config", filepath.Join(top, "pipeline.hcl"), "--listen", addr)
	url := "http://" + addr
	waitHTTP(t, url+"/v1/models", gw)
	return url
}

// serveFromArchive starts the archive's simulator and gateway on free ports
// and checks /health (every plugin at the release version) and /generate.
func serveFromArchive(t *testing.T, top string) {
	t.Helper()
	url := serveShipped(t, top)

	var health struct {
		Status  string `json:"status"`
		Version string `json:"version"`
		Plugins []struct {
			Name, State, Version string
		} `json:"plugins"`
	}
	r := get(t, url+"/health")
	plugins, _ := filepath.Glob(filepath.Join(root, "plugins", "*", "main.go"))
	if err := json.Unmarshal(r.body, &health); err != nil || r.status != 200 || health.Status != "ok" || health.Version != releaseVersion || len(health.Plugins) != len(plugins) {
		t.Fatalf("/health from the archive: %d %s", r.status, r.body)
	}
	for _, p := range health.Plugins {
		if p.Version != releaseVersion || (p.State != "serving" && p.State != "spooling") {
			t.Errorf("plugin %s from the archive: %+v", p.Name, p)
		}
	}
	r = postJSON(t, url+"/generate", map[string]any{"prompt": "What is the capital of France?"}, nil)
	gen := r.json(t)
	if r.status != 200 || gen["model_used"] != "gpt-4o-primary" || gen["response"] == "" {
		t.Errorf("/generate from the archive: %d %s", r.status, r.body)
	}
}

// TestOutOfRepoPluginAgainstTaggedSDK is docs/releasing.md's promise: a
// release's `llmgw plugin new`, run outside the repository, writes a module
// that builds with GOWORK=off and one replace to the local SDK; deleting that
// one line, it builds from a module proxy holding the SDK exactly as its tag
// will publish it (tools/release modproxy).
func TestOutOfRepoPluginAgainstTaggedSDK(t *testing.T) {
	work := t.TempDir()
	tool := filepath.Join(work, "release-tool")
	cli := filepath.Join(work, "llmgw")
	for _, args := range [][]string{
		{"build", "-o", tool, "./tools/release"},
		{"build", "-ldflags", "-X github.com/llmgw/llmgw/core/pipeline.Version=" + releaseVersion, "-o", cli, "./core/cmd/llmgw"},
	} {
		if out, code := runCmd(t, 10*time.Minute, "", nil, "go", args...); code != 0 {
			t.Fatalf("go %s: %s", strings.Join(args, " "), out)
		}
	}
	proxy := filepath.Join(work, "proxy")
	if out, code := runCmd(t, 5*time.Minute, "", nil, tool, "modproxy", "-dir", proxy, "-module", sdkModule,
		"-version", releaseVersion, "-repo", root, "-rev", "HEAD", "-subdir", "sdk/go"); code != 0 {
		t.Fatalf("modproxy: %s", out)
	}

	dir := filepath.Join(work, "my-guard")
	if out, code := runCmd(t, 5*time.Minute, work, nil, cli, "plugin", "new", "my-guard", "--kind", "stage", "--dir", dir, "--sdk", filepath.Join(root, "sdk/go")); code != 0 {
		t.Fatalf("plugin new: %s", out)
	}
	gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	var replaces []string
	for _, line := range strings.Split(string(gomod), "\n") {
		if strings.HasPrefix(line, "replace ") {
			replaces = append(replaces, line)
		}
	}
	if len(replaces) != 1 || !strings.Contains(string(gomod), "\nrequire "+sdkModule+" "+releaseVersion+"\n") {
		t.Fatalf("go.mod of the scaffold, want one replace and require %s %s:\n%s", sdkModule, releaseVersion, gomod)
	}
	goBuild(t, dir, filepath.Join(work, "with-replace"))

	// Delete exactly the one replace line, as a user does once the SDK is tagged.
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), bytes.Replace(gomod, []byte(replaces[0]+"\n"), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	realCache, _ := runCmd(t, time.Minute, "", nil, "go", "env", "GOMODCACHE")
	released := []string{
		"GOWORK=off", "GOFLAGS=-mod=mod -modcacherw -trimpath", "GOSUMDB=off",
		"GOMODCACHE=" + filepath.Join(work, "modcache"), // the fake tag never enters the real cache
		fmt.Sprintf("GOPROXY=file://%s,file://%s/cache/download,off", proxy, strings.TrimSpace(realCache)),
	}
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-o", filepath.Join(work, "from-tag"), "."}, {"list", "-m", sdkModule}} {
		out, code := runCmd(t, 10*time.Minute, dir, released, "go", args...)
		if code != 0 {
			t.Fatalf("without the replace, go %s: %s", strings.Join(args, " "), out)
		}
		if args[0] == "list" && strings.TrimSpace(out) != sdkModule+" "+releaseVersion {
			t.Errorf("the module uses %q, want the tagged SDK", out)
		}
	}
	if sum, _ := os.ReadFile(filepath.Join(dir, "go.sum")); !strings.Contains(string(sum), sdkModule+" "+releaseVersion+" h1:") {
		t.Errorf("go.sum lacks the tagged SDK's hash:\n%s", sum)
	}
}

// TestReleasePinMakesGoInstallWork checks the release scheme end to end on a
// scratch clone of HEAD: scripts/release-pin.sh pins every module (it checks
// that each is tidy and builds with GOWORK=off), the pin is committed there,
// core and sdk/go of that commit are packed into a file-based module proxy as
// their tags will publish them, and `go install …/core/cmd/llmgw@v0.2.0`
// from that proxy (third-party modules from the module cache, no network)
// gives a binary whose `llmgw version` is v0.2.0. The same install of the
// unpinned commit is refused: its go.mod has a local replace.
func TestReleasePinMakesGoInstallWork(t *testing.T) {
	work := t.TempDir()
	tool := filepath.Join(work, "release-tool")
	if out, code := runCmd(t, 10*time.Minute, "", nil, "go", "build", "-o", tool, "./tools/release"); code != 0 {
		t.Fatalf("build tools/release: %s", out)
	}
	head, _ := runCmd(t, time.Minute, "", nil, "git", "rev-parse", "HEAD")
	head = strings.TrimSpace(head)
	repo := filepath.Join(work, "repo")
	git := []string{"GIT_AUTHOR_NAME=release-test", "GIT_AUTHOR_EMAIL=release-test@localhost",
		"GIT_COMMITTER_NAME=release-test", "GIT_COMMITTER_EMAIL=release-test@localhost"}
	for _, args := range [][]string{{"clone", "-q", "--no-checkout", root, repo}, {"-C", repo, "checkout", "-q", "--detach", head}} {
		if out, code := runCmd(t, 5*time.Minute, work, git, "git", args...); code != 0 {
			t.Fatalf("git %s: %s", strings.Join(args, " "), out)
		}
	}
	realCache, _ := runCmd(t, time.Minute, "", nil, "go", "env", "GOMODCACHE")
	const core = "github.com/llmgw/llmgw/core"
	pack := func(proxy string, modules ...string) {
		t.Helper()
		for _, m := range modules {
			if out, code := runCmd(t, 5*time.Minute, "", nil, tool, "modproxy", "-dir", proxy, "-module", m,
				"-version", releaseVersion, "-repo", repo, "-rev", "HEAD", "-subdir", strings.TrimPrefix(m, "github.com/llmgw/llmgw/")); code != 0 {
				t.Fatalf("modproxy %s: %s", m, out)
			}
		}
	}
	install := func(proxy string) (string, int) {
		return runCmd(t, 15*time.Minute, work, []string{
			"GOWORK=off", "GOSUMDB=off", "GONOSUMDB=github.com/llmgw/*", "GOFLAGS=-modcacherw -trimpath",
			// The fake tags never enter the real cache, and each proxy gets
			// its own: a version, once downloaded, is never fetched again.
			"GOMODCACHE=" + filepath.Join(work, "modcache-"+filepath.Base(proxy)),
			"GOBIN=" + filepath.Join(work, "bin"),
			fmt.Sprintf("GOPROXY=file://%s,file://%s/cache/download,off", proxy, strings.TrimSpace(realCache)),
		}, "go", "install", core+"/cmd/llmgw@"+releaseVersion)
	}

	// Unpinned, as on main: Go refuses to install a module with a replace.
	unpinned := filepath.Join(work, "proxy-unpinned")
	pack(unpinned, sdkModule, core)
	if out, code := install(unpinned); code == 0 || !strings.Contains(out, "replace directives") {
		t.Fatalf("go install of the unpinned commit: exit %d, want the refusal of its replace\n%s", code, out)
	}

	// The pin, offline like the other module tests (GOPROXY=off is its last resort).
	out, code := runCmd(t, 30*time.Minute, repo, []string{"GOPROXY=off"}, "bash", "scripts/release-pin.sh", releaseVersion)
	if code != 0 || !strings.Contains(out, "are tidy and build with GOWORK=off") {
		t.Fatalf("release-pin.sh: exit %d\n%s", code, out)
	}
	gomod, _ := os.ReadFile(filepath.Join(repo, "core", "go.mod"))
	if !strings.Contains(string(gomod), sdkModule+" "+releaseVersion+"\n") || strings.Contains(string(gomod), "replace") {
		t.Fatalf("core/go.mod after the pin:\n%s", gomod)
	}
	if out, code := runCmd(t, time.Minute, repo, git, "git", "commit", "-q", "-am", "Release "+releaseVersion); code != 0 {
		t.Fatalf("commit the pin: %s", out)
	}

	proxy := filepath.Join(work, "proxy")
	pack(proxy, sdkModule, core)
	if out, code := install(proxy); code != 0 {
		t.Fatalf("go install %s/cmd/llmgw@%s: exit %d\n%s", core, releaseVersion, code, out)
	}
	out, code = runCmd(t, time.Minute, "", nil, filepath.Join(work, "bin", "llmgw"), "version")
	if code != 0 || !strings.HasPrefix(out, "llmgw "+releaseVersion+"\n") || !strings.Contains(out, "plugin protocols:  1\n") {
		t.Errorf("the installed llmgw version: exit %d\n%s", code, out)
	}
}

// TestTidyCheckCatchesAnUntidyModule runs scripts/tidy-check.sh on a copy of
// the SDK module, tidy and then with a direct requirement marked indirect.
func TestTidyCheckCatchesAnUntidyModule(t *testing.T) {
	mod := filepath.Join(t.TempDir(), "sdk")
	if out, code := runCmd(t, time.Minute, "", nil, "cp", "-r", filepath.Join(root, "sdk/go"), mod); code != 0 {
		t.Fatal(out)
	}
	script := filepath.Join(root, "scripts/tidy-check.sh")
	if out, code := runCmd(t, 5*time.Minute, "", nil, "bash", script, mod); code != 0 {
		t.Fatalf("tidy-check on the tidy SDK: exit %d\n%s", code, out)
	}
	gomod, _ := os.ReadFile(filepath.Join(mod, "go.mod"))
	lines := strings.Split(string(gomod), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "\tgoogle.golang.org/grpc v") {
			lines[i] = l + " // indirect"
		}
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := runCmd(t, 5*time.Minute, "", nil, "bash", script, mod)
	if code != 1 || !strings.Contains(out, "1 of 1 modules are not tidy") || !strings.Contains(out, "-\tgoogle.golang.org/grpc") {
		t.Errorf("tidy-check on an untidy module: exit %d\n%s", code, out)
	}
}
