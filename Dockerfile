# llmgw container image.
#
#   docker build -t llmgw .                  # from source: the Go stage, then the runtime image
#   docker compose up                        # the gateway with Redis and MLflow (docker-compose.yml)
#
# Two stages. `build` compiles static binaries (CGO_ENABLED=0, -trimpath) of the
# host, every plugin and the upstream simulator with scripts/image-rootfs.sh.
# `runtime` is FROM scratch: it only copies that stage's /out, so it needs no
# base image. Where no image can be pulled, build the same files on the host and
# hand them in as the `build` stage (a named build context replaces the stage of
# the same name, in Docker BuildKit and in Podman/Buildah alike):
#
#   scripts/image-rootfs.sh ctx/out
#   podman build --format docker --target runtime --build-context build=ctx -t llmgw -f Dockerfile ctx
#
# (--format docker keeps the HEALTHCHECK; the OCI image format has no field for it.)

ARG GO_IMAGE=golang:1.26.8-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
# The version stamped into bin/llmgw (the build context has no .git).
ARG VERSION=dev
ARG COMMIT=unknown
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    VERSION="$VERSION" COMMIT="$COMMIT" bash scripts/image-rootfs.sh /out

FROM scratch AS runtime
COPY --from=build /out/rootfs/ /
# The gateway's and its plugins' state (the tracker's spool): the only
# directory the non-root user may write besides /tmp.
COPY --from=build --chown=10001:10001 /out/data/ /app/data/
WORKDIR /app
# Serve on every interface inside the container. Protected mode refuses a
# non-loopback address without required keys unless LLMGW_ALLOW_ANONYMOUS=1;
# this image opts in, as `make run` does on loopback. Set
# LLMGW_REQUIRE_KEYS=1 to require virtual keys instead (docs/keys.md).
ENV LLMGW_CONFIG=/app/pipeline.hcl \
    LLMGW_LISTEN=0.0.0.0:8000 \
    LLMGW_DATA_DIR=/app/data \
    LLMGW_ALLOW_ANONYMOUS=1 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 10001:10001
EXPOSE 8000
# No shell and no curl in the image: `llmgw health` GETs /health and exits 0 on 200.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/app/bin/llmgw", "health"]
ENTRYPOINT ["/app/bin/llmgw"]
CMD ["serve"]
LABEL org.opencontainers.image.title="llmgw" \
      org.opencontainers.image.description="An LLM gateway built as a plugin pipeline: host, plugins and the default pipeline"
