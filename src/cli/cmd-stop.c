/* wcompose stop: stop services (dependents first, each with its stop signal and
 * grace period). */
#include "cli/cli.h"

static const struct cli_option options[] = {
    {VERB_OPT_TIMEOUT, 't', "timeout", "SECONDS", "Grace period before SIGKILL",
     CLI_OPT_SECONDS},
    {0}};

static int cmd_stop(struct cli_global *g, const struct cli_args *args)
{
  return cli_verb(g, args, SVC_GOAL_STOP);
}

const struct cli_command cmd_stop_entry = {
    .name = "stop",
    .summary = "Stop services",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "Stop services: dependents first, each with its stop signal "
                   "and grace period.\n",
    .options = options,
    .run = cmd_stop};
