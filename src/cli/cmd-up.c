/* wcompose up: converge the project (build, networks, volumes, containers
 * along the dependency graph), then, attached, follow the containers'
 * output until they exit or Ctrl-C stops them (a second Ctrl-C kills). */
#include "cli/cli.h"
#include "orchestrate/converge.h"
#include "orchestrate/supervise.h"
#include "util/xalloc.h"
#include "watch/session.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct up {
  struct cli_session cs;
  struct supervise sv;
  int supervising;
  uv_signal_t sigint, sigterm;
  int signaled;
  struct watch_session *watch; /* --watch */
};

static void on_signal(uv_signal_t *h, int signum)
{
  struct up *u = h->data;
  (void)signum;
  u->signaled = 1;
  supervise_stop(&u->sv);
}

/* up --watch: a stop waits for a rebuild to finish replacing containers,
 * and the recreated containers are followed. */
static void on_watch_busy(void *data, int on)
{
  struct up *u = data;
  supervise_hold(&u->sv, on);
}

static int on_recreated(void *data, session_done_cb done, void *arg)
{
  struct up *u = data;
  return supervise_follow_new(&u->sv, done, arg);
}

static const struct watch_session_hooks watch_hooks = {on_watch_busy,
                                                       on_recreated};

static void on_stopping(void *data)
{
  struct up *u = data;
  watch_session_quiesce(u->watch);
}

enum {
  O_DETACH = 1,
  O_BUILD,
  O_NO_BUILD,
  O_NO_START,
  O_FORCE,
  O_NO_RECREATE,
  O_RENEW_ANON,
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
    {O_RENEW_ANON, 'V', "renew-anon-volumes", NULL,
     "Recreate anonymous volumes instead of keeping the old containers'"},
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
  struct converge_options co = {.timeout = cli_int(args, O_TIMEOUT, -1)};
  struct strvec scales = STRVEC_INIT, only = STRVEC_INIT, skip = STRVEC_INIT;
  struct supervise_options so = {.only = &only, .skip = &skip};
  int detach = cli_flag(args, O_DETACH) || cli_flag(args, O_WAIT);
  int no_deps = cli_flag(args, O_NO_DEPS) > 0;
  int wait_timeout = cli_int(args, O_WAIT_TIMEOUT, -1);
  int watch = cli_flag(args, O_WATCH) > 0, rc = 0;
  unsigned lflags = 0;
  co.images.force = cli_flag(args, O_BUILD) > 0;
  co.images.no_build = cli_flag(args, O_NO_BUILD) > 0;
  co.no_start = cli_flag(args, O_NO_START) > 0;
  co.renew_anon_volumes = cli_flag(args, O_RENEW_ANON) > 0;
  if (cli_flag(args, O_FORCE))
    co.plan_flags |= PLAN_FORCE_RECREATE;
  if (cli_flag(args, O_NO_RECREATE))
    co.plan_flags |= PLAN_NO_RECREATE;
  if (cli_flag(args, O_ORPHANS))
    co.plan_flags |= PLAN_REMOVE_ORPHANS;
  co.wait = cli_flag(args, O_WAIT) > 0;
  co.images.pull = cli_value(args, O_PULL);
  cli_values_copy(args, O_SCALE, &scales);
  cli_values_copy(args, O_ATTACH, &only);
  cli_values_copy(args, O_NO_ATTACH, &skip);
  so.abort_on_exit = cli_flag(args, O_ABORT) > 0;
  so.abort_on_failure = cli_flag(args, O_ABORT_FAIL) > 0;
  so.exit_code_from = cli_value(args, O_EXIT_FROM);
  if (cli_flag(args, O_NO_COLOR))
    lflags |= LOGS_NO_COLOR;
  if (cli_flag(args, O_NO_PREFIX))
    lflags |= LOGS_NO_PREFIX;
  if (cli_flag(args, O_TIMESTAMPS))
    lflags |= LOGS_TIMESTAMPS;
  if (!rc && co.images.force && co.images.no_build)
    rc = err_set(&u->cs.s.err, ERR_USAGE,
                 "--build and --no-build cannot be combined");
  if (!rc && (co.plan_flags & PLAN_FORCE_RECREATE) &&
      (co.plan_flags & PLAN_NO_RECREATE))
    rc = err_set(&u->cs.s.err, ERR_USAGE,
                 "--force-recreate and --no-recreate cannot be combined");
  if (!rc && detach && watch)
    rc = err_set(&u->cs.s.err, ERR_USAGE,
                 "--watch cannot be combined with -d or --wait (use "
                 "'wcompose watch')");
  if (!rc && detach &&
      (so.abort_on_exit || so.exit_code_from || so.abort_on_failure))
    rc = err_set(&u->cs.s.err, ERR_USAGE,
                 "-d cannot be combined with --abort-on-container-exit, "
                 "--abort-on-container-failure or --exit-code-from");
  if (rc) {
    cli_print_err(&u->cs.s.err);
    err_release(&u->cs.s.err);
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
  struct session *S = &u->cs.s;
  rc = cli_session_load(&u->cs, g, args->pos.v, (int)args->pos.n, !no_deps);
  int *scale = NULL;
  if (!rc) {
    scale = xcalloc(S->project->nservices + 1, sizeof(*scale));
    rc = session_scale(S, &scales, scale);
  }
  if (!rc && so.exit_code_from) {
    struct strvec one = STRVEC_INIT;
    strvec_push(&one, so.exit_code_from);
    rc = session_check_named(S, "--exit-code-from", &one);
    strvec_clear(&one);
  }
  if (!rc && watch)
    rc = watch_session_check(S, S->selected);
  if (!rc)
    rc = session_check_named(S, "--attach", &only);
  if (!rc)
    rc = session_check_named(S, "--no-attach", &skip);
  if (!rc)
    rc = session_check_builds(S);
  if (!rc)
    rc = cli_session_open_guarded(&u->cs);
  struct plan plan = PLAN_INIT;
  co.scale = scale;
  co.wait_timeout = wait_timeout;
  if (!rc)
    rc = converge(S, &co, &plan);
  progress_end(&u->cs.progress);
  int exit_code = -1;
  if (!rc && !detach && !co.no_start && !S->interrupted) {
    so.log_flags = lflags;
    so.out = stdout;
    so.stopping = on_stopping;
    so.data = u;
    u->supervising = 1;
    session_guard(S, 0); /* Ctrl-C now stops the containers (supervise) */
    rc = supervise_start(&u->sv, S, &plan, &so);
    if (!rc) {
      uv_signal_init(&S->loop, &u->sigint);
      uv_signal_init(&S->loop, &u->sigterm);
      u->sigint.data = u->sigterm.data = u;
      uv_signal_start(&u->sigint, on_signal, SIGINT);
      uv_signal_start(&u->sigterm, on_signal, SIGTERM);
      if (watch) {
        rc = watch_session_start(S, S->selected, 0, &watch_hooks, u, &u->watch);
        if (rc)
          supervise_stop(&u->sv);
      }
      /* everything happens in the loop's callbacks: follow, exits,
       * stops, watch batches */
      while (!supervise_finished(&u->sv))
        if (!uv_run(&S->loop, UV_RUN_ONCE))
          break;
      watch_session_free(u->watch);
      uv_close((uv_handle_t *)&u->sigint, NULL);
      uv_close((uv_handle_t *)&u->sigterm, NULL);
      progress_end(&u->cs.progress);
      exit_code = supervise_result(&u->sv, &lerr);
      uv_run(&S->loop, UV_RUN_NOWAIT);
    }
  }
  if (u->supervising)
    supervise_release(&u->sv);
  int code = cli_session_exit(&u->cs, rc);
  if (!rc && lerr.code) {
    cli_print_err(&lerr);
    code = code ? code : EXIT_FAIL; /* the stop failed, the engine went */
  }
  if (!rc && u->signaled)
    code = EXIT_SIGINT;
  else if (!rc && exit_code >= 0 &&
           (so.exit_code_from || so.abort_on_exit || so.abort_on_failure))
    code = exit_code;
  err_release(&lerr);
  plan_release(&plan);
  cli_session_close(&u->cs);
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
