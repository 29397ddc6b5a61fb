/* wcompose logs: the output of the project's containers, each line with
 * its aligned "service-1 | " prefix; -f follows (containers that start
 * meanwhile too) until every container stops or Ctrl-C. The following is
 * orchestrate/logs; this file chooses what to show. */
#include "cli/cli.h"
#include "orchestrate/logs.h"
#include "orchestrate/supervise.h"
#include "util/xalloc.h"
#include "views/views.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct view {
  struct session *lc;
  struct supervise sv; /* -f */
  struct logs own;     /* without -f */
  struct logs *logs;   /* the one in use */
  int index;           /* --index, or 0 */
  int interrupted;
  uv_signal_t sigint;
};

/* Whether a container that started while following is one to show. */
static int want(void *data, const char *service, int number)
{
  struct view *v = data;
  const struct project *p = v->lc->project;
  if (v->index && number != v->index)
    return 0;
  for (size_t k = 0; k < p->nservices; k++)
    if (v->lc->selected[k] && !strcmp(p->services[k].name, service))
      return 1;
  return 0;
}

static void on_error(void *data, const char *name, const struct err *e)
{
  (void)data;
  (void)name;
  fputs("wcompose: ", stderr);
  cli_print_err(e);
}

static void on_sigint(uv_signal_t *h, int signum)
{
  struct view *v = h->data;
  (void)signum;
  v->interrupted = 1;
  if (v->logs == &v->own)
    logs_cancel(v->logs);
  else
    supervise_stop(&v->sv);
}

enum {
  O_FOLLOW = 1,
  O_TAIL,
  O_TIMESTAMPS,
  O_SINCE,
  O_UNTIL,
  O_NO_COLOR,
  O_NO_PREFIX,
  O_INDEX
};

static const struct cli_option options[] = {
    {O_FOLLOW, 'f', "follow", NULL, "Follow log output"},
    {O_TAIL, 'n', "tail", "N", "Lines from the end of each log (default all)",
     CLI_OPT_LINES},
    {O_TIMESTAMPS, 't', "timestamps", NULL, "Show timestamps"},
    {O_SINCE, 0, "since", "TIME",
     "Logs since a timestamp or relative time (42m)"},
    {O_UNTIL, 0, "until", "TIME", "Logs before a timestamp or relative time"},
    {O_NO_COLOR, 0, "no-color", NULL, "Produce monochrome output"},
    {O_NO_PREFIX, 0, "no-log-prefix", NULL, "Don't print the prefix in logs"},
    {O_INDEX, 0, "index", "N",
     "Index of the container if the service has several replicas",
     CLI_OPT_REPLICA},
    {0}};

static int cmd_logs(struct cli_global *g, const struct cli_args *args)
{
  struct engine_logs_opts eo = {0};
  unsigned flags = 0;
  int index = cli_int(args, O_INDEX, 0);
  eo.follow = cli_flag(args, O_FOLLOW) > 0;
  eo.tail = cli_value(args, O_TAIL);
  eo.timestamps = cli_flag(args, O_TIMESTAMPS) > 0;
  eo.since = cli_value(args, O_SINCE);
  eo.until = cli_value(args, O_UNTIL);
  if (cli_flag(args, O_NO_COLOR))
    flags |= LOGS_NO_COLOR;
  if (cli_flag(args, O_NO_PREFIX))
    flags |= LOGS_NO_PREFIX;
  if (!isatty(fileno(stdout)))
    flags |= LOGS_NO_COLOR;
  if (g->ansi && !strcmp(g->ansi, "never"))
    flags |= LOGS_NO_COLOR;
  else if (g->ansi && !strcmp(g->ansi, "always") && !(flags & LOGS_NO_PREFIX))
    flags &= ~(unsigned)LOGS_NO_COLOR;
  struct cli_session cs;
  struct session *lc = &cs.s;
  struct view v;
  memset(&v, 0, sizeof(v));
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  /* starts from here on are followed, listed or not (no gap between) */
  char listed_at[32];
  snprintf(listed_at, sizeof(listed_at), "%lld", (long long)time(NULL) - 1);
  if (!rc)
    rc = session_observe(lc);
  struct err lerr = ERR_INIT;
  if (!rc) {
    struct logs_options lo = {.flags = flags | LOGS_NO_WAIT,
                              .tail = eo.tail,
                              .since = eo.since,
                              .until = eo.until,
                              .on_error = on_error,
                              .data = &v};
    if (!eo.follow)
      lo.flags |= LOGS_NO_FOLLOW;
    else
      lo.flags |= LOGS_EXIT_LINES; /* as compose: "web-1 exited with code 0" */
    if (eo.timestamps)
      lo.flags |= LOGS_TIMESTAMPS;
    v.lc = lc;
    v.index = index;
    /* -f: supervise's follower, which also rides out the engine's going
     * away (said once, asked again, followed again when it is back) */
    struct supervise_options so = {
        .follow_only = 1, .logs = &lo, .want = want, .data = &v};
    if (eo.follow) {
      supervise_start(&v.sv, lc, NULL, &so);
      v.logs = &v.sv.logs;
    } else {
      logs_init_opts(&v.own, &lc->loop, lc->engine, stdout, &lo);
      v.logs = &v.own;
    }
    struct views_list l;
    views_collect(lc, 1, &l);
    for (size_t i = 0; i < l.n; i++) {
      const struct plan_container *c = &l.v[i].c;
      if (!index || c->number == index)
        logs_add(v.logs, c->id, c->name, c->service, c->number, -1, NULL,
                 &lc->err);
    }
    views_list_release(&l);
    /* as compose: containers that start while following are followed
     * too (a scale-up, a recreate, a restart) */
    if (eo.follow && logs_active(v.logs) &&
        supervise_follow_project(&v.sv, listed_at, &lc->err)) {
      cli_print_err(&lc->err);
      err_release(&lc->err);
    }
    uv_signal_init(&lc->loop, &v.sigint);
    v.sigint.data = &v;
    uv_signal_start(&v.sigint, on_sigint, SIGINT);
    uv_unref((uv_handle_t *)&v.sigint);
    if (eo.follow) {
      while (!supervise_finished(&v.sv) && !v.interrupted)
        uv_run(&lc->loop, UV_RUN_ONCE);
      /* every stream over (or Ctrl-C): the watch for new ones ends too */
      supervise_stop(&v.sv);
      while (!supervise_finished(&v.sv))
        uv_run(&lc->loop, UV_RUN_ONCE);
      supervise_result(&v.sv, &lerr);
    } else {
      while (logs_active(v.logs))
        uv_run(&lc->loop, UV_RUN_ONCE);
    }
    uv_close((uv_handle_t *)&v.sigint, NULL);
    if (eo.follow)
      supervise_release(&v.sv);
    else
      logs_release(v.logs);
  }
  int code = cli_session_exit(&cs, rc);
  if (!rc && lerr.code) { /* the engine did not come back */
    cli_print_err(&lerr);
    code = EXIT_FAIL;
  }
  err_release(&lerr);
  cli_session_close(&cs);
  return v.interrupted && code == EXIT_OK ? EXIT_OK : code;
}

const struct cli_command cmd_logs_entry = {.name = "logs",
                                           .summary =
                                               "View output from containers",
                                           .usage = "[OPTIONS] [SERVICE...]",
                                           .options = options,
                                           .run = cmd_logs,
                                           .flags = CLI_CMD_RUNNING};
