/* wcompose up: converge the project (build, networks, volumes, containers
 * along the dependency graph), then, attached, follow the containers'
 * output until they exit or Ctrl-C stops them (a second Ctrl-C kills). */
#include "cli/cli.h"
#include "orchestrate/converge.h"
#include "orchestrate/supervise.h"
#include "util/xalloc.h"
#include "watch/session.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
  fprintf(f,
          "Usage: wcompose up [OPTIONS] [SERVICE...]\n\n"
          "Create and start containers.\n\n"
          "Options:\n"
          "  -d, --detach                   Run in the background\n"
          "      --build                    Build images before starting\n"
          "      --no-build                 Don't build missing images\n"
          "      --no-start                 Create, don't start\n"
          "      --force-recreate           Recreate even unchanged "
          "containers\n"
          "      --no-recreate              Keep existing containers\n"
          "      --remove-orphans           Remove containers of services "
          "not in the file\n"
          "      --no-deps                  Don't start linked services\n"
          "      --scale SERVICE=N          Number of containers (repeatable)\n"
          "      --wait                     Wait until services are "
          "running/healthy (implies -d)\n"
          "      --wait-timeout SECONDS     Give up waiting after that\n"
          "  -t, --timeout SECONDS          Stop grace period\n"
          "      --abort-on-container-exit  Stop all when one exits\n"
          "      --abort-on-container-failure  Stop all when one fails\n"
          "      --exit-code-from SERVICE   Exit with that service's code\n"
          "      --attach SERVICE           Follow only these services' "
          "output\n"
          "      --no-attach SERVICE        Don't follow this service\n"
          "      --no-color                 Monochrome output\n"
          "      --no-log-prefix            No prefix on log lines\n"
          "      --timestamps               Show timestamps\n"
          "      --pull POLICY              always, missing, never\n"
          "  -w, --watch                    Watch the develop.watch paths "
          "(see 'wcompose watch')\n");
}

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

static int parse_scale(struct session *lc, const struct strvec *specs,
                       int *scale)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nservices; i++)
    scale[i] = -1;
  for (size_t k = 0; k < specs->n; k++) {
    const char *eq = strchr(specs->v[k], '=');
    int n = eq ? cli_parse_seconds(eq + 1) : -1;
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

static int check_named(struct session *lc, const char *flag,
                       const struct strvec *names)
{
  for (size_t k = 0; k < names->n; k++)
    if (!project_service(lc->project, names->v[k]))
      err_set(&lc->err, ERR_USAGE, "%s: no such service: '%s'", flag,
              names->v[k]);
  return lc->err.code;
}

int cmd_up(struct cli_global *g, int argc, char **argv)
{
  enum {
    O_BUILD = 256,
    O_NO_BUILD,
    O_NO_START,
    O_FORCE,
    O_NO_RECREATE,
    O_ORPHANS,
    O_NO_DEPS,
    O_SCALE,
    O_WAIT,
    O_WAIT_TIMEOUT,
    O_ABORT,
    O_ABORT_FAIL,
    O_EXIT_FROM,
    O_ATTACH,
    O_NO_ATTACH,
    O_NO_COLOR,
    O_NO_PREFIX,
    O_TIMESTAMPS,
    O_PULL,
    O_QUIET_PULL,
    O_ATTACH_DEPS
  };
  static const struct option opts[] = {
      {"detach", no_argument, NULL, 'd'},
      {"build", no_argument, NULL, O_BUILD},
      {"no-build", no_argument, NULL, O_NO_BUILD},
      {"no-start", no_argument, NULL, O_NO_START},
      {"force-recreate", no_argument, NULL, O_FORCE},
      {"no-recreate", no_argument, NULL, O_NO_RECREATE},
      {"remove-orphans", no_argument, NULL, O_ORPHANS},
      {"no-deps", no_argument, NULL, O_NO_DEPS},
      {"scale", required_argument, NULL, O_SCALE},
      {"wait", no_argument, NULL, O_WAIT},
      {"wait-timeout", required_argument, NULL, O_WAIT_TIMEOUT},
      {"timeout", required_argument, NULL, 't'},
      {"abort-on-container-exit", no_argument, NULL, O_ABORT},
      {"abort-on-container-failure", no_argument, NULL, O_ABORT_FAIL},
      {"exit-code-from", required_argument, NULL, O_EXIT_FROM},
      {"attach", required_argument, NULL, O_ATTACH},
      {"no-attach", required_argument, NULL, O_NO_ATTACH},
      {"attach-dependencies", no_argument, NULL, O_ATTACH_DEPS},
      {"no-color", no_argument, NULL, O_NO_COLOR},
      {"no-log-prefix", no_argument, NULL, O_NO_PREFIX},
      {"timestamps", no_argument, NULL, O_TIMESTAMPS},
      {"pull", required_argument, NULL, O_PULL},
      {"quiet-pull", no_argument, NULL, O_QUIET_PULL},
      {"watch", no_argument, NULL, 'w'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct up *u = xcalloc(1, sizeof(*u));
  struct converge_options co = {.timeout = -1};
  struct strvec scales = STRVEC_INIT, only = STRVEC_INIT, skip = STRVEC_INIT;
  struct supervise_options so = {.only = &only, .skip = &skip};
  int detach = 0, no_deps = 0, wait_timeout = -1, watch = 0, c, rc = 0;
  unsigned lflags = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+dt:wh", opts, NULL)) != -1) {
    switch (c) {
    case 'd':
      detach = 1;
      break;
    case O_BUILD:
      co.images.force = 1;
      break;
    case O_NO_BUILD:
      co.images.no_build = 1;
      break;
    case O_NO_START:
      co.no_start = 1;
      break;
    case O_FORCE:
      co.plan_flags |= PLAN_FORCE_RECREATE;
      break;
    case O_NO_RECREATE:
      co.plan_flags |= PLAN_NO_RECREATE;
      break;
    case O_ORPHANS:
      co.plan_flags |= PLAN_REMOVE_ORPHANS;
      break;
    case O_NO_DEPS:
      no_deps = 1;
      break;
    case O_SCALE:
      strvec_push(&scales, optarg);
      break;
    case O_WAIT:
      co.wait = 1;
      detach = 1;
      break;
    case O_WAIT_TIMEOUT:
      wait_timeout = cli_parse_seconds(optarg);
      if (wait_timeout < 0)
        rc = err_set(&u->cs.s.err, ERR_USAGE,
                     "--wait-timeout: '%s' is not a number of seconds", optarg);
      break;
    case 't':
      co.timeout = cli_parse_seconds(optarg);
      if (co.timeout < 0)
        rc = err_set(&u->cs.s.err, ERR_USAGE,
                     "--timeout: '%s' is not a number of seconds", optarg);
      break;
    case O_ABORT:
      so.abort_on_exit = 1;
      break;
    case O_ABORT_FAIL:
      so.abort_on_failure = 1;
      break;
    case O_EXIT_FROM:
      so.exit_code_from = optarg;
      break;
    case O_ATTACH:
      strvec_push(&only, optarg);
      break;
    case O_NO_ATTACH:
      strvec_push(&skip, optarg);
      break;
    case O_NO_COLOR:
      lflags |= LOGS_NO_COLOR;
      break;
    case O_NO_PREFIX:
      lflags |= LOGS_NO_PREFIX;
      break;
    case O_TIMESTAMPS:
      lflags |= LOGS_TIMESTAMPS;
      break;
    case O_PULL:
      if (strcmp(optarg, "always") && strcmp(optarg, "missing") &&
          strcmp(optarg, "never") && strcmp(optarg, "build"))
        rc = err_set(&u->cs.s.err, ERR_USAGE,
                     "--pull: '%s' is not one of always, missing, never, "
                     "build",
                     optarg);
      co.images.pull = optarg;
      break;
    case 'w':
      watch = 1;
      break;
    case O_QUIET_PULL:
    case O_ATTACH_DEPS:
      break;
    case 'h':
      usage(stdout);
      free(u);
      return EXIT_OK;
    default:
      rc = err_set(&u->cs.s.err, ERR_USAGE,
                   "up: unknown or incomplete flag "
                   "'%s' (see 'wcompose up --help')",
                   argv[optind - 1]);
    }
  }
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
  rc = cli_session_load(&u->cs, g, argv + optind, argc - optind, !no_deps);
  int *scale = NULL;
  if (!rc) {
    scale = xcalloc(S->project->nservices + 1, sizeof(*scale));
    rc = parse_scale(S, &scales, scale);
  }
  if (!rc && so.exit_code_from) {
    struct strvec one = STRVEC_INIT;
    strvec_push(&one, so.exit_code_from);
    rc = check_named(S, "--exit-code-from", &one);
    strvec_clear(&one);
  }
  if (!rc && watch)
    rc = watch_session_check(S, S->selected);
  if (!rc)
    rc = check_named(S, "--attach", &only);
  if (!rc)
    rc = check_named(S, "--no-attach", &skip);
  if (!rc)
    rc = session_check_builds(S);
  if (!rc)
    rc = cli_session_open(&u->cs);
  struct plan plan = PLAN_INIT;
  co.scale = scale;
  co.wait_timeout = wait_timeout;
  if (!rc)
    rc = converge(S, &co, &plan);
  progress_end(&u->cs.progress);
  int exit_code = -1;
  if (!rc && !detach && !co.no_start) {
    so.log_flags = lflags;
    so.out = stdout;
    so.stopping = on_stopping;
    so.data = u;
    u->supervising = 1;
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
  if (!rc && lerr.code)
    cli_print_err(&lerr);
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
