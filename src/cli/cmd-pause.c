/* wcompose pause: pause services (their running containers). */
#include "cli/cli.h"

static int cmd_pause(struct cli_global *g, const struct cli_args *args)
{
  return cli_verb(g, args, SVC_GOAL_PAUSE);
}

const struct cli_command cmd_pause_entry = {
    .name = "pause",
    .summary = "Pause services",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "Pause services: their running containers.\n",
    .run = cmd_pause};
