/* wcompose stack: the project on a Docker Swarm (stack/stack.h). */
#include "cli/cli.h"
#include "stack/stack.h"
#include <string.h>
enum { O_FILE = 1, O_PRUNE, O_RESOLVE, O_AUTH, O_DETACH, O_NO_TRUNC };
static const struct cli_option options[] = {
    {O_FILE, 'c', "compose-file", "FILE", "deploy: the compose file", 1},
    {O_PRUNE, 0, "prune", NULL, "deploy: remove services not in the files"},
    {O_RESOLVE, 0, "resolve-image", "WHEN", "deploy: pin images to digests", 0,
     "always|changed|never"},
    {O_AUTH, 0, "with-registry-auth", NULL, "deploy: credentials to nodes"},
    {O_DETACH, 0, "detach", "BOOL", "deploy: false follows the rollout", 0,
     "true|false"},
    {O_NO_TRUNC, 0, "no-trunc", NULL, "ps: do not shorten ids and errors"},
    {0}};
static int cmd_stack(struct cli_global *g, const struct cli_args *a)
{
  struct cli_session cs = {.g = g};
  struct stack_deploy_opts o = {0};
  enum stack_verb v;
  const char *d = cli_value(a, O_DETACH);
  int rc = stack_verb_parse(a->pos.v, a->pos.n, &v, &o.ns, &cs.s.err);
  struct buf out = BUF_INIT;
  o.prune = cli_flag(a, O_PRUNE) > 0;
  o.resolve = stack_resolve_parse(cli_value(a, O_RESOLVE));
  o.registry_auth = cli_flag(a, O_AUTH) > 0;
  o.follow = d && !strcmp(d, "false");
  cli_values_copy(a, O_FILE, &g->files);
  g->project_name = g->project_name ? g->project_name : o.ns;
  if (!rc && v == STACK_DEPLOY)
    rc = cli_session_load(&cs, g, NULL, 0, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = stack_run(&cs.s, v, &o, cli_flag(a, O_NO_TRUNC) > 0, &out);
  return cli_session_finish(&cs, &out, rc);
}
const struct cli_command cmd_stack_entry = {
    "stack",
    "Deploy the project to a Docker Swarm (ls, services, ps, rm)",
    "(deploy [-c FILE]... | services | ps | rm) NAME | ls",
    NULL,
    options,
    cmd_stack,
    CLI_CMD_PERMUTE};
