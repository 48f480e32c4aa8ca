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
