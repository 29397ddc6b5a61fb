/* converge: bring the selected services of a session to the project's
 * desired state, as `up` and `create` do: config hashes, images (built
 * or pulled), networks and volumes, then observe the engine, plan desired
 * against observed (plan.h), and walk the plan along the dependency graph
 * (svc.h).
 *
 * converge_start is asynchronous (a state machine advanced by the
 * answers; done called once, deferred) and may be started from a loop
 * callback (watch's rebuilds do); converge waits for it (top level only).
 * The plan it made is left in *plan (release it before the session's next
 * observation, which replaces what it points into). Errors in s->err. */
#ifndef WCOMPOSE_ORCHESTRATE_CONVERGE_H
#define WCOMPOSE_ORCHESTRATE_CONVERGE_H

#include "orchestrate/images.h"
#include "orchestrate/plan.h"
#include "orchestrate/session.h"

struct converge_options {
  struct images_want images; /* --build, --no-build, --pull */
  unsigned plan_flags;       /* PLAN_FORCE_RECREATE ... */
  int no_start;
  int renew_anon_volumes; /* up -V */
  int wait;
  int wait_timeout;              /* seconds; <= 0: no limit */
  int timeout;                   /* -t; -1: each service's */
  const int *scale;              /* per service, -1: its replicas; or NULL */
  const unsigned char *selected; /* NULL: the session's selection */
};

enum converge_state {
  CONVERGE_IMAGES,    /* building or pulling what is needed */
  CONVERGE_RESOURCES, /* networks and volumes */
  CONVERGE_OBSERVING, /* listing the project's containers */
  CONVERGE_WALKING,   /* the plan's actions along the graph */
  CONVERGE_SWEEPING,  /* other networks of the names used removed */
  CONVERGE_DONE       /* finished, with or without an error */
};

int converge_start(struct session *s, const struct converge_options *o,
                   struct plan *plan, session_done_cb done, void *arg);
int converge(struct session *s, const struct converge_options *o,
             struct plan *plan);

const char *converge_state_name(enum converge_state st);

#endif
