/* The command-line layer: global flags parsed by main.c, one function per
 * command (src/cli/cmd-*.c). Only main.c and cli/ print and exit. */
#ifndef WCOMPOSE_CLI_CLI_H
#define WCOMPOSE_CLI_CLI_H

#include "cli/progress.h"
#include "orchestrate/session.h"
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

/* A command's session (orchestrate/session.h) with the progress display
 * as its hooks (cli/runtime.c). */
struct cli_session {
  struct session s;
  struct progress progress;
  int progress_open;
  struct cli_global *g;
  cJSON *listed; /* views_open's listing for the read-only commands */
};
/* Load the project and select services (session_load). */
int cli_session_load(struct cli_session *cs, struct cli_global *g,
                     char **services, int n, int with_deps);
/* Open the progress display and the engine. */
int cli_session_open(struct cli_session *cs);
/* Print the session's error (if rc) and map rc to an exit code. */
int cli_session_exit(struct cli_session *cs, int rc);
void cli_session_close(struct cli_session *cs);
/* The exit code for rc, printing err (or rc's text) first. */
int cli_exit_code(int rc, const struct err *err);
/* A --timeout style number of seconds, or -1 on junk. */
int cli_parse_seconds(const char *text);

/* The simple verbs (start, stop, restart, kill, pause, unpause, rm): parse
 * their flags ([-t N] [-s SIGNAL] [-f] [-v] [SERVICE...]) and walk the
 * observed containers toward goal (cli/verbs.c). usage is the help text. */
int cli_verb(struct cli_global *g, int argc, char **argv, enum svc_goal goal,
             const char *usage);

/* Print "wcompose: <text>" lines of an error report to stderr. */
struct err;
void cli_print_err(const struct err *err);
/* An engine_output_cb for run and exec: a container's output to our stdout
 * and stderr as it comes (ctx unused). */
int cli_print_output(void *ctx, enum stream_kind kind, const char *data,
                     size_t n);
/* Print a warning line "WARN: ..." style to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
