/* wcompose watch: build and start the project (as up -d --build, unless
 * --no-up), then follow the develop.watch rules of the services until
 * Ctrl-C (watch/session.h): sync changed files into the containers,
 * restart them, run commands in them, or rebuild and recreate them. The
 * containers stay up. */
#include "cli/cli.h"
#include "orchestrate/converge.h"
#include "util/xalloc.h"
#include "watch/session.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- the command --- */

static int signaled;

static void on_signal(uv_signal_t *h, int signum)
{
  struct watch_session *ws = h->data;
  watch_session_quiesce(ws);
  if (signaled && watch_session_busy(ws)) {
    /* a second Ctrl-C while a rebuild or a sync runs: leave at once (the
     * containers stay up, as always) */
    fprintf(stderr, "wcompose: stopped\n");
    _exit(EXIT_SIGINT);
  }
  signaled = signum;
}

static void usage(FILE *f)
{
  fprintf(f, "Usage: wcompose watch [OPTIONS] [SERVICE...]\n\n"
             "Watch the develop.watch paths of the services and sync, "
             "restart, exec or\nrebuild as their rules say, until Ctrl-C "
             "(the containers stay up).\n\n"
             "Options:\n"
             "      --no-up   Do not build and start the services first\n"
             "      --prune   Remove the images a rebuild leaves dangling\n"
             "      --quiet   Hide build output\n");
}

int cmd_watch(struct cli_global *g, int argc, char **argv)
{
  enum { O_NO_UP = 256, O_PRUNE, O_QUIET };
  static const struct option opts[] = {{"no-up", no_argument, NULL, O_NO_UP},
                                       {"prune", no_argument, NULL, O_PRUNE},
                                       {"quiet", no_argument, NULL, O_QUIET},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int no_up = 0, quiet = 0, c;
  unsigned flags = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    switch (c) {
    case O_NO_UP:
      no_up = 1;
      break;
    case O_PRUNE:
      flags |= WATCH_SESSION_PRUNE;
      break;
    case O_QUIET:
      quiet = 1;
      break;
    case 'h':
      usage(stdout);
      return EXIT_OK;
    default:
      fprintf(stderr,
              "wcompose watch: unknown or incomplete flag '%s'\n"
              "Run 'wcompose watch --help' for usage.\n",
              argv[optind - 1]);
      return EXIT_USAGE;
    }
  }
  struct cli_session cs;
  struct session *S = &cs.s;
  struct watch_session *ws = NULL;
  unsigned char *want = NULL;
  int rc = cli_session_load(&cs, g, argv + optind, argc - optind, 1);
  S->quiet_build = quiet;
  if (!rc) {
    /* the services named (all when none) are watched; up starts their
     * dependencies too */
    const struct project *p = S->project;
    want = xcalloc(p->nservices ? p->nservices : 1, 1);
    for (int i = optind; i < argc; i++)
      want[project_service(p, argv[i]) - p->services] = 1;
    if (optind == argc)
      memset(want, 1, p->nservices);
    rc = watch_session_check(S, want);
  }
  if (!rc && !no_up)
    rc = session_check_builds(S);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc && !no_up) {
    struct converge_options co = {.images = {.force = 1}, .timeout = -1};
    struct plan plan = PLAN_INIT;
    rc = converge(S, &co, &plan);
    plan_release(&plan);
    session_forget(S);
    progress_end(&cs.progress);
  }
  if (!rc)
    rc = watch_session_start(S, want, flags, NULL, NULL, &ws);
  if (!rc) {
    uv_signal_t sigint, sigterm;
    uv_signal_init(&S->loop, &sigint);
    uv_signal_init(&S->loop, &sigterm);
    sigint.data = sigterm.data = ws;
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    /* the watch session works from the loop's callbacks; a batch being
     * handled is finished before leaving */
    while (!signaled || watch_session_busy(ws))
      uv_run(&S->loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&sigint, NULL);
    uv_close((uv_handle_t *)&sigterm, NULL);
    watch_session_free(ws);
  }
  int code = cli_session_exit(&cs, rc);
  if (!rc && signaled)
    code = EXIT_SIGINT;
  free(want);
  cli_session_close(&cs);
  return code;
}
