/* wcompose create: converge the project like up --no-start: images,
 * networks, volumes and containers, nothing started. */
#include "cli/lifecycle.h"

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
  struct lc_converge co = {.no_start = 1, .timeout = -1};
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    switch (c) {
    case 'b':
      co.build = 1;
      break;
    case 'B':
      co.no_build = 1;
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
      co.pull = optarg;
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
  struct lc lc;
  struct plan plan = PLAN_INIT;
  int rc = lc_load(&lc, g, argv + optind, argc - optind, 1);
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
