#!/bin/sh
# Lifecycle hooks: post_start hooks run after the container started, one
# after the other, with their own user, working_dir, environment and
# privileged (not tried here: this engine refuses privileged execs);
# pre_stop hooks run before stop and down stop it; a hook that
# exits non-zero fails `up` (post_start) or the stop (pre_stop, the
# container keeps running), as docker compose does.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

mkdir out && chmod 777 out
cat >compose.yaml <<YAML
services:
  app:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    user: "1234"
    environment:
      FROM_SVC: svc
    volumes: ["./out:/out"]
    post_start:
      - command: sh -c 'echo "first \$\$(id -u) \$\$(pwd) \$\$HOOK_VAR \$\$FROM_SVC" >>/out/log; chmod 666 /out/log; echo hello from a hook'
        user: "0"
        working_dir: /bin
        environment:
          HOOK_VAR: one
      - command: ["sh", "-c", "echo \"second \$\$(id -u) \$\$(pwd) \$\$HOOK_VAR\" >>/out/log"]
        environment: [HOOK_VAR=two]
    pre_stop:
      - command: sh -c 'echo "stopping \$\$(id -u)" >>/out/log'
        user: "0"
YAML

W up -d >up.txt 2>err.txt
check_eq "up -d with post_start hooks" "$?" 0
check_match "a hook's output is shown" "$(cat up.txt)" 'hello from a hook'
check_eq "both post_start hooks ran, in order, each as written" \
  "$(cut -d' ' -f1-5 out/log)" "first 0 /bin one svc
second 1234 / two"
W stop >/dev/null 2>err.txt
check_eq "stop runs pre_stop, then stops" "$?:$(docker inspect -f \
  '{{.State.Running}}' "$T_PROJECT-app-1")" "0:false"
check_eq "pre_stop ran after them, as its user" \
  "$(sed -n 3p out/log | cut -d' ' -f1-2)" "stopping 0"
W start >/dev/null 2>&1
check_eq "start runs post_start again" "$(grep -c first out/log)" 2
W down -t 0 >/dev/null 2>&1
check_eq "down runs pre_stop" "$(grep -c stopping out/log)" 2

cat >bad.yaml <<YAML
services:
  bad:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    post_start:
      - command: ["sh", "-c", "exit 3"]
      - command: ["sh", "-c", "echo never >/never"]
  later:
    image: $BB
    command: ["sleep", "300"]
    depends_on: [bad]
YAML
W -f bad.yaml up -d >/dev/null 2>err.txt
check_eq "a failing post_start fails up" "$?" 1
check_match "and says which hook, where, and its status" "$(cat err.txt)" \
  "service 'bad': post_start hook in container '$T_PROJECT-bad-1' exited with status 3"
check_eq "the hooks after it do not run" \
  "$(docker exec "$T_PROJECT-bad-1" cat /never 2>/dev/null)" ""
check_eq "its dependents are not started" \
  "$(docker ps -q --filter name="$T_PROJECT-later")" ""
W -f bad.yaml down -t 0 >/dev/null 2>&1

cat >stop.yaml <<YAML
services:
  keep:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    pre_stop:
      - command: ["sh", "-c", "exit 5"]
YAML
W -f stop.yaml up -d >/dev/null 2>&1
W -f stop.yaml stop >/dev/null 2>err.txt
check_eq "a failing pre_stop fails the stop" "$?" 1
check_match "and says so" "$(cat err.txt)" \
  "pre_stop hook in container '$T_PROJECT-keep-1' exited with status 5"
check_eq "the container is left running" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-keep-1")" true
docker rm -f "$T_PROJECT-keep-1" >/dev/null 2>&1
W -f stop.yaml down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
