/* wcompose restart: restart service containers (dependencies first). */
#include "cli/cli.h"

int cmd_restart(struct cli_global *g, int argc, char **argv)
{
  return cli_verb(g, argc, argv, SVC_GOAL_RESTART,
                  "Usage: wcompose restart [OPTIONS] [SERVICE...]\n\n"
                  "Restart service containers: dependencies first.\n"
                  "\nOptions:\n"
                  "  -t, --timeout SECONDS  Grace period before SIGKILL\n");
}
