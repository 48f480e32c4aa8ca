# Releases (docs/releasing.md).
#   make release VERSION=v0.2.0            four archives, their SBOMs and SHA256SUMS in dist/v0.2.0
#   make release VERSION=v0.2.0 PLATFORMS=linux/amd64 DIST=/tmp/out
#   make tidy-check                        go mod tidy -diff in every module, GOWORK=off
#   make release-pin VERSION=v0.2.0        the tagged commit's go.mod files (no replace, siblings at VERSION)

.PHONY: release release-pin tidy-check

## release: reproducible archives for linux and darwin on amd64 and arm64 (VERSION=vX.Y.Z)
release:
	@case "$(origin VERSION)" in "command line"|environment) ;; *) echo "make release: set VERSION=vX.Y.Z"; exit 2;; esac
	@VERSION=$(VERSION) bash scripts/release.sh

## release-pin: rewrite every go.mod for the release commit (see docs/releasing.md)
release-pin:
	@bash scripts/release-pin.sh $(VERSION)

## tidy-check: fail when go mod tidy would change any module's go.mod or go.sum outside the workspace
tidy-check:
	@bash scripts/tidy-check.sh
