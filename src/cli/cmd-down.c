/* wcompose down: stop and remove the project's containers (dependents
 * first), then its networks, and with -v its volumes, with --rmi its
 * images. */
#include "cli/cli.h"
#include "orchestrate/teardown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The images of the selected services: those built (no image: name), or
 * all with --rmi all. */
enum { O_VOLUMES = 1, O_RMI, O_ORPHANS, O_TIMEOUT };

static const struct cli_option options[] = {
    {O_VOLUMES, 'v', "volumes", NULL,
     "Remove named volumes declared in the file and anonymous volumes"},
    {O_RMI, 0, "rmi", "TYPE",
     "Remove images: 'local' (built ones without an image: name) or 'all'", 0,
     "local|all"},
    {O_ORPHANS, 0, "remove-orphans", NULL,
     "Remove containers of services not in the file"},
    {O_TIMEOUT, 't', "timeout", "SECONDS", "Grace period before SIGKILL",
     CLI_OPT_SECONDS},
    {0}};

static int cmd_down(struct cli_global *g, const struct cli_args *args)
{
  int volumes = cli_flag(args, O_VOLUMES) > 0;
  int orphans = cli_flag(args, O_ORPHANS) > 0;
  int timeout = cli_int(args, O_TIMEOUT, -1);
  const char *rmi = cli_value(args, O_RMI);
  struct cli_session cs;
  struct session *S = &cs.s;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open_guarded(&cs);
  struct teardown_options o = {.timeout = timeout,
                               .remove_orphans = orphans,
                               .volumes = volumes,
                               .images = !rmi                  ? 0
                                         : !strcmp(rmi, "all") ? 2
                                                               : 1};
  if (!rc)
    rc = teardown(S, &o);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_down_entry = {
    .name = "down",
    .summary = "Stop and remove containers, networks, volumes and images",
    .usage = "[OPTIONS] [SERVICE...]",
    .options = options,
    .run = cmd_down};
