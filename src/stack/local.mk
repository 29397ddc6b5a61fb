# stack: a compose project on a Docker Swarm. translate (service ->
# ServiceSpec, networks, configs and secrets named by content, warnings for
# what Swarm cannot carry) and deploy (plan against the stack's labelled
# objects, update only what changed, prune, follow the rollout, rm).
libwcompose_a_SOURCES += src/stack/stack.h src/stack/translate.c \
  src/stack/deploy.c
