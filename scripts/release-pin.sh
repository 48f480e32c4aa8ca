#!/usr/bin/env bash
# make release-pin VERSION=vX.Y.Z — turn the checked-out commit into the
# release commit of every Go module (docs/releasing.md):
#
#   1. every requirement of one llmgw module on another (the SDK; the
#      simulator, which provider plugins test against; plugins/ratelimit,
#      which virtual-keys builds on) is set to VERSION, and the local
#      `replace … => ../…` lines are dropped, so that each module builds from
#      the module proxy alone once its siblings' tags are pushed;
#   2. the go.sum lines for those siblings at VERSION are written by
#      `go mod tidy` against a scratch proxy holding each of them exactly as
#      the proxy will serve it from the tag (tools/release modproxy). Modules
#      are pinned in dependency order and a required module is packed after
#      its own pin, from a git tree of the working tree (not committed), so a
#      sibling that itself requires one (plugins/ratelimit) is packed with the
#      go.mod and go.sum the tagged commit will hold;
#   3. every module is checked: tidy, and `go build ./...` with GOWORK=off,
#      no replace, and only that scratch proxy plus the module cache.
#
# It needs a clean tree and never touches the network for our own modules;
# the real module cache is not written (a scratch GOMODCACHE is used and
# removed), nor the index or any ref. Commit the result and tag it.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${1:-${VERSION:-}}"
if [[ ! "$VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "release-pin: VERSION must be a semantic version like v0.2.0 (got '${VERSION}')" >&2
  exit 2
fi
if [ -n "$(git status --porcelain)" ]; then
  echo "release-pin: the working tree has changes; commit or stash them first (the release commit is made from HEAD)" >&2
  git status --short >&2
  exit 1
fi

PREFIX=github.com/llmgw/llmgw
mapfile -t modules < <(git ls-files -- '*go.mod' | grep -v '/testdata/' | xargs -rn1 dirname | sort -u)

scratch="$(mktemp -d)"
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
real_cache="$(go env GOMODCACHE)"
go build -o "$scratch/release-tool" ./tools/release

# Our modules come from the scratch proxy only; everything else from the
# module cache's downloads, then the configured proxy. -trimpath keeps the
# build cache's keys free of the scratch module cache's path, so the checks
# reuse what earlier builds of the same dependencies compiled.
export GOWORK=off GOFLAGS="-mod=mod -trimpath" GONOSUMDB="$PREFIX" GOMODCACHE="$scratch/modcache" \
  GOPROXY="file://$scratch/proxy,file://$real_cache/cache/download,$(go env GOPROXY)"

# sibling_paths MODULE_DIR: the llmgw module paths its go.mod requires or replaces.
sibling_paths() {
  go mod edit -json "$1/go.mod" | jq -r --arg p "$PREFIX/" \
    '[(.Require // [])[].Path, (.Replace // [])[].Old.Path] | unique[] | select(startswith($p))'
}

# tree: a git tree of the tracked files as they are now (what the release
# commit will hold), written through a scratch index.
tree() {
  local idx="$scratch/index"
  rm -f "$idx"
  GIT_INDEX_FILE="$idx" git read-tree HEAD
  GIT_INDEX_FILE="$idx" git add -u
  GIT_INDEX_FILE="$idx" git write-tree
}

# pack MODULE_DIR: put the module in the scratch proxy at VERSION, made from
# the working tree as the go command will make it from the tag.
pack() {
  "$scratch/release-tool" modproxy -dir "$scratch/proxy" -module "$PREFIX/$1" -version "$VERSION" \
    -repo . -rev "$(tree)" -subdir "$1" >/dev/null
}

# The modules some sibling requires: they go into the scratch proxy.
declare -A required=() packed=()
for m in "${modules[@]}"; do
  while read -r s; do [ -n "$s" ] && required[$s]=1; done < <(sibling_paths "$m")
done
for s in "${!required[@]}"; do
  if [ ! -f "${s#"$PREFIX/"}/go.mod" ]; then
    echo "release-pin: $s is required but is not a module of this repository" >&2
    exit 1
  fi
done

# Pin in dependency order: a module once every sibling it requires is packed.
pinned=()
remaining=("${modules[@]}")
while [ ${#remaining[@]} -gt 0 ]; do
  next=()
  for m in "${remaining[@]}"; do
    mapfile -t siblings < <(sibling_paths "$m")
    ready=1
    for s in "${siblings[@]}"; do [ -n "${packed[$s]:-}" ] || ready=0; done
    if [ $ready -eq 0 ]; then
      next+=("$m")
      continue
    fi
    if [ ${#siblings[@]} -gt 0 ]; then
      args=()
      for s in "${siblings[@]}"; do args+=("-require=$s@$VERSION" "-dropreplace=$s"); done
      go mod edit "${args[@]}" "$m/go.mod"
      (cd "$m" && go mod tidy)
      pinned+=("$m")
    fi
    if [ -n "${required[$PREFIX/$m]:-}" ]; then
      pack "$m"
      packed[$PREFIX/$m]=1
    fi
  done
  if [ ${#next[@]} -eq ${#remaining[@]} ]; then
    echo "release-pin: the llmgw modules require each other in a cycle: ${next[*]}" >&2
    exit 1
  fi
  remaining=("${next[@]}")
done

for m in "${modules[@]}"; do
  if grep -q '^replace .* => \.' "$m/go.mod" || grep -qE '^\s*github.com/llmgw/llmgw/[^ ]+ .* => \.' "$m/go.mod"; then
    echo "release-pin: $m/go.mod still has a local replace" >&2
    exit 1
  fi
  # Binaries go to the scratch directory; a module without a main package
  # is only compiled (go build -o DIR refuses "no main packages").
  (cd "$m" && go mod tidy -diff >/dev/null &&
    if go list -f '{{.Name}}' ./... | grep -qx main; then go build -o "$scratch/bin/" ./...; else go build ./...; fi) ||
    { echo "release-pin: $m does not build outside the workspace" >&2; exit 1; }
done
echo "release-pin: ${#pinned[@]} modules now require their llmgw siblings (${!packed[*]}) at $VERSION without a replace: ${pinned[*]}"
echo "release-pin: all ${#modules[@]} modules are tidy and build with GOWORK=off. Next: commit, then tag (docs/releasing.md)."
