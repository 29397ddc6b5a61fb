#!/bin/sh
# wcompose watch on the engine: sync (edits, new trees, deletes; ignored
# and editor files left out), an editor's save that moves the file away
# first and one written to a temporary file and renamed into place are
# one sync each, so is one whose writer stalls before closing the file,
# initial_sync, deletes for a stopped container applied
# when it starts, files given to the user a container runs as (modes
# kept), sync+restart (a new StartedAt), sync+exec (with the
# rule's user, working_dir and environment), a rebuild (a new image, the
# container recreated, the old image pruned; edits during a build make one
# more build), a burst of saves makes one sync, Ctrl-C ends with 130 and leaves the containers up, --no-up, and the
# errors before anything starts. Prints the rebuild's latency (the sync
# latency is tests/engine/watch-cycles.sh's).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

pid=
old_images=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  W down -t 0 --rmi local >/dev/null 2>&1
  for i in $old_images; do docker image rm -f "$i" >/dev/null 2>&1; done
  t_finish
}
trap cleanup EXIT

# now in milliseconds
ms() { echo $(($(date +%s%N) / 1000000)); }
# ctr SERVICE: the container's name
ctr() { echo "$T_PROJECT-$1-1"; }
# in SERVICE CMD...: run in the service's container
in_ctr() {
  c=$(ctr "$1")
  shift
  docker exec "$c" "$@"
}
has() { [ "$(in_ctr "$1" cat "$2" 2>/dev/null)" = "$3" ]; }
gone() { ! in_ctr "$1" test -e "$2"; }
count() { grep -c -- "$1" out.txt; }
# wait for the watcher to be gone (with a deadline), then reap it
reap() {
  wait_until 30 sh -c "! kill -0 $pid 2>/dev/null"
  wait "$pid"
  rc=$?
  pid=
  return $rc
}

mkdir -p web/static conf hook app/src init/sub owned
echo early >init/sub/early.txt
echo v0 >web/index.html
echo css >web/static/site.css
echo one >conf/app.conf
echo first >app/src/code.txt
cat >app/Dockerfile <<DF
FROM $BB
COPY . /src
CMD ["sh", "-c", "cat /src/src/code.txt; trap 'exit 0' TERM; while true; do sleep 1; done"]
DF
loop='["sh", "-c", "trap '"'"'exit 0'"'"' TERM; while true; do sleep 1; done"]'
# The bursts below must stay one batch even when a loaded machine pauses
# the shell that writes them: the quiet period is compose's 500 ms here
# (the default's latency is measured in bench/, not asserted in tests)
cat >compose.yaml <<YAML
x-wcompose-watch:
  quiet: 500ms
services:
  web:
    image: $BB
    command: $loop
    develop:
      watch:
        - path: ./web
          target: /srv/web
          action: sync
          ignore: ["*.tmp", "private/"]
  conf:
    image: $BB
    command: $loop
    develop:
      watch:
        - path: ./conf
          target: /etc/conf
          action: sync+restart
  hook:
    image: $BB
    command: $loop
    develop:
      watch:
        - path: ./hook
          target: /hook
          action: sync+exec
          exec:
            command: ["sh", "-c", "tr a-z A-Z </hook/in; echo \"hooked uid=\$\$(id -u) pwd=\$\$(pwd) env=\$\$GREETING\""]
            user: "1000"
            working_dir: /hook
            environment:
              GREETING: hi
  owned:
    image: $BB
    command: $loop
    user: "1000:1000"
    develop:
      watch:
        - path: ./owned
          target: /srv/owned
          action: sync
  init:
    image: $BB
    command: $loop
    develop:
      watch:
        - path: ./init
          target: /init
          action: sync
          initial_sync: true
  built:
    build: ./app
    develop:
      watch:
        - path: ./app
          action: rebuild
  db:
    image: $BB
    command: $loop
YAML

# --- errors, before anything is started ---
out=$(W watch db 2>&1)
check_eq "no rule in the services named: exit 1" "$?" 1
check_match "says none has develop.watch" "$out" \
  "none of the selected services has develop.watch configured"
out=$(W watch nosuch 2>&1)
check_eq "unknown service: exit 2" "$?" 2
check_eq "nothing was started" \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT")" ""

# --- watch: up, then watching ---
"$WCOMPOSE" -p "$T_PROJECT" --progress plain watch --prune >out.txt 2>err.txt &
pid=$!
if ! wait_until 120 grep -q "Watch enabled" out.txt; then
  t_fail "watch starts" "$(cat out.txt err.txt)"
  exit 1
fi
t_ok "watch builds, starts and watches"
check_match "db is skipped with a note" "$(cat out.txt)" \
  'service "db" has no develop.watch section: not watched'
check_eq "the services run" \
  "$(docker ps -q --filter "label=com.docker.compose.project=$T_PROJECT" | wc -l)" 7
check "initial_sync: what was there before is in the container" \
  wait_until 15 has init /init/sub/early.txt early

# sync: ten edits, each seen in the container; the latency of each
lat=
for i in 1 2 3 4 5 6 7 8 9 10; do
  t0=$(ms)
  echo "v$i" >web/index.html
  end=$(($(date +%s) + 15))
  while ! has web /srv/web/index.html "v$i" && [ "$(date +%s)" -lt "$end" ]; do
    sleep 0.05
  done
  if has web /srv/web/index.html "v$i"; then
    lat="$lat $(($(ms) - t0))"
  else
    lat="$lat timeout"
  fi
done
case $lat in
*timeout*) t_fail "ten edits reach the container" "latencies:$lat" ;;
*) t_ok "ten edits reach the container" ;;
esac
median=$(printf '%s\n' $lat | sort -n | sed -n 5,6p | paste -sd' ')
echo "# edit -> seen by docker exec (ms, the exec itself included):$lat; median of 10: $median"
check_match "compose's sync line" "$(cat out.txt)" \
  '^Syncing service "web" after 1 changes were detected$'

# a new tree, ignored and editor files, in one batch
mkdir -p web/new/deeper web/private
echo deep >web/new/deeper/f.txt
echo secret >web/private/key
echo scratch >web/notes.tmp
echo swap >web/.index.html.swp
echo backup >web/index.html~
echo marker >web/marker.txt
check "a new directory tree is synced" \
  wait_until 15 has web /srv/web/new/deeper/f.txt deep
check "the batch's other files too" \
  wait_until 15 has web /srv/web/marker.txt marker
check "an ignored directory is not" gone web /srv/web/private
check "an ignored *.tmp file is not" gone web /srv/web/notes.tmp
check "a vim swap file is not" gone web /srv/web/.index.html.swp
check "a backup file is not" gone web /srv/web/index.html~

# deletes
rm web/marker.txt
rm -rf web/new
check "a deleted file is deleted in the container" \
  wait_until 15 gone web /srv/web/marker.txt
check "a deleted tree too" wait_until 15 gone web /srv/web/new
check "the rest stays" has web /srv/web/index.html v10

# a container with a user of its own: the files are that user's, modes kept
echo "echo run" >owned/run.sh
chmod 750 owned/run.sh
check "a file synced to a container running as 1000:1000" \
  wait_until 15 has owned /srv/owned/run.sh "echo run"
check_eq "is owned by its user" \
  "$(in_ctr owned stat -c %u:%g /srv/owned/run.sh 2>&1)" 1000:1000
check_eq "with its mode" "$(in_ctr owned stat -c %a /srv/owned/run.sh 2>&1)" 750

# a burst of 20 saves, back to back: one sync
before=$(count 'Syncing service "web"')
for i in $(seq 1 20); do
  echo "save $i" >web/burst.txt
done
check "the last save of the burst arrives" \
  wait_until 15 has web /srv/web/burst.txt "save 20"
check_eq "20 saves in a burst make one sync" \
  "$(($(count 'Syncing service "web"') - before))" 1

# a checkout: 50 files at once, one sync
before=$(count 'Syncing service "web"')
# (written by one process, as git does: a shell loop on a loaded machine
# can pause longer than the quiet period between two files)
mkdir -p co.src/co
for i in $(seq 1 50); do echo "file $i" >co.src/co/f$i.txt; done
tar -C co.src -cf co.tar co
tar -C web -xf co.tar
check "a checkout's files all arrive" wait_until 15 has web /srv/web/co/f50.txt "file 50"
check_eq "a checkout makes one sync" \
  "$(($(count 'Syncing service "web"') - before))" 1

# an editor's save: the file moved away (backup), written again a moment
# later, the backup removed: one sync, and the file never missing for long
before=$(count 'Syncing service "web"')
mv web/index.html web/index.html~
sleep 0.06 # longer than the settle: the save is not over yet
echo v11 >web/index.html
rm web/index.html~
check "a save through a backup rename arrives" \
  wait_until 15 has web /srv/web/index.html v11
check_eq "and is one sync" "$(($(count 'Syncing service "web"') - before))" 1
# a save through a temporary file renamed into place: one sync, the
# temporary file never in the container
before=$(count 'Syncing service "web"')
echo v12 >web/index.html.tmp
mv web/index.html.tmp web/index.html
check "a save through a renamed temporary file arrives" \
  wait_until 15 has web /srv/web/index.html v12
check_eq "and is one sync" "$(($(count 'Syncing service "web"') - before))" 1
check "the temporary file is not in the container" \
  gone web /srv/web/index.html.tmp

# a writer that stalls after making the file and between two writes of
# one save: one sync, whole
before=$(count 'Syncing service "web"')
exec 3>web/slow.txt
sleep 0.3 # made, open, nothing written yet
echo part1 >&3
sleep 0.3 # far longer than the settle and the quiet
echo part2 >&3
exec 3>&-
whole() { [ "$(in_ctr web cat /srv/web/slow.txt | tr '\n' ' ')" = "part1 part2 " ]; }
check "a save written in two parts arrives whole" wait_until 15 whole
check_eq "and is one sync" "$(($(count 'Syncing service "web"') - before))" 1

# deletes while the container is stopped: applied when it starts
echo doomed >web/doomed.txt
check "a file to delete later arrives" wait_until 15 has web /srv/web/doomed.txt doomed
docker stop -t 0 "$(ctr web)" >/dev/null
before=$(count 'Syncing service "web"')
rm web/doomed.txt
wait_until 15 sh -c "[ \$(grep -c 'Syncing service \"web\"' out.txt) -gt $before ]"
docker start "$(ctr web)" >/dev/null
check "a delete made while stopped is applied when it starts" \
  wait_until 15 gone web /srv/web/doomed.txt
check "the rest stays" has web /srv/web/index.html v12

# sync+restart
started=$(docker inspect -f '{{.State.StartedAt}}' "$(ctr conf)")
echo two >conf/app.conf
restarted() {
  [ "$(docker inspect -f '{{.State.StartedAt}}' "$(ctr conf)")" != "$started" ]
}
check "sync+restart: the container restarted" wait_until 30 restarted
check "sync+restart: with the new file" wait_until 10 has conf /etc/conf/app.conf two
check "sync+restart: it runs" wait_until 10 sh -c \
  "[ \"\$(docker inspect -f '{{.State.Running}}' $(ctr conf))\" = true ]"
check "sync+restart: compose's line" wait_until 10 \
  grep -q 'service(s) \["conf"\] restarted' out.txt

# sync+exec
echo hello >hook/in
check "sync+exec: the command ran after the sync" \
  wait_until 15 grep -q '^HELLO$' out.txt
check "sync+exec: as the rule's user, in its directory, with its environment" \
  wait_until 10 grep -q '^hooked uid=1000 pwd=/hook env=hi$' out.txt

# rebuild
img=$(docker image inspect -f '{{.Id}}' "$T_PROJECT-built")
cid=$(docker inspect -f '{{.Id}}' "$(ctr built)")
old_images="$img"
t0=$(ms)
echo second >app/src/code.txt
new_image() {
  n=$(docker image inspect -f '{{.Id}}' "$T_PROJECT-built" 2>/dev/null)
  [ -n "$n" ] && [ "$n" != "$img" ]
}
recreated() {
  n=$(docker inspect -f '{{.Id}} {{.State.Running}}' "$(ctr built)" 2>/dev/null)
  [ -n "$n" ] && [ "$n" != "$cid true" ] && [ "${n#* }" = true ]
}
# an edit while the rebuild runs is handled after it, without another
wait_until 30 grep -q "Rebuilding service" out.txt
echo during >web/during.txt
check "rebuild: a new image" wait_until 60 new_image
check "rebuild: the container recreated and running" wait_until 60 recreated
echo "# rebuild edit->recreated container latency (ms): $(($(ms) - t0))"
check "rebuild: the new container has the change" \
  wait_until 10 has built /src/src/code.txt second
check_match "rebuild: compose's lines" "$(cat out.txt)" \
  'Rebuilding service\(s\) \["built"\] after changes were detected'
check_match "rebuild: built" "$(cat out.txt)" \
  'service\(s\) \["built"\] successfully built'
check "--prune: the old image is gone" \
  wait_until 10 sh -c "! docker image inspect $img >/dev/null 2>&1"
old_images="$old_images $(docker image inspect -f '{{.Id}}' "$T_PROJECT-built")"
check "an edit made during the rebuild is synced after it" \
  wait_until 15 has web /srv/web/during.txt during

# edits during a build queue one more build, not one each
before=$(count 'Rebuilding service')
echo third >app/src/code.txt
wait_until 30 sh -c "[ \$(grep -c 'Rebuilding service' out.txt) -gt $before ]"
for i in 1 2 3; do
  echo "during $i" >app/src/extra$i.txt
  sleep 0.1
done
echo fourth >app/src/code.txt
check "rebuild: the last edit made during a build is built after it" \
  wait_until 90 has built /src/src/code.txt fourth
check "rebuild: with the others" has built /src/src/extra3.txt "during 3"
check_eq "rebuild: four edits during a build make one more build" \
  "$(($(count 'Rebuilding service') - before))" 2
old_images="$old_images $(docker image inspect -f '{{.Id}}' "$T_PROJECT-built")"

# Ctrl-C
kill -INT "$pid"
reap
check_eq "Ctrl-C: exit 130" "$?" 130
check_eq "the containers stay up" \
  "$(docker ps -q --filter "label=com.docker.compose.project=$T_PROJECT" | wc -l)" 7
check_eq "no errors or warnings" "$(grep -v '^\[built\]\| Service \| Container \| Network ' err.txt)" ""

# --no-up, one service, SIGTERM
web_id=$(docker inspect -f '{{.Id}}' "$(ctr web)")
"$WCOMPOSE" -p "$T_PROJECT" --progress plain watch --no-up web >out.txt 2>err.txt &
pid=$!
check "--no-up: watching" wait_until 30 grep -q "Watch enabled" out.txt
check_eq "--no-up: nothing recreated" \
  "$(docker inspect -f '{{.Id}}' "$(ctr web)")" "$web_id"
echo nope >web/index.html
check "--no-up: sync works" wait_until 15 has web /srv/web/index.html nope
echo ignored-now >conf/app.conf
echo marker2 >web/m2.txt
wait_until 15 has web /srv/web/m2.txt marker2
check "only the service named is watched" has conf /etc/conf/app.conf two
kill -TERM "$pid"
reap
check_eq "SIGTERM: exit 130" "$?" 130
check_eq "--no-up: no errors" "$(cat err.txt)" ""

# up --watch: attached, watching; a rebuilt container is followed
"$WCOMPOSE" -p "$T_PROJECT" --progress plain up --watch built web \
  >out.txt 2>err.txt &
pid=$!
check "up --watch: watching" wait_until 60 grep -q "Watch enabled" out.txt
echo attached >web/up.txt
check "up --watch: sync works" wait_until 15 has web /srv/web/up.txt attached
echo third >app/src/code.txt
check "up --watch: the rebuilt container's output is followed" \
  wait_until 180 grep -q '^built-1  | third$' out.txt
old_images="$old_images $(docker image inspect -f '{{.Id}}' "$T_PROJECT-built")"
kill -INT "$pid"
reap
check_eq "up --watch: Ctrl-C, exit 130" "$?" 130
check_eq "up --watch: the containers are stopped as up stops them" \
  "$(docker inspect -f '{{.State.Running}}' "$(ctr built)")" false
out=$(W up -d --watch 2>&1)
check_eq "up -d --watch: usage error" "$?" 2

W down -t 0 --rmi local >/dev/null 2>&1
check_eq "down removed everything" "$(project_leftovers "$T_PROJECT")" ""
