/* The command-line layer: global flags parsed by main.c, one function per
 * command (src/cli/cmd-*.c). Only main.c and cli/ print and exit. */
#ifndef WCOMPOSE_CLI_CLI_H
#define WCOMPOSE_CLI_CLI_H

#include "util/strvec.h"

/* Exit codes (documented in doc/wcompose.1). */
enum cli_exit {
  EXIT_OK = 0,
  EXIT_FAIL = 1,      /* a runtime failure: a build, a container, the engine */
  EXIT_USAGE = 2,     /* bad flags, unknown command or service */
  EXIT_CONFIG = 14,   /* the compose files are invalid: nothing was done */
  EXIT_NOENGINE = 17, /* no engine answers, or the socket is not permitted */
  EXIT_SIGINT = 130   /* stopped by Ctrl-C */
};

/* Global flags, before the command name. Strings point into argv or the
 * environment; vectors are owned and cleared by main. */
struct cli_global {
  struct strvec files;      /* -f/--file, repeatable; "-" is stdin */
  const char *project_name; /* -p/--project-name */
  const char *project_dir;  /* --project-directory */
  struct strvec env_files;  /* --env-file, repeatable */
  struct strvec profiles;   /* --profile, repeatable */
  const char *progress;     /* --progress auto|tty|plain|json|quiet */
  const char *ansi;         /* --ansi never|always|auto */
  int parallel;             /* --parallel, -1 unlimited */
  int dry_run;              /* --dry-run */
};

/* A command: argv[0] is the command name; getopt state is reset. */
typedef int (*cli_cmd_fn)(struct cli_global *g, int argc, char **argv);

/* Every command's entry point. Commands not built yet answer from
 * cli/stubs.c (weak definitions) with a clear "not implemented" error. */
#define CLI_COMMANDS(X)                                                        \
  X(build, "Build or rebuild service images")                                  \
  X(config, "Parse, resolve and render the compose file in canonical form")    \
  X(create, "Create containers for services")                                  \
  X(down, "Stop and remove containers, networks, volumes and images")          \
  X(events, "Stream events from the project's containers")                     \
  X(exec, "Execute a command in a running container")                          \
  X(images, "List images used by the project's containers")                    \
  X(kill, "Force stop service containers")                                     \
  X(logs, "View output from containers")                                       \
  X(ls, "List running compose projects")                                       \
  X(pause, "Pause services")                                                   \
  X(port, "Print the public port for a port binding")                          \
  X(ps, "List containers")                                                     \
  X(pull, "Pull service images")                                               \
  X(push, "Push service images")                                               \
  X(restart, "Restart service containers")                                     \
  X(rm, "Remove stopped service containers")                                   \
  X(run, "Run a one-off command on a service")                                 \
  X(start, "Start services")                                                   \
  X(stop, "Stop services")                                                     \
  X(top, "Display the running processes")                                      \
  X(unpause, "Unpause services")                                               \
  X(up, "Create and start containers")                                         \
  X(version, "Show the wcompose and engine versions")                          \
  X(watch, "Watch build context for service and rebuild/refresh containers")

#define CLI_DECLARE_(name, summary)                                            \
  int cmd_##name(struct cli_global *g, int argc, char **argv);
CLI_COMMANDS(CLI_DECLARE_)
#undef CLI_DECLARE_

/* Print "wcompose: <text>" lines of an error report to stderr. */
struct err;
void cli_print_err(const struct err *err);
/* Print a warning line "WARN: ..." style to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
