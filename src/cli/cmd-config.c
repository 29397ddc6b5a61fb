/* wcompose config: load the project and print it normalized (YAML or
 * JSON), or one of its lists (services, volumes, networks, profiles,
 * images); -q only validates. */
#include "cli/cli.h"
#include "compose/load.h"
#include "util/buf.h"
#include "util/err.h"
#include "views/views.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum {
  O_FORMAT = 1,
  O_SERVICES,
  O_VOLUMES,
  O_NETWORKS,
  O_PROFILES,
  O_IMAGES,
  O_QUIET,
  O_NO_INTERPOLATE,
  O_NO_NORMALIZE,
  O_NO_CONSISTENCY,
  O_OUTPUT
};

static const struct cli_option options[] = {
    {O_FORMAT, 0, "format", "FORMAT", "yaml (default) or json", 0, "yaml|json"},
    {O_SERVICES, 0, "services", NULL, "Print the service names, one per line"},
    {O_VOLUMES, 0, "volumes", NULL, "Print the volume names, one per line"},
    {O_NETWORKS, 0, "networks", NULL, "Print the network names, one per line"},
    {O_PROFILES, 0, "profiles", NULL, "Print the profile names, one per line"},
    {O_IMAGES, 0, "images", NULL, "Print the image names, one per line"},
    {O_QUIET, 'q', "quiet", NULL, "Only validate the configuration"},
    {O_NO_INTERPOLATE, 0, "no-interpolate", NULL,
     "Do not interpolate variables"},
    {O_NO_NORMALIZE, 0, "no-normalize", NULL, "Do not normalize the model"},
    {O_NO_CONSISTENCY, 0, "no-consistency", NULL,
     "Do not check cross-references"},
    {O_OUTPUT, 'o', "output", "FILE", "Write the output to FILE"},
    {0}};

/* The list asked for; of several, the first in this order (as docker
 * compose picks). */
static enum views_config_what what_of(const struct cli_args *args)
{
  static const struct {
    int id;
    enum views_config_what w;
  } lists[] = {{O_SERVICES, VIEWS_CONFIG_SERVICES},
               {O_VOLUMES, VIEWS_CONFIG_VOLUMES},
               {O_NETWORKS, VIEWS_CONFIG_NETWORKS},
               {O_PROFILES, VIEWS_CONFIG_PROFILES},
               {O_IMAGES, VIEWS_CONFIG_IMAGES}};
  for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
    if (cli_flag(args, lists[i].id))
      return lists[i].w;
  return VIEWS_CONFIG_PROJECT;
}

static int cmd_config(struct cli_global *g, const struct cli_args *args)
{
  struct load_options lo = {0};
  enum views_config_what w = what_of(args);
  const char *output = cli_value(args, O_OUTPUT);
  const char *format = cli_value(args, O_FORMAT);
  int json = format && !strcmp(format, "json");
  int quiet = cli_flag(args, O_QUIET) > 0;
  lo.no_interpolate = cli_flag(args, O_NO_INTERPOLATE) > 0;
  lo.no_normalize = cli_flag(args, O_NO_NORMALIZE) > 0;
  lo.no_consistency = cli_flag(args, O_NO_CONSISTENCY) > 0;
  if (args->pos.n) {
    fprintf(stderr, "wcompose config: unexpected argument '%s'\n",
            args->pos.v[0]);
    return EXIT_USAGE;
  }

  lo.files = &g->files;
  lo.project_name = g->project_name;
  lo.project_dir = g->project_dir;
  lo.env_files = &g->env_files;
  lo.profiles = &g->profiles;
  if (w == VIEWS_CONFIG_PROFILES) {
    /* every service counts when listing profiles */
    static struct strvec all = STRVEC_INIT;
    if (!all.n)
      strvec_push(&all, "*");
    lo.profiles = &all;
  }

  struct strvec warnings = STRVEC_INIT;
  struct err err = ERR_INIT;
  struct project *p = NULL;
  int rc = compose_load(&lo, &p, &warnings, &err);
  for (size_t i = 0; i < warnings.n; i++)
    cli_warn("%s", warnings.v[i]);
  strvec_clear(&warnings);
  if (rc) {
    cli_print_err(&err);
    err_release(&err);
    return EXIT_CONFIG;
  }
  err_release(&err);
  if (quiet) {
    project_free(p);
    return EXIT_OK;
  }

  struct buf out = BUF_INIT;
  rc = views_config(p, w, json, &out);
  project_free(p);
  if (rc) {
    fprintf(stderr, "wcompose config: cannot render the project: %s\n",
            err_text(rc));
    buf_release(&out);
    return EXIT_FAIL;
  }
  FILE *f = stdout;
  if (output) {
    f = fopen(output, "w");
    if (!f) {
      fprintf(stderr, "wcompose config: cannot write '%s': %s\n", output,
              strerror(errno));
      buf_release(&out);
      return EXIT_FAIL;
    }
  }
  if (out.len)
    fwrite(out.data, 1, out.len, f);
  if (output && fclose(f)) {
    fprintf(stderr, "wcompose config: cannot write '%s': %s\n", output,
            strerror(errno));
    buf_release(&out);
    return EXIT_FAIL;
  }
  buf_release(&out);
  return EXIT_OK;
}

const struct cli_command cmd_config_entry = {
    .name = "config",
    .summary = "Parse, resolve and render the compose file in canonical form",
    .usage = "[OPTIONS]",
    .options = options,
    .run = cmd_config};
