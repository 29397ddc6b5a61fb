# orchestrate: compose labels, create bodies, plan, scheduler, per-service
# state machine, log fan-in, the one-off container of run and the exec of
# exec (with the engine answers they read).
libwcompose_a_SOURCES += src/orchestrate/labels.c src/orchestrate/labels.h \
  src/orchestrate/create.c src/orchestrate/create.h \
  src/orchestrate/plan.c src/orchestrate/plan.h \
  src/orchestrate/sched.c src/orchestrate/sched.h \
  src/orchestrate/svc.c src/orchestrate/svc.h \
  src/orchestrate/logs.c src/orchestrate/logs.h \
  src/orchestrate/reply.c src/orchestrate/reply.h \
  src/orchestrate/oneoff.c src/orchestrate/oneoff.h \
  src/orchestrate/exec.c src/orchestrate/exec.h
