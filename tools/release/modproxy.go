package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// modproxyMain writes one module version, made from a git revision, into a
// directory laid out as a GOPROXY (file:// URL): what the public proxy will
// serve once the version's tag is pushed. scripts/release-pin.sh uses it to
// compute the go.sum lines of the SDK before the SDK is published, and the
// release tests use it to build against "released" modules offline.
func modproxyMain(args []string) error {
	fs := flag.NewFlagSet("modproxy", flag.ContinueOnError)
	dir := fs.String("dir", "", "proxy directory to write into")
	path := fs.String("module", "", "module path, e.g. github.com/llmgw/llmgw/sdk/go")
	version := fs.String("version", "", "module version, e.g. v0.2.0")
	repo := fs.String("repo", ".", "the git repository's root")
	rev := fs.String("rev", "HEAD", "the git revision to take the module from")
	subdir := fs.String("subdir", "", "the module's directory inside the repository, e.g. sdk/go")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *path == "" || *version == "" {
		return errors.New("usage: release modproxy -dir DIR -module PATH -version V [-repo DIR] [-rev REV] [-subdir DIR]")
	}
	return writeProxyVersion(*dir, module.Version{Path: *path, Version: *version}, *repo, *rev, *subdir)
}

// writeProxyVersion writes @v/list, VERSION.info, VERSION.mod and
// VERSION.zip. The zip holds what the go command puts in it when it fetches
// the module from a tag — the committed files of the module's directory, plus
// the repository's LICENSE when that directory has none — so the go.sum
// hashes computed from it are the ones the checksum database will hold.
func writeProxyVersion(dir string, m module.Version, repo, rev, subdir string) error {
	escaped, err := module.EscapePath(m.Path)
	if err != nil {
		return err
	}
	vdir := filepath.Join(dir, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	src, err := os.MkdirTemp("", "llmgw-modproxy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	moduleDir, err := exportModule(repo, rev, subdir, src)
	if err != nil {
		return err
	}
	zf, err := os.Create(filepath.Join(vdir, m.Version+".zip"))
	if err != nil {
		return err
	}
	if err := modzip.CreateFromDir(zf, m, moduleDir); err != nil {
		zf.Close()
		return err
	}
	if err := zf.Close(); err != nil {
		return err
	}
	gomod, err := os.ReadFile(filepath.Join(moduleDir, "go.mod"))
	if err != nil {
		return err
	}
	info, _ := json.Marshal(map[string]any{"Version": m.Version, "Time": sourceDateEpoch().UTC().Format(time.RFC3339)})
	for name, data := range map[string][]byte{
		m.Version + ".mod":  gomod,
		m.Version + ".info": info,
		"list":              []byte(m.Version + "\n"),
	} {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// exportModule writes the module's committed files at rev into dst, as
// `git archive` gives them (the way the go command and
// golang.org/x/mod/zip.CreateFromVCS read a tag, which cannot be used
// directly in a git worktree), adds the repository's LICENSE when the module
// has none, and returns the module's directory under dst.
func exportModule(repo, rev, subdir, dst string) (string, error) {
	args := []string{"-c", "core.autocrlf=input", "-c", "core.eol=lf", "archive", "--format=tar", rev}
	if subdir != "" {
		args = append(args, "--", subdir)
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = repo
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git archive %s %s: %v: %s", rev, subdir, err, stderr.String())
	}
	if err := untar(bytes.NewReader(out), dst); err != nil {
		return "", err
	}
	moduleDir := filepath.Join(dst, filepath.FromSlash(subdir))
	if _, err := os.Stat(filepath.Join(moduleDir, "LICENSE")); errors.Is(err, fs.ErrNotExist) && subdir != "" {
		cmd := exec.Command("git", "cat-file", "blob", rev+":LICENSE")
		cmd.Dir = repo
		if license, err := cmd.Output(); err == nil {
			if err := os.WriteFile(filepath.Join(moduleDir, "LICENSE"), license, 0o644); err != nil {
				return "", err
			}
		}
	}
	return moduleDir, nil
}

// untar writes the regular files and directories of a tar stream under dst.
func untar(r io.Reader, dst string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(target, filepath.Clean(dst)+string(filepath.Separator)) {
			return fmt.Errorf("archive entry %q leaves %s", h.Name, dst)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(target, 0o755)
		case tar.TypeReg:
			if err = os.MkdirAll(filepath.Dir(target), 0o755); err == nil {
				var b []byte
				if b, err = io.ReadAll(tr); err == nil {
					err = os.WriteFile(target, b, 0o644)
				}
			}
		}
		if err != nil {
			return err
		}
	}
}
