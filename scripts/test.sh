#!/bin/sh
# The whole test suite: installs what it needs, builds, finds (or starts) an
# engine, runs unit, conformance, engine and fuzz tests, and (plain build)
# the packaging checks of scripts/package.sh.
#   scripts/test.sh               plain build in the source tree
#   scripts/test.sh --sanitizers  ASan+UBSan build in build-san/
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
dir=build
flags=
if [ "${1:-}" = "--sanitizers" ]; then
  dir=build-san
  flags=--enable-sanitizers
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
scripts/build.sh "$dir" $flags
. tests/lib/images.sh
. tests/lib/engine.sh
engine_ensure
busybox_image_ensure
trap engine_release EXIT
export WCOMPOSE_TEST_BUSYBOX
cd "$dir"
status=0
make -s -j2 check || status=$?
if [ $status -ne 0 ]; then
  for f in $(find . -name '*.log' -path '*tests*'); do
    if grep -q '^not ok\|^FAIL\|ERROR' "$f" 2>/dev/null; then
      echo "=== $f"; tail -40 "$f"
    fi
  done
fi
if [ $status -eq 0 ] && [ -z "$flags" ] && [ -x "$top/tests/fuzz/run.sh" ]; then
  "$top/tests/fuzz/run.sh" || status=$?
fi
# make distcheck, the Debian package and its install (plain build only)
if [ $status -eq 0 ] && [ -z "$flags" ]; then
  sh "$top/scripts/package.sh" "$dir" || status=$?
fi
[ $status -eq 0 ] && echo "wcompose: all tests passed"
exit $status
