package e2e

// The container image and the compose file, tested as far as a machine that
// cannot pull images or run containers allows: the runtime stage of the
// Dockerfile is built with podman from the static binaries of make build (it
// is FROM scratch, so nothing is pulled), its configuration is read back, its
// filesystem is exported and its entrypoint is started from that filesystem,
// as the image's user, with the image's environment. The compose file is
// loaded with compose-go, the loader (and compose-spec JSON schema) that
// `docker compose` itself uses.

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// What the image promises (Dockerfile) and the compose file relies on.
const (
	imageDataDir = "/app/data"
	imagePort    = 8000
)

// podman runs podman on a throwaway store: vfs storage (no overlay or fuse
// needed), cgroupfs and file events (no systemd needed), temporary files in
// the store too, so a test leaves nothing behind.
type podman struct {
	bin   string
	store string
}

func newPodman(t *testing.T) *podman {
	t.Helper()
	bin, err := exec.LookPath("podman")
	if err != nil {
		t.Fatal("podman is not on PATH: the image test builds the Dockerfile's runtime stage with it " +
			"(Debian: apt-get install podman; make test installs it when run as root)")
	}
	// Not t.TempDir: podman refuses a runroot path longer than 50 bytes.
	parent := os.TempDir()
	if len(parent) > 20 {
		parent = "/tmp"
	}
	store, err := os.MkdirTemp(parent, "llmgw-podman-")
	if err != nil {
		t.Fatal(err)
	}
	p := &podman{bin: bin, store: store}
	t.Cleanup(func() {
		// Removing the images first keeps the store's own bookkeeping
		// consistent before the directory goes.
		_, _ = p.cmd("rmi", "--all", "--force").CombinedOutput()
		if err := os.RemoveAll(store); err != nil {
			t.Errorf("removing the podman store: %v", err)
		}
	})
	if err := os.MkdirAll(filepath.Join(store, "tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *podman) cmd(args ...string) *exec.Cmd {
	global := []string{"--root", filepath.Join(p.store, "root"), "--runroot", filepath.Join(p.store, "r"),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file"}
	cmd := exec.Command(p.bin, append(global, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(p.store, "tmp"))
	return cmd
}

// run runs podman and returns its standard output; it fails the test with
// podman's own words otherwise.
func (p *podman) run(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := p.cmd(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("podman %s: %v\n%s%s", strings.Join(args, " "), err, tail(string(out), 3000), tail(stderr.String(), 3000))
	}
	return out
}

// imageInspect is the part of `podman image inspect` the test reads.
type imageInspect struct {
	Config struct {
		User         string
		ExposedPorts map[string]struct{}
		Env          []string
		Entrypoint   []string
		Cmd          []string
		WorkingDir   string
	}
	Healthcheck *struct {
		Test     []string
		Interval time.Duration
		Timeout  time.Duration
		Retries  int
	}
}

func (img imageInspect) env(name string) string {
	for _, kv := range img.Config.Env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

func TestRuntimeImageBuiltFromStaticBinariesServesFromItsOwnFilesystem(t *testing.T) {
	pm := newPodman(t)
	ctxDir := buildImageContext(t)

	const tag = "localhost/llmgw-e2e:test"
	pm.run(t, "build", "--layers=false", "--format", "docker", "--target", "runtime",
		"--build-context", "build="+ctxDir, "-t", tag, "-f", filepath.Join(root, "Dockerfile"), ctxDir)

	var inspected []imageInspect
	if err := json.Unmarshal(pm.run(t, "image", "inspect", tag), &inspected); err != nil || len(inspected) != 1 {
		t.Fatalf("podman image inspect: %v (%d images)", err, len(inspected))
	}
	img := inspected[0]
	uid, gid := checkImageConfig(t, img)

	fsDir := t.TempDir()
	archive := filepath.Join(t.TempDir(), "image.tar")
	pm.run(t, "save", "--format", "docker-archive", "-o", archive, tag)
	headers := extractImage(t, archive, fsDir)
	checkImageFiles(t, fsDir, headers, uid)

	serveFromImage(t, img, fsDir, uid, gid)
}

// buildImageContext lays out make build's binaries as the Dockerfile's build
// stage would (scripts/image-rootfs.sh with BIN=bin) and returns the directory
// that stands in for that stage.
func buildImageContext(t *testing.T) string {
	t.Helper()
	bins := []string{binPath("llmgw"), binPath("upstream-sim")}
	plugins, _ := filepath.Glob(binPath("plugins/*"))
	for _, p := range plugins {
		if filepath.Base(p) != "SHA256SUMS" {
			bins = append(bins, p)
		}
	}
	for _, b := range bins {
		requireStatic(t, b, "rebuild with make build, which sets CGO_ENABLED=0")
	}
	ctxDir := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(root, "scripts/image-rootfs.sh"), filepath.Join(ctxDir, "out"))
	cmd.Env = append(os.Environ(), "BIN="+filepath.Join(root, "bin"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/image-rootfs.sh: %v\n%s", err, out)
	}
	return ctxDir
}

// requireStatic fails unless path is an ELF executable without a dynamic
// loader: the runtime image is FROM scratch, it has no libc.
func requireStatic(t *testing.T, path, hint string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatalf("%s is dynamically linked; the image is FROM scratch and needs static binaries: %s", path, hint)
		}
	}
}

// checkImageConfig checks what a container runtime reads from the image and
// returns the user it runs as.
func checkImageConfig(t *testing.T, img imageInspect) (uid, gid int) {
	t.Helper()
	c := img.Config
	u, g, _ := strings.Cut(c.User, ":")
	uid, err1 := strconv.Atoi(u)
	gid, err2 := strconv.Atoi(g)
	if err1 != nil || err2 != nil || uid == 0 || gid == 0 {
		t.Fatalf("image user %q: want a numeric non-root uid:gid (Kubernetes' runAsNonRoot can only check a number)", c.User)
	}
	if _, ok := c.ExposedPorts[fmt.Sprintf("%d/tcp", imagePort)]; !ok {
		t.Errorf("exposed ports %v: want %d/tcp", c.ExposedPorts, imagePort)
	}
	if !slices.Equal(c.Entrypoint, []string{"/app/bin/llmgw"}) || !slices.Equal(c.Cmd, []string{"serve"}) {
		t.Errorf("entrypoint %q cmd %q: want [/app/bin/llmgw] [serve]", c.Entrypoint, c.Cmd)
	}
	if got := img.env("LLMGW_LISTEN"); got != fmt.Sprintf("0.0.0.0:%d", imagePort) {
		t.Errorf("LLMGW_LISTEN=%q: the gateway must listen on every interface of the container, on the exposed port", got)
	}
	if img.env("LLMGW_ALLOW_ANONYMOUS") != "1" || img.env("LLMGW_DATA_DIR") != imageDataDir || img.env("LLMGW_CONFIG") != "/app/pipeline.hcl" {
		t.Errorf("env %q: want LLMGW_ALLOW_ANONYMOUS=1, LLMGW_DATA_DIR=%s, LLMGW_CONFIG=/app/pipeline.hcl", c.Env, imageDataDir)
	}
	hc := img.Healthcheck
	if hc == nil || len(hc.Test) < 2 || hc.Test[0] != "CMD" || hc.Test[1] != "/app/bin/llmgw" || hc.Interval <= 0 || hc.Timeout <= 0 {
		t.Fatalf("healthcheck %+v: want CMD /app/bin/llmgw health with an interval and a timeout (built with --format docker?)", hc)
	}
	return uid, gid
}

// extractImage unpacks a docker-archive (podman save) into dst, layer by
// layer, and returns every entry's tar header by its path.
func extractImage(t *testing.T, archive, dst string) map[string]*tar.Header {
	t.Helper()
	outer := t.TempDir()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	untar(t, f, outer, nil)
	var manifest []struct{ Layers []string }
	b, err := os.ReadFile(filepath.Join(outer, "manifest.json"))
	if err != nil || json.Unmarshal(b, &manifest) != nil || len(manifest) != 1 || len(manifest[0].Layers) == 0 {
		t.Fatalf("docker-archive manifest: %v %s", err, b)
	}
	headers := map[string]*tar.Header{}
	for _, layer := range manifest[0].Layers {
		lf, err := os.Open(filepath.Join(outer, layer))
		if err != nil {
			t.Fatal(err)
		}
		untar(t, lf, dst, func(h *tar.Header) { headers[strings.TrimSuffix(filepath.Clean(h.Name), "/")] = h })
		lf.Close()
	}
	return headers
}

// untar writes a tar stream under dst with its modes (and owners, when
// running as root); layer whiteouts remove what they name.
func untar(t *testing.T, r io.Reader, dst string, seen func(*tar.Header)) {
	t.Helper()
	tr := tar.NewReader(r)
	var dirs []*tar.Header
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the image archive: %v", err)
		}
		name := filepath.Clean(h.Name)
		if name == "." || strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			continue
		}
		target := filepath.Join(dst, name)
		if base := filepath.Base(name); strings.HasPrefix(base, ".wh.") {
			_ = os.RemoveAll(filepath.Join(filepath.Dir(target), strings.TrimPrefix(base, ".wh.")))
			continue
		}
		if seen != nil {
			seen(h)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
			dirs = append(dirs, h)
		case tar.TypeReg:
			w, err := os.OpenFile(target, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
			if err == nil {
				_, err = io.Copy(w, tr)
				if cerr := w.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				t.Fatalf("extracting %s: %v", name, err)
			}
			setOwnerAndMode(t, target, h)
		case tar.TypeSymlink:
			_ = os.Remove(target)
			if err := os.Symlink(h.Linkname, target); err != nil {
				t.Fatal(err)
			}
		case tar.TypeLink:
			_ = os.Remove(target)
			if err := os.Link(filepath.Join(dst, filepath.Clean(h.Linkname)), target); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Directory modes last, so a read-only directory does not stop its own
	// entries from being written.
	for _, h := range dirs {
		setOwnerAndMode(t, filepath.Join(dst, filepath.Clean(h.Name)), h)
	}
}

func setOwnerAndMode(t *testing.T, path string, h *tar.Header) {
	t.Helper()
	if os.Geteuid() == 0 {
		if err := os.Lchown(path, h.Uid, h.Gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(path, h.FileInfo().Mode()&(os.ModePerm|os.ModeSticky|os.ModeSetuid|os.ModeSetgid)); err != nil {
		t.Fatal(err)
	}
}

// checkImageFiles checks the image's filesystem: static binaries, every
// plugin under its checksum, the default pipeline, a data directory the
// image's user owns, a /tmp for the plugins' sockets, the user and the CA
// certificates.
func checkImageFiles(t *testing.T, fsDir string, headers map[string]*tar.Header, uid int) {
	t.Helper()
	requireStatic(t, filepath.Join(fsDir, "app/bin/llmgw"), "the image's binaries must be static")
	requireStatic(t, filepath.Join(fsDir, "app/bin/upstream-sim"), "the image's binaries must be static")
	sums, err := os.ReadFile(filepath.Join(fsDir, "app/bin/plugins/SHA256SUMS"))
	if err != nil {
		t.Fatalf("the image has no plugin checksums: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(fsDir, "app/bin/plugins"))
	var plugins []string
	for _, e := range entries {
		if e.Name() != "SHA256SUMS" {
			plugins = append(plugins, e.Name())
			requireStatic(t, filepath.Join(fsDir, "app/bin/plugins", e.Name()), "the image's plugins must be static")
			if !strings.Contains(string(sums), "  "+e.Name()+"\n") {
				t.Errorf("SHA256SUMS does not list plugin %s", e.Name())
			}
		}
	}
	repoPlugins, _ := filepath.Glob(filepath.Join(root, "plugins/*/main.go"))
	if len(plugins) != len(repoPlugins) {
		t.Errorf("the image has plugins %v; the repository has %d Go plugins", plugins, len(repoPlugins))
	}
	want, _ := os.ReadFile(filepath.Join(root, "pipeline.hcl"))
	if got, err := os.ReadFile(filepath.Join(fsDir, "app/pipeline.hcl")); err != nil || !bytes.Equal(got, want) {
		t.Errorf("/app/pipeline.hcl is not the repository's default pipeline (%v)", err)
	}
	data := headers[strings.TrimPrefix(imageDataDir, "/")]
	if data == nil || data.Typeflag != tar.TypeDir || data.Uid != uid {
		t.Errorf("%s: %+v, want a directory owned by the image's user %d", imageDataDir, data, uid)
	}
	if tmp := headers["tmp"]; tmp == nil || tmp.FileInfo().Mode()&(os.ModeSticky|0o777) != os.ModeSticky|0o777 {
		t.Errorf("/tmp: %+v, want mode 1777 (the plugins' sockets live there)", tmp)
	}
	passwd, _ := os.ReadFile(filepath.Join(fsDir, "etc/passwd"))
	if !regexp.MustCompile(`(?m)^llmgw:x:` + strconv.Itoa(uid) + `:`).Match(passwd) {
		t.Errorf("/etc/passwd has no llmgw user with uid %d:\n%s", uid, passwd)
	}
	if st, err := os.Stat(filepath.Join(fsDir, "etc/ssl/certs/ca-certificates.crt")); err != nil || st.Size() < 1000 {
		t.Errorf("the image has no CA certificates (HTTPS to the providers would fail): %v", err)
	}
}

// serveFromImage starts the image's entrypoint from its extracted filesystem
// with the image's environment (paths moved under fsDir, the listen address
// moved to a free loopback port, providers pointed at the image's own
// simulator) as the image's user, and checks /health, /generate and the
// image's HEALTHCHECK command.
func serveFromImage(t *testing.T, img imageInspect, fsDir string, uid, gid int) {
	t.Helper()
	asImageUser := os.Geteuid() == 0
	if asImageUser {
		// The image's user must reach the extracted tree, as it reaches / in
		// a container; t.TempDir's directories are private to root.
		for _, d := range []string{fsDir, filepath.Dir(fsDir)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	start := func(env []string, args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(fsDir, args[0]), args[1:]...)
		cmd.Env = env
		cmd.Dir = filepath.Join(fsDir, img.Config.WorkingDir)
		if asImageUser {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		}
		return cmd
	}

	simAddr := freeAddr(t)
	simProc := startCmd(t, start(nil, "/app/bin/upstream-sim", "--listen", simAddr))
	waitHTTP(t, "http://"+simAddr+"/sim/stats", simProc)
	simURL := "http://" + simAddr

	addr := freeAddr(t)
	env := imageEnv(img, fsDir)
	env = append(env,
		"LLMGW_LISTEN="+addr,
		"TMPDIR="+filepath.Join(fsDir, "tmp"),
		"OPENAI_API_KEY=sim-key", "OPENAI_BASE_URL="+simURL+"/v1",
		"GEMINI_API_KEY=sim-key", "GEMINI_BASE_URL="+simURL,
		"OPENROUTER_API_KEY=sim-key", "OPENROUTER_BASE_URL="+simURL+"/api/v1",
		"GROQ_API_KEY=sim-key", "GROQ_BASE_URL="+simURL+"/openai/v1",
		// No MLflow here: the tracker spools to the data directory.
		"MLFLOW_TRACKING_URI=http://"+freeAddr(t),
	)
	gw := startCmd(t, start(env, append(img.Config.Entrypoint, img.Config.Cmd...)...))
	base := "http://" + addr
	waitFor(t, "the image's gateway to answer /health 200", 60*time.Second, func() bool {
		if gw.exited() {
			t.Fatalf("the image's entrypoint exited:\n%s", tail(gw.output(), 4000))
		}
		r, err := client.Get(base + "/health")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	})
	plugins, _ := filepath.Glob(filepath.Join(root, "plugins", "*", "main.go"))
	if h := get(t, base+"/health").json(t); h["status"] != "ok" || len(h["plugins"].([]any)) != len(plugins) {
		t.Errorf("/health: %v", h)
	}

	r := postJSON(t, base+"/generate", map[string]any{"prompt": "What is the capital of France?"}, nil)
	if r.status != 200 {
		t.Fatalf("/generate from the image: %d %s", r.status, r.body)
	}
	if g := r.json(t); g["model_used"] != "gpt-4o-primary" || g["response"] == "" {
		t.Errorf("/generate: %s", r.body)
	}
	if n, _ := (&sim{addr: simAddr}).requests(t); n < 1 {
		t.Errorf("the simulator saw %d requests: the answer did not come from the provider", n)
	}
	// The tracker's spool: the image's user writes its data directory.
	waitFor(t, "state under "+imageDataDir, 10*time.Second, func() bool {
		entries, _ := os.ReadDir(filepath.Join(fsDir, imageDataDir))
		return len(entries) > 0
	})

	healthcheck := func() (string, error) {
		out, err := start(env, img.Healthcheck.Test[1:]...).CombinedOutput()
		return string(out), err
	}
	if out, err := healthcheck(); err != nil || !strings.Contains(out, "ok") {
		t.Errorf("the image's HEALTHCHECK %q against a healthy gateway: %v %s", img.Healthcheck.Test, err, out)
	}
	gw.stop(10 * time.Second)
	if out, err := healthcheck(); err == nil {
		t.Errorf("the image's HEALTHCHECK passed with the gateway stopped: %s", out)
	}
}

// imageEnv is the image's environment with every absolute path that exists
// in the image moved under fsDir.
func imageEnv(img imageInspect, fsDir string) []string {
	var env []string
	for _, kv := range img.Config.Env {
		k, v, _ := strings.Cut(kv, "=")
		if filepath.IsAbs(v) && !strings.Contains(v, ":") {
			if _, err := os.Lstat(filepath.Join(fsDir, v)); err == nil {
				v = filepath.Join(fsDir, v)
			}
		}
		env = append(env, k+"="+v)
	}
	return env
}

// loadCompose loads a compose file as `docker compose config` would: the
// compose-spec schema check, interpolation and normalisation, with an empty
// environment (no keys, no overrides).
func loadCompose(t *testing.T, file string) (*types.Project, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  filepath.Dir(file),
		ConfigFiles: []types.ConfigFile{{Filename: file}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("llmgw", true) })
}

func TestComposeFileWiresGatewayRedisAndMLflow(t *testing.T) {
	p, err := loadCompose(t, filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatalf("docker-compose.yml does not load (compose-spec schema, interpolation): %v", err)
	}
	var names []string
	for n := range p.Services {
		names = append(names, n)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"gateway", "mlflow", "redis"}) {
		t.Fatalf("services %v: want gateway, mlflow, redis", names)
	}
	gw, redis, mlflow := p.Services["gateway"], p.Services["redis"], p.Services["mlflow"]

	checkGatewayBuild(t, gw)
	checkPublished(t, gw, imagePort)
	checkPublished(t, redis, 6379)
	checkPublished(t, mlflow, 5000)

	env := func(name string) string {
		if v := gw.Environment[name]; v != nil {
			return *v
		}
		return ""
	}
	// REDIS_URL names the redis service on the port it listens on.
	if u, err := url.Parse(env("REDIS_URL")); err != nil || u.Scheme != "redis" || u.Hostname() != "redis" || u.Port() != "6379" {
		t.Errorf("gateway REDIS_URL=%q: want redis://redis:6379/…", env("REDIS_URL"))
	}
	// MLFLOW_TRACKING_URI names the mlflow service on the port its server
	// listens on, with a Host header the server allows.
	mlflowPort := flagValue(mlflow.Command, "--port")
	u, err := url.Parse(env("MLFLOW_TRACKING_URI"))
	if err != nil || u.Hostname() != "mlflow" || u.Port() != mlflowPort {
		t.Errorf("gateway MLFLOW_TRACKING_URI=%q: want http://mlflow:%s", env("MLFLOW_TRACKING_URI"), mlflowPort)
	} else if !slices.Contains(strings.Split(flagValue(mlflow.Command, "--allowed-hosts"), ","), u.Host) {
		t.Errorf("mlflow --allowed-hosts %q does not allow %q: MLflow 3 would answer the gateway 403", flagValue(mlflow.Command, "--allowed-hosts"), u.Host)
	}
	if env("LLMGW_ALLOW_ANONYMOUS") != "1" {
		t.Errorf("gateway LLMGW_ALLOW_ANONYMOUS=%q: want 1 (it listens on 0.0.0.0 without keys)", env("LLMGW_ALLOW_ANONYMOUS"))
	}
	if len(gw.EnvFiles) != 1 || filepath.Base(gw.EnvFiles[0].Path) != ".env" || bool(gw.EnvFiles[0].Required) {
		t.Errorf("gateway env_file %+v: want an optional .env", gw.EnvFiles)
	}

	for dep, cond := range map[string]string{"redis": "service_healthy", "mlflow": "service_healthy"} {
		if d, ok := gw.DependsOn[dep]; !ok || d.Condition != cond {
			t.Errorf("gateway depends_on %s: %+v, want condition %s", dep, d, cond)
		}
		if hc := p.Services[dep].HealthCheck; hc == nil || len(hc.Test) == 0 {
			t.Errorf("%s has no healthcheck; depends_on service_healthy would wait forever", dep)
		}
	}
	checkNamedVolume(t, p, gw, imageDataDir)
	// Redis holds the virtual keys and their spend (REDIS_URL), not only
	// rate-limit windows: they must survive a restart.
	if cmd := strings.Join(redis.Command, " "); !strings.Contains(cmd, "--appendonly yes") {
		t.Errorf("redis command %q: want --appendonly yes (keys and budgets live there)", cmd)
	}
	checkNamedVolume(t, p, redis, "/data")
	checkMLflowStore(t, p, mlflow)
}

// checkGatewayBuild: the gateway is built from the repository's Dockerfile,
// at a stage that exists.
func checkGatewayBuild(t *testing.T, gw types.ServiceConfig) {
	t.Helper()
	b := gw.Build
	if b == nil || filepath.Clean(b.Context) != filepath.Clean(root) || b.Dockerfile != "Dockerfile" || b.Target == "" {
		t.Fatalf("gateway build %+v: want the repository's Dockerfile and a target", b)
	}
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?mi)^FROM\s+\S+\s+AS\s+` + regexp.QuoteMeta(b.Target) + `\s*$`).Match(df) {
		t.Errorf("the Dockerfile has no stage %q", b.Target)
	}
}

func checkPublished(t *testing.T, s types.ServiceConfig, port uint32) {
	t.Helper()
	for _, p := range s.Ports {
		if p.Target == port && p.Published == strconv.Itoa(int(port)) {
			return
		}
	}
	t.Errorf("%s does not publish port %d: %+v", s.Name, port, s.Ports)
}

// checkNamedVolume: a named volume, declared at the top level, is mounted
// at target.
func checkNamedVolume(t *testing.T, p *types.Project, s types.ServiceConfig, target string) {
	t.Helper()
	for _, v := range s.Volumes {
		if v.Target == target {
			if _, declared := p.Volumes[v.Source]; v.Type != types.VolumeTypeVolume || !declared {
				t.Errorf("%s: %s is mounted from %q (%s), want a declared named volume", s.Name, target, v.Source, v.Type)
			}
			return
		}
	}
	t.Errorf("%s has no volume at %s", s.Name, target)
}

// checkMLflowStore: the official image at the version make mlflow-install
// pins, its database and artifacts on a named volume.
func checkMLflowStore(t *testing.T, p *types.Project, mlflow types.ServiceConfig) {
	t.Helper()
	req, err := os.ReadFile(filepath.Join(root, "scripts/mlflow/requirements.txt"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^mlflow==(\S+)`).FindSubmatch(req)
	if m == nil {
		t.Fatalf("scripts/mlflow/requirements.txt pins no mlflow version")
	}
	if want := "ghcr.io/mlflow/mlflow:v" + string(m[1]); mlflow.Image != want {
		t.Errorf("mlflow image %q: want %q (the pinned version)", mlflow.Image, want)
	}
	store := flagValue(mlflow.Command, "--backend-store-uri")
	dbPath, ok := strings.CutPrefix(store, "sqlite:///")
	if !ok {
		t.Fatalf("mlflow --backend-store-uri %q: want sqlite:///…", store)
	}
	for _, path := range []string{dbPath, flagValue(mlflow.Command, "--artifacts-destination")} {
		covered := false
		for _, v := range mlflow.Volumes {
			if _, declared := p.Volumes[v.Source]; declared && v.Type == types.VolumeTypeVolume &&
				(path == v.Target || strings.HasPrefix(path, strings.TrimSuffix(v.Target, "/")+"/")) {
				covered = true
			}
		}
		if !covered {
			t.Errorf("mlflow keeps %q outside a named volume: the store would not survive the container", path)
		}
	}
}

// flagValue is the word after flag in a command.
func flagValue(cmd []string, flag string) string {
	for i, a := range cmd {
		if a == flag && i+1 < len(cmd) {
			return cmd[i+1]
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v
		}
	}
	return ""
}

// TestComposeSchemaCheckCatchesAMistake proves the compose check is a real
// schema check: a misspelt key in a copy of the file is refused.
func TestComposeSchemaCheckCatchesAMistake(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(b), "\n    ports:", "\n    portz:", 1)
	if broken == string(b) {
		t.Fatal("docker-compose.yml has no service with ports to misspell")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "docker-compose.yml")
	if err := os.WriteFile(file, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch AS runtime\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCompose(t, file); err == nil || !strings.Contains(err.Error(), "portz") {
		t.Fatalf("a compose file with a misspelt key loaded: %v", err)
	}
}

// TestDockerignoreSendsTheSourcesAndNotTheSecrets reads .dockerignore as
// Docker does (moby/patternmatcher): the build stage gets every module of
// go.work, the pipeline and the image script; it never gets .env (provider
// keys), .git or local build outputs.
func TestDockerignoreSendsTheSourcesAndNotTheSecrets(t *testing.T) {
	f, err := os.Open(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	patterns, err := ignorefile.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	ignored := func(path string) bool {
		m, err := pm.MatchesOrParentMatches(path)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	work, err := os.ReadFile(filepath.Join(root, "go.work"))
	if err != nil {
		t.Fatal(err)
	}
	needed := []string{"go.work", "go.work.sum", "pipeline.hcl", "scripts/image-rootfs.sh"}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:use\s+)?\./(\S+)\s*$`).FindAllSubmatch(work, -1) {
		needed = append(needed, string(m[1])+"/go.mod")
	}
	if len(needed) < 8 {
		t.Fatalf("found only %v in go.work", needed)
	}
	for _, p := range needed {
		if ignored(p) {
			t.Errorf(".dockerignore drops %s, which the build stage needs", p)
		}
	}
	for _, p := range []string{".env", ".git/config", "bin/llmgw", ".venv/bin/python", "mlflow-data/mlflow.db", "data/tracker-mlflow/x"} {
		if !ignored(p) {
			t.Errorf(".dockerignore sends %s into the build context", p)
		}
	}
}
