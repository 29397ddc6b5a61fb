/* wcompose watch: build and start the project (as up -d --build, unless
 * --no-up), then follow the develop.watch rules of the services until
 * Ctrl-C (watch/session.h): sync changed files into the containers,
 * restart them, run commands in them, or rebuild and recreate them. The
 * containers stay up. */
#include "cli/cli.h"
#include "orchestrate/converge.h"
#include "util/xalloc.h"
#include "watch/session.h"

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

enum { O_NO_UP = 1, O_PRUNE, O_QUIET };

static const struct cli_option options[] = {
    {O_NO_UP, 0, "no-up", NULL, "Do not build and start the services first"},
    {O_PRUNE, 0, "prune", NULL, "Remove the images a rebuild leaves dangling"},
    {O_QUIET, 0, "quiet", NULL, "Hide build output"},
    {0}};

static int cmd_watch(struct cli_global *g, const struct cli_args *args)
{
  int no_up = cli_flag(args, O_NO_UP) > 0, quiet = cli_flag(args, O_QUIET) > 0;
  unsigned flags = cli_flag(args, O_PRUNE) ? WATCH_SESSION_PRUNE : 0;
  struct cli_session cs;
  struct session *S = &cs.s;
  struct watch_session *ws = NULL;
  unsigned char *want = NULL;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 1);
  S->quiet_build = quiet;
  if (!rc) {
    /* the services named (all when none) are watched; up starts their
     * dependencies too */
    const struct project *p = S->project;
    want = xcalloc(p->nservices ? p->nservices : 1, 1);
    for (size_t i = 0; i < args->pos.n; i++)
      want[project_service(p, args->pos.v[i]) - p->services] = 1;
    if (!args->pos.n)
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

const struct cli_command cmd_watch_entry = {
    .name = "watch",
    .summary = "Watch build context for service and rebuild/refresh containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description =
        "Watch the develop.watch paths of the services and sync, restart, "
        "exec or\nrebuild as their rules say, until Ctrl-C (the containers "
        "stay up).\n",
    .options = options,
    .run = cmd_watch};
