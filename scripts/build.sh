#!/bin/sh
# Configure and build wcompose in the source tree (or in $1 with extra
# configure flags after it, for sanitizer builds).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] || autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
dir=${1:-.}
shift 2>/dev/null || true
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
  "$top/configure" -q "$@"
fi
make -s -j"$(nproc)"
