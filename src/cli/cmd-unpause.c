/* wcompose unpause: unpause services (their paused containers). */
#include "cli/cli.h"

int cmd_unpause(struct cli_global *g, int argc, char **argv)
{
  return cli_verb(g, argc, argv, SVC_GOAL_UNPAUSE,
                  "Usage: wcompose unpause [OPTIONS] [SERVICE...]\n\n"
                  "Unpause services: their paused containers.\n");
}
