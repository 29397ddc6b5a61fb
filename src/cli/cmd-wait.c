/* wcompose wait: block until the containers of the services named stop;
 * print each one's exit code as it stops, and exit with the first one's.
 * --down-project takes the project down when the first one stops. */
#include "cli/cli.h"
#include "orchestrate/exits.h"
#include "orchestrate/teardown.h"

#include <stdio.h>
#include <string.h>

enum { O_DOWN = 1 };

static const struct cli_option options[] = {
    {O_DOWN, 0, "down-project", NULL,
     "Take the project down when the first container stops"},
    {0}};

static void on_exit_code(void *data, const char *name, const char *service,
                         int code, const struct err *e)
{
  (void)data;
  (void)name;
  (void)service;
  if (!e) {
    printf("%d\n", code);
    fflush(stdout);
  }
}

static int cmd_wait(struct cli_global *g, const struct cli_args *args)
{
  int down = cli_flag(args, O_DOWN) > 0;
  if (!args->pos.n) {
    fprintf(stderr, "wcompose wait: name at least one SERVICE\n");
    return EXIT_USAGE;
  }
  struct cli_session cs;
  struct session *S = &cs.s;
  struct exits x = {0};
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = exits_start(S, &x, on_exit_code, NULL);
  if (!rc)
    rc = session_wait(S, down ? &x.first_done : &x.all_done);
  if (!rc && x.failed)
    rc = S->err.code;
  if (!rc && down) {
    /* the whole project, orphans too, as down --remove-orphans */
    for (size_t i = 0; i < S->project->nservices; i++)
      S->selected[i] = 1;
    S->named = 0;
    struct teardown_options o = {.timeout = -1, .remove_orphans = 1};
    rc = teardown(S, &o);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  exits_release(&x);
  return rc ? code : x.first_code;
}

const struct cli_command cmd_wait_entry = {
    .name = "wait",
    .summary = "Block until the containers of services stop",
    .usage = "[OPTIONS] SERVICE...",
    .description =
        "Block until the containers of the services named stop. Each "
        "container's\nexit code is printed as it stops; the exit status is "
        "the first one's.\nA container already stopped counts at once, with "
        "the code it had.\n",
    .options = options,
    .run = cmd_wait};
