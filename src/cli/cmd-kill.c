/* wcompose kill: force stop service containers (with SIGKILL or -s). */
#include "cli/cli.h"

int cmd_kill(struct cli_global *g, int argc, char **argv)
{
  return cli_verb(
      g, argc, argv, SVC_GOAL_KILL,
      "Usage: wcompose kill [OPTIONS] [SERVICE...]\n\n"
      "Force stop service containers: with SIGKILL or -s.\n"
      "\nOptions:\n"
      "  -s, --signal SIGNAL    Signal to send (default SIGKILL)\n");
}
