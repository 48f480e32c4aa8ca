package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// licenseFinder finds the licence files of a module version in the module
// cache (the release has just built from it, so they are there).
type licenseFinder struct {
	modCache string
	goroot   string
}

func newLicenseFinder() *licenseFinder {
	f := &licenseFinder{modCache: os.Getenv("GOMODCACHE"), goroot: os.Getenv("GOROOT")}
	if f.modCache == "" {
		f.modCache = goEnv("GOMODCACHE")
	}
	if f.goroot == "" {
		f.goroot = goEnv("GOROOT")
	}
	return f
}

func goEnv(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// licenseFile is one licence or notice text of a module.
type licenseFile struct {
	Name string
	Text string
}

// moduleDir is where the module cache keeps path@version: upper-case
// letters are escaped as '!' and the lower-case letter.
func (f *licenseFinder) moduleDir(path, version string) string {
	var b strings.Builder
	for _, r := range path {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return filepath.Join(f.modCache, filepath.FromSlash(b.String())+"@"+version)
}

// files returns the LICENSE*, LICENCE*, COPYING* and NOTICE* files at the
// root of a module, sorted by name; it fails when there is no licence.
func (f *licenseFinder) files(path, version string) ([]licenseFile, error) {
	dir := f.moduleDir(path, version)
	if path == "std" {
		dir = f.goroot
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s@%s: %w (is it in the module cache? go mod download)", path, version, err)
	}
	var out []licenseFile
	hasLicense := false
	for _, e := range entries {
		upper := strings.ToUpper(e.Name())
		isLicense := strings.HasPrefix(upper, "LICENSE") || strings.HasPrefix(upper, "LICENCE") || strings.HasPrefix(upper, "COPYING")
		if e.IsDir() || !(isLicense || strings.HasPrefix(upper, "NOTICE")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		hasLicense = hasLicense || isLicense
		out = append(out, licenseFile{Name: e.Name(), Text: string(b)})
	}
	if !hasLicense {
		return nil, fmt.Errorf("%s@%s: no licence file in %s", path, version, dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// spdxIDs names the licences in a text when they are common ones (a file
// may hold several, e.g. MIT code with Apache-2.0 data tables); none when no
// text is recognised (the text still travels in the notices).
func spdxIDs(text string) []string {
	t := strings.Join(strings.Fields(text), " ")
	var ids []string
	if strings.Contains(t, "Mozilla Public License Version 2.0") || strings.Contains(t, "Mozilla Public License, version 2.0") {
		ids = append(ids, "MPL-2.0")
	}
	if strings.Contains(t, "Apache License") && strings.Contains(t, "Version 2.0") {
		ids = append(ids, "Apache-2.0")
	}
	if strings.Contains(t, "Permission is hereby granted, free of charge") {
		ids = append(ids, "MIT")
	}
	if strings.Contains(t, "Redistribution and use in source and binary forms") {
		if strings.Contains(t, "Neither the name") {
			ids = append(ids, "BSD-3-Clause")
		} else {
			ids = append(ids, "BSD-2-Clause")
		}
	}
	return ids
}

// licenseIDs are the SPDX ids of a module's licence files (not its NOTICEs).
func licenseIDs(files []licenseFile) []string {
	seen := map[string]bool{}
	var ids []string
	for _, f := range files {
		if strings.HasPrefix(strings.ToUpper(f.Name), "NOTICE") {
			continue
		}
		for _, id := range spdxIDs(f.Text) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	sort.Strings(ids)
	return ids
}
