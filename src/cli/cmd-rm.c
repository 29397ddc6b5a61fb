/* wcompose rm: remove stopped service containers (running ones too with -s). */
#include "cli/cli.h"

int cmd_rm(struct cli_global *g, int argc, char **argv)
{
  return cli_verb(
      g, argc, argv, SVC_GOAL_DOWN,
      "Usage: wcompose rm [OPTIONS] [SERVICE...]\n\n"
      "Remove stopped service containers: running ones too with -s.\n"
      "\nOptions:\n"
      "  -f, --force            Do not ask for confirmation\n"
      "  -s, --stop             Stop the containers first\n"
      "  -v, --volumes          Remove anonymous volumes too\n");
}
