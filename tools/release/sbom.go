package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The CycloneDX 1.5 JSON shapes the SBOM uses.
type (
	cdxBOM struct {
		BOMFormat    string          `json:"bomFormat"`
		SpecVersion  string          `json:"specVersion"`
		SerialNumber string          `json:"serialNumber"`
		Version      int             `json:"version"`
		Metadata     cdxMetadata     `json:"metadata"`
		Components   []cdxComponent  `json:"components"`
		Dependencies []cdxDependency `json:"dependencies"`
	}
	cdxMetadata struct {
		Timestamp string       `json:"timestamp"`
		Tools     cdxTools     `json:"tools"`
		Component cdxComponent `json:"component"`
	}
	cdxTools struct {
		Components []cdxComponent `json:"components"`
	}
	cdxComponent struct {
		Type       string        `json:"type"`
		BOMRef     string        `json:"bom-ref,omitempty"`
		Name       string        `json:"name"`
		Version    string        `json:"version,omitempty"`
		PURL       string        `json:"purl,omitempty"`
		Hashes     []cdxHash     `json:"hashes,omitempty"`
		Licenses   []cdxLicense  `json:"licenses,omitempty"`
		Properties []cdxProperty `json:"properties,omitempty"`
	}
	cdxHash struct {
		Alg     string `json:"alg"`
		Content string `json:"content"`
	}
	cdxLicense struct {
		License cdxLicenseID `json:"license"`
	}
	cdxLicenseID struct {
		ID string `json:"id"`
	}
	cdxProperty struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	cdxDependency struct {
		Ref       string   `json:"ref"`
		DependsOn []string `json:"dependsOn"`
	}
)

// projectLicense is the licence of llmgw's own modules (LICENSE).
const projectLicense = "Apache-2.0"

// buildSBOM describes one archive: the release as the metadata component,
// each binary as an application, each module (and the Go standard library)
// as a library with its purl and licence, and which binary links which.
func buildSBOM(bins []binary, version, platform string, at time.Time, lf *licenseFinder) ([]byte, error) {
	release := cdxComponent{
		Type:       "application",
		BOMRef:     "pkg:golang/github.com/llmgw/llmgw@" + version,
		Name:       "llmgw",
		Version:    version,
		PURL:       "pkg:golang/github.com/llmgw/llmgw@" + version,
		Licenses:   []cdxLicense{{License: cdxLicenseID{ID: projectLicense}}},
		Properties: []cdxProperty{{Name: "platform", Value: platform}},
	}
	bom := cdxBOM{
		BOMFormat:    "CycloneDX",
		SpecVersion:  "1.5",
		SerialNumber: serialNumber(version, platform),
		Version:      1,
		Metadata: cdxMetadata{
			Timestamp: at.UTC().Format(time.RFC3339),
			Tools:     cdxTools{Components: []cdxComponent{{Type: "application", Name: "llmgw tools/release", Version: version}}},
			Component: release,
		},
		Components:   []cdxComponent{},
		Dependencies: []cdxDependency{},
	}
	top := cdxDependency{Ref: release.BOMRef, DependsOn: []string{}}
	for _, b := range bins {
		c, dep, err := binaryComponent(b, version)
		if err != nil {
			return nil, err
		}
		bom.Components = append(bom.Components, c)
		bom.Dependencies = append(bom.Dependencies, dep)
		top.DependsOn = append(top.DependsOn, c.BOMRef)
	}
	for _, m := range modules(bins) {
		c, err := moduleComponent(m, version, lf)
		if err != nil {
			return nil, err
		}
		bom.Components = append(bom.Components, c)
	}
	bom.Dependencies = append([]cdxDependency{top}, bom.Dependencies...)
	out, err := json.MarshalIndent(bom, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// binaryComponent is one executable of the archive and the modules it links.
func binaryComponent(b binary, version string) (cdxComponent, cdxDependency, error) {
	sum, err := fileSHA256(b.Path)
	if err != nil {
		return cdxComponent{}, cdxDependency{}, err
	}
	props := []cdxProperty{
		{Name: "go:version", Value: b.Info.GoVersion},
		{Name: "go:path", Value: b.Info.Path},
		{Name: "go:main-module", Value: b.Info.Main.Path},
	}
	for _, s := range b.Info.Settings {
		props = append(props, cdxProperty{Name: "go:build:" + s.Key, Value: s.Value})
	}
	c := cdxComponent{
		Type:       "application",
		BOMRef:     "file:" + b.Name,
		Name:       b.Name,
		Version:    version,
		Hashes:     []cdxHash{{Alg: "SHA-256", Content: sum}},
		Properties: props,
	}
	dep := cdxDependency{Ref: c.BOMRef, DependsOn: []string{purl("std", b.Info.GoVersion, version)}}
	for _, d := range b.Info.Deps {
		d = effective(d)
		dep.DependsOn = append(dep.DependsOn, purl(d.Path, d.Version, version))
	}
	return c, dep, nil
}

// moduleComponent is one module; the project's own modules carry the
// release version (the build saw them as "(devel)" in the workspace).
func moduleComponent(m *linkedModule, version string, lf *licenseFinder) (cdxComponent, error) {
	c := cdxComponent{Type: "library", Name: m.Path, Version: moduleVersion(m.Path, m.Version, version)}
	c.PURL = purl(m.Path, m.Version, version)
	c.BOMRef = c.PURL
	if m.Sum != "" {
		c.Properties = append(c.Properties, cdxProperty{Name: "go:sum", Value: m.Sum})
	}
	ids := []string{projectLicense}
	if !isOwn(m.Path) {
		files, err := lf.files(m.Path, m.Version)
		if err != nil {
			return c, err
		}
		ids = licenseIDs(files)
	}
	for _, id := range ids {
		c.Licenses = append(c.Licenses, cdxLicense{License: cdxLicenseID{ID: id}})
	}
	return c, nil
}

func moduleVersion(path, v, release string) string {
	if isOwn(path) && (v == "" || v == "(devel)") {
		return release
	}
	return v
}

// purl is the package URL of a Go module version (pkg:golang/PATH@VERSION).
func purl(path, v, release string) string {
	return "pkg:golang/" + path + "@" + moduleVersion(path, v, release)
}

// serialNumber is a UUID (version 5 layout) derived from the release and
// platform, so the same release always gets the same SBOM.
func serialNumber(version, platform string) string {
	h := sha256.Sum256([]byte("llmgw sbom " + version + " " + platform))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return fmt.Sprintf("urn:uuid:%s-%s-%s-%s-%s", x[0:8], x[8:12], x[12:16], x[16:20], x[20:32])
}

// sourceDateEpoch is $SOURCE_DATE_EPOCH (the commit's time in make release),
// else the Unix epoch: an SBOM never carries the time it was written.
func sourceDateEpoch() time.Time {
	if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		return time.Unix(s, 0)
	}
	return time.Unix(0, 0)
}

func relName(root, p string) string {
	if root != "" {
		if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	return filepath.Base(p)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
