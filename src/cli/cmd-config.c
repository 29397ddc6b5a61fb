/* wcompose config: load the project and print it normalized (YAML or
 * JSON), or one of its lists (services, volumes, networks, profiles,
 * images); -q only validates. */
#include "cli/cli.h"
#include "compose/emit.h"
#include "compose/load.h"
#include "util/buf.h"
#include "util/err.h"

#include <errno.h>
#include <getopt.h>
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

static void usage(FILE *f)
{
  fprintf(f, "Usage: wcompose config [OPTIONS]\n\n"
             "Parse, resolve and render the compose file in canonical form.\n\n"
             "Options:\n"
             "      --format FORMAT    yaml (default) or json\n"
             "      --services         Print the service names, one per line\n"
             "      --volumes          Print the volume names, one per line\n"
             "      --networks         Print the network names, one per line\n"
             "      --profiles         Print the profile names, one per line\n"
             "      --images           Print the image names, one per line\n"
             "  -q, --quiet            Only validate the configuration\n"
             "      --no-interpolate   Do not interpolate variables\n"
             "      --no-normalize     Do not normalize the model\n"
             "      --no-consistency   Do not check cross-references\n"
             "  -o, --output FILE      Write the output to FILE\n"
             "  -h, --help             Show this help\n");
}

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

int cmd_config(struct cli_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
      {"format", required_argument, NULL, 'F'},
      {"services", no_argument, NULL, 'S'},
      {"volumes", no_argument, NULL, 'V'},
      {"networks", no_argument, NULL, 'N'},
      {"profiles", no_argument, NULL, 'P'},
      {"images", no_argument, NULL, 'I'},
      {"quiet", no_argument, NULL, 'q'},
      {"no-interpolate", no_argument, NULL, 'i'},
      {"no-normalize", no_argument, NULL, 'n'},
      {"no-consistency", no_argument, NULL, 'c'},
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct load_options lo = {0};
  enum what w = W_PROJECT;
  const char *output = NULL;
  int json = 0, quiet = 0, c;

  opterr = 0;
  while ((c = getopt_long(argc, argv, "+qo:h", opts, NULL)) != -1) {
    switch (c) {
    case 'F':
      if (!strcmp(optarg, "json")) {
        json = 1;
      } else if (!strcmp(optarg, "yaml")) {
        json = 0;
      } else {
        fprintf(stderr,
                "wcompose config: unsupported format '%s' (want yaml or "
                "json)\n",
                optarg);
        return EXIT_USAGE;
      }
      break;
    case 'S':
      w = W_SERVICES;
      break;
    case 'V':
      w = W_VOLUMES;
      break;
    case 'N':
      w = W_NETWORKS;
      break;
    case 'P':
      w = W_PROFILES;
      break;
    case 'I':
      w = W_IMAGES;
      break;
    case 'q':
      quiet = 1;
      break;
    case 'i':
      lo.no_interpolate = 1;
      break;
    case 'n':
      lo.no_normalize = 1;
      break;
    case 'c':
      lo.no_consistency = 1;
      break;
    case 'o':
      output = optarg;
      break;
    case 'h':
      usage(stdout);
      return EXIT_OK;
    default:
      fprintf(stderr,
              "wcompose config: option '%s' is unknown or needs a "
              "value\n",
              argv[optind - 1]);
      fprintf(stderr, "Run 'wcompose config --help' for usage.\n");
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "wcompose config: unexpected argument '%s'\n",
            argv[optind]);
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
