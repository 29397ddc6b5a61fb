/* exits: wait for the containers of the selected services to stop, each
 * through the engine's POST /containers/{id}/wait (no polling), as
 * `wcompose wait` does. A container already stopped answers at once with
 * the exit code it had.
 *
 * Ownership: struct exits is the caller's and must outlive the session's
 * engine (release it after session_close): every wait it started calls
 * back into it, canceled ones too. It keeps copies of the containers'
 * names, so the session may observe again meanwhile. */
#ifndef WCOMPOSE_ORCHESTRATE_EXITS_H
#define WCOMPOSE_ORCHESTRATE_EXITS_H

#include "orchestrate/session.h"

/* A container stopped with code (its exit code), or its wait failed (code
 * -1, e the engine's reason). */
typedef void (*exits_cb)(void *data, const char *name, const char *service,
                         int code, const struct err *e);

struct exits_one {
  struct exits *x;
  char *id, *name, *service;
};

struct exits {
  struct session *s;
  struct exits_one *v;
  size_t n, answered;
  int first_done; /* the first answer came (set for session_wait) */
  int all_done;   /* every wait answered */
  int first_code; /* the exit code of the first to stop, -1 when it failed */
  int failed;     /* some wait failed; the first failure is in s->err */
  exits_cb cb;
  void *data;
};

/* Observe the project and start a wait for each of the selected services'
 * containers (one-off containers aside). ERR_USAGE in s->err when they
 * have none. cb (may be NULL) runs once per container as its answer
 * comes; then session_wait on x->first_done or x->all_done. */
int exits_start(struct session *s, struct exits *x, exits_cb cb, void *data);
void exits_release(struct exits *x);

#endif
