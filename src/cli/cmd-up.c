/* wcompose up: converge the project (build, networks, volumes, containers
 * along the dependency graph), then, attached, follow the containers'
 * output until they exit or Ctrl-C stops them (a second Ctrl-C kills). */
#include "cli/lifecycle.h"
#include "orchestrate/logs.h"
#include "util/xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct up {
  struct lc lc;
  struct logs logs;
  uv_signal_t sigint, sigterm;
  struct svc_run stop;
  int stopping; /* 1: graceful stop under way; 2: killing */
  int signaled;
  int abort_on_exit, abort_on_failure;
  const char *exit_code_from;
  int exit_code; /* from the container that decided, or -1 */
  struct plan stop_plan;
  struct lc_watch *watch; /* --watch */
  int watch_busy;         /* a batch of changes is being handled */
  int stop_deferred;      /* a stop asked meanwhile: begin it after */
};

static void on_progress(void *data, const char *name, const char *status,
                        int done)
{
  struct up *u = data;
  progress_event(&u->lc.progress, "Container", name, status, done);
}

static const struct svc_hooks stop_hooks = {on_progress, NULL};

static void begin_stop(struct up *u)
{
  if (u->watch_busy) {
    /* a rebuild may be replacing containers: stop what is there after */
    u->stop_deferred = 1;
    return;
  }
  if (u->stopping)
    return;
  u->stopping = 1;
  logs_stopping(&u->logs);
  fprintf(stderr, "Gracefully stopping... (press Ctrl+C again to force)\n");
  struct svc_options so = {
      .goal = SVC_GOAL_STOP, .timeout = -1, .parallel = u->lc.g->parallel};
  svc_run_init(&u->stop, &u->lc.loop, u->lc.engine, u->lc.project,
               u->lc.selected, &u->stop_plan, &so, &stop_hooks, u);
  svc_run_start(&u->stop);
}

static void on_killed(void *ctx, struct engine_result *res)
{
  (void)ctx;
  (void)res;
}

static void begin_kill(struct up *u)
{
  u->stopping = 2;
  logs_cancel(&u->logs);
  for (size_t i = 0; i < u->stop_plan.n; i++) {
    const struct plan_container *c = u->stop_plan.v[i].container;
    struct err e = ERR_INIT;
    engine_container_kill(u->lc.engine, c->id, NULL, on_killed, NULL, &e);
    err_release(&e);
  }
}

static void on_signal(uv_signal_t *h, int signum)
{
  struct up *u = h->data;
  u->signaled = 1;
  if (!u->stopping)
    begin_stop(u);
  else if (u->stopping == 1)
    begin_kill(u);
}

static void on_exit_cb(void *data, const char *name, const char *service,
                       int code)
{
  struct up *u = data;
  int decides = u->exit_code_from ? !strcmp(service, u->exit_code_from)
                                  : u->exit_code < 0;
  if (decides && (u->abort_on_exit || u->exit_code_from ||
                  (u->abort_on_failure && code != 0)))
    u->exit_code = code;
  if (u->stopping)
    return;
  if (u->abort_on_exit || (u->exit_code_from && decides) ||
      (u->abort_on_failure && code != 0)) {
    if (u->abort_on_exit || u->exit_code_from)
      fprintf(stderr, "Aborting on container exit...\n");
    begin_stop(u);
  }
}

/* Follow the output of every container of the attached services. */
static int attach_all(struct up *u, const struct plan *plan,
                      const struct strvec *only, const struct strvec *skip,
                      unsigned flags)
{
  const struct project *p = u->lc.project;
  logs_init(&u->logs, &u->lc.loop, u->lc.engine, stdout, flags, on_exit_cb, u);
  /* containers this run did not touch (the plan points into the listing
   * about to be replaced) */
  struct strvec kept = STRVEC_INIT;
  for (size_t k = 0; k < plan->n; k++)
    if (plan->v[k].op == PLAN_KEEP && plan->v[k].container)
      strvec_push(&kept, plan->v[k].container->id);
  /* the stop plan: every container the walk left, kept or new */
  u->lc.nhave = 0;
  cJSON_Delete(u->lc.listed);
  u->lc.listed = NULL;
  free(u->lc.have);
  u->lc.have = NULL;
  int rc = lc_observe(&u->lc);
  if (rc) {
    strvec_clear(&kept);
    return rc;
  }
  lc_plan_existing(&u->lc, &u->stop_plan);
  for (size_t i = 0; i < u->stop_plan.n; i++) {
    const struct plan_action *a = &u->stop_plan.v[i];
    logs_reserve(&u->logs, p->services[a->service].name, a->number);
  }
  char now[32];
  snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
  for (size_t i = 0; i < u->stop_plan.n; i++) {
    const struct plan_action *a = &u->stop_plan.v[i];
    const struct service *s = &p->services[a->service];
    if ((only->n && !strvec_has(only, s->name)) || strvec_has(skip, s->name))
      continue;
    /* a container this run did not touch: no history, as compose does */
    logs_add(&u->logs, a->container->id, a->container->name, s->name, a->number,
             s->tty, strvec_has(&kept, a->container->id) ? now : NULL,
             &u->lc.err);
  }
  strvec_clear(&kept);
  return 0;
}

/* up --watch: after a rebuild recreated containers, follow the new ones
 * of the services followed so far, and stop those on Ctrl-C. */
static void follow_recreated(struct up *u)
{
  const struct project *p = u->lc.project;
  plan_release(&u->stop_plan);
  cJSON_Delete(u->lc.listed);
  u->lc.listed = NULL;
  free(u->lc.have);
  u->lc.have = NULL;
  u->lc.nhave = 0;
  if (lc_observe(&u->lc))
    return;
  lc_plan_existing(&u->lc, &u->stop_plan);
  for (size_t i = 0; i < u->stop_plan.n; i++) {
    const struct plan_action *a = &u->stop_plan.v[i];
    const struct service *s = &p->services[a->service];
    int followed = 0, service_followed = 0;
    for (struct logs_entry *en = u->logs.head; en; en = en->next) {
      followed |= !strcmp(en->id, a->container->id);
      service_followed |= !strcmp(en->service, s->name);
    }
    if (!followed && service_followed)
      logs_add(&u->logs, a->container->id, a->container->name, s->name,
               a->number, s->tty, NULL, &u->lc.err);
  }
}

static int parse_scale(struct lc *lc, const struct strvec *specs, int *scale)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nservices; i++)
    scale[i] = -1;
  for (size_t k = 0; k < specs->n; k++) {
    const char *eq = strchr(specs->v[k], '=');
    int n = eq ? lc_parse_int(eq + 1) : -1;
    size_t i;
    for (i = 0; eq && i < p->nservices; i++)
      if (strlen(p->services[i].name) == (size_t)(eq - specs->v[k]) &&
          !strncmp(p->services[i].name, specs->v[k], eq - specs->v[k]))
        break;
    if (!eq || n < 0)
      return err_set(&lc->err, ERR_USAGE, "--scale: '%s' is not SERVICE=NUMBER",
                     specs->v[k]);
    if (i == p->nservices)
      return err_set(&lc->err, ERR_USAGE, "--scale: no such service: '%.*s'",
                     (int)(eq - specs->v[k]), specs->v[k]);
    if (n > 1 && p->services[i].container_name)
      return err_set(&lc->err, ERR_USAGE,
                     "--scale: service '%s' sets container_name, so it "
                     "cannot have %d containers",
                     p->services[i].name, n);
    scale[i] = n;
  }
  return 0;
}

static int check_named(struct lc *lc, const char *flag,
                       const struct strvec *names)
{
  for (size_t k = 0; k < names->n; k++)
    if (!project_service(lc->project, names->v[k]))
      err_set(&lc->err, ERR_USAGE, "%s: no such service: '%s'", flag,
              names->v[k]);
  return lc->err.code;
}

enum {
  O_DETACH = 1,
  O_BUILD,
  O_NO_BUILD,
  O_NO_START,
  O_FORCE,
  O_NO_RECREATE,
  O_ORPHANS,
  O_NO_DEPS,
  O_SCALE,
  O_WAIT,
  O_WAIT_TIMEOUT,
  O_TIMEOUT,
  O_ABORT,
  O_ABORT_FAIL,
  O_EXIT_FROM,
  O_ATTACH,
  O_NO_ATTACH,
  O_ATTACH_DEPS,
  O_NO_COLOR,
  O_NO_PREFIX,
  O_TIMESTAMPS,
  O_PULL,
  O_QUIET_PULL,
  O_WATCH
};

static const struct cli_option options[] = {
    {O_DETACH, 'd', "detach", NULL, "Run in the background"},
    {O_BUILD, 0, "build", NULL, "Build images before starting"},
    {O_NO_BUILD, 0, "no-build", NULL, "Don't build missing images"},
    {O_NO_START, 0, "no-start", NULL, "Create, don't start"},
    {O_FORCE, 0, "force-recreate", NULL, "Recreate even unchanged containers"},
    {O_NO_RECREATE, 0, "no-recreate", NULL, "Keep existing containers"},
    {O_ORPHANS, 0, "remove-orphans", NULL,
     "Remove containers of services not in the file"},
    {O_NO_DEPS, 0, "no-deps", NULL, "Don't start linked services"},
    {O_SCALE, 0, "scale", "SERVICE=N", "Number of containers", CLI_OPT_REPEAT},
    {O_WAIT, 0, "wait", NULL,
     "Wait until services are running/healthy (implies -d)"},
    {O_WAIT_TIMEOUT, 0, "wait-timeout", "SECONDS", "Give up waiting after that",
     CLI_OPT_SECONDS},
    {O_TIMEOUT, 't', "timeout", "SECONDS", "Stop grace period",
     CLI_OPT_SECONDS},
    {O_ABORT, 0, "abort-on-container-exit", NULL, "Stop all when one exits"},
    {O_ABORT_FAIL, 0, "abort-on-container-failure", NULL,
     "Stop all when one fails"},
    {O_EXIT_FROM, 0, "exit-code-from", "SERVICE",
     "Exit with that service's code"},
    {O_ATTACH, 0, "attach", "SERVICE", "Follow only these services' output",
     CLI_OPT_REPEAT},
    {O_NO_ATTACH, 0, "no-attach", "SERVICE", "Don't follow this service",
     CLI_OPT_REPEAT},
    {O_ATTACH_DEPS, 0, "attach-dependencies", NULL,
     "Accepted for compatibility; no effect", CLI_OPT_HIDDEN},
    {O_NO_COLOR, 0, "no-color", NULL, "Monochrome output"},
    {O_NO_PREFIX, 0, "no-log-prefix", NULL, "No prefix on log lines"},
    {O_TIMESTAMPS, 0, "timestamps", NULL, "Show timestamps"},
    {O_PULL, 0, "pull", "POLICY", "always, missing, never or build", 0,
     "always|missing|never|build"},
    {O_QUIET_PULL, 0, "quiet-pull", NULL,
     "Accepted for compatibility; no effect", CLI_OPT_HIDDEN},
    {O_WATCH, 'w', "watch", NULL,
     "Watch the develop.watch paths (see 'wcompose watch')"},
    {0}};

static int cmd_up(struct cli_global *g, const struct cli_args *args)
{
  struct up *u = xcalloc(1, sizeof(*u));
  struct lc_converge co = {.timeout = cli_int(args, O_TIMEOUT, -1)};
  struct strvec scales = STRVEC_INIT, only = STRVEC_INIT, skip = STRVEC_INIT;
  int detach = cli_flag(args, O_DETACH) || cli_flag(args, O_WAIT);
  int no_deps = cli_flag(args, O_NO_DEPS) > 0;
  int wait_timeout = cli_int(args, O_WAIT_TIMEOUT, -1);
  int watch = cli_flag(args, O_WATCH) > 0, rc = 0;
  unsigned lflags = 0;
  u->exit_code = -1;
  co.build = cli_flag(args, O_BUILD) > 0;
  co.no_build = cli_flag(args, O_NO_BUILD) > 0;
  co.no_start = cli_flag(args, O_NO_START) > 0;
  if (cli_flag(args, O_FORCE))
    co.plan_flags |= PLAN_FORCE_RECREATE;
  if (cli_flag(args, O_NO_RECREATE))
    co.plan_flags |= PLAN_NO_RECREATE;
  if (cli_flag(args, O_ORPHANS))
    co.plan_flags |= PLAN_REMOVE_ORPHANS;
  co.wait = cli_flag(args, O_WAIT) > 0;
  co.pull = cli_value(args, O_PULL);
  cli_values_copy(args, O_SCALE, &scales);
  cli_values_copy(args, O_ATTACH, &only);
  cli_values_copy(args, O_NO_ATTACH, &skip);
  u->abort_on_exit = cli_flag(args, O_ABORT) > 0;
  u->abort_on_failure = cli_flag(args, O_ABORT_FAIL) > 0;
  u->exit_code_from = cli_value(args, O_EXIT_FROM);
  if (cli_flag(args, O_NO_COLOR))
    lflags |= LOGS_NO_COLOR;
  if (cli_flag(args, O_NO_PREFIX))
    lflags |= LOGS_NO_PREFIX;
  if (cli_flag(args, O_TIMESTAMPS))
    lflags |= LOGS_TIMESTAMPS;
  if (!rc && co.build && co.no_build)
    rc = err_set(&u->lc.err, ERR_USAGE,
                 "--build and --no-build cannot be combined");
  if (!rc && (co.plan_flags & PLAN_FORCE_RECREATE) &&
      (co.plan_flags & PLAN_NO_RECREATE))
    rc = err_set(&u->lc.err, ERR_USAGE,
                 "--force-recreate and --no-recreate cannot be combined");
  if (!rc && detach && watch)
    rc = err_set(&u->lc.err, ERR_USAGE,
                 "--watch cannot be combined with -d or --wait (use "
                 "'wcompose watch')");
  if (!rc && detach &&
      (u->abort_on_exit || u->exit_code_from || u->abort_on_failure))
    rc = err_set(&u->lc.err, ERR_USAGE,
                 "-d cannot be combined with --abort-on-container-exit, "
                 "--abort-on-container-failure or --exit-code-from");
  if (rc) {
    cli_print_err(&u->lc.err);
    err_release(&u->lc.err);
    strvec_clear(&scales);
    strvec_clear(&only);
    strvec_clear(&skip);
    free(u);
    return EXIT_USAGE;
  }
  if (!isatty(STDOUT_FILENO))
    lflags |= LOGS_NO_COLOR;
  if (g->ansi && !strcmp(g->ansi, "never"))
    lflags |= LOGS_NO_COLOR;
  struct err lerr = ERR_INIT;
  rc = lc_load(&u->lc, g, args->pos.v, (int)args->pos.n, !no_deps);
  int *scale = NULL;
  if (!rc) {
    scale = xcalloc(u->lc.project->nservices + 1, sizeof(*scale));
    rc = parse_scale(&u->lc, &scales, scale);
  }
  if (!rc && u->exit_code_from) {
    struct strvec one = STRVEC_INIT;
    strvec_push(&one, u->exit_code_from);
    rc = check_named(&u->lc, "--exit-code-from", &one);
    strvec_clear(&one);
  }
  if (!rc && watch)
    rc = lc_watch_check(&u->lc, u->lc.selected);
  if (!rc)
    rc = check_named(&u->lc, "--attach", &only);
  if (!rc)
    rc = check_named(&u->lc, "--no-attach", &skip);
  if (!rc)
    rc = lc_check_builds(&u->lc);
  if (!rc)
    rc = lc_engine(&u->lc);
  struct plan plan = PLAN_INIT;
  co.scale = scale;
  co.wait_timeout = wait_timeout;
  if (!rc)
    rc = lc_converge(&u->lc, &co, &plan);
  progress_end(&u->lc.progress);
  if (!rc && !detach && !co.no_start) {
    rc = attach_all(u, &plan, &only, &skip, lflags);
    if (!rc) {
      uv_signal_init(&u->lc.loop, &u->sigint);
      uv_signal_init(&u->lc.loop, &u->sigterm);
      u->sigint.data = u->sigterm.data = u;
      uv_signal_start(&u->sigint, on_signal, SIGINT);
      uv_signal_start(&u->sigterm, on_signal, SIGTERM);
      if (watch) {
        rc = lc_watch_start(&u->lc, u->lc.selected, 0, &u->watch);
        if (rc)
          begin_stop(u);
      }
      while (logs_active(&u->logs) ||
             (u->stopping && !svc_run_finished(&u->stop))) {
        if (!uv_run(&u->lc.loop, UV_RUN_ONCE))
          break;
        if (!u->watch || u->stopping)
          continue;
        u->watch_busy = 1;
        if (lc_watch_step(u->watch))
          follow_recreated(u);
        u->watch_busy = 0;
        if (u->stop_deferred)
          begin_stop(u);
      }
      lc_watch_stop(u->watch);
      uv_close((uv_handle_t *)&u->sigint, NULL);
      uv_close((uv_handle_t *)&u->sigterm, NULL);
      if (u->stopping) {
        progress_end(&u->lc.progress);
        svc_run_result(&u->stop, &lerr);
        svc_run_release(&u->stop);
      }
      uv_run(&u->lc.loop, UV_RUN_NOWAIT);
    }
    logs_release(&u->logs);
  }
  int code = lc_exit(&u->lc, rc);
  if (!rc && lerr.code)
    cli_print_err(&lerr);
  if (!rc && u->signaled)
    code = EXIT_SIGINT;
  else if (!rc && u->exit_code >= 0 &&
           (u->exit_code_from || u->abort_on_exit || u->abort_on_failure))
    code = u->exit_code;
  err_release(&lerr);
  plan_release(&plan);
  plan_release(&u->stop_plan);
  lc_close(&u->lc);
  free(scale);
  strvec_clear(&scales);
  strvec_clear(&only);
  strvec_clear(&skip);
  free(u);
  return code;
}

const struct cli_command cmd_up_entry = {.name = "up",
                                         .summary =
                                             "Create and start containers",
                                         .usage = "[OPTIONS] [SERVICE...]",
                                         .options = options,
                                         .run = cmd_up};
