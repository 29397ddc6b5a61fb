/* wcompose scale: set the number of containers of services (and bring
 * their dependencies up unless --no-deps), as up -d --scale does for the
 * services named: down by the highest numbers, up by the lowest free. */
#include "cli/cli.h"
#include "orchestrate/converge.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

enum { O_NO_DEPS = 1 };

static const struct cli_option options[] = {
    {O_NO_DEPS, 0, "no-deps", NULL, "Don't start linked services"}, {0}};

static int cmd_scale(struct cli_global *g, const struct cli_args *args)
{
  struct strvec names = STRVEC_INIT;
  struct converge_options co = {.timeout = -1};
  if (!args->pos.n) {
    fprintf(stderr, "wcompose scale: name at least one SERVICE=REPLICAS\n");
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < args->pos.n; i++) {
    const char *eq = strchr(args->pos.v[i], '=');
    if (!eq || eq == args->pos.v[i] || cli_parse_seconds(eq + 1) < 0) {
      fprintf(stderr, "wcompose scale: '%s' is not SERVICE=REPLICAS\n",
              args->pos.v[i]);
      strvec_clear(&names);
      return EXIT_USAGE;
    }
    strvec_pushf(&names, "%.*s", (int)(eq - args->pos.v[i]), args->pos.v[i]);
  }
  struct cli_session cs;
  struct plan plan = PLAN_INIT;
  int *scale = NULL;
  int rc = cli_session_load(&cs, g, names.v, (int)names.n,
                            !cli_flag(args, O_NO_DEPS));
  if (!rc) {
    scale = xcalloc(cs.s.project->nservices + 1, sizeof(*scale));
    rc = session_scale(&cs.s, &args->pos, scale);
  }
  if (!rc)
    rc = session_check_builds(&cs.s);
  if (!rc)
    rc = cli_session_open_guarded(&cs);
  co.scale = scale;
  if (!rc)
    rc = converge(&cs.s, &co, &plan);
  plan_release(&plan);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  free(scale);
  strvec_clear(&names);
  return code;
}

const struct cli_command cmd_scale_entry = {
    .name = "scale",
    .summary = "Scale services",
    .usage = "[OPTIONS] SERVICE=REPLICAS...",
    .description =
        "Set the number of containers of services, starting their "
        "dependencies\nunless --no-deps. Scaling down removes the "
        "highest-numbered containers;\nscaling up adds the lowest free "
        "numbers.\n",
    .options = options,
    .run = cmd_scale};
