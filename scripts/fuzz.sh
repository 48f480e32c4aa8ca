#!/usr/bin/env bash
# make fuzz: run every fuzz target for FUZZTIME each (default 30s). The seed
# corpora under testdata/fuzz also run as plain tests in make test.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-30s}"
targets=(
  "./core/api FuzzDecodeGenerate"
  "./core/api FuzzDecodeChat"
  "./core/config FuzzParse"
  "./sdk/go/provkit/sse FuzzReader"
  "./plugins/guard-injection/detect FuzzNormalizeDetect"
  "./plugins/provider-gemini/geminiprovider FuzzConvertSchema"
  "./plugins/provider-openai/openaiprovider FuzzDecodeChunk"
  "./plugins/provider-openai/openaiprovider FuzzEncodeRequest"
  "./sdk/go/lane FuzzReadFrame"
  "./sdk/go/lane FuzzClientInput"
)
i=0
for t in "${targets[@]}"; do
  i=$((i + 1))
  read -r pkg name <<<"$t"
  printf '==> [%d/%d] %s %s for %s\n' "$i" "${#targets[@]}" "$pkg" "$name" "$fuzztime"
  # The last two lines when it passes; all of it when it fails (a bare
  # "exit status 1" says nothing).
  if out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" 2>&1); then
    printf '%s\n' "$out" | tail -n 2
  else
    printf '%s\n' "$out"
    exit 1
  fi
done
