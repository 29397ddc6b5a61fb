#!/bin/sh
# Build every libFuzzer target tests/fuzz/*-fuzz.c (its sources are named on
# a `/* fuzz-sources: ... */` line) and run each for a bounded time
# (FUZZ_SECONDS, default 15) in a temp dir, seeded from tests/fuzz/corpus/<name>/
# when present. Fails on a crash; skips with a notice when clang is missing.
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-15}

if ! command -v clang >/dev/null 2>&1; then
  echo "fuzz: clang is not installed; skipping the fuzz targets"
  exit 0
fi
deps=$(pkg-config --cflags --libs yaml-0.1 libcjson libuv libcurl \
  libarchive) || {
  echo "fuzz: pkg-config cannot find the libraries" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/wcompose-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

status=0
for src in "$top"/tests/fuzz/*-fuzz.c; do
  [ -f "$src" ] || continue
  name=$(basename "$src" -fuzz.c)
  # the list may go on over continuation lines (" * ...") up to "*/"
  sources=$(awk '
    !on && /fuzz-sources:/ { on = 1; sub(/.*fuzz-sources:/, "") }
    on {
      sub(/^[ \t]*\*([ \t]|$)/, "")
      if (sub(/\*\/.*/, "")) { print; exit }
      print
    }' "$src")
  files=
  for s in $sources; do
    files="$files $top/$s"
  done
  # shellcheck disable=SC2086 # word splitting of flags and file lists
  if ! clang -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$top/src" "$src" $files $deps \
    -o "$work/$name" 2>"$work/$name.build.log"; then
    echo "fuzz: $name: build failed"
    cat "$work/$name.build.log"
    status=1
    continue
  fi
  mkdir -p "$work/corpus-$name"
  seeds=
  [ -d "$top/tests/fuzz/corpus/$name" ] && seeds="$top/tests/fuzz/corpus/$name"
  # shellcheck disable=SC2086
  if (cd "$work" && "./$name" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "corpus-$name" $seeds) \
    >"$work/$name.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
    echo "fuzz: $name: ok (${runs:-?} runs in ${secs}s)"
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
