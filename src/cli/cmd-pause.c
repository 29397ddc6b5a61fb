/* wcompose pause: pause services (their running containers). */
#include "cli/cli.h"

int cmd_pause(struct cli_global *g, int argc, char **argv)
{
  return cli_verb(g, argc, argv, SVC_GOAL_PAUSE,
                  "Usage: wcompose pause [OPTIONS] [SERVICE...]\n\n"
                  "Pause services: their running containers.\n");
}
