package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/llmgw/llmgw/core/pipeline"
)

func TestPrintVersion(t *testing.T) {
	oldVersion, oldCommit := pipeline.Version, commit
	defer func() { pipeline.Version, commit = oldVersion, oldCommit }()
	pipeline.Version, commit = "v9.8.7", "0123abcd"
	var b bytes.Buffer
	printVersion(&b)
	want := []string{
		"llmgw v9.8.7\n",
		"commit:            0123abcd\n",
		"go:                " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n",
		"plugin protocols:  1\n",
	}
	if got := b.String(); got != strings.Join(want, "") {
		t.Errorf("llmgw version printed\n%s\nwant\n%s", got, strings.Join(want, ""))
	}
}

func TestScaffoldRequiresTheReleasedSDK(t *testing.T) {
	for host, want := range map[string]string{
		"v0.2.0":            "v0.2.0",
		"v1.4.0-rc.2":       "v1.4.0-rc.2",
		"v0.2.0-3-gabc1234": "v0.0.0", // git describe of a development build
		"v0.2.0-dirty":      "v0.0.0",
		"4115ba5":           "v0.0.0",
		"dev":               "v0.0.0",
	} {
		if got := sdkRequireVersion(host); got != want {
			t.Errorf("sdkRequireVersion(%q) = %q, want %q", host, got, want)
		}
	}
}
