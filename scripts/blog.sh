#!/bin/sh
# The main job: build wcompose and bring the blog sample up
# (samples/blog-build-serve); the page is on http://localhost:8000.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
scripts/build.sh
cd samples/blog-build-serve
if [ -x ./setup.sh ]; then ./setup.sh; fi
exec "$top/build/wcompose" up --build "$@"
