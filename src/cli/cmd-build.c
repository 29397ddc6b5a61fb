/* wcompose build: build the images of services with a build section
 * (orchestrate/images.h), their output with the service's name. */
#include "cli/cli.h"
#include "orchestrate/images.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_NO_CACHE = 1, O_PULL, O_QUIET };

static const struct cli_option options[] = {
    {O_NO_CACHE, 0, "no-cache", NULL, "Do not use the cache"},
    {O_PULL, 0, "pull", NULL, "Always try to pull newer base images"},
    {O_QUIET, 'q', "quiet", NULL, "Print nothing but errors"},
    {0}};

static int cmd_build(struct cli_global *g, const struct cli_args *args)
{
  int no_cache = cli_flag(args, O_NO_CACHE) > 0,
      pull = cli_flag(args, O_PULL) > 0;
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = session_check_builds(&cs.s);
  if (!rc)
    rc = cli_session_open_guarded(&cs);
  for (size_t i = 0; !rc && i < cs.s.project->nservices; i++) {
    struct service *s = &cs.s.project->services[i];
    if (!cs.s.selected[i] || !s->build)
      continue;
    if (no_cache)
      s->build->no_cache = TRI_TRUE;
    if (pull)
      s->build->pull = TRI_TRUE;
    rc = images_build(&cs.s, s);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_build_entry = {
    .name = "build",
    .summary = "Build or rebuild service images",
    .usage = "[OPTIONS] [SERVICE...]",
    .description =
        "Build or rebuild the images of services with a build section.\n",
    .options = options,
    .run = cmd_build};
