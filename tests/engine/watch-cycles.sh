#!/bin/sh
# One `wcompose watch` session on the engine: 20 saves after a quiet
# spell each, timed from the save until the container's file holds the new
# text (bench/watchlat.py, read on the host, no docker exec), with the
# engine alone doing the same upload beside each; then 1000 save -> sync
# cycles back to back (each save follows the last sync closely, so it is
# taken for the rest of a burst: x-wcompose-watch's quiet is 40 ms here to
# keep the run short), with the watcher's resident memory and open file
# descriptors at 0, 500 and 1000: flat.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

trap 'W down -t 0 >/dev/null 2>&1; t_finish' EXIT

# under AddressSanitizer freed memory waits in a quarantine before reuse:
# keep it small so that what is measured is what wcompose holds, and allow
# for it
slack=256
if [ -n "${ASAN_OPTIONS:-}" ]; then
  export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=1"
  slack=1536
fi

# (check and check_eq use $out: the answer is $res)
res=$(python3 "$TOP_SRCDIR/bench/watchlat.py" --tool "$WCOMPOSE" \
  --image "$BB" --project "$T_PROJECT" --keep-dir "$T_TMP/lat" \
  --edits 20 --cycles 1000 --probe-every 500 --cycle-quiet 40 \
  2>"$T_TMP/lat.err")
rc=$?
check_eq "20 saves and 1000 cycles, each synced" "$rc" 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T_TMP/lat.err"
echo "# $res"

# field EXPR: EXPR (python, on the answer d) printed
field() {
  printf '%s\n' "$res" | python3 -c \
    "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" \
    "$1" 2>/dev/null
}
median=$(field 'd["median_ms"]')
p90=$(field 'd["p90_ms"]')
floor=$(field 'd.get("floor_median_ms", "")')
echo "# save -> in the container: median $median ms, p90 $p90 ms (the engine's upload alone: median ${floor:-?} ms)"
# the settle and our own work on top of the engine's upload stay small;
# the upload itself is the machine's: set against it (timed after each
# save, in this run, under the same load), what wcompose adds is less than
# the upload itself (the sync channel is well under the upload alone; a
# sync that waited for compose's 500 ms quiet would be over twice it on a
# quiet machine, where the upload takes 100-150 ms)
check "the median is under twice the engine's upload alone" \
  awk -v m="${median:-99999}" -v f="${floor:-0}" 'BEGIN { exit !(m < 2 * f) }'
check_eq "one sync per save (2 warm-up, 20, 1000)" "$(field 'd["syncs"]')" 1022

rss0=$(field 'd["probes"][0]["rss_kb"]')
rss500=$(field 'd["probes"][1]["rss_kb"]')
rss1000=$(field 'd["probes"][2]["rss_kb"]')
fd0=$(field 'd["probes"][0]["fds"]')
fd500=$(field 'd["probes"][1]["fds"]')
fd1000=$(field 'd["probes"][2]["fds"]')
echo "# resident memory (kB) at 0/500/1000 cycles: $rss0 $rss500 $rss1000; open fds: $fd0 $fd500 $fd1000"
check "resident memory flat from 500 to 1000 cycles (+$slack kB at most)" \
  test "${rss1000:-999999}" -le $((${rss500:-0} + slack))
check "resident memory grew less than 2 MB (+slack) over 1000 cycles" \
  test "${rss1000:-999999}" -le $((${rss0:-0} + 2048 + slack))
# (an idle keep-alive connection of the start may have closed since)
check "open fds after 500 cycles no more than at the start" \
  test "${fd500:-999}" -le "${fd0:-0}"
# (that connection may close any time: fds never grow, they may drop by it)
check "open fds after 1000 cycles no more than after 500" \
  test "${fd1000:-999}" -le "${fd500:-0}"
