/* wcompose create: converge the project like up --no-start: images,
 * networks, volumes and containers, nothing started. */
#include "cli/lifecycle.h"

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
  struct lc_converge co = {.no_start = 1, .timeout = -1};
  co.build = cli_flag(args, O_BUILD) > 0;
  co.no_build = cli_flag(args, O_NO_BUILD) > 0;
  if (cli_flag(args, O_FORCE))
    co.plan_flags |= PLAN_FORCE_RECREATE;
  if (cli_flag(args, O_NO_RECREATE))
    co.plan_flags |= PLAN_NO_RECREATE;
  if (cli_flag(args, O_ORPHANS))
    co.plan_flags |= PLAN_REMOVE_ORPHANS;
  co.pull = cli_value(args, O_PULL);
  struct lc lc;
  struct plan plan = PLAN_INIT;
  int rc = lc_load(&lc, g, args->pos.v, (int)args->pos.n, 1);
  if (!rc)
    rc = lc_check_builds(&lc);
  if (!rc)
    rc = lc_engine(&lc);
  if (!rc)
    rc = lc_converge(&lc, &co, &plan);
  plan_release(&plan);
  int code = lc_exit(&lc, rc);
  lc_close(&lc);
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
