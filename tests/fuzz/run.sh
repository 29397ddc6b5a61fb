#!/bin/sh
# Build every libFuzzer target tests/fuzz/*-fuzz.c and run each for a
# bounded time (FUZZ_SECONDS, default 5) in a temp dir, seeded from
# tests/fuzz/corpus/<name>/ when present (and the directories named on a
# `fuzz-seeds:` line of the target); then run each target once over
# tests/fuzz/regress/<name>/ (inputs that once crashed, leaked, timed out or
# ran out of memory). Fails on any finding; skips with a notice when clang
# is missing.
#
# A target names the sources it needs on a `/* fuzz-sources: ... */` line
# (continued over " * " lines); "gen:schema-data.c" is the compose schema
# compiled in, as the build makes it. Each source is compiled once, with the
# fuzzer's coverage and ASan/UBSan, into an archive every target links
# against (so a target gets only the objects it uses).
#
#   FUZZ_SECONDS=600 FUZZ_ONLY="loader hijack" FUZZ_KEEP=/tmp/f tests/fuzz/run.sh
# runs a longer campaign on some targets and keeps the work dir (corpus,
# findings, logs) in FUZZ_KEEP. FUZZ_TIMEOUT (seconds, default 10) is
# libFuzzer's per-input wall-clock limit: raise it for a campaign beside
# other work, where a starved input can pass 10 s without being slow.
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-5}
tmo=${FUZZ_TIMEOUT:-10}
only=${FUZZ_ONLY:-}

if ! command -v clang >/dev/null 2>&1; then
  echo "fuzz: clang is not installed; skipping the fuzz targets"
  exit 0
fi
pkgs="yaml-0.1 libcjson libuv libcurl libarchive"
cflags=$(pkg-config --cflags $pkgs) && libs=$(pkg-config --libs $pkgs) || {
  echo "fuzz: pkg-config cannot find the libraries" >&2
  exit 1
}

if [ -n "${FUZZ_KEEP:-}" ]; then
  work=$FUZZ_KEEP
  mkdir -p "$work" || exit 1
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/wcompose-fuzz.XXXXXX") || exit 1
  trap 'rm -rf "$work"' EXIT INT TERM
fi
mkdir -p "$work/obj" "$work/gen"
# the sonames of the libraries loaded on first use, read as configure does
soname() {
  readelf -d "$(pkg-config --variable=libdir "$1")/$1.so" 2>/dev/null |
    sed -n 's/.*Library soname: .\(.*\).$/\1/p'
}
printf '#define PACKAGE_VERSION "fuzz"\n#define CURL_SONAME "%s"\n#define ARCHIVE_SONAME "%s"\n' \
  "$(soname libcurl)" "$(soname libarchive)" >"$work/gen/config.h"
san="-g -O1 -fno-sanitize-recover=undefined -Werror=implicit-function-declaration -I$top/src -I$work/gen"

sources_of() { # the fuzz-sources list of a target
  awk '
    !on && /fuzz-sources:/ { on = 1; sub(/.*fuzz-sources:/, "") }
    on {
      sub(/^[ \t]*\*([ \t]|$)/, "")
      if (sub(/\*\/.*/, "")) { print; exit }
      print
    }' "$1"
}

targets=
for src in "$top"/tests/fuzz/*-fuzz.c; do
  [ -f "$src" ] || continue
  name=$(basename "$src" -fuzz.c)
  if [ -n "$only" ]; then
    case " $only " in *" $name "*) ;; *) continue ;; esac
  fi
  targets="$targets $name"
done

# every source once (two at a time), into one archive
all=$(for t in $targets; do sources_of "$top/tests/fuzz/$t-fuzz.c"; done |
  tr ' \t' '\n\n' | sed '/^$/d' | sort -u)
if printf '%s\n' "$all" | grep -qx 'gen:schema-data.c' &&
  [ ! -f "$work/gen/schema-data.c" ]; then
  # shellcheck disable=SC2086
  clang $cflags -o "$work/gen/schema-gen" "$top/src/compose/schema-gen.c" \
    $libs && "$work/gen/schema-gen" "$top/schemas/compose-spec.json" \
    >"$work/gen/schema-data.c" || exit 1
fi
objs=
for s in $all; do
  objs="$objs $work/obj/$(printf '%s' "$s" | tr '/:' '__').o"
done
export top work san cflags
# shellcheck disable=SC2016 # expanded by the inner shell
printf '%s\n' $all | xargs -P 2 -n 1 sh -c '
  s=$1
  case $s in gen:*) in="$work/gen/${s#gen:}" ;; *) in="$top/$s" ;; esac
  o="$work/obj/$(printf "%s" "$s" | tr "/:" "__").o"
  [ -f "$o" ] && [ "$o" -nt "$in" ] && exit 0
  if ! clang $san -fsanitize=fuzzer-no-link,address,undefined $cflags \
    -c "$in" -o "$o" 2>"$o.log"; then
    echo "fuzz: $s: build failed"
    cat "$o.log"
    exit 1
  fi' sh || exit 1
status=0
rm -f "$work/libfuzz.a"
# shellcheck disable=SC2086
ar rcs "$work/libfuzz.a" $objs || exit 1

for name in $targets; do
  src="$top/tests/fuzz/$name-fuzz.c"
  # shellcheck disable=SC2086
  if ! clang $san -fsanitize=fuzzer,address,undefined $cflags "$src" \
    "$work/libfuzz.a" $libs -o "$work/$name" 2>"$work/$name.build.log"; then
    echo "fuzz: $name: build failed"
    cat "$work/$name.build.log"
    status=1
    continue
  fi
  # the regression inputs first: each must pass
  reg="$top/tests/fuzz/regress/$name"
  if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
    if (cd "$work" && "./$name" -timeout=10 -rss_limit_mb=2048 "$reg"/*) \
      >"$work/$name.regress.log" 2>&1; then
      echo "fuzz: $name: $(ls "$reg" | wc -l) regression inputs pass"
    else
      echo "fuzz: $name: a regression input FAILED"
      tail -n 40 "$work/$name.regress.log"
      status=1
      continue
    fi
  fi
  mkdir -p "$work/corpus-$name"
  seeds=
  [ -d "$top/tests/fuzz/corpus/$name" ] && seeds="$top/tests/fuzz/corpus/$name"
  # more seed directories may be named on a `fuzz-seeds: dir...` line
  for d in $(sed -n 's/.*fuzz-seeds: *\([^*]*\).*/\1/p' "$src"); do
    [ -d "$top/$d" ] && seeds="$seeds $top/$d"
  done
  dict=
  [ -f "$top/tests/fuzz/$name.dict" ] && dict="-dict=$top/tests/fuzz/$name.dict"
  # shellcheck disable=SC2086
  if (cd "$work" && "./$name" -max_total_time="$secs" -timeout="$tmo" \
    -rss_limit_mb=2048 -print_final_stats=1 $dict "corpus-$name" $seeds) \
    >"$work/$name.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
    cov=$(grep -o 'cov: [0-9]*' "$work/$name.log" | tail -n 1)
    echo "fuzz: $name: ok (${runs:-?} runs in ${secs}s, ${cov:-cov: ?})"
  else
    echo "fuzz: $name: FAILED"
    tail -n 60 "$work/$name.log"
    for c in "$work"/crash-* "$work"/timeout-* "$work"/leak-* \
      "$work"/oom-*; do
      [ -f "$c" ] && echo "fuzz: input: $(od -c "$c" | head -n 20)"
    done
    status=1
  fi
done
exit $status
