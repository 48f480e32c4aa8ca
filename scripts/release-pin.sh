#!/usr/bin/env bash
# make release-pin VERSION=vX.Y.Z — turn the checked-out commit into the
# release commit of every Go module (docs/releasing.md):
#
#   1. every requirement of one llmgw module on another is set to VERSION,
#      and the local `replace … => ../…` lines are dropped, so that each module
#      builds from the module proxy alone once its siblings' tags are pushed;
#   2. the go.sum lines for the SDK at VERSION are written by `go mod tidy`
#      against a scratch proxy holding sdk/go exactly as the proxy will serve
#      it from the tag (tools/release modproxy; sdk/go requires no sibling, so
#      the pin does not change it);
#   3. every module is checked: tidy, and `go build ./...` with GOWORK=off,
#      no replace, and only that scratch proxy plus the module cache.
#
# It needs a clean tree (the SDK is taken from HEAD) and never touches the
# network for our own modules; the real module cache is not written (a
# scratch GOMODCACHE is used and removed). Commit the result and tag it.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${1:-${VERSION:-}}"
if [[ ! "$VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "release-pin: VERSION must be a semantic version like v0.2.0 (got '${VERSION}')" >&2
  exit 2
fi
if [ -n "$(git status --porcelain)" ]; then
  echo "release-pin: the working tree has changes; commit or stash them first (the SDK is taken from HEAD)" >&2
  git status --short >&2
  exit 1
fi

PREFIX=github.com/llmgw/llmgw
SDK=$PREFIX/sdk/go
mapfile -t modules < <(git ls-files -- '*go.mod' | grep -v '/testdata/' | xargs -rn1 dirname | sort -u)

scratch="$(mktemp -d)"
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
real_cache="$(go env GOMODCACHE)"
go build -o "$scratch/release-tool" ./tools/release
"$scratch/release-tool" modproxy -dir "$scratch/proxy" -module "$SDK" -version "$VERSION" -repo . -rev HEAD -subdir sdk/go

# Our modules come from the scratch proxy only; everything else from the
# module cache's downloads, then the configured proxy.
export GOWORK=off GOFLAGS=-mod=mod GONOSUMDB="$PREFIX" GOMODCACHE="$scratch/modcache" \
  GOPROXY="file://$scratch/proxy,file://$real_cache/cache/download,$(go env GOPROXY)"

# sibling_paths MODULE_DIR: the llmgw module paths its go.mod requires or replaces.
sibling_paths() {
  go mod edit -json "$1/go.mod" | jq -r --arg p "$PREFIX/" \
    '[(.Require // [])[].Path, (.Replace // [])[].Old.Path] | unique[] | select(startswith($p))'
}

pinned=()
for m in "${modules[@]}"; do
  mapfile -t siblings < <(sibling_paths "$m")
  [ ${#siblings[@]} -eq 0 ] && continue
  args=()
  for s in "${siblings[@]}"; do
    if [ "$s" != "$SDK" ]; then
      echo "release-pin: $m requires $s; only the SDK may be required by a sibling (see docs/releasing.md)" >&2
      exit 1
    fi
    args+=("-require=$s@$VERSION" "-dropreplace=$s")
  done
  go mod edit "${args[@]}" "$m/go.mod"
  (cd "$m" && go mod tidy)
  pinned+=("$m")
done

for m in "${modules[@]}"; do
  if grep -q '^replace .* => \.' "$m/go.mod" || grep -qE '^\s*github.com/llmgw/llmgw/[^ ]+ .* => \.' "$m/go.mod"; then
    echo "release-pin: $m/go.mod still has a local replace" >&2
    exit 1
  fi
  (cd "$m" && go mod tidy -diff >/dev/null && go build -o "$scratch/bin/" ./...) || { echo "release-pin: $m does not build outside the workspace" >&2; exit 1; }
done
echo "release-pin: ${#pinned[@]} modules now require $SDK $VERSION without a replace: ${pinned[*]}"
echo "release-pin: all ${#modules[@]} modules are tidy and build with GOWORK=off. Next: commit, then tag (docs/releasing.md)."
