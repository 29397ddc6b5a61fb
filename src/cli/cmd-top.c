/* wcompose top: the processes of each running container of the project,
 * one table per container under its name. */
#include "cli/cli.h"
#include "util/buf.h"
#include "views/views.h"

#include <stdio.h>

static int cmd_top(struct cli_global *g, const struct cli_args *args)
{
  struct cli_session cs;
  struct buf out = BUF_INIT;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = views_top(&cs.s, &out);
  return cli_session_finish(&cs, &out, rc);
}

const struct cli_command cmd_top_entry = {.name = "top",
                                          .summary =
                                              "Display the running processes",
                                          .usage = "[SERVICE...]",
                                          .run = cmd_top,
                                          .flags = CLI_CMD_RUNNING};
