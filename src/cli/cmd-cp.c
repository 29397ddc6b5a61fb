/* wcompose cp: files between a service's container and the host
 * (orchestrate/cp); one side is SERVICE:PATH. */
#include "cli/cli.h"
#include "orchestrate/cp.h"

#include <string.h>

enum { O_INDEX = 1, O_ARCHIVE, O_FOLLOW };

static const struct cli_option options[] = {
    {O_INDEX, 0, "index", "N", "Index of the container (default 1)",
     CLI_OPT_REPLICA},
    {O_ARCHIVE, 'a', "archive", NULL, "Archive mode (copy all uid/gid)"},
    {O_FOLLOW, 'L', "follow-link", NULL, "Follow a symbolic link in SRC"},
    {0}};

static int cmd_cp(struct cli_global *g, const struct cli_args *args)
{
  struct cp_options o = {.index = cli_int(args, O_INDEX, 1),
                         .archive = cli_flag(args, O_ARCHIVE) > 0,
                         .follow = cli_flag(args, O_FOLLOW) > 0};
  char *src = args->pos.n == 2 ? args->pos.v[0] : NULL, *colon = NULL;
  int to = 0;
  if (src && !(colon = strchr(src, ':')))
    colon = strchr(args->pos.v[1], ':'), to = 1;
  if (!colon || colon == args->pos.v[to] || strchr(args->pos.v[!to], ':')) {
    fprintf(stderr, "wcompose cp: name SERVICE:PATH on one side\n");
    return cli_help(stderr, args->cmd), EXIT_USAGE;
  }
  *colon = '\0'; /* the service's name ends there */
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, &args->pos.v[to], 1, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  progress_end(&cs.progress);
  if (!rc)
    rc = cp_session_run(&cs.s, project_service(cs.s.project, args->pos.v[to]),
                        colon + 1, args->pos.v[!to], to, &o);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_cp_entry = {
    .name = "cp",
    .summary = "Copy files between a service container and the host",
    .usage = "[OPTIONS] SERVICE:SRC_PATH DEST | SRC SERVICE:DEST_PATH",
    .options = options,
    .run = cmd_cp};
