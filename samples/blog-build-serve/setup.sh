#!/bin/sh
# Makes the base images the blog sample builds on when the engine lacks
# them: busybox:latest (for `volumes`) and debian:bookworm-slim with python3
# and docutils (for `build` and `serve`). Run as root; quick when done.
set -e
here=$(cd "$(dirname "$0")" && pwd)
. "$here/images.sh"
if ! docker version >/dev/null 2>&1; then
  echo "setup.sh: no Docker engine answers${DOCKER_HOST:+ at $DOCKER_HOST}" >&2
  exit 1
fi
busybox_ensure busybox:latest
debian_base_ensure debian:bookworm-slim
