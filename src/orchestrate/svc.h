/* svc: the life of one service during a command, as an explicit state
 * machine on the uv loop. Each state issues the engine calls for all the
 * service's containers at once and moves on when the last one answered;
 * every transition goes through svc_set_state (traced to stderr when
 * WCOMPOSE_TRACE is set). A svc_run drives all services of a project with
 * the scheduler: forward for up/create/start/restart, reverse (dependents
 * first) for stop/down/rm, unordered for kill/pause/unpause.
 *
 * Lifecycle hooks run through exec (orchestrate/exec.h), one after the
 * other in each container: post_start once the container started (a hook
 * that fails or exits non-zero fails the service, the container keeps
 * running), pre_stop before the stop of a running container (a failure
 * fails the service and the container is not stopped), as docker compose
 * does.
 *
 * Ownership: a svc_run owns its svc array, their containers and errors
 * (svc_run_release); the project, engine, loop and hooks are borrowed. */
#ifndef WCOMPOSE_ORCHESTRATE_SVC_H
#define WCOMPOSE_ORCHESTRATE_SVC_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "compose/model.h"
#include "engine/api.h"
#include "orchestrate/plan.h"
#include "orchestrate/sched.h"
#include "util/err.h"

enum svc_state {
  SVC_IDLE,     /* waiting for the scheduler (dependencies, or dependents
                   when stopping) */
  SVC_STOPPING, /* stopping containers: to be removed, replaced, or asked */
  SVC_REMOVING, /* removing containers the plan drops or replaces */
  SVC_CREATING, /* creating containers, then connecting extra networks;
                   renaming kept ones back to their canonical names */
  SVC_STARTING, /* starting created or stopped containers */
  SVC_HEALTH,   /* until every container reports healthy: looked at when
                   the engine's /events tells of a health change or exit,
                   and polled as a fallback */
  SVC_RUNNING,  /* started (dependents released); waiting for the exit of
                   its containers when a dependent needs them completed */
  SVC_APPLYING, /* one call per container: kill, pause, unpause, restart */
  SVC_DONE,     /* the goal is reached */
  SVC_FAILED    /* an engine call failed, a container was unhealthy or
                   exited non-zero where completion was needed */
};

enum svc_goal {
  SVC_GOAL_UP,   /* plan actions: remove, create, start (up, create,
                    start) */
  SVC_GOAL_STOP, /* stop running containers */
  SVC_GOAL_DOWN, /* stop and remove every container */
  SVC_GOAL_KILL,
  SVC_GOAL_PAUSE,
  SVC_GOAL_UNPAUSE,
  SVC_GOAL_RESTART
};

struct svc;
struct svc_hook;
struct create_inherit;
struct svc_events;

/* One container a service works on. */
/* What a container waits to send again, after an answer that means
 * another actor (a killed up whose requests the engine still carries out,
 * a racing up) is not done yet. */
enum svc_retry {
  SVC_RETRY_NONE,
  SVC_RETRY_INSPECT_HOLDER, /* look at its name's holder again */
  SVC_RETRY_CLEAR_TMP,      /* remove what holds the replacement's name */
  SVC_RETRY_REMOVE_OLD,     /* remove the container a swap replaces */
  SVC_RETRY_REMOVE,         /* remove it (a duplicate, scaled down) */
  SVC_RETRY_START           /* start it */
};

struct svc_ctr {
  struct svc *svc;
  char *id; /* NULL until created */
  char *name;
  int number;
  enum plan_op op; /* SVC_GOAL_UP: what the plan says; else PLAN_KEEP */
  int running;     /* it was running (or paused) when observed/started */
  int healthy;     /* reported healthy (or running, without a check) */
  int exit_code;
  struct engine_call *waiting; /* the wait for its exit (need_exit) */
  struct err conflict;         /* the engine's answer to a create whose name was
                                  taken, while the holder is looked at */
  int conflict_tries;          /* holder lookups that found nothing yet */
  enum svc_retry retry;        /* the call to send again when the svc's timer
                                  fires (its pending count is kept meanwhile) */
  int start_after;             /* made again while starting (it had vanished):
                                  start it once created */
  int holder_dying;            /* the name's holder was being removed */
  int tmp_tries;               /* replacements' names found held and cleared */
  int remove_tries;
  int start_tries;
  struct svc_hook *hook; /* its post_start or pre_stop hooks, while they
                            run (one pending call for all of them) */
  /* PLAN_RECREATE: the replacement is created as tmp_name, then old_id is
   * stopped and removed and the replacement renamed to name; a failure
   * before the old one is removed leaves it in place. */
  char *old_id;
  char *tmp_name;
  struct create_inherit *inherit; /* old_id's anonymous volumes (names and
                                     targets owned here) */
  size_t ninherit;
  int restart; /* PLAN_KEEP: restart it when starting (plan_action) */
  char *canon; /* PLAN_KEEP, PLAN_START marked rename: the canonical name
                  it is renamed to after the removals (SVC_CREATING); name
                  becomes it once the engine agreed */
};

/* What a service must reach before its dependents go on. */
enum svc_need_health {
  SVC_NEED_HEALTHY = 1 << 0,    /* --wait, or a service_healthy dependent */
  SVC_NEED_HEALTHCHECK = 1 << 1 /* a service_healthy dependent: running
                                   without a healthcheck is an error */
};

struct svc {
  struct svc_run *run;
  size_t index; /* in project->services */
  const struct service *service;
  enum svc_state state;
  struct svc_ctr *ctrs;
  size_t nctrs;
  int pending;          /* engine calls in flight in the current state */
  int issuing;          /* the state's function runs: an answer that
                           comes at once does not settle the state yet */
  unsigned need_health; /* enum svc_need_health */
  int need_exit;    /* a dependent waits for service_completed_successfully */
  int recheck;      /* a health event came while a look was in flight */
  uv_timer_t timer; /* health polling; closed by svc_run_release */
  int timer_init;
  int *closing;   /* timers of the run still closing (svc_run_release); the
                     last close frees the svc array, which may outlive the
                     run's own struct */
  struct err err; /* what went wrong, with what wcompose was doing */
};

/* What the command hears about. All optional. */
struct svc_hooks {
  /* a container (kind "Container") changed: status "Creating", "Created",
   * "Starting", "Started", "Stopping", "Stopped", "Removing", "Removed",
   * "Waiting", "Healthy", "Killed", "Paused", "Unpaused", "Restarted",
   * "Renamed" (a kept container got its canonical name back, told under
   * that name), "Error"; done is 1 when the step finished. */
  void (*progress)(void *data, const char *name, const char *status, int done);
  /* a container of s was started by this run */
  void (*started)(void *data, struct svc *s, struct svc_ctr *c);
  /* the run is finished (svc_run_finished turned true); called once, from
   * inside the run's own callbacks: advance a state machine or defer, but
   * do not release the run from here */
  void (*finished)(void *data);
  /* output of a lifecycle hook (post_start, pre_stop) run in container
   * name, as it comes */
  void (*output)(void *data, const char *name, enum stream_kind kind,
                 const char *p, size_t n);
  /* something the person should know; the work goes on */
  void (*warn)(void *data, const char *text);
};

struct svc_options {
  enum svc_goal goal;
  int no_start;       /* up/create: stop after creating */
  int wait;           /* up --wait: reach healthy (or running) */
  int timeout;        /* stop grace period in seconds; < 0: each service's */
  int remove_volumes; /* down -v, rm -v: anonymous volumes too */
  const char *signal; /* kill -s */
  int parallel;       /* --parallel; <= 0 unlimited */
  const char *const *image_ids;   /* per service, for LABELS_IMAGE; or NULL */
  const char *const *network_ids; /* per project network, the ID in use
                                     (or NULL); or NULL */
  int wait_timeout;               /* seconds health may take; <= 0: forever */
  int renew_anon_volumes;         /* up -V: a replacement gets fresh anonymous
                                     volumes (the old ones go with the old
                                     container) */
};

struct svc_run {
  uv_loop_t *loop;
  struct engine *engine;
  const struct project *project;
  struct svc_options opt;
  const struct svc_hooks *hooks;
  void *hook_data;
  struct svc *svcs; /* like project->services */
  size_t n;
  struct graph graph;
  struct sched sched;
  unsigned char *selected;
  int open_timers;
  struct svc_events *events; /* health events while a service awaits
                                health; NULL: none open */
  int events_failed;         /* the stream could not be had: poll only */
  uint64_t deadline; /* uv_now() past which health waits fail; 0: none */
  int told;          /* hooks->finished was called */
  int interrupted;   /* svc_run_interrupt: nothing new begins */
};

/* Set up a run over the selected services (selected[i], NULL: all) with
 * a plan (SVC_GOAL_UP: its actions; other goals: the plan's containers
 * whatever their op, typically all PLAN_KEEP from observation). */
void svc_run_init(struct svc_run *r, uv_loop_t *loop, struct engine *e,
                  const struct project *p, const unsigned char *selected,
                  const struct plan *plan, const struct svc_options *opt,
                  const struct svc_hooks *hooks, void *hook_data);
/* Start the walk; run the loop until svc_run_finished, or wait for
 * hooks->finished. */
void svc_run_start(struct svc_run *r);
int svc_run_finished(const struct svc_run *r);
/* 0, or the first failure's code; errors of all services go to err. */
int svc_run_result(const struct svc_run *r, struct err *err);
/* Interrupted (SIGINT, SIGTERM): services not begun are not (they fail
 * with ERR_CANCELED, their dependents are skipped), health waits end, and
 * steps under way finish. */
void svc_run_interrupt(struct svc_run *r);
/* Frees everything; run the loop once more afterwards (timers close). */
void svc_run_release(struct svc_run *r);

void svc_set_state(struct svc *s, enum svc_state to);
const char *svc_state_name(enum svc_state st);

#endif
