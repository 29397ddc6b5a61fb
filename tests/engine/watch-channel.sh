#!/bin/sh
# wcompose watch's sync channel (watch/channel.h) on the engine: files of
# any content arrive byte for byte through it (binary, no trailing
# newline, empty, a name with spaces, one bigger than the connection's
# buffer), with their modes; a batch bigger than a channel takes goes by
# PUT archive; deletes apply; a container restarted (its channel gone)
# still gets the next save, and a new channel after it; a container
# without sh gets its files by PUT archive and no more than
# SYNC_CHANNEL_TRIES attempts at a channel; one sync per save throughout.
# What took which way is read from the trace (WCOMPOSE_TRACE).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  W down -t 0 --rmi local >/dev/null 2>&1
  t_finish
}
trap cleanup EXIT

ctr() { echo "$T_PROJECT-$1-1"; }
# sum SERVICE PATH: md5 of the container's file (the bare image has no sh:
# its busybox is called by path)
sum() {
  if [ "$1" = bare ]; then
    docker exec "$(ctr bare)" /busybox md5sum "$2" 2>/dev/null | cut -d' ' -f1
  else
    docker exec "$(ctr "$1")" md5sum "$2" 2>/dev/null | cut -d' ' -f1
  fi
}
hsum() { md5sum "$1" | cut -d' ' -f1; }
same() { [ "$(sum "$1" "$2")" = "$(hsum "$3")" ]; }
gone() { ! docker exec "$(ctr "$1")" test -e "$2"; }
count() { grep -c -- "$1" out.txt; }
# the trace's lines of the channel of SERVICE saying TEXT
chan() { grep -c -- "channel to $(ctr "$1"): $2" out.txt; }
# save TEXT WHAT: TEXT into fast/one.txt; it arrives, in one sync
save() {
  n0=$(count 'Syncing service "fast"')
  echo "$1" >fast/one.txt
  check "$2" wait_until 20 same fast /srv/fast/one.txt fast/one.txt
  check_eq "in one sync" "$(($(count 'Syncing service "fast"') - n0))" 1
}
extracted() { grep -c -- "tar to $(ctr "$1") through its channel: extracted" out.txt; }

mkdir -p fast bare/ctx
echo start >fast/start.txt
echo start >bare/start.txt
cat >bare/ctx/Dockerfile <<DF
FROM $BB AS bb
FROM scratch
COPY --from=bb /bin/busybox /busybox
DF
cat >compose.yaml <<YAML
services:
  fast:
    image: $BB
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    develop:
      watch:
        - path: ./fast
          target: /srv/fast
          action: sync
  bare:
    build: ./bare/ctx
    command: ["/busybox", "sleep", "86400"]
    stop_signal: SIGKILL
    develop:
      watch:
        - path: ./bare
          target: /srv/bare
          action: sync
          ignore: ["ctx/"]
YAML

WCOMPOSE_TRACE=1 "$WCOMPOSE" -p "$T_PROJECT" --progress plain watch \
  >out.txt 2>&1 </dev/null &
pid=$!
check "watch starts" wait_until 120 grep -q "Watch enabled" out.txt

# the first save goes by PUT archive and opens the channel
save one "a first save arrives"
check "the channel opens" wait_until 20 sh -c \
  "grep -q 'channel to $(ctr fast): starting -> ready' out.txt"

# one batch of files of every kind, through the channel
before=$(extracted fast)
head -c 300000 /dev/urandom >fast/blob.bin
printf 'no newline at the end' >fast/nonl.txt
: >fast/empty.txt
printf '#!/bin/sh\necho hi\n' >"fast/a name.sh"
chmod 751 "fast/a name.sh"
check "a binary file bigger than the connection's buffer arrives whole" \
  wait_until 20 same fast /srv/fast/blob.bin fast/blob.bin
check "a file without a trailing newline arrives whole" \
  wait_until 20 same fast /srv/fast/nonl.txt fast/nonl.txt
check "an empty file arrives" wait_until 20 same fast /srv/fast/empty.txt fast/empty.txt
check "a name with a space arrives" \
  wait_until 20 same fast "/srv/fast/a name.sh" "fast/a name.sh"
check_eq "with its mode" \
  "$(docker exec "$(ctr fast)" stat -c %a "/srv/fast/a name.sh" 2>&1)" 751
check_eq "owned by root, as PUT archive leaves them" \
  "$(docker exec "$(ctr fast)" stat -c %u:%g /srv/fast/blob.bin 2>&1)" 0:0
check "they went through the channel" \
  test "$(extracted fast)" -gt "$before"

# a batch bigger than a channel takes: PUT archive
before=$(extracted fast)
# (written aside and renamed in: one event, whatever the time it takes)
head -c 17000000 /dev/urandom >big.bin
mv big.bin fast/big.bin
check "a 17 MB file arrives whole" wait_until 60 same fast /srv/fast/big.bin fast/big.bin
check_eq "not through the channel" "$(extracted fast)" "$before"
rm -f fast/big.bin
check "its delete applies" wait_until 20 gone fast /srv/fast/big.bin

# the channel is still there for the next save
before=$(extracted fast)
save two "a save after it arrives"
check "through the channel" test "$(extracted fast)" -gt "$before"

# a restart ends the channel: the next save still arrives, a new channel
# takes the one after
opened=$(chan fast opening)
docker restart -t 0 "$(ctr fast)" >/dev/null
save three "a save after a restart arrives"
check "a new channel opens" wait_until 20 sh -c \
  "test \$(grep -c 'channel to $(ctr fast): opening' out.txt) -gt $opened"
check "and gets ready" wait_until 20 sh -c \
  "test \$(grep -c 'channel to $(ctr fast): starting -> ready' out.txt) -ge 2"
before=$(extracted fast)
save four "the save after that arrives"
check "through the new channel" test "$(extracted fast)" -gt "$before"

# a container without sh: PUT archive every time, a few tries at most
for i in 1 2 3 4 5; do
  echo "bare $i" >bare/start.txt
  check "save $i to a container without sh arrives" \
    wait_until 20 same bare /srv/bare/start.txt bare/start.txt
done
check_eq "no channel to it is ready" "$(chan bare 'starting -> ready')" 0
check_eq "and no more than 3 are tried" "$(chan bare opening)" 3

check_eq "one sync per save to the container without sh" \
  "$(count 'Syncing service "bare"')" 5

kill -INT "$pid"
wait_until 30 sh -c "! kill -0 $pid 2>/dev/null"
wait "$pid"
check_eq "watch ends on Ctrl-C with 130" "$?" 130
pid=
check "no receiver is left running in the container" wait_until 20 sh -c \
  "! docker top $(ctr fast) -o args | grep -q wcsync"
