/* supervise: attached `up` once the project converged. Follows the output
 * of the containers of the attached services (logs.h), hears their exits,
 * and decides: abort on a container's exit or failure, the exit code of
 * --exit-code-from, and stopping on request (the first request stops the
 * containers gracefully, dependents first; the second kills them).
 *
 * Everything happens in callbacks of the session's loop; the command runs
 * the loop at its top level until supervise_finished. While a hold is on
 * (a watch rebuild replacing containers), a stop request waits for it to
 * be released.
 *
 * The engine's going away (the project's /events stream, a log stream or a
 * wait breaking off, connections refused) is no container's exit: it is
 * said once, the engine is asked again with a growing back-off (250 ms to
 * 2 s) for WCOMPOSE_ENGINE_WAIT seconds (default 60); when it answers the
 * containers are followed again from the last line shown, else
 * supervise_result reports it (ERR_CONNECT).
 *
 * Ownership: a supervise borrows the session; it owns its follower, the
 * stop walk and its plan (supervise_release, then run the loop once). */
#ifndef WCOMPOSE_ORCHESTRATE_SUPERVISE_H
#define WCOMPOSE_ORCHESTRATE_SUPERVISE_H

#include <stdio.h>

#include "orchestrate/logs.h"
#include "orchestrate/plan.h"
#include "orchestrate/session.h"
#include "util/strvec.h"

struct supervise_options {
  unsigned log_flags;        /* LOGS_NO_COLOR ... */
  const struct strvec *only; /* --attach: only these services' output */
  const struct strvec *skip; /* --no-attach */
  int abort_on_exit;         /* --abort-on-container-exit */
  int abort_on_failure;      /* --abort-on-container-failure */
  const char *exit_code_from;
  FILE *out; /* where the output goes */
  /* a stop begins (to quiesce a watch); optional */
  void (*stopping)(void *data);
  void *data;
  /* `logs -f`: follow only. supervise_start observes nothing and adds
   * nothing (the caller adds to sv->logs, then supervise_follow_project);
   * the follower is made from *logs (its flags and queries; on_exit,
   * on_lost and data are supervise's); a stop request ends the following
   * and stops no container; after the engine's return the containers want
   * accepts (want(data, ...)) that are not followed yet are. */
  int follow_only;
  const struct logs_options *logs;
  logs_want_cb want;
};

struct supervise_lost;
struct supervise_events;

struct supervise {
  struct session *s;
  struct supervise_options o;
  struct logs logs;
  int logs_open;
  struct plan stop_plan; /* the containers to stop: all the run left */
  struct session_walk stop;
  struct session_waiter stopped;
  int stopping;                   /* 1: graceful stop under way; 2: killing */
  int holds;                      /* supervise_hold depth */
  int stop_deferred;              /* a stop asked during a hold */
  int exit_code;                  /* of the container that decided, or -1 */
  struct session_observe observe; /* supervise_follow_new's */
  struct session_observe relist;  /* after the engine's return */
  int relisting;
  session_done_cb followed;
  void *followed_arg;
  struct supervise_events *events; /* the project's /events, or NULL */
  struct supervise_lost *lost;     /* the engine is away: asking again */
  int gone;                        /* it did not come back in time */
  int wait_s;                      /* how long it may be away */
};

/* Follow the containers the converge left running (plan: its plan, whose
 * kept containers get no history, as compose does). Observes the engine
 * again (top level only). */
int supervise_start(struct supervise *sv, struct session *s,
                    const struct plan *converged,
                    const struct supervise_options *o);
/* follow_only: also follow the containers of the project that start from
 * since on (logs_follow_new), those o->want accepts. */
int supervise_follow_project(struct supervise *sv, const char *since,
                             struct err *err);
/* A stop request (Ctrl-C, SIGTERM): the first stops, the next kills
 * (follow_only: the first ends the following). */
void supervise_stop(struct supervise *sv);
/* Hold stop requests while containers are being replaced (on 1) and let
 * them through (on 0). */
void supervise_hold(struct supervise *sv, int on);
/* After containers were recreated (a watch rebuild): observe the engine
 * again and follow the new containers of the services followed so far;
 * done(arg, rc) once, deferred. Call it with a hold on: stopping waits
 * for the new listing. */
int supervise_follow_new(struct supervise *sv, session_done_cb done, void *arg);
/* Nothing left to follow, and the stop (if any) is over. */
int supervise_finished(const struct supervise *sv);
/* The stop's errors into err; the exit code the containers decided
 * (abort-on-exit, exit-code-from), or -1 for none. */
int supervise_result(struct supervise *sv, struct err *err);
void supervise_release(struct supervise *sv);

#endif
