/* wcompose start: start services (existing containers, dependencies first). */
#include "cli/cli.h"

static int cmd_start(struct cli_global *g, const struct cli_args *args)
{
  return cli_verb(g, args, SVC_GOAL_UP);
}

const struct cli_command cmd_start_entry = {
    .name = "start",
    .summary = "Start services",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "Start services: existing containers, dependencies first.\n",
    .run = cmd_start};
