#!/bin/sh
# pull and push without a registry: the error path only. A pull from an
# address nothing listens on fails with the engine's message, exit 1.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  gone:
    image: 127.0.0.1:1/nothing
  local:
    build: .
YAML
echo "FROM $BB" >Dockerfile

out=$(W pull 2>&1)
check_eq "failing pull: exit 1" "$?" 1
check_match "failing pull: what and the engine's message" "$out" \
  "pulling image '127.0.0.1:1/nothing:latest': .*(refused|connect)"
out=$(W pull --ignore-pull-failures gone 2>&1)
check_eq "--ignore-pull-failures: exit 0" "$?" 0
check_match "--ignore-pull-failures: still says why" "$out" "127.0.0.1:1"
out=$(W push gone 2>&1)
check_eq "failing push: exit 1" "$?" 1
check_match "failing push: names the image" "$out" "127.0.0.1:1/nothing"
W pull nosuch >/dev/null 2>&1
check_eq "unknown service: exit 2" "$?" 2
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
