/* wcompose create: converge the project like up --no-start: images,
 * networks, volumes and containers, nothing started. */
#include "cli/cli.h"
#include "orchestrate/converge.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cmd_create(struct cli_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
      {"build", no_argument, NULL, 'b'},
      {"no-build", no_argument, NULL, 'B'},
      {"force-recreate", no_argument, NULL, 'F'},
      {"no-recreate", no_argument, NULL, 'N'},
      {"remove-orphans", no_argument, NULL, 'O'},
      {"pull", required_argument, NULL, 'P'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct converge_options co = {.no_start = 1, .timeout = -1};
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    switch (c) {
    case 'b':
      co.images.force = 1;
      break;
    case 'B':
      co.images.no_build = 1;
      break;
    case 'F':
      co.plan_flags |= PLAN_FORCE_RECREATE;
      break;
    case 'N':
      co.plan_flags |= PLAN_NO_RECREATE;
      break;
    case 'O':
      co.plan_flags |= PLAN_REMOVE_ORPHANS;
      break;
    case 'P':
      if (strcmp(optarg, "always") && strcmp(optarg, "missing") &&
          strcmp(optarg, "never") && strcmp(optarg, "build")) {
        fprintf(stderr,
                "wcompose create: --pull: '%s' is not one of always, "
                "missing, never, build\n",
                optarg);
        return EXIT_USAGE;
      }
      co.images.pull = optarg;
      break;
    case 'h':
      printf("Usage: wcompose create [OPTIONS] [SERVICE...]\n\n"
             "Create containers for services (and their networks and "
             "volumes), without starting them.\n\n"
             "Options:\n"
             "      --build            Build images first\n"
             "      --no-build         Don't build missing images\n"
             "      --force-recreate   Recreate even unchanged containers\n"
             "      --no-recreate      Keep existing containers\n"
             "      --remove-orphans   Remove containers of services not "
             "in the file\n");
      return EXIT_OK;
    default:
      fprintf(stderr,
              "wcompose create: unknown or incomplete flag '%s'\n"
              "Run 'wcompose create --help' for usage.\n",
              argv[optind - 1]);
      return EXIT_USAGE;
    }
  }
  struct cli_session cs;
  struct plan plan = PLAN_INIT;
  int rc = cli_session_load(&cs, g, argv + optind, argc - optind, 1);
  if (!rc)
    rc = session_check_builds(&cs.s);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = converge(&cs.s, &co, &plan);
  plan_release(&plan);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}
