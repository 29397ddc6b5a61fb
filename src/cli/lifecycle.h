/* lifecycle: what the lifecycle commands (up, down, create, start, stop,
 * restart, rm, kill, pause, unpause, build) share: load the project and
 * check the services named, open the engine on a private loop, list the
 * project's containers by label, run a service walk, build images, and turn
 * error codes into exit codes. A struct lc owns everything it opened
 * (lc_close). Messages go to stderr only through the cli. */
#ifndef WCOMPOSE_CLI_LIFECYCLE_H
#define WCOMPOSE_CLI_LIFECYCLE_H

#include <uv.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "compose/model.h"
#include "engine/api.h"
#include "orchestrate/plan.h"
#include "orchestrate/svc.h"
#include "util/err.h"

struct lc {
  struct cli_global *g;
  struct project *project;
  uv_loop_t loop;
  int loop_open;
  struct engine *engine;
  struct progress progress;
  unsigned char *selected; /* per service: named (or all), with deps */
  int named;               /* services were named on the command line */
  cJSON *listed;           /* GET /containers/json, owned */
  struct plan_container *have;
  size_t nhave;
  int quiet_build; /* builds print no output (watch --quiet) */
  struct err err;
};

/* Load the project, select the named services (all when none) and, when
 * with_deps, their dependencies. Unknown services: ERR_USAGE with
 * "no such service: 'x'". Nothing touches the engine. */
int lc_load(struct lc *lc, struct cli_global *g, char **services, int n,
            int with_deps);
/* Open the engine (and the progress output). */
int lc_engine(struct lc *lc);
/* List the project's containers (all states, one-offs included) into
 * lc->have. */
int lc_observe(struct lc *lc);
/* Run an async call to completion on lc's loop: start(ctx) issues it with
 * lc_await_cb as callback and &slot as ctx; the result's json is taken
 * into *json when json is not NULL. */
struct lc_await {
  int done, rc;
  cJSON *json;
  char *text;
  struct err *err;
  uv_loop_t *loop; /* set by lc_await: the callback stops its uv_run turn,
                      which UV_RUN_ONCE would otherwise end only on the
                      next I/O when the call completed from a timer */
};
void lc_await_cb(void *ctx, struct engine_result *res);
int lc_await(struct lc *lc, struct lc_await *a);
/* Free what the call left in a (json, text). */
void lc_await_release(struct lc_await *a);

/* A plan over the existing containers of the selected services: each
 * listed once, op PLAN_START when it is not running, else PLAN_KEEP. */
void lc_plan_existing(struct lc *lc, struct plan *out);
/* Walk the selected services with the plan toward opt's goal; 0 or the
 * first failure (all lines in lc->err). */
int lc_run(struct lc *lc, const struct plan *plan,
           const struct svc_options *opt);

/* Networks and volumes the selected services use: create the missing
 * ones (labelled), check external ones exist. */
int lc_ensure_resources(struct lc *lc);
/* Check what must exist before anything is sent: build contexts and
 * Dockerfiles of the selected services that build. */
int lc_check_builds(struct lc *lc);
/* Have the images of the selected services: build those with a build
 * section (all when force or pull policy "build", else those missing),
 * pull the others that are missing (or all with policy "always") unless
 * the policy is "never". pull overrides each service's pull_policy (--pull;
 * NULL: theirs). image_ids[i] gets each selected service's image ID
 * (malloc'ed). */
int lc_images(struct lc *lc, int force, int no_build, const char *pull,
              char **image_ids);
/* Pull (or push) the image ref ("name[:tag]"), with the engine's progress
 * lines unless quiet; 0 or the error in lc->err. */
int lc_image_xfer(struct lc *lc, const char *ref, int push, int quiet);
/* Build one service's image (cmd-build.c), its output through the
 * progress as "[service] ..." lines unless lc->quiet_build. */
int lc_build_one(struct lc *lc, const struct service *s);

/* Converge the selected services (up and create): build or find images,
 * create networks and volumes, plan against what exists, walk. */
struct lc_converge {
  int build;           /* --build */
  int no_build;        /* --no-build */
  unsigned plan_flags; /* PLAN_FORCE_RECREATE ... */
  int no_start;
  int wait;
  int wait_timeout; /* seconds; <= 0: no limit */
  int timeout;      /* -t; -1: each service's */
  const int *scale; /* per service, -1: its replicas; or NULL */
  const char *pull; /* --pull always|missing|never|build; NULL: pull_policy */
};
int lc_converge(struct lc *lc, const struct lc_converge *o, struct plan *plan);

/* The options of the simple verbs; each verb declares the ones it takes. */
enum lc_verb_option {
  LC_OPT_TIMEOUT = 1, /* stop, restart: -t SECONDS */
  LC_OPT_SIGNAL,      /* kill: -s SIGNAL */
  LC_OPT_FORCE,       /* rm: -f */
  LC_OPT_STOP,        /* rm: -s */
  LC_OPT_VOLUMES,     /* rm: -v */
  LC_OPT_NO_DEPS      /* restart: accepted, no effect */
};
/* The simple verbs (start, stop, restart, kill, pause, unpause, rm): walk
 * the existing containers of the services named in args toward goal. */
int lc_verb(struct cli_global *g, const struct cli_args *args,
            enum svc_goal goal);

/* An engine_output_cb for run and exec: a container's output to our
 * stdout and stderr as it comes (ctx unused). */
int lc_print_output(void *ctx, enum stream_kind kind, const char *data,
                    size_t n);
/* Remove one container (forced), reporting progress; 0 or the error in
 * lc->err. */
int lc_remove_container(struct lc *lc, const struct plan_container *c,
                        unsigned rm_flags);
/* Remove a list of containers directly (orphans), reporting progress. */
int lc_remove_containers(struct lc *lc, const struct plan *plan,
                         unsigned rm_flags);

/* Watching (cmd-watch.c; watch and up --watch): compile the develop.watch
 * rules of the services in want (per service; notes about skipped ones
 * are printed) and watch their paths on lc's loop. Errors as
 * watch_rules_init and watch_new, in lc->err. */
struct lc_watch;
enum lc_watch_flags {
  LC_WATCH_PRUNE = 1 << 0 /* remove the images rebuilds leave dangling */
};
int lc_watch_start(struct lc *lc, const unsigned char *want, unsigned flags,
                   struct lc_watch **out);
/* The same checks of the rules, before anything is started (no notes). */
int lc_watch_check(struct lc *lc, const unsigned char *want);
/* Call after each loop turn, never from a callback: act on each batch of
 * changes that is due (rebuild, then sync, restart, exec), printing what is
 * done and warning of what failed; watching goes on. Returns 1 when
 * containers were recreated. */
int lc_watch_step(struct lc_watch *cw);
/* Stop watching and free cw (NULL: nothing). */
void lc_watch_stop(struct lc_watch *cw);

/* Print lc->err (if any) and map rc to an exit code. */
int lc_exit(struct lc *lc, int rc);
void lc_close(struct lc *lc);

/* Parse a --timeout/-t value; -1 on junk. */
int lc_parse_int(const char *s);

#endif
