// Command release writes the parts of a release that come from the built
// binaries themselves (make release runs it; see docs/releasing.md):
//
//	release sbom     -o FILE -version V -platform OS/ARCH -root DIR BIN...
//	release notices  -o FILE BIN...
//	release modproxy -dir DIR -module PATH -version V [-repo DIR] [-rev REV] [-subdir DIR]
//
// sbom writes a CycloneDX 1.5 JSON SBOM of the binaries; notices writes the
// licence texts of every module linked into them (their MIT/BSD/Apache
// licences ask for it in binary distributions). Both read the build
// information Go embeds in each executable — what `go version -m` prints —
// and the module cache for the licence files; both are deterministic, so two
// releases of one commit are byte-identical.
package main

import (
	"debug/buildinfo"
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: release sbom|notices|modproxy [flags] ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "sbom":
		err = sbomMain(os.Args[2:])
	case "notices":
		err = noticesMain(os.Args[2:])
	case "modproxy":
		err = modproxyMain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (sbom, notices, modproxy)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func sbomMain(args []string) error {
	fs := flag.NewFlagSet("sbom", flag.ContinueOnError)
	out := fs.String("o", "", "output file")
	version := fs.String("version", "", "the release version (vX.Y.Z)")
	platform := fs.String("platform", "", "GOOS/GOARCH of the binaries")
	root := fs.String("root", "", "directory the binaries' names are relative to (the archive's top directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *version == "" || *platform == "" || fs.NArg() == 0 {
		return errors.New("usage: release sbom -o FILE -version V -platform OS/ARCH [-root DIR] BIN...")
	}
	bins, err := readBinaries(*root, fs.Args())
	if err != nil {
		return err
	}
	bom, err := buildSBOM(bins, *version, *platform, sourceDateEpoch(), newLicenseFinder())
	if err != nil {
		return err
	}
	return writeFile(*out, bom)
}

func noticesMain(args []string) error {
	fs := flag.NewFlagSet("notices", flag.ContinueOnError)
	out := fs.String("o", "", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return errors.New("usage: release notices -o FILE BIN...")
	}
	bins, err := readBinaries("", fs.Args())
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := writeNotices(f, bins, newLicenseFinder()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// binary is one executable and the build information Go embedded in it.
type binary struct {
	Name string // path relative to the archive's root, slash-separated
	Path string
	Info *buildinfo.BuildInfo
}

func readBinaries(root string, paths []string) ([]binary, error) {
	var bins []binary
	for _, p := range paths {
		info, err := buildinfo.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%s: no Go build information: %w", p, err)
		}
		bins = append(bins, binary{Name: relName(root, p), Path: p, Info: info})
	}
	return bins, nil
}

func writeFile(path string, b []byte) error {
	if path == "-" {
		_, err := os.Stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
