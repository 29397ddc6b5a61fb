/* wcompose rm: remove stopped service containers (running ones too with -s). */
#include "cli/cli.h"

static const struct cli_option options[] = {
    {VERB_OPT_FORCE, 'f', "force", NULL, "Do not ask for confirmation"},
    {VERB_OPT_STOP, 's', "stop", NULL, "Stop the containers first"},
    {VERB_OPT_VOLUMES, 'v', "volumes", NULL, "Remove anonymous volumes too"},
    {0}};

static int cmd_rm(struct cli_global *g, const struct cli_args *args)
{
  return cli_verb(g, args, SVC_GOAL_DOWN);
}

const struct cli_command cmd_rm_entry = {
    .name = "rm",
    .summary = "Remove stopped service containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description =
        "Remove stopped service containers: running ones too with -s.\n",
    .options = options,
    .run = cmd_rm};
