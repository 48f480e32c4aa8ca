#!/usr/bin/env bash
# make release VERSION=vX.Y.Z — reproducible release archives (docs/releasing.md).
#
# For every platform (default: linux and darwin on amd64 and arm64) it
# cross-compiles bin/llmgw, every plugin under plugins/ and bin/upstream-sim
# with CGO_ENABLED=0, -trimpath and an empty build id, stamps the version,
# and packs llmgw-VERSION-OS-ARCH.tar.gz with the default pipeline.hcl, the
# docs, LICENSE, NOTICE, THIRD_PARTY_NOTICES and bin/plugins/SHA256SUMS (the
# sums the host checks before it starts a plugin). Beside the archives:
# one CycloneDX SBOM per archive (.cdx.json) and SHA256SUMS of all of them.
#
# Every timestamp is SOURCE_DATE_EPOCH (the commit's time unless set), and the
# tar entries have a fixed order, owner and mode, so two runs on one commit
# give byte-identical files.
#
# Environment: DIST (output dir, default dist/VERSION), PLATFORMS (e.g.
# "linux/amd64"), SOURCE_DATE_EPOCH, GO (default go).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${1:-${VERSION:-}}"
if [[ ! "$VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "release: VERSION must be a semantic version like v0.2.0 (got '${VERSION}')" >&2
  exit 2
fi
GO="${GO:-go}"
PLATFORMS="${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}"
DIST="${DIST:-dist/$VERSION}"
COMMIT="$(git rev-parse HEAD)"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "release: warning: the working tree has uncommitted changes; the commit is stamped ${COMMIT}-dirty" >&2
  COMMIT="${COMMIT}-dirty"
fi
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}"
export CGO_ENABLED=0 GOFLAGS= GOWORK="$PWD/go.work"
plugins=()
for m in plugins/*/main.go; do plugins+=("$(basename "$(dirname "$m")")"); done

mkdir -p "$DIST"
DIST="$(cd "$DIST" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$GO" build -trimpath -o "$work/release-tool" ./tools/release

# build_platform OS ARCH DIR: the binaries of one platform under DIR/bin.
build_platform() {
  local os=$1 arch=$2 dir=$3 common=(-trimpath -buildvcs=false)
  local ld="-s -w -buildid="
  mkdir -p "$dir/bin/plugins"
  GOOS=$os GOARCH=$arch "$GO" build "${common[@]}" -o "$dir/bin/llmgw" \
    -ldflags "$ld -X github.com/llmgw/llmgw/core/pipeline.Version=$VERSION -X main.commit=$COMMIT" ./core/cmd/llmgw
  GOOS=$os GOARCH=$arch "$GO" build "${common[@]}" -o "$dir/bin/upstream-sim" -ldflags "$ld" ./tools/upstream-sim
  for p in "${plugins[@]}"; do
    GOOS=$os GOARCH=$arch "$GO" build "${common[@]}" -o "$dir/bin/plugins/$p" \
      -ldflags "$ld -X main.Version=$VERSION" "./plugins/$p"
  done
  (cd "$dir/bin/plugins" && sha256sum "${plugins[@]}" > SHA256SUMS)
}

# add_files DIR: everything but the binaries.
add_files() {
  local dir=$1
  cp pipeline.hcl README.md LICENSE NOTICE CHANGELOG.md SECURITY.md "$dir/"
  mkdir -p "$dir/docs"
  cp -r docs/. "$dir/docs/"
  "$work/release-tool" notices -o "$dir/THIRD_PARTY_NOTICES" "$dir/bin/llmgw" "$dir/bin/upstream-sim" "${plugins[@]/#/$dir/bin/plugins/}"
}

# pack DIR ARCHIVE: a tar.gz whose bytes depend only on the files' contents.
pack() {
  local dir=$1 archive=$2
  find "$dir" -type d -exec chmod 0755 {} +
  find "$dir" -type f -exec chmod 0644 {} +
  chmod 0755 "$dir"/bin/llmgw "$dir"/bin/upstream-sim "${plugins[@]/#/$dir/bin/plugins/}"
  tar --format=gnu --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    -C "$(dirname "$dir")" -cf - "$(basename "$dir")" | gzip -n -9 > "$archive"
}

for platform in $PLATFORMS; do
  os=${platform%/*} arch=${platform#*/}
  name="llmgw-$VERSION-$os-$arch"
  start=$SECONDS
  dir="$work/$name"
  build_platform "$os" "$arch" "$dir"
  add_files "$dir"
  "$work/release-tool" sbom -o "$DIST/$name.cdx.json" -version "$VERSION" -platform "$platform" -root "$dir" \
    "$dir/bin/llmgw" "$dir/bin/upstream-sim" "${plugins[@]/#/$dir/bin/plugins/}"
  pack "$dir" "$DIST/$name.tar.gz"
  echo "release: $name.tar.gz ($(( SECONDS - start ))s)"
done

(cd "$DIST" && sha256sum -- *.tar.gz *.cdx.json > SHA256SUMS)
echo "release: $VERSION (commit $COMMIT, SOURCE_DATE_EPOCH $SOURCE_DATE_EPOCH) in $DIST:"
(cd "$DIST" && cat SHA256SUMS)
