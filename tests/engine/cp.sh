#!/bin/sh
# cp: files both ways between a service's container and the host, as
# docker cp: a file and a tree out (into a directory, and renamed), a 3 MB
# file byte for byte both ways, a tree in, into a directory and renamed,
# owners kept in with -a (and root's without),
# --index picks the replica; a missing source, a container directory that
# does not exist (trailing /), a stopped service and bad arguments are
# errors. (The escapes through `..` and symlinks are refused in
# tests/unit/cp-test: the engine never sends such archives.)
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sh", "-c", "mkdir -p /data/sub && echo hello >/data/a.txt && echo deep >/data/sub/b.txt && ln -s a.txt /data/link && echo \$\$HOSTNAME >/data/host && exec sleep 300"]
    stop_signal: SIGKILL
YAML
W up -d --scale web=2 >/dev/null 2>err.txt
check_eq "up -d" "$?" 0
wait_until 20 docker exec "$T_PROJECT-web-1" test -f /data/host
wait_until 20 docker exec "$T_PROJECT-web-2" test -f /data/host

mkdir out
W cp web:/data/a.txt out/ 2>err.txt
check_eq "a file into a directory" "$?:$(cat out/a.txt)" "0:hello"
W cp web:/data/a.txt out/renamed.txt 2>err.txt
check_eq "a file to a new name" "$?:$(cat out/renamed.txt)" "0:hello"
W cp web:/data out/ 2>err.txt
check_eq "a tree into a directory: exit" "$?" 0
check_eq "a tree: nested file" "$(cat out/data/sub/b.txt)" "deep"
check_eq "a tree: symlink kept as a link" "$(readlink out/data/link)" "a.txt"
W cp web:/data out/copy 2>err.txt
check_eq "a tree to a new name" "$?:$(cat out/copy/sub/b.txt)" "0:deep"
W cp --index 2 web:/data/host out/host2 2>err.txt
check_eq "--index 2 reads replica 2" "$(cat out/host2)" \
  "$(docker inspect -f '{{.Config.Hostname}}' "$T_PROJECT-web-2")"

head -c 3000000 /dev/urandom >big.bin
sum=$(md5sum <big.bin | cut -d' ' -f1)
W cp big.bin web:/data/ 2>err.txt
check_eq "a 3 MB file in: exit" "$?" 0
check_eq "a 3 MB file in: byte for byte" \
  "$(docker exec "$T_PROJECT-web-1" md5sum /data/big.bin | cut -d' ' -f1)" \
  "$sum"
W cp web:/data/big.bin out/back.bin 2>err.txt
check_eq "and back out: byte for byte" "$(md5sum <out/back.bin | cut -d' ' -f1)" \
  "$sum"
W cp big.bin web:/data/other.bin 2>err.txt
check_eq "a file in, to a new name" \
  "$(docker exec "$T_PROJECT-web-1" md5sum /data/other.bin | cut -d' ' -f1)" \
  "$sum"
mkdir -p tree/inner && echo x1 >tree/inner/f
W cp tree web:/data/ 2>err.txt
check_eq "a tree in, into a directory" \
  "$(docker exec "$T_PROJECT-web-1" cat /data/tree/inner/f)" "x1"
W cp tree web:/data/newname 2>err.txt
check_eq "a tree in, to a new name" \
  "$(docker exec "$T_PROJECT-web-1" cat /data/newname/inner/f)" "x1"
# owners in: -a keeps the host's uid and gid, else root owns the copy
if [ "$(id -u)" = 0 ]; then
  mkdir -p owned/in && echo o >owned/in/f && chown -R 1234:2345 owned
  W cp -a owned web:/data/kept 2>err.txt
  check_eq "-a: the owners are kept, the tree's and its files'" \
    "$?:$(docker exec "$T_PROJECT-web-1" stat -c %u:%g /data/kept \
      /data/kept/in/f | tr '\n' ' ')" "0:1234:2345 1234:2345 "
  W cp owned web:/data/rooted 2>err.txt
  check_eq "without -a: root owns the copy" \
    "$?:$(docker exec "$T_PROJECT-web-1" stat -c %u:%g /data/rooted/in/f)" \
    "0:0:0"
fi

W cp web:/nonexistent out/x >/dev/null 2>err.txt
check_eq "a missing source: exit 1" "$?" 1
check_match "a missing source: the engine's message" "$(cat err.txt)" \
  'nonexistent'
W cp big.bin web:/nodir/ >/dev/null 2>err.txt
check_eq "into a missing container directory: exit 1" "$?" 1
W cp a b >/dev/null 2>err.txt
check_eq "no SERVICE: side: exit 2" "$?" 2
W cp nosuch:/x out/ >/dev/null 2>err.txt
check_eq "unknown service: exit 2" "$?" 2
W stop web >/dev/null 2>&1
W cp web:/data out/ >/dev/null 2>err.txt
check_eq "a stopped service: exit 1" "$?" 1

W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
