/* wcompose create: converge the project like up --no-start: images,
 * networks, volumes and containers, nothing started. */
#include "cli/cli.h"
#include "orchestrate/converge.h"

enum { O_BUILD = 1, O_NO_BUILD, O_FORCE, O_NO_RECREATE, O_ORPHANS, O_PULL };

static const struct cli_option options[] = {
    {O_BUILD, 0, "build", NULL, "Build images first"},
    {O_NO_BUILD, 0, "no-build", NULL, "Don't build missing images"},
    {O_FORCE, 0, "force-recreate", NULL, "Recreate even unchanged containers"},
    {O_NO_RECREATE, 0, "no-recreate", NULL, "Keep existing containers"},
    {O_ORPHANS, 0, "remove-orphans", NULL,
     "Remove containers of services not in the file"},
    {O_PULL, 0, "pull", "POLICY",
     "Pull images: always, missing, never or build", 0,
     "always|missing|never|build"},
    {0}};

static int cmd_create(struct cli_global *g, const struct cli_args *args)
{
  struct converge_options co = {.no_start = 1, .timeout = -1};
  co.images.force = cli_flag(args, O_BUILD) > 0;
  co.images.no_build = cli_flag(args, O_NO_BUILD) > 0;
  if (cli_flag(args, O_FORCE))
    co.plan_flags |= PLAN_FORCE_RECREATE;
  if (cli_flag(args, O_NO_RECREATE))
    co.plan_flags |= PLAN_NO_RECREATE;
  if (cli_flag(args, O_ORPHANS))
    co.plan_flags |= PLAN_REMOVE_ORPHANS;
  co.images.pull = cli_value(args, O_PULL);
  struct cli_session cs;
  struct plan plan = PLAN_INIT;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 1);
  if (!rc)
    rc = session_check_builds(&cs.s);
  if (!rc)
    rc = cli_session_open_guarded(&cs);
  if (!rc)
    rc = converge(&cs.s, &co, &plan);
  plan_release(&plan);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_create_entry = {
    .name = "create",
    .summary = "Create containers for services",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "Create containers for services (and their networks and "
                   "volumes), without starting them.\n",
    .options = options,
    .run = cmd_create};
