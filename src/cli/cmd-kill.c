/* wcompose kill: force stop service containers (with SIGKILL or -s). */
#include "cli/cli.h"

static const struct cli_option options[] = {
    {VERB_OPT_SIGNAL, 's', "signal", "SIGNAL",
     "Signal to send (default SIGKILL)"},
    {0}};

static int cmd_kill(struct cli_global *g, const struct cli_args *args)
{
  return cli_verb(g, args, SVC_GOAL_KILL);
}

const struct cli_command cmd_kill_entry = {
    .name = "kill",
    .summary = "Force stop service containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "Force stop service containers: with SIGKILL or -s.\n",
    .options = options,
    .run = cmd_kill};
