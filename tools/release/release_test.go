package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSPDXIDs(t *testing.T) {
	for text, want := range map[string][]string{
		"Mozilla Public License Version 2.0\n==================":                                          {"MPL-2.0"},
		"Apache License\n  Version 2.0, January 2004":                                                     {"Apache-2.0"},
		"MIT License\n\nPermission is hereby granted, free of charge, to any person":                      {"MIT"},
		"Redistribution and use in source and binary forms ... * Neither the name of Google":              {"BSD-3-Clause"},
		"Redistribution and use in source and binary forms, with or without modification":                 {"BSD-2-Clause"},
		"Permission is hereby granted, free of charge ... Licensed under the Apache License, Version 2.0": {"Apache-2.0", "MIT"},
		"All rights reserved.": nil,
	} {
		if got := spdxIDs(text); !reflect.DeepEqual(got, want) {
			t.Errorf("spdxIDs(%.40q) = %v, want %v", text, got, want)
		}
	}
}

func TestModuleDirEscapesUpperCase(t *testing.T) {
	lf := &licenseFinder{modCache: "/c"}
	if got := lf.moduleDir("github.com/BurntSushi/toml", "v1.0.0"); got != filepath.FromSlash("/c/github.com/!burnt!sushi/toml@v1.0.0") {
		t.Errorf("moduleDir = %s", got)
	}
}

// TestSBOMOfThisBinary builds the SBOM of the running test executable: it
// must be valid CycloneDX, name the binary with its sha256 and the Go
// standard library with its licence, and come out identical twice.
func TestSBOMOfThisBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bins, err := readBinaries(filepath.Dir(exe), []string{exe})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1764633600, 0)
	a, err := buildSBOM(bins, "v0.2.0", "linux/amd64", at, newLicenseFinder())
	if err != nil {
		t.Fatal(err)
	}
	b, err := buildSBOM(bins, "v0.2.0", "linux/amd64", at, newLicenseFinder())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two SBOMs of the same binary differ")
	}
	var bom cdxBOM
	if err := json.Unmarshal(a, &bom); err != nil {
		t.Fatal(err)
	}
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.5" || !strings.HasPrefix(bom.SerialNumber, "urn:uuid:") || bom.Metadata.Timestamp != "2025-12-02T00:00:00Z" {
		t.Errorf("header: %+v", bom)
	}
	sum, _ := fileSHA256(exe)
	var app, std *cdxComponent
	for i, c := range bom.Components {
		switch {
		case c.Type == "application" && c.Name == filepath.Base(exe):
			app = &bom.Components[i]
		case c.Name == "std":
			std = &bom.Components[i]
		}
	}
	if app == nil || len(app.Hashes) != 1 || app.Hashes[0].Content != sum {
		t.Errorf("binary component missing or wrong hash: %+v", app)
	}
	if std == nil || std.PURL != "pkg:golang/std@"+bins[0].Info.GoVersion || len(std.Licenses) != 1 || std.Licenses[0].License.ID != "BSD-3-Clause" {
		t.Errorf("standard library component: %+v", std)
	}
	if len(bom.Dependencies) != 2 || bom.Dependencies[0].Ref != bom.Metadata.Component.BOMRef || bom.Dependencies[0].DependsOn[0] != app.BOMRef {
		t.Errorf("dependencies: %+v", bom.Dependencies)
	}
}

func TestOwnModulesCarryTheReleaseVersion(t *testing.T) {
	if got := purl("github.com/llmgw/llmgw/sdk/go", "(devel)", "v0.2.0"); got != "pkg:golang/github.com/llmgw/llmgw/sdk/go@v0.2.0" {
		t.Errorf("own module purl = %s", got)
	}
	if got := purl("github.com/gorilla/mux", "v1.8.1", "v0.2.0"); got != "pkg:golang/github.com/gorilla/mux@v1.8.1" {
		t.Errorf("third-party purl = %s", got)
	}
	if isOwn("github.com/llmgw/llmgwx") {
		t.Error("a module merely sharing the prefix counted as own")
	}
}
