#!/bin/sh
# The project's own conformance cases. good/<name>.yaml loads, and
# `config --format json` equals good/<name>.expected.json (paths under
# /WORKDIR), and `config` equals good/<name>.expected.yaml when there is one; bad/<name>.yaml fails with the exit code and the first stderr
# line (warnings aside) held in bad/<name>.expect. A <name>.args file adds
# global flags. REGEN=1 rewrites the expected files from the output.
. "$TOP_SRCDIR/tests/lib/common.sh"

conf="$TOP_SRCDIR/tests/conformance"
run_case() { # DIR NAME CMD...: run wcompose in DIR with a clean environment
  d=$1
  n=$2
  shift 2
  args=
  [ -f "$d/$n.args" ] && args=$(cat "$d/$n.args")
  # shellcheck disable=SC2086
  (cd "$d" && env -i PATH="$PATH" HOME=/HOME "$WCOMPOSE" -f "$n.yaml" \
    $args "$@")
}

for want in "$conf"/good/*.expected.json; do
  [ -f "$want" ] || continue
  n=$(basename "$want" .expected.json)
  d=$(cd "$conf/good" && pwd -P)
  if ! got=$(run_case "$d" "$n" config --format json 2>"$T_TMP/err"); then
    t_fail "good/$n loads" "$(cat "$T_TMP/err")"
    continue
  fi
  got=$(printf '%s\n' "$got" | sed "s|$d|/WORKDIR|g")
  if [ -n "${REGEN:-}" ]; then
    printf '%s\n' "$got" >"$want"
  fi
  check_eq "good/$n: config matches $n.expected.json" "$got" "$(cat "$want")"
  # a case that also holds what only YAML shows (x-* blocks): config's YAML
  wanty="$conf/good/$n.expected.yaml"
  [ -f "$wanty" ] || continue
  got=$(run_case "$d" "$n" config 2>&1 | sed "s|$d|/WORKDIR|g")
  if [ -n "${REGEN:-}" ]; then
    printf '%s\n' "$got" >"$wanty"
  fi
  check_eq "good/$n: config matches $n.expected.yaml" "$got" "$(cat "$wanty")"
done

for expect in "$conf"/bad/*.expect; do
  [ -f "$expect" ] || continue
  n=$(basename "$expect" .expect)
  d=$(cd "$conf/bad" && pwd -P)
  run_case "$d" "$n" config -q >/dev/null 2>"$T_TMP/err"
  rc=$?
  line=$(grep -v '^WARN' "$T_TMP/err" | head -n 1 | sed "s|$d|/WORKDIR|g")
  if [ -n "${REGEN:-}" ]; then
    printf '%s\n%s\n' "$rc" "$line" >"$expect"
  fi
  check_eq "bad/$n: exit code and first error line" "$rc
$line" "$(cat "$expect")"
done
