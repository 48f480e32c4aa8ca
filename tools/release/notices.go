package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
)

// ownModulePrefix marks this project's own modules: their licence is the
// archive's LICENSE, not a third party's.
const ownModulePrefix = "github.com/llmgw/llmgw/"

// linkedModule is one module version linked into a release binary.
type linkedModule struct {
	Path, Version, Sum string
	Binaries           []string
}

// modules collects every dependency of the binaries, sorted by path, plus
// the Go standard library ("std") each was built with.
func modules(bins []binary) []*linkedModule {
	byKey := map[string]*linkedModule{}
	add := func(path, version, sum, bin string) {
		key := path + "@" + version
		m := byKey[key]
		if m == nil {
			m = &linkedModule{Path: path, Version: version, Sum: sum}
			byKey[key] = m
		}
		m.Binaries = append(m.Binaries, bin)
	}
	for _, b := range bins {
		add("std", b.Info.GoVersion, "", b.Name)
		for _, d := range b.Info.Deps {
			d = effective(d)
			add(d.Path, d.Version, d.Sum, b.Name)
		}
	}
	out := make([]*linkedModule, 0, len(byKey))
	for _, m := range byKey {
		sort.Strings(m.Binaries)
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// effective is the module actually built: the replacement when there is one.
func effective(d *debug.Module) *debug.Module {
	if d.Replace != nil && d.Replace.Version != "" {
		return &debug.Module{Path: d.Replace.Path, Version: d.Replace.Version, Sum: d.Replace.Sum}
	}
	return d
}

func isOwn(path string) bool { return strings.HasPrefix(path+"/", ownModulePrefix) }

// writeNotices writes the licence and notice texts of every third-party
// module in the binaries, and of the Go standard library.
func writeNotices(w io.Writer, bins []binary, lf *licenseFinder) error {
	fmt.Fprintf(w, "Third-party software in this llmgw release\n\n"+
		"The binaries of this archive are built from llmgw (see LICENSE and NOTICE) and\n"+
		"link the following modules. Their licence and notice files follow, unchanged.\n"+
		"The MPL-2.0 modules are used unmodified; their source is at the module path and\n"+
		"version below (and in the Go module proxy, https://proxy.golang.org).\n\n")
	mods := modules(bins)
	for _, m := range mods {
		if isOwn(m.Path) {
			continue
		}
		fmt.Fprintf(w, "  %s %s\n", m.Path, m.Version)
	}
	for _, m := range mods {
		if isOwn(m.Path) {
			continue
		}
		files, err := lf.files(m.Path, m.Version)
		if err != nil {
			return err
		}
		for _, f := range files {
			fmt.Fprintf(w, "\n%s\n%s %s — %s\n%s\n\n", strings.Repeat("=", 79), m.Path, m.Version, f.Name, strings.Repeat("=", 79))
			text := strings.TrimRight(f.Text, "\n")
			if _, err := io.WriteString(w, text+"\n"); err != nil {
				return err
			}
		}
	}
	return nil
}
