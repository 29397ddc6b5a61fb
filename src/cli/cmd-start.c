/* wcompose start: start services (existing containers, dependencies first). */
#include "cli/cli.h"

int cmd_start(struct cli_global *g, int argc, char **argv)
{
  return cli_verb(g, argc, argv, SVC_GOAL_UP,
                  "Usage: wcompose start [OPTIONS] [SERVICE...]\n\n"
                  "Start services: existing containers, dependencies first.\n");
}
