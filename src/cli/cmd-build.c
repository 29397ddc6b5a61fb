/* wcompose build: build the images of services with a build section
 * (orchestrate/images.h), their output with the service's name. */
#include "cli/cli.h"
#include "orchestrate/images.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cmd_build(struct cli_global *g, int argc, char **argv)
{
  static const struct option opts[] = {{"no-cache", no_argument, NULL, 'n'},
                                       {"pull", no_argument, NULL, 'P'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int no_cache = 0, pull = 0, c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
    switch (c) {
    case 'n':
      no_cache = 1;
      break;
    case 'P':
      pull = 1;
      break;
    case 'q':
      break;
    case 'h':
      printf("Usage: wcompose build [OPTIONS] [SERVICE...]\n\n"
             "Build or rebuild the images of services with a build "
             "section.\n\nOptions:\n"
             "      --no-cache   Do not use the cache\n"
             "      --pull       Always try to pull newer base images\n"
             "  -q, --quiet      Print nothing but errors\n");
      return EXIT_OK;
    default:
      fprintf(stderr,
              "wcompose build: unknown or incomplete flag '%s'\n"
              "Run 'wcompose build --help' for usage.\n",
              argv[optind - 1]);
      return EXIT_USAGE;
    }
  }
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, argv + optind, argc - optind, 0);
  if (!rc)
    rc = session_check_builds(&cs.s);
  if (!rc)
    rc = cli_session_open(&cs);
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
