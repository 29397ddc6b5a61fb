#!/bin/sh
# stats: --no-stream prints docker's table once (a row per running
# container of the selection, the memory a container uses shows), --format
# json one object per line with docker's keys, a named service limits the
# rows, and without --no-stream the rounds keep coming.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
  busy:
    image: $BB
    command: ["sh", "-c", "while :; do :; done"]
    stop_signal: SIGKILL
YAML
W up -d --scale web=2 >/dev/null 2>err.txt
check_eq "up -d" "$?" 0

W stats --no-stream >out.txt 2>err.txt
check_eq "--no-stream: exit 0" "$?" 0
check_match "--no-stream: docker's header" "$(head -1 out.txt)" \
  '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$'
check_eq "--no-stream: a row per running container" \
  "$(tail -n +2 out.txt | awk '{print $2}' | sort | tr '\n' ' ')" \
  "$T_PROJECT-busy-1 $T_PROJECT-web-1 $T_PROJECT-web-2 "
busy=$(grep -- "-busy-1 " out.txt | awk '{print $3}' | tr -d %)
idle=$(grep -- "-web-1 " out.txt | awk '{print $3}' | tr -d %)
# a shared machine may give the loop little of a core: compare it with the
# sleeping container rather than with a fixed share
check "the busy loop shows CPU use (${busy}%, the sleeper ${idle}%)" \
  awk -v c="$busy" -v i="$idle" 'BEGIN { exit !(c >= 1 && c > 10 * i) }'
check_match "memory in docker's units" "$(grep -- '-web-1 ' out.txt)" \
  '[0-9.]+(B|KiB|MiB) / [0-9.]+(MiB|GiB|TiB)'

W stats --no-stream --format json web >out.json 2>err.txt
check_eq "--format json web: a line per web container" \
  "$(wc -l <out.json | tr -d ' ')" 2
check "--format json: each line is JSON with docker's keys" python3 -c '
import json, sys
for l in open("out.json"):
    o = json.loads(l)
    assert set(o) == {"ID", "Name", "CPUPerc", "MemUsage", "MemPerc",
                      "NetIO", "BlockIO", "PIDs"}, o
    assert o["Name"].endswith(("-web-1", "-web-2")), o
'

timeout 8 "$WCOMPOSE" -p "$T_PROJECT" stats web >stream.txt 2>&1
check_match "streaming: several rounds come" \
  "$(grep -c '^CONTAINER ID' stream.txt)" '^([2-9]|[1-9][0-9]+)$'

W stats --no-stream nosuch >/dev/null 2>err.txt
check_eq "unknown service: exit 2" "$?" 2

W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
