package main

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
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
// VERSION.zip. The zip is made as the go command makes it from a tag
// (golang.org/x/mod/zip.CreateFromVCS: the committed files only, plus the
// repository's LICENSE when the module directory has none), so the go.sum
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
	zf, err := os.Create(filepath.Join(vdir, m.Version+".zip"))
	if err != nil {
		return err
	}
	if err := modzip.CreateFromVCS(zf, m, repo, rev, subdir); err != nil {
		zf.Close()
		return err
	}
	if err := zf.Close(); err != nil {
		return err
	}
	gomod, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(subdir), "go.mod"))
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
