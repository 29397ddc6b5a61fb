/* session: the runtime of one command on one project. A session holds the
 * loop, the engine connection, the loaded project, the services selected
 * for the command and what was observed on the engine; the runtime calls
 * (converge.h, images.h, resources.h, supervise.h, watch/session.h) work
 * on it. Progress and output leave through struct session_hooks, so the
 * runtime never prints.
 *
 * Waiting: a command is linear (load, open the engine, start a runtime
 * call, session_wait for it, read the results). session_wait and the
 * synchronous wrappers built on it run the loop and may only be called
 * from the top of the program, never from a loop callback. Callbacks only
 * advance state machines; a finished asynchronous call tells its owner
 * through session_defer, on a later loop turn, so an owner may free what
 * finished from there.
 *
 * Ownership: a session owns its loop, engine, project, selection and
 * observed listing (session_close); hooks and config are borrowed. */
#ifndef WCOMPOSE_ORCHESTRATE_SESSION_H
#define WCOMPOSE_ORCHESTRATE_SESSION_H

#include <stddef.h>

#include <uv.h>

#include "compose/model.h"
#include "engine/api.h"
#include "orchestrate/plan.h"
#include "orchestrate/svc.h"
#include "util/err.h"
#include "util/strvec.h"

/* What a person hears about. All optional; text has no trailing newline
 * unless it is part of the text (build output keeps its own). */
struct session_hooks {
  /* a resource ("Container", "Network", "Volume", "Image", "Service")
   * changed: status "Creating", "Created", "Started", "Removed", "Error",
   * "Building", "Built", "Pulling" ...; done marks the end of a step */
  void (*event)(void *data, const char *kind, const char *name,
                const char *status, int done);
  /* free-form progress text: build output, pull progress lines */
  void (*text)(void *data, const char *text);
  /* a warning: something the person should know, the work goes on */
  void (*warn)(void *data, const char *text);
  /* a line for the person (watch's notes), without newline */
  void (*note)(void *data, const char *text);
  /* a line about the command itself ("Gracefully stopping..."), for
   * stderr, without newline */
  void (*status)(void *data, const char *text);
  /* a step of events is over: later output goes below it (progress_end) */
  void (*flush)(void *data);
  /* output of a command run in a container (watch's sync+exec, run, exec):
   * to the person's stdout or stderr as it comes */
  void (*output)(void *data, enum stream_kind kind, const char *p, size_t n);
};

/* How the project is found: the command line's global flags. Borrowed. */
struct session_config {
  const struct strvec *files;     /* -f; empty: discovery */
  const char *project_name;       /* -p, or NULL */
  const char *project_dir;        /* --project-directory, or NULL */
  const struct strvec *env_files; /* --env-file */
  const struct strvec *profiles;  /* --profile */
  int parallel;                   /* --parallel; <= 0 unlimited */
  const char *context;            /* --context, or NULL */
};

/* Something to run on a later loop turn (session_defer). */
struct session_deferred {
  void (*fn)(void *arg);
  void *arg;
  struct session_deferred *next;
};

struct session {
  uv_loop_t loop;
  int loop_open;
  struct engine *engine;
  struct project *project;
  unsigned char *selected; /* per service: named (or all), with deps */
  int named;               /* services were named on the command line */
  int parallel;
  const char *context; /* the docker context named by --context, or NULL
                          (dockerhost_resolve); not owned */
  int quiet_build;     /* builds report no output lines (watch --quiet) */
  /* observed: the project's containers, all states, one-offs included */
  struct plan_container *have;
  size_t nhave;
  struct engine_container_list *listed; /* what have points into (owned) */
  char **network_ids; /* per project network: the ID in use, once known */
  const struct session_hooks *hooks;
  void *hook_data;
  uv_timer_t defer_timer; /* runs the deferred list on the next turn */
  struct session_deferred *deferred;
  struct err err; /* the command's error, with what was being done */
  /* session_guard: SIGINT and SIGTERM while the command changes things */
  uv_signal_t guard[2];
  int guarded;
  int interrupted;             /* the signal that came, or 0 */
  struct session_walk *walks;  /* walks under way */
  struct engine_call ***stops; /* handles of calls an interrupt cancels */
  size_t nstops;
};

/* Load the project (config), select the services named (all when n is 0)
 * and, with with_deps, their dependencies. Warnings of the loader go to
 * hooks->warn. Unknown services: ERR_USAGE "no such service: 'x'". Nothing
 * touches the engine. The session is initialized even on failure
 * (session_close it). */
int session_load(struct session *s, const struct session_config *cfg,
                 char **services, int n, int with_deps,
                 const struct session_hooks *hooks, void *hook_data);
/* Open the loop and the engine (nothing is sent yet), found as the docker
 * CLI finds it (dockerhost_resolve with s->context). */
int session_open(struct session *s);
void session_close(struct session *s);

/* While on, SIGINT and SIGTERM (even when the shell started the command
 * with SIGINT ignored, in the background) interrupt the command: nothing
 * new begins (no build, pull, service step or network), builds and pulls
 * under way are canceled, health waits end, and the steps under way
 * finish, so nothing is left half-made; the runtime calls then end with
 * ERR_CANCELED and s->interrupted holds the signal. A second signal ends
 * the process at once (exit 128 + signal). Off before a command follows
 * containers with its own handling (attached up). */
void session_guard(struct session *s, int on);
/* A call an interrupt cancels: *h is its handle (the engine clears it when
 * the call ends); register before the call may end, unregister after. */
void session_stoppable(struct session *s, struct engine_call **h, int on);

/* Report through the hooks (each tolerates missing hooks). */
void session_event(struct session *s, const char *kind, const char *name,
                   const char *status, int done);
void session_text(struct session *s, const char *text);
void session_warn(struct session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void session_note(struct session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void session_status(struct session *s, const char *text);
void session_flush(struct session *s);
/* The warning compose gives when a plan found containers of services the
 * file no longer has. */
void session_warn_orphans(struct session *s);
void session_output(struct session *s, enum stream_kind kind, const char *p,
                    size_t n);

/* Run fn(arg) on a later loop turn, outside any engine callback; the
 * record d (owned by the caller, alive until fn runs) is queued. */
void session_defer(struct session *s, struct session_deferred *d,
                   void (*fn)(void *arg), void *arg);
/* Run the loop until *done is set (top level only). ERR_STATE when the
 * loop runs dry first. */
int session_wait(struct session *s, const int *done);
/* Let the loop run for ms, then go on (top level only): a pause between
 * tries that lets every call under way go on meanwhile. */
void session_pause(struct session *s, uint64_t ms);

/* One engine call awaited at the top level: start it with session_call_cb
 * and the struct as ctx, then session_call_wait. The reply's text and
 * typed answer (engine/types.h: the member the call fills) are kept
 * (session_call_release). Errors go to err when set. */
struct session_call {
  int done, rc;
  char *text;
  char *id; /* create replies */
  struct engine_created *created;
  struct engine_container_list *containers;
  struct engine_container_info *container;
  struct engine_image_info *image;
  struct engine_image_list *images;
  struct engine_network_info *network;
  struct engine_network_list *networks;
  struct engine_volume_info *volume;
  struct engine_volume_list *volumes;
  struct engine_top *top;
  struct engine_exec_info *exec;
  struct engine_wait *wait;
  struct engine_version_info *version;
  struct engine_swarm_info *swarm;
  struct engine_node_list *nodes;
  struct engine_service_list *services;
  struct engine_task_list *tasks;
  struct engine_swarm_object_list *objects;
  struct engine_distribution *distribution;

  struct err *err;
  uv_loop_t *loop; /* set by session_call_wait: the callback ends the loop's
                      turn, which UV_RUN_ONCE would otherwise end only on
                      the next I/O when the call completed from a timer */
};
void session_call_cb(void *ctx, struct engine_result *res);
int session_call_wait(struct session *s, struct session_call *c);
void session_call_release(struct session_call *c);

/* The end of an asynchronous runtime call, shared by all of them: finish
 * queues done(arg, rc) for a later turn, then release(self) (may be
 * NULL) frees the call. */
typedef void (*session_done_cb)(void *arg, int rc);
struct session_op {
  struct session *s;
  session_done_cb done;
  void *arg;
  void (*release)(void *self);
  void *self;
  int rc;
  struct session_deferred d;
};
void session_op_init(struct session_op *op, struct session *s,
                     session_done_cb done, void *arg,
                     void (*release)(void *self), void *self);
void session_op_finish(struct session_op *op, int rc);
/* A session_done_cb that records the end for session_wait. */
struct session_waiter {
  int done, rc;
};
void session_waiter_cb(void *arg, int rc);

/* Observe: list the project's containers (all states, one-offs too) into
 * s->have, replacing an earlier listing. Asynchronous: done(arg, rc) is
 * called (deferred) once; the error is in s->err. */
struct session_observe {
  struct session_op op;
};
int session_observe_start(struct session *s, struct session_observe *o,
                          session_done_cb done, void *arg);
/* The same, waited for (top level only). */
int session_observe(struct session *s);
/* Forget the listing (a plan made from it must be released first). */
void session_forget(struct session *s);

/* A plan over the observed containers of the selected services: each
 * listed once, PLAN_START when it is not running, else PLAN_KEEP. */
void session_plan_existing(struct session *s, struct plan *out);

/* Walk the selected services (selected, NULL: the session's selection)
 * with plan toward opt's goal (svc.h). The
 * asynchronous form calls done (deferred) with the result; the walk's
 * errors go to s->err. */
struct session_walk {
  struct session_op op;
  struct svc_run run;
  int started;
  struct session_walk *next; /* in s->walks while started */
};
void session_walk_start(struct session *s, struct session_walk *w,
                        const unsigned char *selected, const struct plan *plan,
                        const struct svc_options *opt, session_done_cb done,
                        void *arg);
/* Release the walk (after done ran); run the loop afterwards. */
void session_walk_release(struct session_walk *w);
/* Walk and wait (top level only): 0 or the first failure. */
int session_walk(struct session *s, const struct plan *plan,
                 const struct svc_options *opt);

/* Remove one observed container (forced), reporting progress; top level
 * only. */
int session_remove_container(struct session *s, const struct plan_container *c,
                             unsigned rm_flags);
/* Remove the orphans a plan lists (service < 0), top level only. */
int session_remove_orphans(struct session *s, const struct plan *plan,
                           unsigned rm_flags);

/* Check what must exist before anything is sent: build contexts and
 * Dockerfiles of the selected services that build. ERR_CONFIG. */
int session_check_builds(struct session *s);

/* up --scale SERVICE=N specs (flag values) into scale[i] per service (-1:
 * not given). ERR_USAGE in s->err for junk, unknown services, and more
 * than one container of a service with container_name. */
int session_scale(struct session *s, const struct strvec *specs, int *scale);
/* Each of names is a service of the project; else ERR_USAGE "FLAG: no
 * such service: 'x'" in s->err. */
int session_check_named(struct session *s, const char *flag,
                        const struct strvec *names);
/* A non-negative number of seconds from the command line, or -1. */
int session_parse_seconds(const char *text);

#endif
