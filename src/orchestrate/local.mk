# orchestrate: compose labels, create bodies, plan, scheduler, per-service
# state machine, log follower; and the runtime built on them: session,
# images, resources, converge, supervise, the one-off container of run and
# the exec of exec.
libwcompose_a_SOURCES += src/orchestrate/labels.c src/orchestrate/labels.h \
  src/orchestrate/create.c src/orchestrate/create.h \
  src/orchestrate/plan.c src/orchestrate/plan.h \
  src/orchestrate/sched.c src/orchestrate/sched.h \
  src/orchestrate/svc.c src/orchestrate/svc.h \
  src/orchestrate/logs.c src/orchestrate/logs.h \
  src/orchestrate/session.c src/orchestrate/session.h \
  src/orchestrate/images.c src/orchestrate/images.h \
  src/orchestrate/resources.c src/orchestrate/resources.h \
  src/orchestrate/converge.c src/orchestrate/converge.h \
  src/orchestrate/supervise.c src/orchestrate/supervise.h \
  src/orchestrate/oneoff.c src/orchestrate/oneoff.h \
  src/orchestrate/exec.c src/orchestrate/exec.h \
  src/orchestrate/teardown.c src/orchestrate/teardown.h \
  src/orchestrate/pump.c src/orchestrate/pump.h \
  src/orchestrate/attach.c src/orchestrate/attach.h \
  src/orchestrate/cp.c src/orchestrate/cp.h \
  src/orchestrate/stats.c src/orchestrate/stats.h \
  src/orchestrate/exits.c src/orchestrate/exits.h
