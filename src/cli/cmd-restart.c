/* wcompose restart: restart service containers (dependencies first). */
#include "cli/cli.h"

static const struct cli_option options[] = {
    {VERB_OPT_TIMEOUT, 't', "timeout", "SECONDS", "Grace period before SIGKILL",
     CLI_OPT_SECONDS},
    {VERB_OPT_NO_DEPS, 0, "no-deps", NULL,
     "Accepted for compatibility; no effect", CLI_OPT_HIDDEN},
    {0}};

static int cmd_restart(struct cli_global *g, const struct cli_args *args)
{
  return cli_verb(g, args, SVC_GOAL_RESTART);
}

const struct cli_command cmd_restart_entry = {
    .name = "restart",
    .summary = "Restart service containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "Restart service containers: dependencies first.\n",
    .options = options,
    .run = cmd_restart};
