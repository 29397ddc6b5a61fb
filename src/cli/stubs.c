/* Weak stand-ins for commands not built yet: each says so and fails. A
 * cmd-*.c that defines the command replaces its stand-in at link time. */
#include "cli/cli.h"

#include <stdio.h>

#define CLI_STUB_(name, summary)                                               \
  __attribute__((weak)) int cmd_##name(struct cli_global *g, int argc,         \
                                       char **argv)                            \
  {                                                                            \
    fprintf(stderr, "wcompose: '%s' is not implemented yet\n", #name);         \
    return EXIT_FAIL;                                                          \
  }
CLI_COMMANDS(CLI_STUB_)
#undef CLI_STUB_
