#!/bin/sh
# Build args written without a value take it from .env (or the
# environment) at load time, and are left out when neither has one, so the
# Dockerfile's default applies: what `config` prints is what the build
# gets.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

mkdir -p app
cat >app/Dockerfile <<DF
FROM $BB
ARG FROM_DOTENV=unset
ARG FROM_ENV=unset
ARG NOT_SET=the-default
RUN echo "\$FROM_DOTENV \$FROM_ENV \$NOT_SET" >/args
CMD ["sh", "-c", "cat /args; sleep 300"]
DF
printf 'FROM_DOTENV=dotenv-value\n' >.env
cat >compose.yaml <<YAML
services:
  app:
    build:
      context: ./app
      args: [FROM_DOTENV, FROM_ENV, NOT_SET]
YAML

out=$(FROM_ENV=env-value W config --format json 2>&1)
check_match "config: the value from .env" "$out" '"FROM_DOTENV": "dotenv-value"'
check_match "config: the value from the environment" "$out" \
  '"FROM_ENV": "env-value"'
case $out in *NOT_SET*) t_fail "config: an unset arg is left out" "$out" ;;
*) t_ok "config: an unset arg is left out" ;; esac

out=$(FROM_ENV=env-value W up -d 2>&1)
check_eq "up builds and starts" "$?" 0
check "the build got the values, and the default for the unset one" \
  wait_until 10 sh -c "docker logs $T_PROJECT-app-1 2>&1 |
    grep -q 'dotenv-value env-value the-default'"
W down -t 0 --rmi local >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
