/* wcompose version: this program's version (the engine's joins it once the
 * engine client lands). */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

int cmd_version(struct cli_global *g, int argc, char **argv)
{
  int json = 0, shrt = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--short"))
      shrt = 1;
    else if (!strcmp(argv[i], "--format=json") ||
             (!strcmp(argv[i], "--format") && i + 1 < argc &&
              !strcmp(argv[++i], "json")))
      json = 1;
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      printf("Usage: wcompose version [--short] [--format json]\n");
      return EXIT_OK;
    } else {
      fprintf(stderr, "wcompose version: unknown flag '%s'\n", argv[i]);
      return EXIT_USAGE;
    }
  }
  if (shrt)
    printf("%s\n", PACKAGE_VERSION);
  else if (json)
    printf("{\"version\":\"%s\"}\n", PACKAGE_VERSION);
  else
    printf("wcompose version %s\n", PACKAGE_VERSION);
  return EXIT_OK;
}
