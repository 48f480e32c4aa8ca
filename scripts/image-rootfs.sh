#!/usr/bin/env bash
# scripts/image-rootfs.sh OUT — the container image's files.
#
# Builds static binaries (CGO_ENABLED=0, -trimpath) of the host, every Go
# plugin under plugins/ and the upstream simulator — or, with BIN=DIR, takes
# the ones `make build` already made there (they are static too) — and lays
# them out as the runtime image wants them:
#
#   OUT/rootfs/   everything owned by root: /app/bin/llmgw, /app/bin/upstream-sim,
#                 /app/bin/plugins/<name> + SHA256SUMS, /app/pipeline.hcl,
#                 /etc/passwd and /etc/group (the llmgw user, uid 10001),
#                 /etc/ssl/certs/ca-certificates.crt, /tmp (1777, the plugins' sockets)
#   OUT/data/     an empty directory that becomes /app/data, owned by the llmgw user
#
# The Dockerfile's build stage runs it (OUT=/out); so does a machine that cannot
# pull the Go image, which then builds only the runtime stage from these files:
#   make build && BIN=bin scripts/image-rootfs.sh ctx/out
#   podman build --format docker --target runtime --build-context build=ctx -t llmgw .
# VERSION and COMMIT stamp the host; CA_BUNDLE is the certificate bundle to copy.
set -euo pipefail

out=${1:?usage: scripts/image-rootfs.sh OUT}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"

VERSION=${VERSION:-$(git describe --always --dirty 2>/dev/null || echo dev)}
COMMIT=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
GO=${GO:-go}
[ -r "$CA_BUNDLE" ] || { echo "image-rootfs: no CA bundle at $CA_BUNDLE (install ca-certificates or set CA_BUNDLE)" >&2; exit 1; }

rm -rf "$out/rootfs" "$out/data"
mkdir -p "$out/rootfs/app/bin/plugins" "$out/rootfs/etc/ssl/certs" "$out/rootfs/tmp" "$out/data"

plugins=()
for m in plugins/*/main.go; do
	p=${m#plugins/}
	plugins+=("${p%/main.go}")
done

bin=$out/rootfs/app/bin
if [ -n "${BIN:-}" ]; then
	echo "image-rootfs: copying llmgw, upstream-sim and ${#plugins[@]} plugins from $BIN: ${plugins[*]}"
	cp "$BIN/llmgw" "$BIN/upstream-sim" "$bin/"
	for p in "${plugins[@]}"; do cp "$BIN/plugins/$p" "$bin/plugins/"; done
else
	export CGO_ENABLED=0
	build() { "$GO" build -trimpath "$@"; }
	echo "image-rootfs: building static llmgw, upstream-sim and ${#plugins[@]} plugins: ${plugins[*]}"
	build -ldflags "-s -w -X github.com/llmgw/llmgw/core/pipeline.Version=$VERSION -X main.commit=$COMMIT" \
		-o "$bin/llmgw" ./core/cmd/llmgw
	build -ldflags '-s -w' -o "$bin/upstream-sim" ./tools/upstream-sim
	for p in "${plugins[@]}"; do
		build -ldflags '-s -w' -o "$bin/plugins/$p" "./plugins/$p"
	done
fi
(cd "$bin/plugins" && sha256sum "${plugins[@]}" > SHA256SUMS)

cp pipeline.hcl "$out/rootfs/app/pipeline.hcl"
cp "$CA_BUNDLE" "$out/rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nllmgw:x:10001:10001:llmgw:/app/data:/sbin/nologin\n' > "$out/rootfs/etc/passwd"
printf 'root:x:0:\nllmgw:x:10001:\n' > "$out/rootfs/etc/group"
chmod 1777 "$out/rootfs/tmp"
chmod 0700 "$out/data"
echo "image-rootfs: $out/rootfs and $out/data ready ($(du -sh "$out/rootfs" | cut -f1))"
