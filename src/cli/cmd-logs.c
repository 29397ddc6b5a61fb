/* wcompose logs: the output of the project's containers, each line with
 * its aligned "service-1 | " prefix; -f follows (containers that start
 * meanwhile too) until every container stops or Ctrl-C. The following is
 * orchestrate/logs; this file chooses what to show. */
#include "cli/views.h"
#include "orchestrate/logs.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "Usage: wcompose logs [OPTIONS] [SERVICE...]\n\n"
    "View output from containers.\n"
    "\nOptions:\n"
    "  -f, --follow          Follow log output\n"
    "  -n, --tail N          Lines from the end of each log (default all)\n"
    "  -t, --timestamps      Show timestamps\n"
    "      --since TIME      Logs since a timestamp or relative time (42m)\n"
    "      --until TIME      Logs before a timestamp or relative time\n"
    "      --no-color        Produce monochrome output\n"
    "      --no-log-prefix   Don't print the prefix in logs\n";

struct view {
  struct lc *lc;
  struct logs logs;
  int index; /* --index, or 0 */
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
  logs_cancel(&v->logs);
}

static int valid_tail(const char *s)
{
  return !strcmp(s, "all") || lc_parse_int(s) >= 0;
}

int cmd_logs(struct cli_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
      {"follow", no_argument, NULL, 'f'},
      {"tail", required_argument, NULL, 'n'},
      {"timestamps", no_argument, NULL, 't'},
      {"since", required_argument, NULL, 'S'},
      {"until", required_argument, NULL, 'U'},
      {"no-color", no_argument, NULL, 'C'},
      {"no-log-prefix", no_argument, NULL, 'P'},
      {"index", required_argument, NULL, 'i'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct engine_logs_opts eo = {0};
  unsigned flags = 0;
  int index = 0, c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+fn:th", opts, NULL)) != -1) {
    if (c == 'f') {
      eo.follow = 1;
    } else if (c == 'n') {
      if (!valid_tail(optarg)) {
        fprintf(stderr,
                "wcompose logs: --tail: '%s' is not a number of lines (or "
                "all)\n",
                optarg);
        return EXIT_USAGE;
      }
      eo.tail = optarg;
    } else if (c == 't') {
      eo.timestamps = 1;
    } else if (c == 'S') {
      eo.since = optarg;
    } else if (c == 'U') {
      eo.until = optarg;
    } else if (c == 'C') {
      flags |= LOGS_NO_COLOR;
    } else if (c == 'P') {
      flags |= LOGS_NO_PREFIX;
    } else if (c == 'i') {
      index = lc_parse_int(optarg);
      if (index < 1) {
        fprintf(stderr,
                "wcompose logs: --index: '%s' is not a replica "
                "number\n",
                optarg);
        return EXIT_USAGE;
      }
    } else if (c == 'h') {
      fputs(usage, stdout);
      return EXIT_OK;
    } else {
      return views_bad_flag(argv[0], argv[optind - 1]);
    }
  }
  if (!isatty(fileno(stdout)))
    flags |= LOGS_NO_COLOR;
  if (g->ansi && !strcmp(g->ansi, "never"))
    flags |= LOGS_NO_COLOR;
  else if (g->ansi && !strcmp(g->ansi, "always") && !(flags & LOGS_NO_PREFIX))
    flags &= ~(unsigned)LOGS_NO_COLOR;
  struct lc lc;
  struct view v;
  memset(&v, 0, sizeof(v));
  int rc = lc_load(&lc, g, argv + optind, argc - optind, 0);
  if (!rc)
    rc = lc_engine(&lc);
  /* starts from here on are followed, listed or not (no gap between) */
  char listed_at[32];
  snprintf(listed_at, sizeof(listed_at), "%lld", (long long)time(NULL) - 1);
  if (!rc)
    rc = lc_observe(&lc);
  if (!rc) {
    struct logs_options lo = {.flags = flags | LOGS_NO_WAIT,
                              .tail = eo.tail,
                              .since = eo.since,
                              .until = eo.until,
                              .on_error = on_error,
                              .data = &v};
    if (!eo.follow)
      lo.flags |= LOGS_NO_FOLLOW;
    if (eo.timestamps)
      lo.flags |= LOGS_TIMESTAMPS;
    v.lc = &lc;
    v.index = index;
    logs_init_opts(&v.logs, &lc.loop, lc.engine, stdout, &lo);
    struct views_list l;
    views_collect(&lc, 1, &l);
    for (size_t i = 0; i < l.n; i++) {
      const struct plan_container *c = &l.v[i].c;
      if (!index || c->number == index)
        logs_add(&v.logs, c->id, c->name, c->service, c->number, -1, NULL,
                 &lc.err);
    }
    free(l.v);
    /* as compose: containers that start while following are followed
     * too (a scale-up, a recreate, a restart) */
    if (eo.follow && logs_active(&v.logs) &&
        logs_follow_new(&v.logs, lc.project->name, listed_at, want, &lc.err)) {
      cli_print_err(&lc.err);
      err_release(&lc.err);
    }
    uv_signal_init(&lc.loop, &v.sigint);
    v.sigint.data = &v;
    uv_signal_start(&v.sigint, on_sigint, SIGINT);
    uv_unref((uv_handle_t *)&v.sigint);
    while (logs_active(&v.logs) && !v.interrupted)
      uv_run(&lc.loop, UV_RUN_ONCE);
    /* every stream over (or Ctrl-C): the watch for new ones ends too */
    logs_cancel(&v.logs);
    while (logs_active(&v.logs))
      uv_run(&lc.loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&v.sigint, NULL);
    logs_release(&v.logs);
  }
  int code = lc_exit(&lc, rc);
  lc_close(&lc);
  return v.interrupted && code == EXIT_OK ? EXIT_OK : code;
}
