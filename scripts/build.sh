#!/bin/sh
# Configure and build wcompose out of tree: in build/ by default, or in the
# directory given first, with extra configure flags after it
# (scripts/build.sh build-san --enable-sanitizers).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] || autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
if [ -f config.status ]; then
  # an in-tree configure blocks out-of-tree builds
  echo "build.sh: cleaning the in-tree build first" >&2
  make -s distclean >/dev/null 2>&1 || rm -f config.status
fi
dir=${1:-build}
[ $# -gt 0 ] && shift
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
  "$top/configure" -q "$@"
fi
make -s -j"$(nproc)"
