/* wcompose unpause: unpause services (their paused containers). */
#include "cli/cli.h"

static int cmd_unpause(struct cli_global *g, const struct cli_args *args)
{
  return cli_verb(g, args, SVC_GOAL_UNPAUSE);
}

const struct cli_command cmd_unpause_entry = {
    .name = "unpause",
    .summary = "Unpause services",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "Unpause services: their paused containers.\n",
    .run = cmd_unpause};
