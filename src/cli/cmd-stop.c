/* wcompose stop: stop services (dependents first, each with its stop signal and
 * grace period). */
#include "cli/cli.h"

int cmd_stop(struct cli_global *g, int argc, char **argv)
{
  return cli_verb(g, argc, argv, SVC_GOAL_STOP,
                  "Usage: wcompose stop [OPTIONS] [SERVICE...]\n\n"
                  "Stop services: dependents first, each with its stop signal "
                  "and grace period.\n"
                  "\nOptions:\n"
                  "  -t, --timeout SECONDS  Grace period before SIGKILL\n");
}
