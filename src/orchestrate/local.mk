# orchestrate: compose labels, create bodies, plan, scheduler, per-service
# state machine, log fan-in; and the lifecycle commands built on them.
libwcompose_a_SOURCES += src/orchestrate/labels.c src/orchestrate/labels.h \
  src/orchestrate/create.c src/orchestrate/create.h \
  src/orchestrate/plan.c src/orchestrate/plan.h \
  src/orchestrate/sched.c src/orchestrate/sched.h \
  src/orchestrate/svc.c src/orchestrate/svc.h

check_PROGRAMS += tests/unit/labels-test tests/unit/create-test \
  tests/unit/plan-test tests/unit/sched-test
TESTS += tests/unit/labels-test tests/unit/create-test tests/unit/plan-test \
  tests/unit/sched-test
tests_unit_labels_test_SOURCES = tests/unit/labels-test.c
tests_unit_create_test_SOURCES = tests/unit/create-test.c
tests_unit_plan_test_SOURCES = tests/unit/plan-test.c
tests_unit_sched_test_SOURCES = tests/unit/sched-test.c

libwcompose_a_SOURCES += src/orchestrate/logs.c src/orchestrate/logs.h
# the lifecycle commands
wcompose_SOURCES += src/cli/lifecycle.c src/cli/lifecycle.h \
  src/cli/progress.c src/cli/progress.h src/cli/cmd-up.c src/cli/cmd-build.c \
  src/cli/cmd-start.c src/cli/cmd-stop.c src/cli/cmd-restart.c \
  src/cli/cmd-kill.c src/cli/cmd-pause.c src/cli/cmd-unpause.c \
  src/cli/cmd-rm.c src/cli/cmd-down.c src/cli/cmd-create.c
TESTS += tests/engine/up-down.sh tests/engine/up-attached.sh \
  tests/engine/up-errors.sh tests/engine/up-build.sh
# the long-running paths (logs -f, attached up) keep their memory steady
TESTS += tests/engine/memory.sh tests/engine/depends.sh
