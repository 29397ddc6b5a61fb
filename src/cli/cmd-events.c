/* wcompose events: stream the engine's events about the project's
 * containers, as text lines or (--json) one JSON object per line, until
 * Ctrl-C. */
#include "cli/cli.h"
#include "views/views.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static void print_line(void *data, const char *line, size_t n)
{
  (void)data;
  fwrite(line, 1, n, stdout);
  fflush(stdout);
}

static void on_sigint(uv_signal_t *h, int signum)
{
  (void)signum;
  views_events_stop(h->data);
}

enum { O_JSON = 1 };

static const struct cli_option options[] = {
    {O_JSON, 0, "json", NULL, "Output events as a stream of JSON objects"},
    {0}};

static int cmd_events(struct cli_global *g, const struct cli_args *args)
{
  int json = cli_flag(args, O_JSON) > 0;
  struct cli_session cs;
  struct session *lc = &cs.s;
  struct views_events v;
  uv_signal_t sigint;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = views_events_start(lc, &v, json, print_line, NULL);
  if (!rc) {
    uv_signal_init(&lc->loop, &sigint);
    sigint.data = &v;
    uv_signal_start(&sigint, on_sigint, SIGINT);
    rc = views_events_wait(&v);
    uv_close((uv_handle_t *)&sigint, NULL);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_events_entry = {
    .name = "events",
    .summary = "Stream events from the project's containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description =
        "Stream container events for every container in the project.\n",
    .options = options,
    .run = cmd_events};
