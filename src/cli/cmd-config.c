/* wcompose config: load the project and print it normalized (YAML or
 * JSON), or one of its lists (services, volumes, networks, profiles,
 * images); -q only validates. */
#include "cli/cli.h"
#include "compose/emit.h"
#include "compose/load.h"
#include "util/buf.h"
#include "util/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum what {
  W_PROJECT,
  W_SERVICES,
  W_VOLUMES,
  W_NETWORKS,
  W_PROFILES,
  W_IMAGES
};

static int cmp_str(const void *x, const void *y)
{
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Every profile named by a service, enabled or not, sorted and unique. */
static void list_profiles(const struct project *p, struct buf *out)
{
  struct strvec all = STRVEC_INIT;
  for (size_t i = 0; i < p->nservices + p->ndisabled; i++) {
    const struct service *s =
        i < p->nservices ? &p->services[i] : &p->disabled[i - p->nservices];
    for (size_t j = 0; j < s->profiles.n; j++)
      if (!strvec_has(&all, s->profiles.v[j]))
        strvec_push(&all, s->profiles.v[j]);
  }
  if (all.n)
    qsort(all.v, all.n, sizeof(*all.v), cmp_str);
  for (size_t i = 0; i < all.n; i++)
    buf_addf(out, "%s\n", all.v[i]);
  strvec_clear(&all);
}

static int render(const struct project *p, enum what w, int json,
                  struct buf *out)
{
  size_t i;
  switch (w) {
  case W_SERVICES:
    for (i = 0; i < p->nservices; i++)
      buf_addf(out, "%s\n", p->services[i].name);
    return 0;
  case W_VOLUMES:
    for (i = 0; i < p->nvolumes; i++)
      buf_addf(out, "%s\n", p->volumes[i].key);
    return 0;
  case W_NETWORKS:
    for (i = 0; i < p->nnetworks; i++)
      buf_addf(out, "%s\n", p->networks[i].key);
    return 0;
  case W_PROFILES:
    list_profiles(p, out);
    return 0;
  case W_IMAGES:
    for (i = 0; i < p->nservices; i++) {
      const struct service *s = &p->services[i];
      if (s->image)
        buf_addf(out, "%s\n", s->image);
      else
        buf_addf(out, "%s-%s\n", p->name, s->name);
    }
    return 0;
  case W_PROJECT:
    break;
  }
  cJSON *tree = emit_project_as(p, json ? EMIT_FORMAT_JSON : EMIT_FORMAT_YAML);
  int rc =
      tree ? (json ? emit_json(tree, out) : emit_yaml(tree, out)) : ERR_NOMEM;
  cJSON_Delete(tree);
  return rc;
}

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
static enum what what_of(const struct cli_args *args)
{
  static const struct {
    int id;
    enum what w;
  } lists[] = {{O_SERVICES, W_SERVICES},
               {O_VOLUMES, W_VOLUMES},
               {O_NETWORKS, W_NETWORKS},
               {O_PROFILES, W_PROFILES},
               {O_IMAGES, W_IMAGES}};
  for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
    if (cli_flag(args, lists[i].id))
      return lists[i].w;
  return W_PROJECT;
}

static int cmd_config(struct cli_global *g, const struct cli_args *args)
{
  struct load_options lo = {0};
  enum what w = what_of(args);
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
  if (w == W_PROFILES) {
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
  rc = render(p, w, json, &out);
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
